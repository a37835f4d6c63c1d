"""The referrals Blueprint and its role groups."""

from chalice import Blueprint

from chalicelib.auth.roles import COORDINATOR, SHELTER, STAFF_ROLES
from chalicelib.errors import N_
from chalicelib.web.nav import add_staff_link

bp = Blueprint("chalicelib.referrals.routes")
COORD = (COORDINATOR,)  # admin passes every check
PARTNER = (SHELTER,)  # and each shelter id is checked against the login's own
add_staff_link("/staff/referrals", N_("Referrals"), COORD, order=31)
add_staff_link("/staff/referrals/stats", N_("Referral statistics"), STAFF_ROLES, 81)
