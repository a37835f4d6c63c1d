"""Partner shelters over HTTP: their own shelters' counts (pages and API).

Only the `shelter` role (and admins) reach these routes; each shelter id in
a path is checked against the user's own shelters (403, audit-logged)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.roles import SHELTER
from chalicelib.errors import N_
from chalicelib.partners import service
from chalicelib.shelters import registry
from chalicelib.web.routing import api, page
from chalicelib.web.schema import (
    BOOL,
    DATETIME,
    ID,
    array,
    either,
    integer,
    nullable,
    obj,
    text,
)

bp = Blueprint(__name__)
PARTNER = (SHELTER,)  # admin passes every check
WHOLE = either("integer", "string", maxLength=6)
COUNTS_BODY = obj({"total": WHOLE, "occupied": WHOLE}, required=("total",))
ROW = obj({"shelter_id": ID, "name": text(), "total": integer(),
           "occupied": integer(), "held": integer(), "free": integer(),
           "confirmed_at": nullable(DATETIME), "stale": BOOL,
           "stays_active": integer()})


@page(bp, "/partner", roles=PARTNER)
def home(ctx):
    rows = [service.partner_row(s) for s in service.my_shelters(ctx.user)]
    if len(rows) == 1:
        return ctx.redirect(f"/partner/shelters/{rows[0]['shelter_id']}")
    return ctx.render("partners/home.html", rows=rows)


@page(bp, "/partner/shelters/{shelter_id}", methods=["GET", "POST"], roles=PARTNER,
      form=True)
def shelter(ctx, shelter_id):
    shelter = service.own_shelter(ctx.user, shelter_id)
    if ctx.method == "POST":
        total, occupied = registry.parse_counts(ctx.form())
        service.confirm_counts(ctx.user, shelter_id, total, occupied)
        return ctx.redirect(f"/partner/shelters/{shelter_id}",
                            flash=N_("Counts confirmed. Thank you."))
    from chalicelib.referrals import rules as referral_rules
    from chalicelib.referrals.service import partner_offers

    return ctx.render("partners/shelter.html", row=service.partner_row(shelter),
                      several=len(ctx.user.shelters) > 1,
                      offers=partner_offers(ctx.user, shelter_id, limit=20),
                      reasons=[(code, ctx.gettext(label)) for code, label
                               in referral_rules.DECLINE_REASONS.items()],
                      urgencies=referral_rules.URGENCIES,
                      genders=referral_rules.GENDER_NAMES)


@api(bp, "/api/partner/shelters", roles=PARTNER,
     answer=obj({"shelters": array(ROW, 100)}))
def my_shelters(ctx):
    rows = [service.partner_row(s) for s in service.my_shelters(ctx.user)]
    return ctx.json_response({"shelters": rows})


@api(bp, "/api/partner/shelters/{shelter_id}/counts", methods=["POST"],
     roles=PARTNER, body=COUNTS_BODY, answer=ROW)
def confirm(ctx, shelter_id):
    service.check_scope(ctx.user, shelter_id)
    total, occupied = registry.parse_counts(ctx.json())
    shelter = service.confirm_counts(ctx.user, shelter_id, total, occupied)
    return ctx.json_response(service.partner_row(shelter))
