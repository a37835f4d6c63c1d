"""Exports for the accountant (finance): the form and the CSV of donations
and offline gifts. Each download is audit-logged as an export."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.audit.service import record
from chalicelib.auth.roles import FINANCE
from chalicelib.errors import N_
from chalicelib.exports import service
from chalicelib.money import CHANNELS
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import page
from chalicelib.web.spreadsheet import csv_response, csv_text, kroner

bp = Blueprint(__name__)
READERS = (FINANCE,)  # admin passes every check
add_staff_link("/staff/exports", N_("Exports for the accountant"), READERS, order=24)
KINDS = {"donation": N_("Online donation"), "gift": N_("Offline gift")}
HEADER = (N_("Date"), N_("Type"), N_("Channel"), N_("Fund"), N_("Campaign"),
          N_("Amount (NOK)"), N_("Refunded (NOK)"), N_("Net (NOK)"), N_("Reference"))


def _funds() -> list:
    from chalicelib.funds.service import list_funds

    return list_funds(include_inactive=True)


@page(bp, "/staff/exports", roles=READERS)
def exports_page(ctx):
    funds = _funds()
    default = service.parse_filter({}, set())
    return ctx.render(
        "exports/index.html", limit=service.LIMIT_TEXT, default=default,
        fund_options=[("", ctx.gettext("All funds"))]
        + [(fund.fund_id, fund.name(ctx.lang)) for fund in funds],
        channel_options=[("", ctx.gettext("All channels"))]
        + [(code, ctx.gettext(CHANNELS[code])) for code in service.CHANNELS])


@page(bp, "/staff/exports/donations.csv", roles=READERS, form="/staff/exports")
def donations_csv(ctx):
    funds = {fund.fund_id: fund for fund in _funds()}
    wanted = service.parse_filter(ctx.query, set(funds))
    rows = service.rows(wanted)
    body = _csv(ctx, rows, {k: f.name(ctx.lang) for k, f in funds.items()})
    if len(body.encode()) > service.MAX_BYTES:
        raise service.ExportTooLarge(limit=service.LIMIT_TEXT)
    record(ctx.user.actor, "export", "donation", wanted.describe())
    name = (f"donations-{wanted.date_from.isoformat()}-"
            f"{wanted.date_to.isoformat()}.csv")
    return csv_response(name, body)


def _csv(ctx, rows: list[service.Row], fund_names: dict[str, str]) -> str:
    from chalicelib.donations.service import list_campaigns

    campaigns = {c.campaign_id: c.name(ctx.lang) for c in list_campaigns()}
    return csv_text([ctx.gettext(title) for title in HEADER], (
        (str(row.day), ctx.gettext(KINDS[row.kind]),
         ctx.gettext(CHANNELS[row.channel]) if row.channel in CHANNELS
         else row.channel,
         fund_names.get(row.fund_id, row.fund_id),
         campaigns.get(row.campaign_id, row.campaign_id),
         kroner(row.amount, ctx.lang), kroner(row.refunded, ctx.lang),
         kroner(row.amount - row.refunded, ctx.lang), row.reference)
        for row in rows))
