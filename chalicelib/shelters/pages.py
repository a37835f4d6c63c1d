"""The coordinator's board and shelter pages: plain HTML forms, no JavaScript.
Addresses appear only on a shelter's own page, which only coordinators and
admins can open; the board shows counts and criteria."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import idempotency
from chalicelib.audit.service import record, record_many
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.core.clock import oslo_time
from chalicelib.core.vocabulary import county_of
from chalicelib.errors import N_, DomainError, ValidationFailed
from chalicelib.shelters import registry, rules, search, service
from chalicelib.shelters.blueprint import BOARD, COORD, bp
from chalicelib.web import confirm
from chalicelib.web.forms import field_names
from chalicelib.web.routing import page

# What the shelter's page says once after each change (web/flash.py).
NOTICES = {
    "hold": N_("The bed is held."),
    "checkin": N_("Checked in. The stay has started."),
    "release": N_("The hold was released."),
    "checkout": N_("Checked out. The bed is free again."),
    "counts": N_("Counts confirmed."),
    "link": N_("The link to confirm free places was sent to the shelter's contact "
               "email."),
    "saved": N_("Saved."),
}


def year_of(ctx) -> int:
    raw = ctx.query.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return datetime.now(UTC).year


def _common(ctx) -> dict[str, Any]:
    return {"types": rules.SHELTER_TYPES, "is_coordinator": ctx.user.has_any(COORD),
            "request_key": idempotency.new_nonce(), "now": datetime.now(UTC)}


def _language_options(ctx) -> list[tuple[str, str]]:
    """The shared list of languages, by name in the page's language."""
    from chalicelib.core.vocabulary import LANGUAGES

    return [(code, ctx.gettext(name)) for code, name in LANGUAGES.items()]


@page(bp, "/staff/shelters", roles=BOARD)
def board(ctx):
    need = search.parse_need(ctx.query)
    return ctx.render("shelters/board.html", results=search.find_beds(need),
                      need=need, query=ctx.query,
                      language_options=_language_options(ctx), **_common(ctx))


def _detail(ctx, shelter_id: str, error: DomainError | None = None) -> Any:
    shelter = service.get_shelter(shelter_id)
    moment = datetime.now(UTC)
    secret = registry.confidential(shelter_id, ctx.user.actor)
    message = _message(ctx, error) if error else None
    holds = registry.active_holds_of(shelter, moment)
    stays = registry.active_stays_of(shelter_id)
    # The page shows who is held or staying: each client shown is a read.
    shown = [str(h.client_code) for h in holds] + [str(s.client_code) for s in stays]
    record_many(ctx.user.actor, "read", "client", shown)
    return ctx.render(
        "shelters/detail.html", status=error.status if error else 200,
        shelter=shelter, row=search.availability_row(shelter, moment), secret=secret,
        holds=holds, stays=stays, error=message, **_common(ctx))


def _message(ctx, error: DomainError) -> str:
    if isinstance(error, ValidationFailed) and error.fields:
        return " ".join(ctx.gettext(text) for text in error.fields.values())
    return str(ctx.gettext(error.message, **error.params))


@page(bp, "/staff/shelters/{shelter_id}", roles=COORD)
def detail(ctx, shelter_id):
    return _detail(ctx, shelter_id)


def _act(ctx, shelter_id: str, action, done: str) -> Any:
    """Run a bed action; on a domain error show the shelter page with it."""
    try:
        action()
    except DomainError as error:
        return _detail(ctx, shelter_id, error)
    return ctx.redirect(f"/staff/shelters/{shelter_id}", flash=NOTICES[done])


@page(bp, "/staff/shelters/{shelter_id}/holds", methods=["POST"], roles=COORD,
      form="/staff/shelters/{shelter_id}")
def place_hold(ctx, shelter_id):
    form = ctx.form()
    service.get_shelter(shelter_id)
    service.place_hold(
        shelter_id, service.validate_client_code(form.get("client_code")),
        service.validate_hours(form.get("hours")), ctx.user.actor,
        request_key=form.get("request_key"))
    return ctx.redirect(f"/staff/shelters/{shelter_id}", flash=NOTICES["hold"])


@page(bp, "/staff/shelters/{shelter_id}/counts", methods=["POST"], roles=COORD,
      form="/staff/shelters/{shelter_id}")
def confirm_counts(ctx, shelter_id):
    registry.confirm_counts(
        shelter_id, *registry.parse_counts(ctx.form()), ctx.user.actor)
    return ctx.redirect(f"/staff/shelters/{shelter_id}", flash=NOTICES["counts"])


@page(bp, "/staff/holds/{hold_id}/checkin", methods=["POST"], roles=COORD)
def check_in(ctx, hold_id):
    hold = service.get_hold(hold_id)
    return _act(ctx, hold.shelter_id,
                lambda: service.check_in(hold_id, ctx.user.actor), "checkin")


@page(bp, "/staff/holds/{hold_id}/release", methods=["POST"], roles=COORD)
def release(ctx, hold_id):
    hold = service.get_hold(hold_id)

    def act() -> Any:
        return _act(ctx, hold.shelter_id,
                    lambda: service.release_hold(hold_id, ctx.user.actor), "release")

    if service.hold_state(hold) != "active":
        return act()  # nothing to give back: its page says why
    record(ctx.user.actor, "read", "client", str(hold.client_code))
    shelter = service.get_shelter(hold.shelter_id)
    return confirm.ask_first(ctx, confirm.Question(
        ctx.gettext(N_("Release the hold for %(code)s?"), code=hold.client_code),
        ctx.gettext(N_("The bed at %(shelter)s held for %(code)s until %(until)s "
                       "becomes free for anyone at once. To keep a bed for this "
                       "client again, place a new hold."),
                    shelter=shelter.name, code=hold.client_code,
                    until=oslo_time(hold.expires_at, zone=True)),
        ctx.gettext(N_("Release the hold")),
        f"/staff/shelters/{hold.shelter_id}"), act)


@page(bp, "/staff/stays/{stay_id}/checkout", methods=["POST"], roles=COORD)
def check_out(ctx, stay_id):
    stay = service.get_stay(stay_id)
    return _act(ctx, stay.shelter_id,
                lambda: service.check_out(stay_id, ctx.user.actor), "checkout")


def _edit(ctx, shelter_id: str | None) -> Any:
    shelter = service.get_shelter(shelter_id) if shelter_id else None
    secret = registry.confidential(shelter_id, ctx.user.actor) if shelter_id else None
    if ctx.method != "POST":
        return ctx.render(
            "shelters/edit.html", shelter=shelter, values=_values_of(shelter, secret),
            type_options=[(code, ctx.gettext(label))
                          for code, label in rules.SHELTER_TYPES.items()],
            language_options=_language_options(ctx), **_common(ctx))
    values: dict[str, Any] = dict(ctx.form())
    values["languages"] = ctx.form_lists().get("languages", [])  # the boxes ticked
    shelter_id = _save(ctx, shelter_id, values)
    return ctx.redirect(f"/staff/shelters/{shelter_id}", flash=NOTICES["saved"])


def _save(ctx, shelter_id: str | None, values: dict[str, Any]) -> str:
    fields = registry.parse_shelter(values)
    secret = registry.parse_secret(values)
    if shelter_id:
        registry.update_shelter(shelter_id, fields, secret, ctx.user.actor)
        return shelter_id
    total = registry.parse_counts(values)[0]
    idem = idempotency.from_form(ctx, values, registry.REGISTER, field="request_key")
    return registry.create_shelter(fields, secret, total, ctx.user.actor,
                                   idem=idem).shelter_id


def _values_of(shelter, secret) -> dict[str, Any]:
    if shelter is None:
        return {"accepts_women": True, "kind": "crisis_centre"}
    values = {name: getattr(shelter, name) for name in (
        *registry.TEXT_FIELDS, *registry.FLAG_FIELDS, "kind", "children_max",
        "max_stay_days")}
    values["languages"] = sorted(shelter.languages or ())
    # a shelter of an old county (Viken) chooses today's on its next edit
    values["region"] = county_of(shelter.region, shelter.municipality).code or ""
    values.update(address=secret.address, contact=secret.contact,
                  email=secret.email or "")
    return values


@page(bp, "/staff/shelters/new", methods=["GET", "POST"], roles=COORD, form=True)
def new_shelter(ctx):
    return _edit(ctx, None)


@page(bp, "/staff/shelters/{shelter_id}/edit", methods=["GET", "POST"], roles=COORD,
      form=True)
def edit_shelter(ctx, shelter_id):
    return _edit(ctx, shelter_id)


@page(bp, "/staff/shelters/clients", roles=COORD, form=True)
def client_history(ctx):
    code = ctx.query.get("code", "").strip()
    with field_names(client_code="code"):
        stays = service.client_history(code, ctx.user.actor) if code else None
    names = {s.shelter_id: s.name for s in registry.list_shelters()} if stays else {}
    return ctx.render("shelters/client.html", code=code.upper(), stays=stays,
                      names=names)


@page(bp, "/staff/shelters/stats", roles=STAFF_ROLES)
def stats(ctx):
    year = year_of(ctx)
    names = {s.shelter_id: s.name for s in registry.list_shelters()}
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    return ctx.render("shelters/stats.html", year=year, stats=search.bed_nights(year),
                      names=names, months=months, types=rules.SHELTER_TYPES)
