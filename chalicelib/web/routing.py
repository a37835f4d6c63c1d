"""The one place where every request is authenticated, authorised, checked for
CSRF and turned into a response or an error. Areas declare routes with
`page(...)` (HTML) or `api(...)` (JSON) instead of `bp.route(...)`:

    @api(bp, "/api/gifts", methods=["POST"], roles=(FINANCE,))
    def create_gift(ctx): ...

`roles=None` makes a route public; `admin` passes every role check.
`form=True` (or the path of the page that holds the form) makes a failed form
POST show its page again with what was typed (chalicelib/web/forms.py).
"""

from __future__ import annotations

import functools
import logging
import string
import sys
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from chalice import Blueprint, Response

from chalicelib.auth import service as auth
from chalicelib.auth import tokens
from chalicelib.core.logs import frames
from chalicelib.core.secrets import SecretMissing
from chalicelib.errors import (
    N_,
    Busy,
    CsrfFailed,
    DomainError,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from chalicelib.web import csrf, forms
from chalicelib.web.context import SESSION_COOKIE, RequestContext, cookie_header
from chalicelib.web.i18n import PUBLIC_LANGUAGES, STAFF_LANGUAGES

log = logging.getLogger("ngo")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/csv",
    "multipart/form-data",  # a form with a file input (web/multipart.py)
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


def _error_response(
    ctx: RequestContext, error: DomainError, route: Route | None = None
) -> Response:
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
    elif isinstance(error, Unauthenticated) and ctx.method in UNSAFE_METHODS:
        response = _session_ended(ctx, route)
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


def _form_route(route: Route | None) -> str | None:
    """The path (template) of the GET route that shows this route's form."""
    if route is None or not route.form:
        return None
    template = route.path if route.form is True else str(route.form)
    return template if (template, "GET") in ROUTE_TABLE else None


def _form_path(ctx: RequestContext, route: Route | None) -> str | None:
    """The app path of the page that shows this route's form, if known."""
    template = _form_route(route)
    return template.format(**ctx.params) if template else None


def _session_ended(ctx: RequestContext, route: Route | None) -> Response:
    """A form sent after the session ended: nothing is saved, the values are
    kept in a signed cookie for the form's page, which fills them in again
    after the new login (see _restore_kept)."""
    back = _form_path(ctx, route) or "/staff"
    try:
        values = ctx.form_lists() if _same_origin(ctx) else {}
    except DomainError:
        values = {}
    kept = [(name, vs) for name, vs in forms.failure_for(
        Unauthenticated(), values, ctx.gettext).values.items()
        if name not in (forms.FORM_FIELD, "action", "request_id", "idempotency_key")]
    # Kept only for the person whose session it was (its signed token says).
    owner = tokens.owner_of_ended(ctx.cookies.get(SESSION_COOKIE, ""))
    if kept and owner:
        value = forms.kept_cookie_value(back, values, csrf.secret_key(), owner)
        ctx.set_cookies.append(cookie_header(
            forms.KEPT_COOKIE, value, max_age=forms.KEPT_SECONDS))
    return ctx.render(
        "core/session_expired.html", status=401, kept=kept,
        back=back, message=ctx.gettext(forms.EXPIRED if kept and owner
                                       else forms.NOT_KEPT),
    )


def _same_origin(ctx: RequestContext) -> bool:
    """Sent by a page of this site: another site's form must never leave
    values that a later login would fill in."""
    fetch_site = ctx.header("sec-fetch-site")
    if fetch_site:
        return fetch_site == "same-origin"
    origin = ctx.header("origin")
    return bool(origin) and urlsplit(origin).netloc == ctx.header("host")


def _restore_kept(ctx: RequestContext) -> None:
    """After a new login, the form page whose POST found no session is drawn
    with what was typed (once: the cookie is cleared)."""
    cookie = ctx.cookies.get(forms.KEPT_COOKIE)
    if not cookie or ctx.user is None or ctx.kind != "page" or ctx.method != "GET":
        return
    kept = forms.read_kept(cookie, csrf.secret_key(), ctx.user.user_id)
    if kept is None:  # someone else's, or forged: gone at once
        ctx.set_cookies.append(cookie_header(forms.KEPT_COOKIE, "", max_age=0))
        return
    if kept[0] != ctx.path:
        return
    ctx.set_cookies.append(cookie_header(forms.KEPT_COOKIE, "", max_age=0))
    ctx.failure = forms.FormFailure(
        kept[1], ctx.gettext(forms.RESTORED), status=200, kind="restored")


# Errors that say nothing about what was typed: their own page, never the form.
NOT_FORM_ERRORS = (Unauthenticated, Forbidden, CsrfFailed, Busy, SecretMissing)


def _stale_form(ctx: RequestContext, error: DomainError) -> bool:
    """A logged-in user's own form whose token is of an earlier session (they
    logged in again in another tab): shown again to send, nothing done."""
    return (isinstance(error, CsrfFailed) and ctx.kind == "page"
            and ctx.user is not None and ctx.method == "POST" and _same_origin(ctx))


def _form_again(
    ctx: RequestContext, route: Route, error: DomainError, kwargs: dict[str, Any]
) -> Response | None:
    """The form's page again, what was typed in its fields, the bad ones
    marked; None when this route has no form page to show. A GET form (a
    search) is drawn from its query, the page then drawn without it."""
    if _stale_form(ctx, error):
        error = CsrfFailed(forms.STALE)
    elif ctx.kind != "page" or isinstance(error, NOT_FORM_ERRORS):
        return None
    template = _form_route(route)
    if template is None:
        return None
    target = ROUTE_TABLE[(template, "GET")]
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    try:
        sent = (ctx.form_lists() if ctx.method != "GET"
                else {k: [v] for k, v in ctx.query.items() if k != "lang"})
        ctx.failure = forms.failure_for(error, sent, ctx.gettext)
        ctx.replaying = True
        _authorise(ctx, target.roles)
        return target.view(ctx, **{k: v for k, v in kwargs.items() if k in names})
    except DomainError:
        ctx.failure = None  # the page itself cannot be drawn: the error page
        return None
    finally:
        ctx.replaying = False


def _dynamodb_busy(error: Exception) -> bool:
    if type(error).__module__.split(".")[0] != "pynamodb":
        return False  # only DynamoDB's errors (imported only when one is raised)
    from chalicelib.uow import is_transient

    return is_transient(error)


def _busy(ctx: RequestContext, route: Route, error: Exception) -> Response:
    """DynamoDB stayed busy through botocore's retries of a read or a single
    write: 503 with Retry-After, as when a transaction's budget runs out."""
    log.warning("dynamodb busy in %s %s: %s", ctx.method, route.view.__name__,
                type(error).__name__, extra={"error_type": type(error).__name__})
    return _error_response(ctx, Busy(), route)


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


def _handle(ctx: RequestContext, route: Route, kwargs: dict[str, Any]) -> Response:
    ctx.params = kwargs
    ctx.body_schema = route.spec.body if route.spec else None
    ctx.long_fields = route.long_fields
    try:
        _authenticate(ctx)
        _authorise(ctx, route.roles)
        if "" in kwargs.values():  # API Gateway routes no empty segment either
            raise NotFound()
        if _needs_csrf(ctx, route.csrf) and not ctx.csrf_ok():
            raise CsrfFailed()
        _restore_kept(ctx)
        response = route.view(ctx, **kwargs)
    except DomainError as error:
        response = (_form_again(ctx, route, error, kwargs)
                    or _error_response(ctx, error, route))
    except Exception as error:  # noqa: BLE001 - no stack trace ever reaches a user
        response = (_busy(ctx, route, error) if _dynamodb_busy(error)
                    else _unexpected(ctx, route.view))
    if ctx.set_cookies:
        existing = response.headers.get("Set-Cookie")
        extra = (
            existing if isinstance(existing, list) else ([existing] if existing else [])
        )
        response.headers["Set-Cookie"] = extra + ctx.set_cookies
    return response


class Route(NamedTuple):
    kind: str
    view: View
    roles: tuple[str, ...] | None
    csrf: bool
    languages: tuple[str, ...]
    path: str = ""
    form: bool | str = False  # True: this path's GET view holds the form
    spec: Spec | None = None  # an API route's schemas (web/openapi.py)
    long_fields: tuple[str, ...] = ()  # form fields allowed past FORM_FIELD_LIMIT


class Spec(NamedTuple):
    """What an API route takes and answers, as JSON Schema (web/schema.py):
    the document at /api/openapi.json is built from these, and `body` is
    enforced on every `ctx.json()`."""

    body: dict[str, Any] | None = None
    answer: dict[str, Any] | None = None
    query: dict[str, Any] | None = None  # name -> schema of each parameter
    statuses: tuple[int, ...] = (200,)
    raw: str | None = None  # a body that is not JSON: its media type
    path: dict[str, Any] | None = None  # a path parameter's schema, if not an id


# (path, method) -> Route, filled as area modules are imported; the lazy
# dispatcher (web/lazy.py) serves from it.
ROUTE_TABLE: dict[tuple[str, str], Route] = {}


def dispatch(request: Any, route: Route, kwargs: dict[str, Any]) -> Response:
    ctx = RequestContext(request, route.kind, route.languages)
    return _handle(ctx, route, kwargs)


def _route(
    kind: str,
    bp: Blueprint,
    path: str,
    methods: list[str] | None,
    roles: tuple[str, ...] | None,
    csrf: bool,
    languages: tuple[str, ...] | None,
    form: bool | str = False,
    spec: Spec | None = None,
    long_fields: tuple[str, ...] = (),
) -> Callable[[View], View]:
    langs = languages or (PUBLIC_LANGUAGES if roles is None else STAFF_LANGUAGES)

    def decorate(view: View) -> View:
        route = Route(kind, view, roles, csrf, langs, path, form, spec, long_fields)
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
    form: bool | str = False,
    long_fields: tuple[str, ...] = (),
) -> Callable[[View], View]:
    """An HTML route: errors become a page, no session becomes a login redirect.
    `form`: a failed POST shows the form's page (this path's GET view, or the
    given path's) again with what was typed. `long_fields`: form fields that
    may be longer than web/schema.py's FORM_FIELD_LIMIT (a pasted CSV file)."""
    return _route("page", bp, path, methods, roles, csrf, languages, form,
                  long_fields=long_fields)


def api(
    bp: Blueprint,
    path: str,
    methods: list[str] | None = None,
    roles: tuple[str, ...] | None = None,
    csrf: bool = True,
    languages: tuple[str, ...] | None = None,
    *,
    body: dict[str, Any] | None = None,
    answer: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
    status: int | tuple[int, ...] = 200,
    raw: str | None = None,
    path_params: dict[str, Any] | None = None,
) -> Callable[[View], View]:
    """A JSON route: errors are `{"error": {"code", "message"}}`. `body`,
    `answer`, `query` and `path_params` (those that are not ids) are its JSON
    Schemas (web/schema.py), `status` the success status(es) it answers;
    `raw` the media type of a non-JSON body."""
    statuses = status if isinstance(status, tuple) else (status,)
    spec = Spec(body, answer, query, statuses, raw, path_params)
    return _route("api", bp, path, methods, roles, csrf, languages, spec=spec)
