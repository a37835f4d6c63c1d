"""The allocation view at /staff, its actions and the annual figures."""

from __future__ import annotations

import secrets
from typing import Any

from chalice import Blueprint

from chalicelib.allocation import actions, view
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.errors import N_, Forbidden
from chalicelib.web.nav import staff_links
from chalicelib.web.routing import page

bp = Blueprint(__name__)
# Said once at the top of the view after each action (web/flash.py).
NOTICES = {"transfer": N_("The money was moved."),
           "allocate": N_("The items were given to the shelter."),
           "hold": N_("The bed is held."),
           "repeat": N_("This was done already; nothing changed.")}


def _render(ctx) -> Any:
    built = view.build(ctx.user, ctx.lang, ctx.gettext)
    if any(name in built.panels for name in ("funds", "cash", "campaigns")):
        from chalicelib.audit.service import record

        record(ctx.user.actor, "read", "allocation_view", built.month)
    return ctx.render(
        "allocation/view.html", view=built, staff_links=staff_links(ctx.user),
        request_key=secrets.token_hex(12))


@page(bp, "/staff", roles=STAFF_ROLES)
def staff_home(ctx):
    return _render(ctx)


def _act(ctx, action: str, run) -> Any:
    """Run an action and go back to the view with a notice; a failure shows
    the view with the form filled in (page(..., form="/staff"))."""
    if not view.may_act(ctx.user, action):
        raise Forbidden()
    created = run(ctx.form())
    done = action if created is not False else "repeat"
    return ctx.redirect("/staff", flash=NOTICES[done])


@page(bp, "/staff/allocation/transfer", methods=["POST"], roles=STAFF_ROLES,
      form="/staff")
def transfer(ctx):
    return _act(ctx, "transfer", lambda form: actions.transfer(
        form.get("from_fund", ""), form.get("to_fund", ""),
        actions.parse_amount(form.get("amount", "")), ctx.user.actor,
        actions.check_key(form.get("request_key", ""))).created)


@page(bp, "/staff/allocation/stock", methods=["POST"], roles=STAFF_ROLES,
      form="/staff")
def allocate(ctx):
    return _act(ctx, "allocate", lambda form: actions.allocate_stock(
        form.get("item_id", ""), form.get("quantity", ""), form.get("location", ""),
        form.get("shelter_id", ""), ctx.user.actor,
        actions.check_key(form.get("request_key", ""))))


@page(bp, "/staff/allocation/hold", methods=["POST"], roles=STAFF_ROLES,
      form="/staff")
def hold(ctx):
    return _act(ctx, "hold", lambda form: bool(actions.place_hold(
        form.get("shelter_id", ""), form.get("client_code", ""),
        form.get("hours", ""), ctx.user.actor,
        actions.check_key(form.get("request_key", "")))))


from chalicelib.allocation import report_routes  # noqa: E402,F401
