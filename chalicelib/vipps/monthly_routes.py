"""Monthly gifts by Vipps: the donor's return page, the donor's page to see
and stop the gift (the signed link in every receipt, also the agreement's
`merchantAgreementUrl` in the Vipps app), and the local test Vipps. The
form itself (`/donate`) hands a monthly Vipps choice to
`agreements.start_agreement`."""

from __future__ import annotations

import re

from chalice import Blueprint

from chalicelib.errors import NotFound
from chalicelib.vipps.settings import vipps_settings
from chalicelib.web.routing import page

bp = Blueprint(__name__)
REFERENCE = re.compile(r"^mnd-[0-9a-f]{32}$")
REFRESH_SECONDS = 3
MAX_REFRESHES = 20


def _refreshes(value: str) -> int:
    return min(int(value), MAX_REFRESHES) if value.isdigit() else 0


@page(bp, "/vipps/monthly/return")
def monthly_return(ctx):
    from chalicelib.vipps.agreements import manage_url
    from chalicelib.vipps.states import confirm

    reference = ctx.query.get("reference", "")
    if not REFERENCE.match(reference):
        raise NotFound()
    outcome = confirm(reference)
    if outcome == "unknown":
        raise NotFound()
    seen = _refreshes(ctx.query.get("n", ""))
    again = None
    if outcome == "pending" and seen < MAX_REFRESHES:
        again = ctx.url("/vipps/monthly/return", reference=reference, lang=ctx.lang,
                        n=str(seen + 1))
    return ctx.render(
        "vipps/monthly_return.html", outcome=outcome, refresh_url=again,
        refresh_seconds=REFRESH_SECONDS, manage_url=manage_url(reference, ctx.lang),
        check_url=ctx.url("/vipps/monthly/return", reference=reference,
                          lang=ctx.lang))


@page(bp, "/vipps/monthly", methods=["GET", "POST"])
def monthly_gift(ctx):
    from chalicelib.vipps.agreements import load_gift, read_manage_token
    from chalicelib.vipps.stopping import stop_gift

    values = ctx.form() if ctx.method == "POST" else ctx.query
    reference = read_manage_token(values.get("t", ""))
    gift = load_gift(reference) if reference else None
    if gift is None:
        raise NotFound()
    stopped_now = False
    if ctx.method == "POST" and values.get("action") == "stop":
        gift = stop_gift(str(gift.subscription_id))
        stopped_now = True
    return ctx.render("vipps/monthly.html", gift=gift, token=values["t"],
                      stopped_now=stopped_now)


@page(bp, "/vipps/test-agreement", methods=["GET", "POST"])
def test_agreement(ctx):
    from chalicelib.vipps import testmode
    from chalicelib.vipps.agreements import load_gift

    values = ctx.form() if ctx.method == "POST" else ctx.query
    reference = testmode.read_token(values.get("token", ""))
    gift = load_gift(reference) if reference else None
    if not vipps_settings().test_flow or gift is None:
        raise NotFound()
    if ctx.method == "GET":
        return ctx.render("vipps/test_agreement.html", gift=gift,
                          token=values["token"])
    if gift.status == "pending":
        testmode.complete_agreement(str(gift.subscription_id),
                                    values.get("action") == "approve")
    return ctx.redirect(
        f"/vipps/monthly/return?reference={gift.subscription_id}&lang={ctx.lang}")
