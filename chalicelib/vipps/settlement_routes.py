"""Finance's settlement page: `/staff/vipps/settlement` (nb, en and es)
reads a Vipps settlement report (the business portal's CSV, uploaded or
pasted) through the settlement service, shows what it would match, credit
and book as fee (to the fund finance picks), and books it on confirmation;
below, the queue of lines waiting for finance with their reason. A report
imported again shows every line as booked before, and nothing changes.

With Vipps keys (not the local Vipps), a second form reads a closed day
straight from Vipps's Report API (`report_api`) into the same preview."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from chalice import Blueprint

from chalicelib.audit.service import record
from chalicelib.auth.roles import ADMIN, FINANCE
from chalicelib.errors import N_, ValidationFailed
from chalicelib.web.i18n import PUBLIC_LANGUAGES
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import page

bp = Blueprint(__name__)
MONEY_ROLES = (ADMIN, FINANCE)
PATH = "/staff/vipps/settlement"
QUEUE_SHOWN = 200
add_staff_link(PATH, N_("Vipps settlement"), MONEY_ROLES, order=32)


def _fund_options(lang: str) -> list[tuple[str, str]]:
    from chalicelib.funds.service import list_funds

    return [(fund.fund_id, fund.name(lang)) for fund in list_funds()]


def _report_bytes(ctx: Any, form: dict[str, str]) -> bytes:
    """The uploaded file's bytes as sent, else the pasted text; refused with
    the field named when there is neither or the file is too large."""
    from chalicelib.gifts.csvfile import MAX_FILE_BYTES

    upload = ctx.files().get("file")
    if upload is not None and len(upload.content) > MAX_FILE_BYTES:
        raise ValidationFailed({"file": N_(
            "The file is larger than 512 KB. Split it in parts and upload each.")})
    raw = upload.content if upload else form.get("csv", "").encode("utf-8")
    if not raw.strip():
        raise ValidationFailed({"file": N_("Choose a file or paste its content.")})
    return raw


def _view(draft: Any) -> dict[str, Any]:
    """The preview or booking as the page shows it."""
    from chalicelib.vipps import settlement

    rows = json.loads(draft.lines)
    summary = json.loads(draft.summary or "{}")
    changes = [r for r in rows if r["action"] not in (settlement.DUPLICATE,
                                                      settlement.INFO)]
    return {
        "import_id": draft.import_id, "status": draft.status,
        "fee_fund_id": draft.fee_fund_id, "errors": json.loads(draft.errors),
        "matched": [r for r in rows if r["action"] in settlement.MATCHED],
        "queued": [r for r in rows if r["action"] == settlement.QUEUE],
        "duplicates": [r for r in rows if r["action"] == settlement.DUPLICATE],
        "fees": int(summary.get("fees") or 0),
        "nothing_changes": not changes and not int(summary.get("fees") or 0),
    }


def _queue() -> list[Any]:
    from chalicelib.vipps.settlement_models import SettlementLine

    return list(SettlementLine.queue_index.query("open", scan_index_forward=False,
                                                 limit=QUEUE_SHOWN))


def _from_report_api(ctx: Any, form: dict[str, str], fund: str) -> Any:
    """A closed ledger day read from Vipps's Report API, as a preview."""
    from chalicelib.core.clock import oslo_date
    from chalicelib.vipps import report_api, settlement
    from chalicelib.vipps.client import VippsError
    from chalicelib.vipps.settlement_lines import ledger_lines

    day = _ledger_day(form.get("ledger_date", ""), oslo_date())
    try:
        funds, fees = report_api.day_report(day.isoformat())
    except report_api.NotReady:
        raise ValidationFailed({"ledger_date": N_(
            "Vipps has not closed this day's report yet. Try again in half an "
            "hour.")}) from None
    except VippsError:
        raise ValidationFailed({"ledger_date": N_(
            "Vipps did not give the report; nothing was read. Try again later.")}
        ) from None
    lines, errors = ledger_lines(funds, fees, day.isoformat())
    return settlement.preview(lines, errors, fund, ctx.user.actor, "api",
                              day.isoformat())


def _ledger_day(text: str, today: date) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not date(2020, 1, 1) <= day < today:
        raise ValidationFailed({"ledger_date": N_(
            "Choose a day before today (Vipps closes a day's report after it).")})
    return day


def _render(ctx: Any, draft: Any = None, booked: bool = False) -> Any:
    from chalicelib.core.clock import oslo_date
    from chalicelib.funds.service import account_names
    from chalicelib.vipps.settings import vipps_settings
    from chalicelib.vipps.settlement import REASONS

    record(ctx.user.actor, "read", "vipps_settlement", "queue")
    return ctx.render(
        "vipps/settlement.html", fund_options=_fund_options(ctx.lang),
        fund_names=account_names(ctx.lang), report=_view(draft) if draft else None,
        booked=booked, queue=_queue(), reasons=REASONS,
        report_api=vipps_settings().enabled and not vipps_settings().test_flow,
        yesterday=(oslo_date() - timedelta(days=1)).isoformat())


@page(bp, PATH, methods=["GET", "POST"], roles=MONEY_ROLES, form=True,
      long_fields=("csv",), languages=PUBLIC_LANGUAGES)
def settlement_page(ctx):
    from chalicelib.vipps import settlement
    from chalicelib.vipps.settlement_lines import parse_portal_csv

    if ctx.method == "GET":
        return _render(ctx)
    form = ctx.form()
    fund = form.get("fee_fund_id", "")
    if fund not in dict(_fund_options(ctx.lang)):
        raise ValidationFailed({"fee_fund_id": N_("Choose the fund that pays "
                                                  "Vipps's fees.")})
    if form.get("_form") == "fetch":
        return _render(ctx, _from_report_api(ctx, form, fund))
    lines, errors = parse_portal_csv(_report_bytes(ctx, form))
    draft = settlement.preview(lines, errors, fund, ctx.user.actor, "csv")
    return _render(ctx, draft)


@page(bp, PATH + "/{import_id}", methods=["POST"], roles=MONEY_ROLES,
      languages=PUBLIC_LANGUAGES)
def settlement_book_page(ctx, import_id):
    from chalicelib.vipps.settlement_booking import book

    return _render(ctx, book(import_id, ctx.user.actor), booked=True)
