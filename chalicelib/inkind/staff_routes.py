"""Staff pages and staff API of the in-kind area: stock, intake, distribution,
pledges, needs, catalogue and the thank-you list."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import idempotency
from chalicelib.audit.service import record
from chalicelib.auth.roles import COORDINATOR, FINANCE, STAFF, STAFF_ROLES
from chalicelib.errors import N_, ValidationFailed
from chalicelib.inkind import catalogue, needs, service, stock, thanks
from chalicelib.inkind.routes import bp, request_id
from chalicelib.inkind.stock import once
from chalicelib.money import parse_nok
from chalicelib.web import confirm
from chalicelib.web.forms import field_names
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import api, page
from chalicelib.web.schema import (
    BOOL,
    CLIENT_CODE,
    DATE,
    ID,
    array,
    either,
    integer,
    obj,
    text,
)

WORKERS = (STAFF, COORDINATOR)  # who moves goods (admin passes too)
QUANTITY = either("integer", "string", maxLength=12)
STOCK = obj({"item_id": ID, "unit": text(), "total": integer(), "low": BOOL,
             "expires_on": {"type": ["string", "null"]},
             "by_location": {"type": "object", "additionalProperties": integer()}})
RECEIPT_BODY = obj({
    "giver": text(200), "location": text(64), "need_id": ID, "thank_by_name": BOOL,
    "lines": array(obj({"item_id": ID, "quantity": QUANTITY, "value": integer(0),
                        "expires_on": DATE}, required=("item_id", "quantity")),
                   100, minItems=1),
}, required=("location", "lines"))
DISTRIBUTION_BODY = obj({"item_id": ID, "quantity": QUANTITY, "location": text(64),
                         "client_code": CLIENT_CODE, "shelter_id": ID,
                         "children": either("integer", "string", maxLength=4)},
                        required=("item_id", "quantity", "location"))
THANKS = (STAFF, FINANCE)
# A receipt form has one line: the service's names for its fields.
ONE_LINE = {"lines": "item_id", "lines.0.quantity": "quantity",
            "lines.0.value": "value", "lines.0.expires_on": "expires_on"}
add_staff_link("/staff/inkind", N_("Gifts in kind and stock"), STAFF_ROLES, order=40)


def _nok(text: str, field: str) -> int | None:
    if not text:
        return None
    value = parse_nok(text)
    if value is None:
        raise ValidationFailed({field: N_("Enter an amount in NOK.")})
    return value


def _item_options(ctx, items) -> list[tuple[str, str]]:
    return [(item.item_id, item.name(ctx.lang)) for item in items]


def _location_options(ctx) -> list[tuple[str, str]]:
    return [(code, ctx.gettext(label)) for code, label in catalogue.LOCATIONS.items()]


def _render_stock(ctx, **extra):
    lines = stock.stock_overview()  # the catalogue and the stock rows: 2 reads
    items = [line.item for line in lines]
    kits = [item for item in items if item.kind == "kit"]
    return ctx.render(
        "inkind/stock.html",
        lines=lines,
        locations=catalogue.LOCATIONS,
        kits=kits,
        items=items,
        item_options=_item_options(ctx, items),
        kit_options=_item_options(ctx, kits),
        location_options=_location_options(ctx),
        request_id=request_id(),
        **extra,
    )


# Said once on the next page after each change (web/flash.py).
DONE = {
    "distribute": N_("The items were handed out."),
    "transfer": N_("The items were moved."),
    "write_off": N_("The items were written off."),
    "assemble": N_("The kits were put together."),
    "receipt": N_("The delivery was recorded in the stock."),
    "receive": N_("The delivery of the promise was recorded in the stock."),
    "cancel": N_("The promise was cancelled."),
}


@page(bp, "/staff/inkind", roles=STAFF_ROLES)
def stock_page(ctx):
    return _render_stock(ctx)


def _move(ctx, form: dict) -> None:
    actor, action = ctx.user.actor, form.get("action")
    item, qty, where = (
        form.get("item_id", ""),
        form.get("quantity"),
        form.get("location", ""),
    )
    if action not in ("distribute", "transfer", "write_off", "assemble"):
        raise ValidationFailed({"action": N_("Choose what to do.")})
    idem = idempotency.from_form(ctx, form, f"inkind.{action}", field="request_id")
    if action == "distribute":
        once(idem, "d-", lambda mid, digest: service.distribute(
            mid, item, qty, where, actor,
            client_code=form.get("client_code") or None,
            shelter_id=form.get("shelter_id") or None,
            children=form.get("children") or 0, request_hash=digest))
    elif action == "transfer":
        once(idem, "t-", lambda mid, digest: service.transfer(
            mid, item, qty, where, form.get("target", ""), actor, digest))
    elif action == "write_off":
        once(idem, "w-", lambda mid, digest: service.write_off(
            mid, item, qty, where, form.get("reason", ""), actor, digest))
    else:
        once(idem, "a-", lambda mid, digest: service.assemble_kits(
            mid, item, qty, where, actor, digest))


@page(bp, "/staff/inkind/movements", methods=["POST"], roles=WORKERS,
      form="/staff/inkind")
def movement_form(ctx):
    form = ctx.form()
    _move(ctx, form)
    return ctx.redirect("/staff/inkind", flash=DONE[str(form.get("action"))])


@page(bp, "/staff/inkind/receipts", methods=["GET", "POST"], roles=WORKERS,
      form=True)
def receipt_form(ctx):
    if ctx.method == "POST":
        with field_names(**ONE_LINE):
            _receive(ctx, ctx.form())
        return ctx.redirect("/staff/inkind", flash=DONE["receipt"])
    return ctx.render(
        "inkind/receipt.html",
        item_options=_item_options(ctx, catalogue.list_items()),
        location_options=_location_options(ctx),
        need_options=[("", "-")] + [
            (need.need_id, f"{need.text(ctx.lang)} ({need.wanted})")
            for need in needs.open_needs()],
        request_id=request_id(),
    )


def _receive(ctx, form: dict) -> None:
    line = service.ReceiptLine(
        form.get("item_id", ""),
        form.get("quantity"),
        _nok(form.get("value", ""), "value"),
        form.get("expires_on") or None,
    )
    idem = idempotency.from_form(ctx, form, "inkind.receipt", field="request_id")
    once(idem, "r-", lambda mid, digest: service.receive_gifts(
        mid,
        form.get("giver", ""),
        form.get("location", ""),
        [line],
        ctx.user.actor,
        need_id=form.get("need_id") or None,
        thank_by_name=bool(form.get("thank_by_name")),
        request_hash=digest,
    ))


@page(bp, "/staff/inkind/pledges", roles=STAFF_ROLES)
def pledges_page(ctx):
    open_ones = needs.pledges("open") + needs.pledges("partly")
    return ctx.render(
        "inkind/pledges.html",
        pledges=open_ones,
        items=stock.get_items(),
        location_options=_location_options(ctx),
        request_id=request_id(),
    )


@page(bp, "/staff/inkind/pledges/{pledge_id}", methods=["POST"], roles=WORKERS,
      form="/staff/inkind/pledges")
def pledge_action(ctx, pledge_id):
    form = ctx.form()
    if form.get("action") == "cancel":
        return _cancel_pledge(ctx, pledge_id)
    idem = idempotency.from_form(
        ctx, form, "inkind.receipt",
        {"pledge_id": pledge_id, **idempotency.business_fields(form, "request_id")},
        field="request_id")
    with field_names(**ONE_LINE):
        once(idem, "r-", lambda mid, digest: needs.receive_pledge(
            mid,
            pledge_id,
            form.get("quantity"),
            form.get("location", ""),
            ctx.user.actor,
            expires_on=form.get("expires_on") or None,
            request_hash=digest,
        ))
    return ctx.redirect("/staff/inkind/pledges", flash=DONE["receive"])


def _cancel_pledge(ctx, pledge_id: str):
    pledge = needs.get_pledge(pledge_id)

    def act():
        needs.cancel_pledge(pledge_id, ctx.user.actor)
        return ctx.redirect("/staff/inkind/pledges", flash=DONE["cancel"])

    if pledge.status not in ("open", "partly"):
        return act()  # closed already: the pledges page says so
    item = stock.get_items().get(pledge.item_id)
    return confirm.ask_first(ctx, confirm.Question(
        ctx.gettext(N_("Cancel the pledge from %(giver)s?"), giver=pledge.giver),
        ctx.gettext(N_("The %(count)s × %(item)s still to come are no longer "
                       "expected, and the public page asks for them again. What "
                       "was received stays in stock. A cancelled pledge cannot be "
                       "opened again."),
                    count=int(pledge.quantity) - int(pledge.received),
                    item=item.name(ctx.lang) if item else pledge.item_id),
        ctx.gettext(N_("Cancel the pledge")),
        "/staff/inkind/pledges"), act)


@page(bp, "/staff/inkind/needs", methods=["GET", "POST"], roles=WORKERS, form=True)
def needs_admin(ctx):
    if ctx.method == "POST":
        form = ctx.form()
        if form.get("action") == "close":
            needs.close_need(form.get("need_id", ""))
        else:
            idem = idempotency.from_form(ctx, form, "inkind.need", field="request_id")
            needs.publish_need(
                idem.resource_id("n-"),
                form.get("item_id", ""),
                form.get("wanted"),
                form.get("wanted_by"),
                {lang: form.get(f"text_{lang}", "") for lang in ("nb", "en", "es")},
            )
        return ctx.redirect("/staff/inkind/needs")
    return ctx.render(
        "inkind/needs_admin.html",
        needs=needs.open_needs(),
        items=stock.get_items(),
        item_options=_item_options(ctx, catalogue.list_items()),
        request_id=request_id(),
    )


@page(bp, "/staff/inkind/catalogue", methods=["GET", "POST"], roles=WORKERS,
      form=True)
def catalogue_page(ctx):
    if ctx.method == "POST":
        form = ctx.form()
        catalogue.save_item(
            form.get("item_id", ""),
            {lang: form.get(f"name_{lang}", "") for lang in ("nb", "en", "es")},
            form.get("unit", ""),
            _nok(form.get("value", ""), "value") or 0,
            form.get("kind", ""),
            catalogue.optional_date(form.get("expires_on"), "expires_on"),
            catalogue.parse_components(form.get("components", "")),
            int(form["low_stock"]) if form.get("low_stock", "").isdigit() else 0,
        )
        return ctx.redirect("/staff/inkind/catalogue")
    items = catalogue.list_items()
    return ctx.render(
        "inkind/catalogue.html",
        items=items,
        item_names={item.item_id: item.name(ctx.lang) for item in items},
        units=catalogue.UNITS,
        unit_options=[(code, ctx.gettext(label))
                      for code, label in catalogue.UNITS.items()],
        kind_options=[(kind, ctx.gettext(label))
                      for kind, label in catalogue.KINDS.items()],
        kinds=catalogue.KINDS,
    )


def _year(ctx) -> int:
    text = ctx.query.get("year", "")
    return (
        int(text)
        if text.isdigit() and 2000 <= int(text) <= 2100
        else datetime.now(UTC).year
    )


@page(bp, "/staff/inkind/thanks", roles=THANKS)
def thanks_page(ctx):
    year = _year(ctx)
    rows = thanks.thank_you_list(year, ctx.lang)
    record(ctx.user.actor, "read", "thank_you_list", str(year))
    return ctx.render(
        "inkind/thanks.html", rows=rows, year=year, describe=thanks.describe_gifts
    )


@page(bp, "/staff/inkind/thanks.csv", roles=THANKS)
def thanks_csv(ctx):
    from chalicelib.web.spreadsheet import csv_response

    year = _year(ctx)
    headers = [ctx.gettext(h) for h in ("Name", "Kind", "Gifts", "Value (NOK)")]
    record(ctx.user.actor, "read", "thank_you_list", f"{year}.csv")
    body = thanks.as_csv(thanks.thank_you_list(year, ctx.lang), headers, ctx.gettext,
                         ctx.lang)
    return csv_response(f"thank-you-{year}.csv", body)


# --- JSON API ----------------------------------------------------------------


@api(bp, "/api/stock", roles=STAFF_ROLES, answer=obj({"stock": array(STOCK, 10000)}))
def stock_api(ctx):
    return ctx.json_response(
        {
            "stock": [
                {
                    "item_id": line.item.item_id,
                    "unit": line.item.unit,
                    "total": line.total,
                    "low": line.low,
                    "expires_on": line.item.expires_on,
                    "by_location": line.by_location,
                }
                for line in stock.stock_overview()
            ]
        }
    )


def _key(ctx, scope: str, body: dict) -> idempotency.Idempotent:
    return idempotency.from_api(ctx, scope, body, body_field="request_id")


@api(bp, "/api/inkind/receipts", methods=["POST"], roles=WORKERS, body=RECEIPT_BODY,
     answer=obj({"receipt_id": text(), "created": BOOL}), status=(201, 200))
def receipts_api(ctx):
    body = ctx.json()
    raw_lines = body.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise ValidationFailed({"lines": N_("Add at least one item.")})
    lines = [_receipt_line(raw) for raw in raw_lines]
    idem = _key(ctx, "inkind.receipt", body)
    result = once(idem, "r-", lambda mid, digest: service.receive_gifts(
        mid,
        str(body.get("giver") or ""),
        str(body.get("location") or ""),
        lines,
        ctx.user.actor,
        need_id=body.get("need_id") or None,
        thank_by_name=body.get("thank_by_name", True) is not False,
        request_hash=digest,
    ))
    return ctx.json_response(
        {"receipt_id": result.movement_id, "created": result.created},
        status=201 if result.created else 200,
    )


def _receipt_line(raw: object) -> service.ReceiptLine:
    if not isinstance(raw, dict):
        raise ValidationFailed({"lines": N_("Add at least one item.")})
    value = raw.get("value")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValidationFailed({"value": N_("Enter an amount in øre.")})
    return service.ReceiptLine(
        str(raw.get("item_id") or ""),
        raw.get("quantity"),
        value,
        raw.get("expires_on"),
    )


@api(bp, "/api/inkind/distributions", methods=["POST"], roles=WORKERS,
     body=DISTRIBUTION_BODY, status=(201, 200),
     answer=obj({"distribution_id": text(), "created": BOOL}))
def distributions_api(ctx):
    body = ctx.json()
    idem = _key(ctx, "inkind.distribute", body)
    result = once(idem, "d-", lambda mid, digest: service.distribute(
        mid,
        str(body.get("item_id") or ""),
        body.get("quantity"),
        str(body.get("location") or ""),
        ctx.user.actor,
        client_code=body.get("client_code") or None,
        shelter_id=body.get("shelter_id") or None,
        children=body.get("children") or 0,
        request_hash=digest,
    ))
    return ctx.json_response(
        {"distribution_id": result.movement_id, "created": result.created},
        status=201 if result.created else 200,
    )
