"""The one place that knows where the app is mounted.

At API Gateway's own address, `https://<id>.execute-api.<region>.amazonaws.com/api`,
every path of the app sits under the stage (`/api`), while the event's path
has no stage in it. Under a custom domain mapped at `/` (and locally) the
app is at the root. Every link, form action and redirect is built here:

    site = site_of(request)
    site.url("/donate", campaign="c1")   # "/api/donate?campaign=c1"

Templates (macros too) call the Jinja global `url(...)`, which uses the site of
the page being rendered (`rendering_for`).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any, NamedTuple
from urllib.parse import urlencode

EXECUTE_API_HOST = re.compile(
    r"^[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?(:\d+)?$"
)


class Site(NamedTuple):
    base_path: str  # "" or "/<stage>"
    host: str

    def url(self, path: str, **params: Any) -> str:
        """An absolute path for an app path ("/staff/funds"), with a query."""
        if not path.startswith("/") or path.startswith("//"):
            return path  # another site, a fragment or a data: URL stays as it is
        path, hash_, fragment = path.partition("#")
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        if query:
            path += ("&" if "?" in path else "?") + query
        return f"{self.base_path}{path}{hash_}{fragment}"

    def absolute(self, path: str, **params: Any) -> str:
        """The full https URL (what Cognito must be told to send users back to)."""
        return f"https://{self.host}{self.url(path, **params)}"

    def app_path(self, public_path: str) -> str:
        """The app's own path for the path a browser asked for."""
        base = self.base_path
        if base and (public_path == base or public_path.startswith(base + "/")):
            return public_path[len(base):] or "/"
        return public_path or "/"


def site_of(request: Any) -> Site:
    """Where this request came in: the stage prefix only at the execute-api host."""
    context = request.context or {}
    host = str(request.headers.get("host") or context.get("domainName") or "")
    stage = str(context.get("stage") or "")
    on_execute_api = bool(EXECUTE_API_HOST.match(host.lower()))
    return Site(f"/{stage}" if stage and on_execute_api else "", host)


ROOT = Site("", "localhost")
_rendering: ContextVar[Site] = ContextVar("rendering", default=ROOT)


def rendering_for(site: Site) -> Any:
    """Make `url(...)` in templates build links for this site; returns a token."""
    return _rendering.set(site)


def done_rendering(token: Any) -> None:
    _rendering.reset(token)


def url(path: str, **params: Any) -> str:
    """The Jinja global: `{{ url('/donate', campaign=c.campaign_id) }}`."""
    return _rendering.get().url(path, **params)
