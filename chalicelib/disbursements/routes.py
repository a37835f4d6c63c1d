"""Emergency cash: the staff page, the JSON API, approvals, reversals,
per-client views, bridging, cash boxes and reports."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import idempotency
from chalicelib.audit.service import record, record_many
from chalicelib.auth.roles import ADMIN, FINANCE, STAFF
from chalicelib.core.clock import oslo_date, oslo_day
from chalicelib.disbursements import bridging, cashbox, service, totals
from chalicelib.errors import N_, ValidationFailed
from chalicelib.funds.purposes import PURPOSES
from chalicelib.funds.service import account_names, list_funds
from chalicelib.money import format_nok, kroner_field, parse_nok
from chalicelib.web import confirm
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import api, page
from chalicelib.web.schema import (
    BOOL,
    CLIENT_CODE,
    DATE,
    DATETIME,
    ID,
    OERE,
    array,
    integer,
    names,
    nullable,
    obj,
    one_of,
    text,
)
from chalicelib.web.spreadsheet import csv_response, csv_text, kroner

bp = Blueprint(__name__)
PAYERS = (STAFF, FINANCE, ADMIN)
METHOD_LABELS = {"cash": N_("Cash"), "payment_card": N_("Payment card"),
                 "bank_transfer": N_("Bank transfer")}
# What a row of the year's totals adds up (disbursements/totals.py).
REPORT_KINDS = {"all": N_("All payments"), "purpose": N_("Purpose"), "fund": N_("Fund")}
DECIDERS = (FINANCE, ADMIN)
DECIDED = {"approve": N_("Approved and paid."),
           "reject": N_("Rejected. The reason is kept with the payment for the "
                        "person who logged it."),
           "reverse": N_("Reversed: the money is back in its fund.")}
add_staff_link("/staff/disbursements", N_("Emergency cash"), PAYERS, order=20)
add_staff_link("/staff/cash-boxes", N_("Cash boxes"), DECIDERS, order=32)
add_staff_link(
    "/staff/reports/disbursements", N_("Disbursement reports"), DECIDERS, order=33
)


DISBURSEMENT = obj({
    "disbursement_id": ID, "client_code": text(32), "amount": integer(),
    "currency": text(3), "purpose": text(), "method": text(),
    "fund_id": nullable(text()), "cash_box_id": nullable(text()),
    "note": nullable(text()), "status": text(), "over_limit": BOOL,
    "created_by": text(), "created_at": DATETIME, "decided_by": nullable(text()),
    "reason": nullable(text())})
DISBURSEMENT_BODY = obj({
    "client_code": CLIENT_CODE, "amount": OERE, "purpose": one_of(*PURPOSES),
    "method": one_of(*service.METHODS), "fund_id": ID, "cash_box_id": ID,
    "note": text(300), "override_limit": BOOL,
}, required=("client_code", "amount", "purpose", "method"))
REASON = obj({"reason": text(500)})
CLIENT = obj({"client_code": text(32), "expected_payout": nullable(DATE),
              "disbursements": array(DISBURSEMENT)})
BOX = obj({"box_id": ID, "expected": integer()})


def as_json(item) -> dict:
    return {
        "disbursement_id": item.disbursement_id,
        "client_code": item.client_code,
        "amount": int(item.amount),
        "currency": item.currency,
        "purpose": item.purpose,
        "method": item.method,
        "fund_id": item.fund_id,
        "cash_box_id": item.cash_box_id,
        "note": item.note,
        "status": item.status,
        "over_limit": item.over_limit,
        "created_by": item.created_by,
        "created_at": item.created_at.isoformat(),
        "decided_by": item.decided_by,
        "reason": item.reason,
    }


@api(bp, "/api/disbursements", roles=PAYERS,
     answer=obj({"pending": array(DISBURSEMENT)}))
def pending_api(ctx):
    if not ctx.user.has_any(DECIDERS):
        raise ValidationFailed(message=N_("Only finance sees the pending list."))
    items = service.pending()
    for item in items:
        record(ctx.user.actor, "read", "disbursement", item.disbursement_id)
    return ctx.json_response({"pending": [as_json(i) for i in items]})


@api(bp, "/api/disbursements", methods=["POST"], roles=PAYERS,
     body=DISBURSEMENT_BODY, answer=DISBURSEMENT, status=(201, 200))
def disbursements_api(ctx):
    key = ctx.header(idempotency.HEADER).strip() or None
    item, created = service.create(service.validate(ctx.json()), ctx.user.actor, key)
    return ctx.json_response(as_json(item), status=201 if created else 200)


@api(bp, "/api/disbursements/{disbursement_id}", roles=PAYERS, answer=DISBURSEMENT)
def disbursement_api(ctx, disbursement_id):
    item = service.get(disbursement_id)
    record(ctx.user.actor, "read", "disbursement", disbursement_id)
    return ctx.json_response(as_json(item))


def _decide(ctx, disbursement_id: str, action: str, reason: str):
    actor = ctx.user.actor
    if action == "approve":
        return service.approve(disbursement_id, actor)
    if action == "reject":
        return service.reject(disbursement_id, actor, reason)
    if action == "reverse":
        return service.reverse(disbursement_id, actor, reason)
    raise ValidationFailed(message=N_("Unknown action."))


@api(
    bp,
    "/api/disbursements/{disbursement_id}/{action}",
    methods=["POST"],
    roles=DECIDERS,
    body=REASON,
    answer=DISBURSEMENT,
    path_params={"action": one_of("approve", "reject", "reverse")},
)
def decide_api(ctx, disbursement_id, action):
    reason = str(ctx.json().get("reason") or "") if ctx.raw_body() else ""
    return ctx.json_response(as_json(_decide(ctx, disbursement_id, action, reason)))


@api(bp, "/api/clients/{client_code}/disbursements", roles=PAYERS, answer=CLIENT)
def client_api(ctx, client_code):
    items = service.for_client(client_code, ctx.user.actor)
    return ctx.json_response(
        {
            "client_code": client_code,
            "expected_payout": bridging.payout_date(client_code),
            "disbursements": [as_json(i) for i in items],
        }
    )


@api(bp, "/api/clients/{client_code}/bridging", methods=["PUT"], roles=PAYERS,
     body=obj({"expected_payout": DATE}),
     answer=obj({"client_code": text(32), "expected_payout": nullable(DATE)}))
def bridging_api(ctx, client_code):
    item = bridging.set_payout_date(
        client_code, str(ctx.json().get("expected_payout") or ""), ctx.user.actor
    )
    return ctx.json_response(
        {"client_code": item.client_code, "expected_payout": item.expected_payout}
    )


def _year(ctx) -> int:
    year = ctx.query.get("year") or str(oslo_date().year)
    if not (year.isdigit() and len(year) == 4):
        raise ValidationFailed({"year": N_("Give a year.")})
    return int(year)


@api(bp, "/api/reports/disbursements", roles=DECIDERS,
     query={"year": text(4, pattern="^[0-9]{4}$")},
     answer=obj({"year": integer(), "months": {}, "purposes": {}, "funds": {}}))
def report_api(ctx):
    year = _year(ctx)
    report = totals.year_report(year)
    record(ctx.user.actor, "read", "disbursement_report", str(year))
    return ctx.json_response(
        {
            "year": year,
            "months": report["months"],
            "purposes": report["purposes"],
            "funds": report["funds"],
        }
    )


def _money_form(form: dict[str, str], name: str = "amount") -> int:
    return kroner_field(form.get(name), name)


@api(bp, "/api/cash-boxes", methods=["POST"], roles=(ADMIN,), status=201,
     body=obj({"office": text(200), "names": names(), "source_fund": ID},
              required=("office", "source_fund")),
     answer=obj({"box_id": ID}))
def cash_boxes_api(ctx):
    body = ctx.json()
    names = {
        lang: str(body.get("names", {}).get(lang, body.get("office", "")))
        for lang in ("nb", "en", "es")
    }
    box = cashbox.create_box(
        str(body.get("office", "")),
        names,
        str(body.get("source_fund", "")),
        ctx.user.actor,
    )
    return ctx.json_response({"box_id": box.fund_id}, status=201)


@api(bp, "/api/cash-boxes/{box_id}/{action}", methods=["POST"], roles=DECIDERS,
     body=obj({"amount": integer(0), "note": text(500)}, required=("amount",)),
     answer=BOX, status=(201, 200),
     path_params={"action": one_of("top-ups", "counts")})
def cash_box_action_api(ctx, box_id, action):
    body = ctx.json()
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValidationFailed({"amount": N_("Give a whole number of øre.")})
    if action == "top-ups":
        idem = idempotency.from_api(
            ctx, cashbox.TOP_UP, {"box_id": box_id, "amount": amount})
        created = cashbox.top_up(box_id, amount, ctx.user.actor, idem=idem)
    elif action == "counts":
        note = str(body.get("note") or "")
        idem = idempotency.from_api(
            ctx, cashbox.COUNT, {"box_id": box_id, "amount": amount, "note": note})
        created = cashbox.count(box_id, amount, ctx.user.actor, note, idem=idem)[1]
    else:
        raise ValidationFailed(message=N_("Unknown action."))
    box = cashbox.get_box(box_id)
    return ctx.json_response(
        {"box_id": box_id, "expected": int(box.balance)}, status=201 if created else 200
    )


# --- pages ---------------------------------------------------------------
def _page_request(ctx, form: dict[str, str]) -> service.Request:
    data: dict = dict(form)
    data["amount"] = kroner_field(form.get("amount"))
    data["override_limit"] = form.get("override_limit") == "on"
    return service.validate(data)


@page(bp, "/staff/disbursements", methods=["GET", "POST"], roles=PAYERS, form=True)
def disbursements_page(ctx):
    created = None
    if ctx.method == "POST":
        form = ctx.form()
        created, _ = service.create(
            _page_request(ctx, form),
            ctx.user.actor,
            form.get(idempotency.FORM_FIELD) or None,
        )
    pending = service.pending() if ctx.user.has_any(DECIDERS) else []
    record_many(ctx.user.actor, "read", "disbursement",
                [str(item.disbursement_id) for item in pending])
    failure = ctx.failure
    funds, boxes = list_funds(), cashbox.list_boxes()
    return ctx.render(
        "disbursements/index.html",
        # The first fund (unrestricted) is the default: the form is valid as it opens.
        fund_options=[
            (fund.fund_id, f"{fund.name(ctx.lang)} ({format_nok(int(fund.balance))})")
            for fund in funds] + [("", ctx.gettext("(the cash box's fund)"))],
        account_names=account_names(ctx.lang),
        box_options=[("", ctx.gettext("None"))] + [
            (box.fund_id, f"{box.name(ctx.lang)} ({format_nok(int(box.balance))})")
            for box in boxes],
        # What an approver judges by: each account's balance now, and what
        # each waiting client has had (paid or waiting) in the last 30 days.
        balances={str(a.fund_id): int(a.balance) for a in [*funds, *boxes]},
        client_totals={code: service.client_total_30_days(code)
                       for code in dict.fromkeys(str(i.client_code) for i in pending)},
        method_labels=METHOD_LABELS,
        purpose_options=[(code, ctx.gettext(name)) for code, name in PURPOSES.items()],
        method_options=[(code, ctx.gettext(METHOD_LABELS[code]))
                        for code in service.METHODS],
        purposes=PURPOSES,
        pending=pending,
        created=created,
        limit_warning=failure is not None
        and failure.code == service.ClientLimitExceeded.code,
        can_override=ctx.user.has_any(DECIDERS),
        idempotency_key=idempotency.new_nonce(),
    )


@page(bp, "/staff/disbursements/{disbursement_id}", methods=["POST"], roles=DECIDERS,
      form="/staff/disbursements")
def decide_page(ctx, disbursement_id):
    form = ctx.form()
    action = form.get("action", "")

    def act():
        item = _decide(ctx, disbursement_id, action, form.get("reason", ""))
        return ctx.redirect(
            f"/staff/clients/{item.client_code}" if form.get("back") == "client"
            else "/staff/disbursements", flash=DECIDED[action])

    if action != "reverse":
        return act()
    item = service.get(disbursement_id)
    if item.status != "paid":
        return act()  # reversed already, or never paid: the error says which
    return confirm.ask_first(ctx, _reversal_question(ctx, item, form), act)


def _reversal_question(ctx, item, form: dict[str, str]) -> confirm.Question:
    record(ctx.user.actor, "read", "disbursement", str(item.disbursement_id))
    back = (f"/staff/clients/{item.client_code}" if form.get("back") == "client"
            else "/staff/disbursements")
    return confirm.Question(
        ctx.gettext(N_("Reverse %(amount)s paid to %(code)s?"),
                    amount=format_nok(int(item.amount)), code=item.client_code),
        ctx.gettext(N_("The payment of %(day)s (%(purpose)s) goes back to "
                       "%(account)s with a reversing entry. The payment stays in "
                       "the ledger, marked reversed with your reason; it cannot "
                       "be paid again, only logged anew."),
                    day=oslo_day(item.paid_at or item.created_at),
                    purpose=ctx.gettext(PURPOSES.get(item.purpose, item.purpose)),
                    account=account_names(ctx.lang).get(item.account, item.account)),
        ctx.gettext(N_("Reverse the payment")), back,
        reason=ctx.gettext(N_("Reason (kept with the payment; no names)")))


@page(bp, "/staff/clients/{client_code}/disbursements.csv", roles=PAYERS)
def client_csv(ctx, client_code):
    items = service.for_client(client_code, ctx.user.actor)
    names = account_names(ctx.lang)
    rows = ((oslo_day(i.created_at), ctx.gettext(PURPOSES.get(i.purpose, i.purpose)),
             ctx.gettext(METHOD_LABELS.get(i.method, i.method)),
             names.get(i.account, i.account),
             ctx.gettext(service.STATUS_LABELS.get(i.status, i.status)),
             kroner(int(i.amount), ctx.lang)) for i in items)
    header = [ctx.gettext(title) for title in (
        N_("Date"), N_("Purpose"), N_("Method"), N_("Paid from"), N_("Status"),
        N_("Amount (NOK)"))]
    return csv_response(f"{items[0].client_code if items else 'client'}.csv",
                        csv_text(header, rows))


@page(bp, "/staff/bridging", roles=PAYERS)
def bridging_page(ctx):
    return ctx.render(
        "disbursements/bridging.html", rows=bridging.bridged_now(ctx.user.actor)
    )


@page(bp, "/staff/reports/disbursements", roles=DECIDERS)
def report_page(ctx):
    year = _year(ctx)
    report = totals.year_report(year)
    record(ctx.user.actor, "read", "disbursement_report", str(year))
    funds = {fund.fund_id: fund.name(ctx.lang) for fund in list_funds()}
    return ctx.render(
        "disbursements/report.html",
        year=year,
        report=report,
        purposes=PURPOSES,
        funds=funds,
    )


@page(bp, "/staff/reports/disbursements.csv", roles=DECIDERS)
def report_csv(ctx):
    year = _year(ctx)
    funds = account_names(ctx.lang)
    rows = ((month, ctx.gettext(REPORT_KINDS.get(kind, kind)),
             _total_name(ctx, kind, name, funds), kroner(amount, ctx.lang), count)
            for month, kind, name, amount, count
            in sorted(totals.year_report(year)["rows"]))
    record(ctx.user.actor, "read", "disbursement_report", f"{year}.csv")
    header = [ctx.gettext(title) for title in (
        N_("Month"), N_("Total of"), N_("Name"), N_("Amount (NOK)"), N_("Payments"))]
    return csv_response(f"disbursements-{year}.csv", csv_text(header, rows))


def _total_name(ctx, kind: str, name: str, funds: dict[str, str]) -> str:
    """A month's total by name: a purpose, a fund, or a fund's purpose
    (`general#purpose#food`: "Where the need is greatest: Food")."""
    fund, _, purpose = name.partition("#purpose#")
    if kind == "purpose":
        return ctx.gettext(PURPOSES.get(name, name))
    if kind != "fund":
        return ""
    shown = funds.get(fund, fund)
    if not purpose:
        return shown
    return f"{shown}: {ctx.gettext(PURPOSES.get(purpose, purpose))}"


@page(bp, "/staff/cash-boxes", methods=["GET", "POST"], roles=DECIDERS, form=True)
def cash_boxes_page(ctx):
    notice = None
    if ctx.method == "POST":
        form = ctx.form()
        if form.get("action") == "top_up":
            box_id, amount = form.get("box_id", ""), _money_form(form)
            idem = idempotency.from_form(
                ctx, form, cashbox.TOP_UP, {"box_id": box_id, "amount": amount})
            notice = (N_("The cash box was topped up.")
                      if cashbox.top_up(box_id, amount, ctx.user.actor, idem=idem)
                      else N_("This top-up was already made; it was not made again."))
        elif form.get("action") == "count":
            counted = parse_nok(form.get("counted", ""))
            if counted is None:
                raise ValidationFailed({"counted": N_("Give the counted amount.")})
            box_id, note = form.get("box_id", ""), form.get("note", "")
            idem = idempotency.from_form(ctx, form, cashbox.COUNT, {
                "box_id": box_id, "counted": counted, "note": note.strip()})
            _, recorded = cashbox.count(
                box_id, counted, ctx.user.actor, note, idem=idem)
            notice = (N_("The count was recorded.") if recorded
                      else N_("This count was already recorded; it was not recorded "
                              "again."))
    if notice:  # said once on the page, which a reload then draws afresh
        return ctx.redirect("/staff/cash-boxes", flash=notice)
    boxes = cashbox.list_boxes()
    record(ctx.user.actor, "read", "cash_box", "list")
    return ctx.render(
        "disbursements/cash_boxes.html",
        boxes=boxes,
        fund_names=account_names(ctx.lang),
        counts={b.fund_id: cashbox.counts(b.fund_id, 3) for b in boxes},
        idempotency_key=idempotency.new_nonce(),
    )
