"""Offline gifts: finance records bank and Vipps gifts or imports a CSV file."""

from __future__ import annotations

import json

from chalice import Blueprint

from chalicelib.audit.service import record
from chalicelib.auth.roles import ADMIN, FINANCE
from chalicelib.core.clock import oslo_date
from chalicelib.core.thanks import register_money_givers
from chalicelib.errors import N_, ValidationFailed
from chalicelib.funds.service import account_names, list_funds
from chalicelib.gifts import csvfile, service
from chalicelib.money import kroner_field
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import api, page
from chalicelib.web.schema import (
    BOOL,
    DATE,
    ID,
    OERE,
    array,
    integer,
    nullable,
    obj,
    one_of,
    text,
)

bp = Blueprint(__name__)
MONEY_ROLES = (ADMIN, FINANCE)
add_staff_link("/staff/gifts", N_("Bank and Vipps gifts"), MONEY_ROLES, order=31)
register_money_givers("gifts", service.named_givers)
GIFT = obj({"gift_key": text(), "channel": text(), "reference": text(),
            "fund_id": ID, "amount": integer(), "currency": text(3), "date": DATE,
            "donor_name": nullable(text()), "thank_by_name": nullable(BOOL),
            "import_id": nullable(text())})
GIFT_BODY = obj({"amount": OERE, "channel": one_of(*service.CHANNELS),
                 "reference": text(64, minLength=1), "date": DATE, "fund_id": ID,
                 "donor_name": text(120), "donor_email": text(200),
                 "thank_by_name": BOOL},
                required=("amount", "channel", "reference", "date", "fund_id"))
IMPORT = obj({"import_id": ID, "status": text(), "fund_id": ID, "channel": text(),
              "total": integer(), "rows": array({"type": "object"}, 100000),
              "errors": array({}, 100000)})


def _gift_json(gift) -> dict:
    return {
        "gift_key": gift.gift_key,
        "channel": gift.channel,
        "reference": gift.reference,
        "fund_id": gift.fund_id,
        "amount": int(gift.amount),
        "currency": gift.currency,
        "date": gift.date,
        "donor_name": gift.donor_name,
        "thank_by_name": gift.thank_by_name,
        "import_id": gift.import_id,
    }


def _import_json(draft) -> dict:
    return {
        "import_id": draft.import_id,
        "status": draft.status,
        "fund_id": draft.fund_id,
        "channel": draft.channel,
        "total": int(draft.total),
        "rows": json.loads(draft.rows),
        "errors": json.loads(draft.errors),
    }


@api(bp, "/api/gifts", roles=MONEY_ROLES, query={"year": text(4, pattern="^[0-9]+$")},
     answer=obj({"gifts": array(GIFT, 100000)}))
def gifts_of_year_api(ctx):
    year = ctx.query.get("year") or str(oslo_date().year)
    if not year.isdigit():
        raise ValidationFailed({"year": N_("Give a year.")})
    gifts = service.gifts_of_year(int(year))
    record(ctx.user.actor, "read", "gift", f"list-{year}")
    return ctx.json_response({"gifts": [_gift_json(g) for g in gifts]})


@api(bp, "/api/gifts", methods=["POST"], roles=MONEY_ROLES, body=GIFT_BODY,
     answer=GIFT, status=(201, 200))
def gifts_api(ctx):
    gift, created = service.record_gift(service.validate(ctx.json()), ctx.user.actor)
    return ctx.json_response(_gift_json(gift), status=201 if created else 200)


@api(bp, "/api/gifts/imports", methods=["POST"], roles=MONEY_ROLES, raw="text/csv",
     query={"fund_id": ID, "channel": one_of(*service.CHANNELS),
            "thank_by_name": one_of("true", "false")},
     answer=IMPORT, status=201)
def import_preview_api(ctx):
    query = ctx.query
    draft = service.preview_import(
        ctx.raw_body(),
        query.get("fund_id", ""),
        query.get("channel", ""),
        ctx.user.actor,
        thank_by_name=query.get("thank_by_name") == "true",
    )
    return ctx.json_response(_import_json(draft), status=201)


@api(bp, "/api/gifts/imports/{import_id}/confirm", methods=["POST"],
     roles=MONEY_ROLES, answer=IMPORT)
def import_confirm_api(ctx, import_id):
    draft = service.confirm_import(import_id, ctx.user.actor)
    return ctx.json_response(_import_json(draft))


def _form_gift(form: dict[str, str]) -> service.GiftInput:
    data: dict = dict(form)
    data["amount"] = kroner_field(form.get("amount"))
    data["thank_by_name"] = form.get("thank_by_name") == "on"
    return service.validate(data)


@page(bp, "/staff/gifts", methods=["GET", "POST"], roles=MONEY_ROLES, form=True)
def gifts_page(ctx):
    if ctx.method == "POST":
        service.record_gift(_form_gift(ctx.form()), ctx.user.actor)
        return ctx.redirect("/staff/gifts", flash=N_("The gift was recorded."))
    record(ctx.user.actor, "read", "gift", f"list-{oslo_date().year}")
    gifts = sorted(
        service.gifts_of_year(oslo_date().year),
        key=lambda g: g.created_at,
        reverse=True,
    )[:50]
    return ctx.render(
        "gifts/index.html",
        fund_options=_fund_options(ctx),
        fund_names=account_names(ctx.lang),
        gifts=gifts,
        today=oslo_date().isoformat(),
    )


def _fund_options(ctx) -> list[tuple[str, str]]:
    return [(fund.fund_id, fund.name(ctx.lang)) for fund in list_funds()]


@page(bp, "/staff/gifts/import", methods=["GET", "POST"], roles=MONEY_ROLES,
      form=True, long_fields=("csv",))
def import_page(ctx):
    draft = None
    if ctx.method == "POST":
        form = ctx.form()
        draft = service.preview_import(
            _import_bytes(ctx, form),
            form.get("fund_id", ""),
            form.get("channel", ""),
            ctx.user.actor,
            thank_by_name=form.get("thank_by_name") == "on",
        )
    return ctx.render(
        "gifts/import.html",
        fund_options=_fund_options(ctx),
        draft=draft,
        preview=_import_json(draft) if draft else None,
    )


def _import_bytes(ctx, form: dict[str, str]) -> bytes:
    """The uploaded file's bytes as sent, else the pasted text; refused with
    the field named when there is neither or the file is too large."""
    upload = ctx.files().get("file")
    if upload is not None and len(upload.content) > csvfile.MAX_FILE_BYTES:
        raise ValidationFailed({"file": N_(
            "The file is larger than 512 KB. Split it in parts and upload each.")})
    raw = upload.content if upload else form.get("csv", "").encode("utf-8")
    if not raw.strip():
        raise ValidationFailed({"file": N_("Choose a file or paste its content.")})
    return raw


@page(bp, "/staff/gifts/import/{import_id}", methods=["POST"], roles=MONEY_ROLES)
def import_confirm_page(ctx, import_id):
    draft = service.confirm_import(import_id, ctx.user.actor)
    return ctx.render(
        "gifts/import.html",
        fund_options=_fund_options(ctx),
        draft=draft,
        preview=_import_json(draft),
        done=True,
    )
