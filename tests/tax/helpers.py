"""A donor's journey through /tax-deduction, as a browser sends it."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from chalicelib.tax import links

PERSON = "01019010046"
OTHER_PERSON = "15087710073"
ORGANISATION = "974760673"


def link_path(email: str, lang: str = "nb") -> str:
    return f"/tax-deduction?t={links.token_for(email)}&lang={lang}"


def send_form(client, path: str, fields: dict):
    page = client.get(path)
    cookies = page.headers["Set-Cookie"]
    cookies = cookies if isinstance(cookies, list) else [cookies]
    cookie = "; ".join(c.split(";")[0] for c in cookies)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.body.decode()).group(1)
    body = urlencode({"csrf_token": token, **fields})
    return client.post(path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})


def raw_items(model) -> list[dict]:
    """The items exactly as DynamoDB holds them (no model in between)."""
    from chalicelib.db import shared_connection

    answer = shared_connection().dispatch("Scan", {"TableName": model.Meta.table_name})
    return list(answer.get("Items") or [])
