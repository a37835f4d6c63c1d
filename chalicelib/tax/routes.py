"""Tax deduction: finance's yearly limits (JSON API and, later, pages)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.roles import FINANCE
from chalicelib.errors import N_, ValidationFailed
from chalicelib.tax import limits
from chalicelib.web.routing import api
from chalicelib.web.schema import BOOL, array, integer, obj

bp = Blueprint(__name__)
FINANCE_ONLY = (FINANCE,)  # admin passes every check
LIMITS = obj({"year": integer(2020, 2100), "minimum": integer(1),
              "maximum": integer(1), "closed": BOOL, "confirmed": BOOL})
LIMITS_BODY = obj({"minimum": integer(1), "maximum": integer(1), "closed": BOOL},
                  required=("minimum", "maximum"))


def limits_json(item: limits.YearLimits) -> dict:
    return item._asdict()


@api(bp, "/api/tax/limits", roles=FINANCE_ONLY, answer=obj({"years": array(LIMITS)}))
def limits_api(ctx):
    return ctx.json_response({"years": [limits_json(y) for y in limits.known_years()]})


@api(bp, "/api/tax/limits/{year}", methods=["PUT"], roles=FINANCE_ONLY,
     body=LIMITS_BODY, answer=LIMITS)
def set_limits_api(ctx, year):
    body = ctx.json()
    wanted = limits.check_year(year)
    missing = {name: N_("Enter an amount in øre.") for name in ("minimum", "maximum")
               if not isinstance(body.get(name), int)}
    if missing:
        raise ValidationFailed(missing)
    item = limits.set_limits(wanted, body["minimum"], body["maximum"],
                             bool(body.get("closed", False)), ctx.user.actor)
    return ctx.json_response(limits_json(item))


# the donor's pages and finance's pages, same area
from chalicelib.tax import public, staff  # noqa: E402,F401
