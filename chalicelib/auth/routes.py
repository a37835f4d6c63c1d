"""Log in and out: a form and a JSON token endpoint (local identity provider),
or Cognito's hosted UI in prod."""

from __future__ import annotations

import secrets

from chalice import Blueprint

from chalicelib.audit.service import record
from chalicelib.auth import cognito
from chalicelib.auth import service as auth
from chalicelib.auth.roles import ANY_USER
from chalicelib.config import get_settings
from chalicelib.errors import (
    N_,
    NotFound,
    TooManyRequests,
    Unauthenticated,
    ValidationFailed,
)
from chalicelib.web.context import SESSION_COOKIE, cookie_header
from chalicelib.web.routing import api, page
from chalicelib.web.schema import ID, array, obj, text

bp = Blueprint(__name__)


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (`//x`, `/\\x`, which
    browsers read as `//x`, nor `/\t/x`, whose tab browsers drop), never a
    header break, only ASCII (a Location header; percent-encode the rest)."""
    text = target or ""
    if (text.startswith("/") and text[1:2] not in ("/", "\\")
            and text.isascii() and text.isprintable() and "\\" not in text
            and len(text) <= 2000):
        return text
    return "/me"


def _start_session(ctx, token: str, target: str):
    response = ctx.redirect(_safe_next(target))
    hours = get_settings().session_hours
    ctx.set_cookies.append(cookie_header(SESSION_COOKIE, token, max_age=hours * 3600))
    return response


@page(bp, "/auth/login", methods=["GET", "POST"])
def login(ctx):
    settings = get_settings()
    target = ctx.form().get("next") if ctx.method == "POST" else ctx.query.get("next")
    if not settings.is_local:
        state = secrets.token_urlsafe(16)
        ctx.set_cookies.append(cookie_header("oauth_state", state, max_age=600))
        return ctx.redirect(cognito.login_url(_callback_url(ctx), state), status=302)
    if ctx.method == "GET":
        return ctx.render("auth/login.html", next=target or "")
    form = ctx.form()
    try:
        token = auth.login(form.get("email", ""), form.get("password", ""),
                           ctx.client_ip)
    except (Unauthenticated, TooManyRequests) as error:
        response = ctx.render(
            "auth/login.html",
            status=error.status,
            next=target or "",
            email=form.get("email", ""),
            error=ctx.gettext(error.message, **error.params),
        )
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response
    return _start_session(ctx, token, target)


def _callback_url(ctx) -> str:
    # The stack registers this exact URL (with /api at the execute-api host).
    return ctx.absolute_url("/auth/callback")


@page(bp, "/auth/callback")
def callback(ctx):
    if get_settings().is_local:
        raise NotFound()
    state = ctx.query.get("state", "")
    if not state or state != ctx.cookies.get("oauth_state"):
        raise Unauthenticated()
    token = cognito.exchange_code(ctx.query.get("code", ""), _callback_url(ctx))
    user = auth.user_from_token(token)  # verify before it becomes a session
    record(user.actor, "login", "session", "-")
    return _start_session(ctx, token, "/me")


@page(bp, "/auth/logout", methods=["GET", "POST"])
def logout(ctx):
    if ctx.method == "GET":
        return ctx.render("auth/logout.html")
    if ctx.user:
        auth.logout(ctx.user)
    ctx.set_cookies.append(cookie_header(SESSION_COOKIE, "", max_age=0))
    if get_settings().is_local:
        return ctx.redirect("/")
    # Cognito's session ends too, else the next login skips the password.
    return ctx.redirect(cognito.logout_url(ctx.absolute_url("/")))


@api(bp, "/auth/token", methods=["POST"],
     body=obj({"email": text(200), "password": text(200)},
              required=("email", "password")),
     answer=obj({"access_token": text(8192), "token_type": text()}))
def token(ctx):
    if not get_settings().is_local:
        raise NotFound()
    body = ctx.json()
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        raise ValidationFailed({"email": N_("Email and password are required.")})
    return ctx.json_response(
        {"access_token": auth.login(email, password, ctx.client_ip),
         "token_type": "Bearer"}
    )


@api(bp, "/api/me", roles=ANY_USER,
     answer=obj({"user_id": ID, "email": text(), "roles": array(text())}))
def me(ctx):
    return ctx.json_response(
        {
            "user_id": ctx.user.user_id,
            "email": ctx.user.email,
            "roles": list(ctx.user.roles),
        }
    )
