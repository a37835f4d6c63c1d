"""The client overview: a client-code search and one page per code with
what each area holds for it, shown to the roles that area allows."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.clients import normalise_client_code
from chalicelib.clientview import service
from chalicelib.errors import N_, Forbidden, ValidationFailed
from chalicelib.web import forms
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import page

bp = Blueprint(__name__)
LOOKUP = "lookup"  # the search form's name (also on /staff/disbursements)
BAD_CODE = N_("Use a client code like K-2025-031.")
add_staff_link("/staff/clients", N_("Client overview"), STAFF_ROLES, order=15)


def _search(ctx, typed: str | None = None):
    """The search form; with `typed`, drawn again with that bad code marked."""
    if typed is not None:
        ctx.failure = forms.failure_for(
            ValidationFailed({"code": BAD_CODE}),
            {forms.FORM_FIELD: [LOOKUP], "code": [typed]}, ctx.gettext)
    return ctx.render("clientview/search.html")


@page(bp, "/staff/clients", roles=STAFF_ROLES, form=True)
def search_page(ctx):
    if "code" not in ctx.query:
        return _search(ctx)
    code = normalise_client_code(ctx.query["code"])
    if code is None:
        raise ValidationFailed({"code": BAD_CODE})
    return ctx.redirect(f"/staff/clients/{code}")


@page(bp, "/staff/clients/{client_code}", methods=["GET", "POST"],
      roles=STAFF_ROLES, form=True)
def client_page(ctx, client_code):
    code = normalise_client_code(client_code)
    if code is None:
        return _search(ctx, client_code)
    if ctx.method == "POST":
        _save_bridging(ctx, code)
        return ctx.redirect(f"/staff/clients/{code}",
                            flash=N_("The expected payout date was saved."))
    found = service.overview(code, ctx.user)
    return ctx.render(
        "clientview/client.html", client_code=code, cash=found.cash,
        beds=found.beds, items=found.items, **_names(ctx, found))


def _save_bridging(ctx, code: str) -> None:
    from chalicelib.disbursements import bridging

    if not ctx.user.has_any(service.CASH):
        raise Forbidden()
    bridging.set_payout_date(code, ctx.form().get("expected_payout", ""),
                             ctx.user.actor)


def _names(ctx, found: service.Overview) -> dict:
    """Names, never ids, of the funds, purposes, items and places shown."""
    names: dict = {}
    if found.cash is not None:
        from chalicelib.disbursements.routes import DECIDERS, METHOD_LABELS
        from chalicelib.funds.purposes import PURPOSES
        from chalicelib.funds.service import account_names

        names.update(account_names=account_names(ctx.lang), purposes=PURPOSES,
                     methods=METHOD_LABELS,
                     can_decide=ctx.user.has_any(DECIDERS))
    if found.items is not None:
        from chalicelib.inkind.catalogue import LOCATIONS

        names.update(item_names=service.item_names(found.items.item_ids, ctx.lang),
                     locations=LOCATIONS)
    return names

