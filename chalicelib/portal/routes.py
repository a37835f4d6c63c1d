"""The donor portal /my in the public languages (nb, en, es): the donor signs
in with a link mailed to them (no password) and sees their own gifts. The
donor's session is its own HttpOnly cookie (`donor`), never a staff one."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.config import get_settings
from chalicelib.portal import service
from chalicelib.web.context import cookie_header
from chalicelib.web.routing import page

bp = Blueprint(__name__)
DONOR_COOKIE = "donor"
HONEYPOT = "website"


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


@page(bp, "/my", methods=["GET", "POST"], form=True)
def portal_home(ctx):
    email = signed_in(ctx)
    if ctx.method == "POST":
        form = ctx.form()
        if not form.get(HONEYPOT):
            service.request_link(form.get("email", ""), ctx.lang, ctx.client_ip)
        return ctx.render("portal/link_sent.html",
                          link_minutes=service.portal_settings().link_minutes)
    if email is None:
        return ctx.render("portal/sign_in.html")
    return ctx.render("portal/home.html", email=email, gifts=service.gifts_of(email))


@page(bp, "/my/login", methods=["GET", "POST"])
def portal_login(ctx):
    """GET only shows a button: mail scanners that open links must not use
    them up; the POST (this site's own form) signs in."""
    if ctx.method == "GET":
        return ctx.render("portal/confirm_sign_in.html", token=ctx.query.get("t", ""))
    try:
        cookie, _email = service.sign_in(ctx.form().get("t", ""))
    except service.LinkNotValid as error:
        return ctx.render("portal/sign_in.html", status=error.status,
                          link_error=ctx.gettext(error.message))
    ctx.set_cookies.append(
        donor_cookie(cookie, service.portal_settings().session_minutes * 60))
    return ctx.redirect(f"/my?lang={ctx.lang}")


@page(bp, "/my/logout", methods=["POST"])
def portal_logout(ctx):
    service.sign_out(ctx.cookies.get(DONOR_COOKIE, ""))
    ctx.set_cookies.append(donor_cookie("", 0))
    return ctx.redirect(f"/my?lang={ctx.lang}")
