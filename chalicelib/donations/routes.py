"""Online donations: the public donation page, checkout, Stripe's webhook,
and the staff views of donations and campaigns."""

from __future__ import annotations

import secrets

from chalice import Blueprint

from chalicelib.audit.service import record
from chalicelib.auth.roles import ADMIN, FINANCE
from chalicelib.core.thanks import register_money_givers
from chalicelib.donations import campaigns as campaign_admin
from chalicelib.donations import reports, service
from chalicelib.donations.checks import REASONS
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, NotFound, TooManyRequests, ValidationFailed
from chalicelib.funds.service import account_names, list_funds
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import api, page
from chalicelib.web.schema import BOOL, DATE, ID, array, integer, nullable, obj, text

bp = Blueprint(__name__)
READERS = (FINANCE,)  # admin passes every check
DONATION = obj({"id": ID, "amount": integer(), "refunded": integer(),
                "currency": text(3), "channel": text(), "frequency": text(),
                "fund": nullable(text()), "campaign": nullable(text()),
                "credited_at": nullable(text()), "disputed": BOOL})
DONATIONS_QUERY = {"from": DATE, "to": DATE, "fund": ID, "campaign": ID,
                   "channel": text(16), "cursor": text(2048),
                   "limit": text(3, pattern="^[0-9]+$")}
add_staff_link("/staff/donations", N_("Donations"), READERS, order=20)
add_staff_link("/staff/campaigns", N_("Campaigns"), READERS, order=21)
register_money_givers("donations", reports.thanked_donors)


def _donate_form(ctx, form=None, errors=None, status=200):
    form = form if form is not None else {**ctx.query}
    campaign_id = form.get("campaign") or ""
    campaign = service.find_active_campaign(campaign_id) if campaign_id else None
    settings = donation_settings()
    fields = {k: ctx.gettext(v) for k, v in (errors or {}).items()}
    return ctx.render(
        "donations/donate.html", status=status, form=form, errors=fields,
        funds=list_funds(public_only=True), campaign=campaign,
        presets=service.PRESET_AMOUNTS_NOK, min_nok=settings.min_nok,
        max_nok=settings.max_nok, nonce=secrets.token_urlsafe(16),
        test_mode=settings.test_checkout_allowed,
        captcha_site_key=settings.turnstile_site_key,
        vipps=_vipps_offered(),
    )


def _vipps_offered() -> dict | None:
    """Whether /donate offers Vipps, and in test mode or not."""
    from chalicelib.vipps.settings import vipps_settings

    vipps = vipps_settings()
    return {"test": vipps.test_flow} if vipps.enabled else None


@page(bp, "/donate", methods=["GET", "POST"])
def donate(ctx):
    if ctx.method == "GET":
        return _donate_form(ctx)
    form = ctx.form()
    from chalicelib.donations.checkout import start_checkout
    from chalicelib.donations.stripe_api import PaymentsUnavailable

    try:
        request = service.validate_donation(form, ctx.lang)
        if request.method == "vipps":
            return _start_vipps(ctx, request, form)
        url = start_checkout(request, ctx.client_ip,
                             form.get("cf-turnstile-response", ""))
    except ValidationFailed as error:
        errors = error.fields or {"form": error.message}
        return _donate_form(ctx, form, errors, status=400)
    except TooManyRequests:
        return ctx.render("donations/too_many.html", status=429)
    except service.PaymentsNotConfigured:
        return ctx.render("donations/not_configured.html", status=503)
    except PaymentsUnavailable as error:  # Stripe did not answer: the same form again
        return _donate_form(ctx, form, {"form": error.message}, status=503)
    return ctx.redirect(url)


def _start_vipps(ctx, request, form):
    """Vipps after the same defences as card; Vipps saying no: a page in the
    donor's language offering the same gift by card, nothing credited."""
    from chalicelib.donations.checkout import check_defences
    from chalicelib.vipps.agreements import start_agreement
    from chalicelib.vipps.payments import VippsUnavailable, start_payment

    check_defences(ctx.client_ip, form.get("cf-turnstile-response", ""))
    start = start_agreement if request.frequency == "monthly" else start_payment
    try:
        started = start(request)
    except VippsUnavailable as error:
        kept = ("amount", "custom_amount", "frequency", "fund", "campaign", "thanks",
                "thanks_name", "nonce", "email")
        fields = [(name, form[name]) for name in kept if form.get(name)]
        return ctx.render("vipps/unavailable.html", status=error.status,
                          message=ctx.gettext(error.message), fields=fields)
    return ctx.redirect(started.url)


@page(bp, "/donate/thanks")
def donate_thanks(ctx):
    return ctx.render("donations/thanks.html")


@page(bp, "/donate/test-checkout", methods=["GET", "POST"])
def test_checkout(ctx):
    from chalicelib.donations.checkout import read_test_session

    values = ctx.form() if ctx.method == "POST" else ctx.query
    session = read_test_session(values.get("token", ""))
    if not donation_settings().test_checkout_allowed or session is None:
        raise NotFound()
    if ctx.method == "GET":
        return ctx.render("donations/test_checkout.html", session=session,
                          token=values["token"])
    if values.get("action") != "pay":
        return ctx.redirect(f"/donate?lang={ctx.lang}")
    from chalicelib.donations.testmode import complete_test_session

    session_id = complete_test_session(session, values.get("email", "")[:200])
    return ctx.redirect(f"/donate/thanks?session_id={session_id}")


@api(bp, "/webhooks/stripe", methods=["POST"], csrf=False)
def stripe_webhook(ctx):
    from chalicelib.donations.webhook import receive

    result = receive(ctx.raw_body(), ctx.header("stripe-signature"))
    return ctx.json_response({"received": True, "result": result})


@page(bp, "/staff/donations", roles=READERS)
def staff_donations(ctx):
    query = ctx.query
    form = {name: query.get(name, "") for name in ("from", "to", "fund", "campaign",
                                                    "channel", "limit")}
    context: dict = {"page": None, "totals": None, "errors": {}}
    try:
        wanted = reports.parse_filter(query)
        form.update({"from": wanted.date_from.isoformat(),
                     "to": wanted.date_to.isoformat()})
        context["totals"] = reports.donation_totals(wanted)
        context["page"] = reports.donation_page(
            wanted, query.get("cursor", ""), reports.page_size(form["limit"]))
    except ValidationFailed as error:
        context["errors"] = {k: ctx.gettext(v) for k, v in error.fields.items()}
    record(ctx.user.actor, "read", "donation", "list")
    filters = {k: v for k, v in form.items() if v}

    def url_for_page(cursor: str) -> str:
        return ctx.url("/staff/donations", **filters, cursor=cursor)

    return ctx.render(
        "donations/staff_donations.html", form=form,
        first_page=not query.get("cursor"), url_for_page=url_for_page,
        disputes=reports.open_disputes(), funds=list_funds(),
        attention=reports.needing_attention(), reasons=REASONS,
        campaigns=service.list_campaigns(),
        status=400 if context["errors"] else 200, **context,
    )


@api(bp, "/api/donations", roles=READERS, query=DONATIONS_QUERY,
     answer=obj({"donations": array(DONATION), "next_cursor": nullable(text()),
                 "totals": obj({name: integer() for name in (
                     "amount", "refunded", "net", "count")} | {"currency": text(3)})}))
def api_donations(ctx):
    wanted = reports.parse_filter(ctx.query)
    page = reports.donation_page(wanted, ctx.query.get("cursor", ""),
                                 reports.page_size(ctx.query.get("limit", "")))
    totals = reports.donation_totals(wanted)
    record(ctx.user.actor, "read", "donation", "list")
    return ctx.json_response({
        "donations": [reports.as_json(d) for d in page.donations],
        "next_cursor": page.next_cursor or None,
        "totals": {"amount": totals.amount, "refunded": totals.refunded,
                   "net": totals.net, "count": totals.count, "currency": "NOK"},
    })


@page(bp, "/staff/campaigns", roles=READERS)
def staff_campaigns(ctx):
    return ctx.render("donations/campaigns.html", campaigns=service.list_campaigns(),
                      can_edit=ctx.user.has_any((ADMIN,)),
                      fund_names=account_names(ctx.lang))


def _campaign_form(ctx, form, new=True):
    return ctx.render("donations/campaign_form.html", form=form, new=new,
                      fund_options=[(fund.fund_id, fund.name(ctx.lang))
                                    for fund in list_funds()])


@page(bp, "/staff/campaigns/new", methods=["GET", "POST"], roles=(ADMIN,),
      form=True)
def new_campaign(ctx):
    if ctx.method == "GET":
        return _campaign_form(ctx, {"active": "1"})
    campaign_admin.create_campaign(campaign_admin.validate_campaign(ctx.form()),
                                   ctx.user.actor)
    return ctx.redirect("/staff/campaigns")


@page(bp, "/staff/campaigns/{campaign_id}/edit", methods=["GET", "POST"],
      roles=(ADMIN,), form=True)
def edit_campaign(ctx, campaign_id):
    if ctx.method == "GET":
        form = campaign_admin.as_form(service.get_campaign(campaign_id))
        return _campaign_form(ctx, form, new=False)
    form = {**ctx.form(), "campaign_id": campaign_id}
    campaign_admin.update_campaign(campaign_admin.validate_campaign(form),
                                   ctx.user.actor)
    return ctx.redirect("/staff/campaigns")
