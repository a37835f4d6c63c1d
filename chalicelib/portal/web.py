"""What every portal page shares: the Blueprint, the donor's cookie and the
signed-in donor, and the one-time key of a change form."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import idempotency
from chalicelib.config import get_settings
from chalicelib.errors import N_
from chalicelib.portal import service
from chalicelib.web.context import cookie_header

bp = Blueprint(__name__)
DONOR_COOKIE = "donor"


def donor_cookie(value: str, max_age: int) -> str:
    """Strict: no other site's page can send the donor's forms or links."""
    header = cookie_header(DONOR_COOKIE, value, max_age=max_age, same_site="Strict")
    if get_settings().secure_cookies and "Secure" not in header:
        header += "; Secure"
    return header


def signed_in(ctx) -> str | None:
    """The signed-in donor's email; a cookie that names no session is cleared."""
    cookie = ctx.cookies.get(DONOR_COOKIE, "")
    email = service.donor_of(cookie)
    if cookie and email is None:
        ctx.set_cookies.append(donor_cookie("", 0))
    return email


SESSION_ENDED = N_("You are not signed in (a session ends after a while), so "
                   "nothing was changed. Ask for a new sign-in link below.")


def to_sign_in(ctx):
    """A portal page without a signed-in donor: the sign-in form (a form
    sent after the session ended says that nothing was changed)."""
    if ctx.method == "POST":
        return ctx.render("portal/sign_in.html", status=401,
                          session_ended=ctx.gettext(SESSION_ENDED))
    return ctx.redirect(f"/my?lang={ctx.lang}")


def change_key(form: dict[str, str], email: str, scope: str,
               data: object) -> idempotency.Idempotent:
    """The form's one-time key for this donor and use case (FormExpired
    without one: an old copy of the page)."""
    if not form.get(idempotency.FORM_FIELD):
        raise idempotency.FormExpired()
    return idempotency.make(scope, service.donor_ref(email),
                            form[idempotency.FORM_FIELD], data)
