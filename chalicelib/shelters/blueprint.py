"""The shelters Blueprint, its role groups and its staff-home links."""

from chalice import Blueprint

from chalicelib.auth.roles import COORDINATOR, STAFF, STAFF_ROLES
from chalicelib.errors import N_
from chalicelib.web.nav import add_staff_link

bp = Blueprint("chalicelib.shelters.routes")
BOARD = (STAFF, COORDINATOR)  # counts and criteria, never addresses
COORD = (COORDINATOR,)  # admin passes every check
add_staff_link("/staff/shelters", N_("Shelter beds"), BOARD, order=30)
add_staff_link("/staff/shelters/stats", N_("Bed-night statistics"), STAFF_ROLES, 80)
