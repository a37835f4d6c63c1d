"""A donor in the portal as a browser would be: cookies kept between pages,
forms sent with their CSRF token, the sign-in link read from the outbox."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from chalicelib.core.models import OutboxMessage


class Donor:
    def __init__(self, client, ip: str | None = None) -> None:
        self.client, self.cookies = client, {}
        self.ip = ip

    def _keep(self, response) -> None:
        given = response.headers.get("Set-Cookie") or []
        for header in given if isinstance(given, list) else [given]:
            name, _, rest = header.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def _headers(self, **extra: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**({"Cookie": cookie} if cookie else {}), **extra}

    def get(self, path: str):
        response = self.client.get(path, headers=self._headers())
        self._keep(response)
        return response

    def post(self, path: str, fields: dict, page: str | None = None):
        """Send the form of `page` (default `path`) with its CSRF token."""
        html = self.get(page or path).body.decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        body = urlencode({"csrf_token": token, **fields})
        response = self.client.post(path, body=body, headers=self._headers(
            **{"Content-Type": "application/x-www-form-urlencoded"}))
        self._keep(response)
        return response

    def ask_for_link(self, email: str, lang: str = "nb"):
        return self.post(f"/my?lang={lang}", {"email": email})

    def sign_in(self, email: str, lang: str = "nb"):
        self.ask_for_link(email, lang)
        token = link_token(email)
        return self.post("/my/login", {"t": token}, page=f"/my/login?t={token}")


def mails_to(email: str) -> list[OutboxMessage]:
    """The sign-in links mailed to `email`, oldest first (not its receipts)."""
    return sorted((m for m in OutboxMessage.scan()
                   if m.to == email and "/my/login?t=" in m.body),
                  key=lambda m: str(m.created_at))


def link_token(email: str) -> str:
    """The token of the newest sign-in link mailed to `email`."""
    body = mails_to(email)[-1].body
    return re.search(r"/my/login\?t=([A-Za-z0-9_-]+)", body).group(1)
