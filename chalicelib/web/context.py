"""What a view needs about its request: the user, the language, form and JSON
input, rendering, and cookies to set. Views receive it as their first argument."""

from __future__ import annotations

import json
import secrets
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from chalice import Response

from chalicelib.auth.roles import User
from chalicelib.config import get_settings
from chalicelib.errors import N_, TooLarge, ValidationFailed
from chalicelib.web import csrf, i18n, multipart, schema
from chalicelib.web import flash as one_time
from chalicelib.web.forms import FormFailure
from chalicelib.web.render import render
from chalicelib.web.urls import site_of

SESSION_COOKIE = "session"
ANON_COOKIE = "anon"
LANG_COOKIE = "lang"


def cookie_header(
    name: str, value: str, max_age: int | None = None, http_only: bool = True,
    same_site: str = "Lax",
) -> str:
    parts = [f"{name}={value}", "Path=/", f"SameSite={same_site}"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if http_only:
        parts.append("HttpOnly")
    if get_settings().secure_cookies:
        parts.append("Secure")
    return "; ".join(parts)


class RequestContext:
    def __init__(self, request: Any, kind: str, languages: tuple[str, ...]) -> None:
        self.request = request
        self.site = site_of(request)
        self.kind = kind  # "page" or "api"
        self.user: User | None = None
        self.bearer = False
        self.set_cookies: list[str] = []
        self.cookies = self._parse_cookies(request.headers.get("cookie", ""))
        query = request.query_params or {}
        self.lang = i18n.negotiate(
            query.get("lang"),
            self.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
            languages,
        )
        self.languages = languages
        if (
            query.get("lang") == self.lang
            and self.cookies.get(LANG_COOKIE) != self.lang
        ):
            self.set_cookies.append(cookie_header(LANG_COOKIE, self.lang, 31536000))
        self._form: dict[str, list[str]] | None = None
        self._files: dict[str, multipart.Upload] = {}
        self._anon_key = ""
        self.params: dict[str, Any] = {}  # the route's path parameters
        # A failed form POST draws its page again (web/forms.py): the GET view
        # runs with `replaying` set and the page shows `failure`.
        self.failure: FormFailure | None = None
        self.replaying = False
        self.body_schema: dict[str, Any] | None = None  # the route's declared body
        self.long_fields: tuple[str, ...] = ()  # form fields past FORM_FIELD_LIMIT

    @staticmethod
    def _parse_cookies(header: str) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            return {}
        return {key: morsel.value for key, morsel in jar.items()}

    # --- input -----------------------------------------------------------
    @property
    def method(self) -> str:
        """GET while a failed form's page is drawn again."""
        return "GET" if self.replaying else str(self.request.method).upper()

    @property
    def path(self) -> str:
        """The app's path of this request, without any stage prefix."""
        public = str(self.request.context.get("path") or self.request.path or "/")
        return self.site.app_path(public)

    @property
    def query(self) -> dict[str, str]:
        """Empty while a failed search form's page is drawn again: its query
        was the form, which the page shows filled in instead."""
        if self.replaying and str(self.request.method).upper() == "GET":
            return {}
        return dict(self.request.query_params or {})

    @property
    def client_ip(self) -> str:
        identity = self.request.context.get("identity") or {}
        return str(identity.get("sourceIp") or "unknown")

    def header(self, name: str) -> str:
        return str(self.request.headers.get(name.lower(), ""))

    def raw_body(self) -> bytes:
        return bytes(self.request.raw_body or b"")

    def form_lists(self) -> dict[str, list[str]]:
        """The form's fields; TooLarge past FORM_LIMIT, ValidationFailed for a
        field past FORM_FIELD_LIMIT (DynamoDB holds 400 KB an item)."""
        if self._form is None:
            raw = self.raw_body()
            if len(raw) > schema.FORM_LIMIT:
                raise TooLarge()
            form = self._parse_form(raw)
            too_long = {name: schema.TOO_LONG for name, values in form.items()
                        if name not in self.long_fields
                        and any(len(v) > schema.FORM_FIELD_LIMIT for v in values)}
            if too_long:
                raise ValidationFailed(too_long)
            self._form = form
        return self._form

    def _parse_form(self, raw: bytes) -> dict[str, list[str]]:
        content_type = self.header("content-type")
        if multipart.is_multipart(content_type):
            form, self._files = multipart.parse(raw, content_type)
            return form
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed(
                message=N_("The form could not be read.")
            ) from None
        return parse_qs(text, keep_blank_values=True)

    def files(self) -> dict[str, multipart.Upload]:
        """The files of a multipart form (a file input), by field name."""
        self.form_lists()
        return dict(self._files)

    def form(self) -> dict[str, str]:
        """Form fields (first value of each), stripped of surrounding spaces."""
        return {key: values[0].strip() for key, values in self.form_lists().items()}

    def json(self) -> dict[str, Any]:
        """The JSON object body, checked against the route's declared schema
        (web/schema.py); ValidationFailed for anything else."""
        raw = self.raw_body()
        if len(raw) > schema.BODY_LIMIT:
            raise TooLarge()
        try:
            body = json.loads(raw or b"null")
        except (ValueError, RecursionError):
            raise ValidationFailed(
                message=N_("The body must be a JSON object.")
            ) from None
        if not isinstance(body, dict):
            raise ValidationFailed(message=N_("The body must be a JSON object."))
        schema.check(body, self.body_schema)
        return body

    # --- session and CSRF ----------------------------------------------
    @property
    def session_key(self) -> str:
        """The key CSRF tokens are tied to: the session, else an anonymous id."""
        if self.user and self.user.session_id:
            return self.user.session_id
        if not self._anon_key:
            self._anon_key = self.cookies.get(ANON_COOKIE, "")
            if len(self._anon_key) < 16:
                self._anon_key = secrets.token_urlsafe(24)
                self.set_cookies.append(cookie_header(ANON_COOKIE, self._anon_key))
        return self._anon_key

    @property
    def csrf_token(self) -> str:
        return csrf.token_for(self.session_key)

    def csrf_ok(self) -> bool:
        sent = self.form().get("csrf_token") if self.kind == "page" else None
        sent = sent or self.header("x-csrf-token")
        session_key = (
            self.user.session_id
            if self.user and self.user.session_id
            else self.cookies.get(ANON_COOKIE, "")
        )
        return csrf.is_valid(session_key, sent)

    # --- output ----------------------------------------------------------
    def gettext(self, message: str, **params: Any) -> str:
        return i18n.translate(self.lang, message, **params)

    def url(self, path: str, **params: Any) -> str:
        """The link to an app path as this request's browser must write it."""
        return self.site.url(path, **params)

    def absolute_url(self, path: str, **params: Any) -> str:
        return self.site.absolute(path, **params)

    def _menu(self) -> list[Any]:
        """The areas this staff member may use, for the header's menu (read
        from staff_links.json: no area is imported)."""
        if self.user is None or not self.user.is_staff:
            return []
        from chalicelib.web.nav import staff_links

        return staff_links(self.user)

    def _waiting(self) -> dict[str, tuple[int, str]]:
        """Counts of work waiting, beside the menu's areas (web/waiting.py)."""
        from chalicelib.web.waiting import counts

        return counts(self.user) if self.user is not None else {}

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        token = context.pop("csrf_token", None)
        token = self.csrf_token if token is None else token
        failure = self.failure
        if failure is not None and status == 200:
            status = failure.status
        # The same page in another language: only a GET has one to link to.
        real_get = self.method == "GET" and not self.replaying
        languages = self.languages if real_get else ()
        shown = self._take_flash() if real_get and failure is None else None
        flash, flash_params = shown or (None, {})
        body = render(
            template,
            self.lang,
            self.site,
            user=self.user,
            csrf_token=token,
            request_path=self.path,
            request_query={k: v for k, v in self.query.items() if k != "lang"},
            languages=languages,
            form_failure=failure,
            language_names=i18n.LANGUAGE_NAMES,
            flash=flash,
            flash_params=flash_params,
            menu=(menu := self._menu()),
            waiting=self._waiting() if menu and self.method == "GET" else {},
            **context,
        )
        return Response(
            body,
            status_code=status,
            headers={"Content-Type": "text/html; charset=utf-8"},
        )

    def redirect(self, location: str, status: int = 303, flash: str | None = None,
                 flash_params: dict[str, str] | None = None) -> Response:
        """A redirect to an app path (given without the stage prefix) or a URL;
        `flash`: a message id (with its `flash_params`) the page there shows
        once (web/flash.py)."""
        if flash:
            token = one_time.token_for(location, flash, self.session_key, flash_params)
            self.set_cookies.append(cookie_header(
                one_time.COOKIE, token, max_age=one_time.SECONDS))
        return Response(
            "", status_code=status, headers={"Location": self.url(location)}
        )

    def _take_flash(self) -> tuple[str, dict[str, str]] | None:
        """The one-time message waiting for this page, cleared as it is shown."""
        token = self.cookies.get(one_time.COOKIE, "")
        if not token:
            return None
        owner = self.user.session_id if self.user and self.user.session_id else (
            self.cookies.get(ANON_COOKIE, ""))
        message = one_time.message_of(token, self.path, owner)
        if message is not None:
            self.set_cookies.append(cookie_header(one_time.COOKIE, "", max_age=0))
        return message

    def json_response(self, body: Any, status: int = 200) -> Response:
        return Response(
            json.dumps(body, default=str),
            status_code=status,
            headers={"Content-Type": "application/json"},
        )
