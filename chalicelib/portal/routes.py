"""The donor portal /my in the public languages (nb, en, es): the donor signs
in with a link mailed to them (no password) and sees their own gifts. The
donor's session is its own HttpOnly cookie (`donor`), never a staff one.
The statement and the changes a donor makes are in `pages.py`."""

from __future__ import annotations

from chalicelib.portal import pages, service  # noqa: F401 - pages: its routes
from chalicelib.portal.web import DONOR_COOKIE, bp, donor_cookie, signed_in
from chalicelib.web.routing import page

HONEYPOT = "website"


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
    return pages.donor_home(ctx, email)


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


__all__ = ["bp", "pages"]
