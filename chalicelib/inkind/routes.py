"""In-kind gifts on the web: the public needs list and pledge form, and the
JSON API. Staff pages are in `staff_routes` (same Blueprint)."""

from __future__ import annotations

import logging

from chalice import Blueprint

from chalicelib import idempotency
from chalicelib.auth.ratelimit import check_and_hit
from chalicelib.errors import N_, ValidationFailed
from chalicelib.idempotency import Idempotent
from chalicelib.inkind import catalogue, needs
from chalicelib.inkind.settings import get_inkind_settings
from chalicelib.web.routing import api, page
from chalicelib.web.schema import DATE, ID, array, either, integer, obj, text

bp = Blueprint(__name__)
log = logging.getLogger("ngo")
HONEYPOT = "website"  # hidden from people; bots fill it in
COUNT = either("integer", "string", description='a number, or "fewer_than_3"')
NEED = obj({"need_id": ID, "item": text(), "unit": text(), "text": text(),
            "wanted": integer(), "wanted_by": {"type": ["string", "null"]},
            "pledged": COUNT, "received": COUNT, "progress": {}})
PLEDGE_BODY = obj({"giver": text(200), "contact": text(200),
                   "quantity": either("integer", "string", maxLength=12),
                   "expected_on": DATE, "thank_by_name": {"type": "boolean"},
                   "request_id": text(255), HONEYPOT: text(200)},
                  required=("giver", "contact", "quantity"))
PLEDGE = obj({"pledge_id": ID, "need_id": ID, "quantity": integer(),
              "status": text()})


def request_id() -> str:
    """A one-time key for a form's hidden `request_id` field."""
    return idempotency.new_nonce()


def _limit_pledges(ctx) -> None:
    settings = get_inkind_settings()
    check_and_hit(
        f"inkind-pledge:{ctx.client_ip}",
        settings.pledges_per_window,
        settings.pledge_window_seconds,
    )


def _confirm(ctx, pledge, item_name: str) -> None:
    if "@" not in pledge.contact:
        return  # a phone number: staff call back
    from chalicelib.core.mail import send_email

    body = ctx.gettext(
        "Thank you, %(giver)s! You have promised %(quantity)s × %(item)s. "
        "We will contact you about the delivery. Reference: %(ref)s",
        giver=pledge.giver,
        quantity=int(pledge.quantity),
        item=item_name,
        ref=pledge.pledge_id,
    )
    try:
        send_email(pledge.contact, ctx.gettext("Thank you for your pledge"), body)
    except Exception:  # noqa: BLE001 - the pledge is recorded; staff follow up
        log.warning("confirmation email for pledge %s failed", pledge.pledge_id)


def _pledge(ctx, need_id: str, data: dict, thank_by_name: bool,
            idem: Idempotent) -> tuple:
    _limit_pledges(ctx)
    pledge, created = needs.make_pledge(
        idem.resource_id("p-"),
        need_id,
        needs.PledgeInput(
            giver=str(data.get("giver") or ""),
            contact=str(data.get("contact") or ""),
            quantity=data.get("quantity"),
            expected_on=data.get("expected_on") or None,
            thank_by_name=thank_by_name,
        ),
        request_hash=idem.fingerprint,
    )
    if not created:
        idem.check(pledge.request_hash)
    if created:
        item = catalogue.get_item(pledge.item_id)
        _confirm(ctx, pledge, item.name(ctx.lang))
    return pledge, created


def _needs_page(ctx, status: int = 200, **extra):
    from datetime import UTC, datetime

    year = datetime.now(UTC).year
    public = needs.public_needs(ctx.lang)
    return ctx.render(
        "inkind/needs.html",
        status=status,
        needs=public,
        need_options=[(need["need_id"], need["item"]) for need in public],
        totals=needs.public_totals(year, ctx.lang),
        year=year,
        request_id=request_id(),
        **extra,
    )


@page(bp, "/needs", methods=["GET", "POST"], form=True)
def needs_page(ctx):
    if ctx.method == "GET":
        return _needs_page(ctx)
    form = ctx.form()
    if form.get(HONEYPOT):
        return ctx.render("inkind/pledge_done.html", pledge=None)  # a bot: say thanks
    idem = idempotency.from_form(ctx, form, "inkind.pledge", field="request_id")
    pledge, _created = _pledge(
        ctx, form.get("need_id", ""), form, bool(form.get("thank_by_name")), idem
    )
    return ctx.render("inkind/pledge_done.html", pledge=pledge)


@api(bp, "/api/needs", answer=obj({"needs": array(NEED)}))
def needs_api(ctx):
    return ctx.json_response(
        {"needs": [_public(n) for n in needs.public_needs(ctx.lang)]}
    )


def _public(need: dict) -> dict:
    small = "fewer_than_3"
    return {
        **need,
        "pledged": small if need["pledged"] is None else need["pledged"],
        "received": small if need["received"] is None else need["received"],
    }


@api(bp, "/api/needs/{need_id}/pledges", methods=["POST"], body=PLEDGE_BODY,
     answer=PLEDGE, status=(201, 200))
def pledge_api(ctx, need_id):
    body = ctx.json()
    if body.get(HONEYPOT):
        raise ValidationFailed(message=N_("The request could not be processed."))
    thank = body.get("thank_by_name", True) is not False  # named unless declined
    idem = idempotency.from_api(ctx, "inkind.pledge", {"need_id": need_id, **body},
                                body_field="request_id")
    pledge, created = _pledge(ctx, need_id, body, thank, idem)
    return ctx.json_response(
        {
            "pledge_id": pledge.pledge_id,
            "need_id": pledge.need_id,
            "quantity": int(pledge.quantity),
            "status": pledge.status,
        },
        status=201 if created else 200,
    )


from chalicelib.inkind import staff_routes  # noqa: E402,F401  (same Blueprint)
