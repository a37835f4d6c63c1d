"""Vipps MobilePay: the donor's return page, the local test Vipps and the
webhook. The donation form itself (`/donate`) is the donations area's; it
hands a Vipps choice to `payments.start_payment`."""

from __future__ import annotations

from urllib.parse import urlencode

from chalice import Blueprint

from chalicelib.errors import NotFound
from chalicelib.vipps.settings import vipps_settings
from chalicelib.web.routing import api, page

bp = Blueprint(__name__)


REFRESH_SECONDS = 3  # the waiting page reloads itself this often
MAX_REFRESHES = 20  # then stops and says Vipps has not answered yet


def _refreshes(value: str) -> int:
    return min(int(value), MAX_REFRESHES) if value.isdigit() else 0


@page(bp, "/vipps/return")
def vipps_return(ctx):
    from chalicelib.vipps.payments import REFERENCE_PATTERN, confirm

    reference = ctx.query.get("reference", "")
    if not REFERENCE_PATTERN.match(reference):
        raise NotFound()
    status = confirm(reference)
    if status == "unknown":
        raise NotFound()
    seen = _refreshes(ctx.query.get("n", ""))
    again = None
    if status == "pending" and seen < MAX_REFRESHES:
        again = ctx.url("/vipps/return", reference=reference, lang=ctx.lang,
                        n=str(seen + 1))
    return ctx.render("vipps/return.html", outcome=status, refresh_url=again,
                      refresh_seconds=REFRESH_SECONDS,
                      check_url=ctx.url("/vipps/return", reference=reference,
                                        lang=ctx.lang))


@page(bp, "/vipps/test-landing", methods=["GET", "POST"])
def test_landing(ctx):
    from chalicelib.donations.models import Donation
    from chalicelib.vipps import testmode

    values = ctx.form() if ctx.method == "POST" else ctx.query
    reference = testmode.read_token(values.get("token", ""))
    if not vipps_settings().test_flow or reference is None:
        raise NotFound()
    try:
        donation = Donation.get(reference)
    except Donation.DoesNotExist:
        raise NotFound() from None
    if ctx.method == "GET":
        return ctx.render("vipps/test_landing.html", donation=donation,
                          token=values["token"])
    approve = values.get("action") == "approve"
    if donation.status == "pending" and not donation.credited:
        testmode.complete(reference, approve)
    return ctx.redirect(f"/vipps/return?reference={reference}&lang={ctx.lang}")


@api(bp, "/webhooks/vipps", methods=["POST"], csrf=False)
def vipps_webhook(ctx):
    from chalicelib.vipps.webhook import receive

    path = str(ctx.request.context.get("path") or ctx.request.path or "/")
    query = ctx.query
    path_and_query = path + ("?" + urlencode(query) if query else "")
    headers = {name: ctx.header(name) for name in (
        "x-ms-date", "x-ms-content-sha256", "authorization", "host")}
    result = receive(ctx.raw_body(), headers, path_and_query)
    return ctx.json_response({"received": True, "result": result})

from chalicelib.vipps import (  # noqa: E402,F401 - routes
    monthly_routes,
    settlement_routes,
)
