"""Funds: the admin page, the ledger API, transfers and reconciliation."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import idempotency
from chalicelib.audit.service import record
from chalicelib.auth.roles import ADMIN, FINANCE
from chalicelib.errors import N_, ValidationFailed
from chalicelib.funds import admin, rules, service
from chalicelib.funds.purposes import PURPOSES
from chalicelib.money import kroner_field
from chalicelib.web.forms import field_names
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import api, page
from chalicelib.web.schema import (
    BOOL,
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

bp = Blueprint(__name__)
add_staff_link("/staff/funds", N_("Funds and ledger"), (ADMIN, FINANCE), order=30)
MONEY_ROLES = (ADMIN, FINANCE)
ENTRY = obj({"entry_id": text(), "movement_id": text(), "kind": text(),
             "amount": integer(), "currency": text(3), "created_at": DATETIME,
             "actor": text(), "reference": nullable(text()),
             "memo": nullable(text())})
FUND = obj({"fund_id": ID, "names": names(), "restricted": BOOL, "public": BOOL,
            "purposes": array(text()), "balance": integer()})
TRANSFER_BODY = obj({"from_fund": ID, "to_fund": ID, "amount": OERE,
                     "reason": text(500, minLength=1)},
                    required=("from_fund", "to_fund", "amount", "reason"))


def _entry_json(entry) -> dict:
    return {
        "entry_id": entry.entry_id,
        "movement_id": entry.movement_id,
        "kind": entry.kind,
        "amount": int(entry.amount),
        "currency": entry.currency,
        "created_at": entry.created_at.isoformat(),
        "actor": entry.actor,
        "reference": entry.reference,
        "memo": entry.memo,
    }


def _fund_form(form: dict[str, str], lists: dict[str, list[str]]) -> dict:
    return {
        "names": {lang: form.get(f"name_{lang}", "") for lang in admin.LANGS},
        "restricted": form.get("restricted") == "on",
        "public": form.get("public") == "on",
        "purposes": {p for p in lists.get("purposes", []) if p},
    }


def _save_fund(ctx, form: dict[str, str]) -> str:
    # The service names "names": mark the first name left empty.
    empty = [f"name_{lang}" for lang in admin.LANGS if not form.get(f"name_{lang}")]
    with field_names(names=(empty or ["name_nb"])[0]):
        return _store_fund(ctx, form)


def _store_fund(ctx, form: dict[str, str]) -> str:
    values = _fund_form(form, ctx.form_lists())
    if form.get("action") == "create":
        admin.create_fund(form.get("fund_id", ""), actor=ctx.user.actor, **values)
        return N_("The fund was saved.")
    fund = admin.update_fund(
        form.get("fund_id", ""),
        actor=ctx.user.actor,
        active=form.get("active") == "on",
        **values,
    )
    if rules.pending(fund):
        return N_("The fund was saved. It holds money, so the change of its "
                  "restriction or purposes waits for a second person's approval.")
    return N_("The fund was saved.")


def _decide_rules(ctx, fund_id: str, decision: str) -> None:
    if decision == "approve":
        rules.approve(fund_id, ctx.user.actor)
    elif decision == "cancel":
        rules.cancel(fund_id, ctx.user.actor)
    else:
        raise ValidationFailed({"decision": N_("Approve or cancel.")})


TRANSFER = "funds.transfer"  # the idempotency scope of page and API transfers


def _post_transfer(idem: idempotency.Idempotent, request: dict, actor):
    """The transfer once: a retry with the same key answers the first one."""
    result = admin.transfer(
        idem.resource_id("transfer-"), request["from_fund"], request["to_fund"],
        request["amount"], actor, request["reason"], request_hash=idem.fingerprint)
    if not result.created:
        idem.check(service.movement_hash(result.movement_id))
    return result


def _transfer(ctx, form: dict[str, str]) -> bool:
    amount = kroner_field(form.get("amount"))
    if not form.get("reason"):
        raise ValidationFailed({"reason": N_("Give a reason.")})
    request = {"from_fund": form.get("from_fund", ""),
               "to_fund": form.get("to_fund", ""), "amount": amount,
               "reason": form["reason"]}
    idem = idempotency.from_form(ctx, form, TRANSFER, request)
    return _post_transfer(idem, request, ctx.user.actor).created


@page(bp, "/staff/funds", methods=["GET", "POST"], roles=MONEY_ROLES, form=True)
def funds_page(ctx):
    notice, is_admin = None, ADMIN in ctx.user.roles
    form = ctx.form() if ctx.method == "POST" else {}
    action = form.get("action")
    if action == "reconcile" and is_admin:
        service.request_reconciliation()
        record(ctx.user.actor, "read", "ledger", "reconcile")
        notice = N_("A check is queued; it runs within 15 minutes.")
    elif action in ("create", "update") and is_admin:
        notice = _save_fund(ctx, form)
    elif action in ("approve_rules", "cancel_rules"):
        _decide_rules(ctx, form.get("fund_id", ""), action.split("_")[0])
        notice = (N_("The new rules apply.") if action == "approve_rules"
                  else N_("The change was cancelled."))
    elif action == "transfer":
        posted = _transfer(ctx, form)
        notice = (N_("The transfer was posted.") if posted
                  else N_("This transfer was already posted; it was not posted again."))
    if notice:  # said once on the page, which a reload then draws afresh
        return ctx.redirect("/staff/funds", flash=notice)
    funds = service.list_funds(include_inactive=is_admin)
    return ctx.render(
        "funds/index.html",
        funds=funds,
        fund_names=service.account_names(ctx.lang),
        rules_waiting=[(f, rules.pending(f)) for f in funds if f.pending_rules],
        last_check=service.last_reconciliation() if is_admin else None,
        check_queued=is_admin and service.reconciliation_queued(),
        purposes=PURPOSES,
        purpose_options=[(code, ctx.gettext(name)) for code, name in PURPOSES.items()],
        fund_options=[(fund.fund_id, fund.name(ctx.lang)) for fund in funds],
        is_admin=is_admin,
        idempotency_key=idempotency.new_nonce(),
    )


@page(bp, "/staff/funds/{fund_id}", roles=MONEY_ROLES)
def fund_ledger_page(ctx, fund_id):
    fund = service.get_fund(fund_id)
    entries, after = service.ledger_page(fund_id, 50, ctx.query.get("after"))
    record(ctx.user.actor, "read", "ledger", fund_id)
    return ctx.render(
        "funds/ledger.html", fund=fund, entries=entries, after=after, purposes=PURPOSES,
        kinds=service.MOVEMENT_KINDS, memos=service.SYSTEM_MEMOS,
        account_names=service.account_names(ctx.lang),
    )


@api(bp, "/api/funds", roles=MONEY_ROLES, answer=obj({"funds": array(FUND)}))
def funds_api(ctx):
    return ctx.json_response(
        {
            "funds": [
                {
                    "fund_id": f.fund_id,
                    "names": {k: f.name(k) for k in admin.LANGS},
                    "restricted": f.restricted,
                    "public": f.public,
                    "purposes": sorted(f.purposes or []),
                    "balance": int(f.balance),
                }
                for f in service.list_funds()
            ]
        }
    )


@api(bp, "/api/funds/{fund_id}/ledger", roles=MONEY_ROLES,
     query={"limit": integer(1, 200), "after": text(512)},
     answer=obj({"entries": array(ENTRY), "next": nullable(text())}))
def ledger_api(ctx, fund_id):
    try:
        limit = max(1, min(int(ctx.query.get("limit", "50")), 200))
    except ValueError:
        raise ValidationFailed({"limit": N_("Give a whole number.")}) from None
    entries, after = service.ledger_page(fund_id, limit, ctx.query.get("after"))
    record(ctx.user.actor, "read", "ledger", fund_id)
    return ctx.json_response(
        {"entries": [_entry_json(e) for e in entries], "next": after}
    )


def _amount(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationFailed({"amount": N_("Give a whole, positive number of øre.")})
    return value


@api(bp, "/api/funds/transfers", methods=["POST"], roles=MONEY_ROLES,
     body=TRANSFER_BODY, status=(201, 200),
     answer=obj({"movement_id": text(), "created": BOOL}))
def transfer_api(ctx):
    body = ctx.json()
    reason = str(body.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Give a reason.")})
    request = {"from_fund": str(body.get("from_fund", "")),
               "to_fund": str(body.get("to_fund", "")),
               "amount": _amount(body.get("amount")), "reason": reason}
    idem = idempotency.from_api(ctx, TRANSFER, request)
    result = _post_transfer(idem, request, ctx.user.actor)
    return ctx.json_response(
        {"movement_id": result.movement_id, "created": result.created},
        status=201 if result.created else 200,
    )


@api(bp, "/api/funds/{fund_id}/rules-change", methods=["POST"], roles=MONEY_ROLES,
     body=obj({"decision": one_of("approve", "cancel")}, required=("decision",)),
     answer=obj({"fund_id": ID, "restricted": BOOL, "purposes": array(text()),
                 "waiting": nullable({"type": "object"})}))
def rules_change_api(ctx, fund_id):
    """A second person approves (or anyone cancels) a waiting rules change."""
    _decide_rules(ctx, fund_id, str(ctx.json().get("decision") or ""))
    fund = service.get_fund(fund_id)
    return ctx.json_response({"fund_id": fund_id, "restricted": fund.restricted,
                              "purposes": sorted(fund.purposes or []),
                              "waiting": rules.pending(fund)})


@api(bp, "/api/funds/reconcile", methods=["POST"], roles=(ADMIN,), status=202,
     answer=obj({"queued": BOOL, "last": nullable({"type": "object"})}))
def reconcile_api(ctx):
    """Queue a check (the quarter-hourly job runs it); answers the last one."""
    service.request_reconciliation()
    record(ctx.user.actor, "read", "ledger", "reconcile")
    last = service.last_reconciliation()
    return ctx.json_response(
        {
            "queued": True,
            "last": None if last is None else {
                "period": last.period,
                "status": last.status,
                "finished_at": last.finished_at.isoformat() if last.finished_at
                else None,
                **last.result,
            },
        },
        status=202,
    )
