"""The referrals Blueprint and its role groups."""

from chalice import Blueprint

from chalicelib.auth.roles import COORDINATOR, SHELTER

bp = Blueprint("chalicelib.referrals.routes")
COORD = (COORDINATOR,)  # admin passes every check
PARTNER = (SHELTER,)  # and each shelter id is checked against the login's own
