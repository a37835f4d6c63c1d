"""The one place where every request is authenticated, authorised, checked for
CSRF and turned into a response or an error. Areas declare routes with
`page(...)` (HTML) or `api(...)` (JSON) instead of `bp.route(...)`:

    @api(bp, "/api/gifts", methods=["POST"], roles=(FINANCE,))
    def create_gift(ctx): ...

`roles=None` makes a route public; `admin` passes every role check.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.auth import service as auth
from chalicelib.core.logs import frames
from chalicelib.core.secrets import SecretMissing
from chalicelib.errors import (
    N_,
    Busy,
    CsrfFailed,
    DomainError,
    Forbidden,
    Unauthenticated,
    ValidationFailed,
)
from chalicelib.web.context import SESSION_COOKIE, RequestContext, cookie_header
from chalicelib.web.i18n import PUBLIC_LANGUAGES, STAFF_LANGUAGES

log = logging.getLogger("ngo")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/csv",
]
View = Callable[..., Any]


def _authenticate(ctx: RequestContext) -> None:
    authorization = ctx.header("authorization")
    if authorization.lower().startswith("bearer ") and ctx.kind == "api":
        ctx.user = auth.user_from_token(authorization[7:].strip())
        ctx.bearer = True
        return
    token = ctx.cookies.get(SESSION_COOKIE)
    if not token:
        return
    try:
        ctx.user = auth.user_from_token(token)
    except Unauthenticated:
        ctx.user = None  # a stale or forged cookie is dropped, never trusted
        ctx.set_cookies.append(cookie_header(SESSION_COOKIE, "", max_age=0))


def _authorise(ctx: RequestContext, roles: tuple[str, ...] | None) -> None:
    if roles is None:
        return
    if ctx.user is None:
        raise Unauthenticated()
    if not ctx.user.has_any(roles):
        raise Forbidden()


def _error_response(ctx: RequestContext, error: DomainError) -> Response:
    message = ctx.gettext(error.message, **error.params)
    if ctx.kind == "api":
        body: dict[str, Any] = {"code": error.code, "message": message}
        if isinstance(error, ValidationFailed) and error.fields:
            body["fields"] = {k: ctx.gettext(v) for k, v in error.fields.items()}
        response = ctx.json_response({"error": body}, status=error.status)
        if isinstance(error, Unauthenticated):
            response.headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(error, Unauthenticated) and ctx.method == "GET":
        return ctx.redirect(f"/auth/login?next={quote(ctx.path)}", status=302)
    elif isinstance(error, Busy):
        response = _busy_page(ctx, error, message)
    else:
        # Without its secret a page cannot sign a form: its error page has none.
        missing = isinstance(error, SecretMissing)
        response = ctx.render(
            "error.html", status=error.status, message=message, code=error.code,
            **({"csrf_token": ""} if missing else {}),
        )
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _busy_page(ctx: RequestContext, error: Busy, message: str) -> Response:
    """Nothing was saved: offer to send the same form again (its one-time
    key included, so a second send cannot apply it twice)."""
    resend, fields = "", []
    if ctx.method == "POST":
        resend = ctx.path
        fields = [(name, values) for name, values in ctx.form_lists().items()
                  if "password" not in name]
    return ctx.render("busy.html", status=error.status, message=message,
                      code=error.code, resend=resend, fields=fields)


def _unexpected(ctx: RequestContext, view: View) -> Response:
    # Log where it failed (one line: type and frames), never the message,
    # which may hold data.
    error_type, _value, trace = sys.exc_info()
    log.error("unhandled error in %s %s: %s at %s", ctx.method, view.__name__,
              getattr(error_type, "__name__", "?"), frames(trace),
              extra={"error_type": getattr(error_type, "__name__", "?")})
    error = DomainError(N_("Something went wrong on our side. Please try again later."))
    error.code, error.status = "internal_error", 500
    try:
        return _error_response(ctx, error)
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        return Response(
            '{"error":{"code":"internal_error","message":"Internal error"}}',
            status_code=500,
            headers={"Content-Type": "application/json"},
        )


def _needs_csrf(ctx: RequestContext, csrf: bool) -> bool:
    # Forms always carry a token; JSON calls only when a cookie authenticates them.
    if not csrf or ctx.method not in UNSAFE_METHODS or ctx.bearer:
        return False
    return ctx.kind == "page" or ctx.user is not None


def _handle(
    ctx: RequestContext,
    view: View,
    roles: tuple[str, ...] | None,
    csrf: bool,
    kwargs: dict[str, Any],
) -> Response:
    try:
        _authenticate(ctx)
        _authorise(ctx, roles)
        if _needs_csrf(ctx, csrf) and not ctx.csrf_ok():
            raise CsrfFailed()
        response = view(ctx, **kwargs)
    except DomainError as error:
        response = _error_response(ctx, error)
    except Exception:  # noqa: BLE001 - no stack trace ever reaches a user
        response = _unexpected(ctx, view)
    if ctx.set_cookies:
        existing = response.headers.get("Set-Cookie")
        extra = (
            existing if isinstance(existing, list) else ([existing] if existing else [])
        )
        response.headers["Set-Cookie"] = extra + ctx.set_cookies
    return response


@dataclass(frozen=True)
class Route:
    kind: str
    view: View
    roles: tuple[str, ...] | None
    csrf: bool
    languages: tuple[str, ...]


# (path, method) -> Route, filled as area modules are imported; the lazy
# dispatcher (web/lazy.py) serves from it.
ROUTE_TABLE: dict[tuple[str, str], Route] = {}


def dispatch(request: Any, route: Route, kwargs: dict[str, Any]) -> Response:
    ctx = RequestContext(request, route.kind, route.languages)
    return _handle(ctx, route.view, route.roles, route.csrf, kwargs)


def _route(
    kind: str,
    bp: Blueprint,
    path: str,
    methods: list[str] | None,
    roles: tuple[str, ...] | None,
    csrf: bool,
    languages: tuple[str, ...] | None,
) -> Callable[[View], View]:
    langs = languages or (PUBLIC_LANGUAGES if roles is None else STAFF_LANGUAGES)

    def decorate(view: View) -> View:
        route = Route(kind, view, roles, csrf, langs)
        for method in methods or ["GET"]:
            ROUTE_TABLE[(path, method.upper())] = route

        @functools.wraps(view)
        def handler(**kwargs: Any) -> Response:
            return dispatch(bp.current_request, route, kwargs)

        bp.route(path, methods=methods or ["GET"], content_types=CONTENT_TYPES)(handler)
        return view

    return decorate


def page(
    bp: Blueprint,
    path: str,
    methods: list[str] | None = None,
    roles: tuple[str, ...] | None = None,
    csrf: bool = True,
    languages: tuple[str, ...] | None = None,
) -> Callable[[View], View]:
    """An HTML route: errors become a page, no session becomes a login redirect."""
    return _route("page", bp, path, methods, roles, csrf, languages)


def api(
    bp: Blueprint,
    path: str,
    methods: list[str] | None = None,
    roles: tuple[str, ...] | None = None,
    csrf: bool = True,
    languages: tuple[str, ...] | None = None,
) -> Callable[[View], View]:
    """A JSON route: errors are `{"error": {"code", "message"}}`."""
    return _route("api", bp, path, methods, roles, csrf, languages)
