"""/staff/users (admins): every user's roles, changed or removed on the page;
the user's sessions end at once (chalicelib/users/service.py)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.auth.roles import ADMIN, ALL_ROLES
from chalicelib.errors import N_, Conflict, NotFound, ValidationFailed
from chalicelib.users import service
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import page

bp = Blueprint(__name__)
add_staff_link("/staff/users", N_("Users and roles"), (ADMIN,), order=93)
ROLE_LABELS = {"admin": N_("Administrator"), "finance": N_("Finance"),
               "staff": N_("Staff"), "coordinator": N_("Coordinator (shelters)"),
               "volunteer": N_("Volunteer (own tasks only)"),
               "shelter": N_("Partner shelter (own shelter's counts only)")}


def _act(ctx) -> Any:
    """Change or remove, then the list again saying once what was done."""
    form, actor = ctx.form(), ctx.user.actor
    email = form.get("email", "")
    if form.get("action") == "roles":
        service.change_roles(actor, email, ctx.form_lists().get("roles", []))
        return ctx.redirect("/staff/users", flash=N_(
            "The roles of %(email)s were changed; their sessions ended."),
            flash_params={"email": email})
    if form.get("action") == "remove":
        service.remove_user(actor, email)
        return ctx.redirect("/staff/users", flash=N_(
            "%(email)s was removed; their sessions ended."),
            flash_params={"email": email})
    raise ValidationFailed(message=N_("The request could not be processed."))


@page(bp, "/staff/users", methods=["GET", "POST"], roles=(ADMIN,))
def users_page(ctx):
    error, status = None, 200
    if ctx.method == "POST":
        try:
            return _act(ctx)
        except (ValidationFailed, Conflict, NotFound) as failure:
            fields = getattr(failure, "fields", {})
            error = ctx.gettext(next(iter(fields.values()), failure.message),
                                **failure.params)
            status = failure.status
    return ctx.render("users/list.html", status=status, accounts=service.accounts(),
                      all_roles=ALL_ROLES, role_labels=ROLE_LABELS,
                      error=error, me=ctx.user.user_id)
