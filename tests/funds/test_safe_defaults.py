"""Forms that move money start in a state that is safe and valid: no
earmarked fund preselected (an accidental earmark cannot be moved back), and
the disbursement form as it opens needs only the client and the amount."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from chalicelib.demo import load_demo_data
from chalicelib.disbursements.models import Disbursement
from chalicelib.funds.models import Fund
from tests.conftest import DEMO_PASSWORD


class DefaultForm(HTMLParser):
    """What the browser would send for the first POST form, untouched."""

    def __init__(self, action_part: str) -> None:
        super().__init__()
        self.action_part, self.inside, self.done = action_part, False, False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._first: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("method", "").lower() == "post" \
                and self.action_part in a.get("action", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.setdefault(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self._first.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.fields.setdefault(self._select, self._first.get(self._select, ""))
            self._select = None
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def default_form(html: str, action_part: str) -> dict[str, str]:
    parser = DefaultForm(action_part)
    parser.feed(html)
    return parser.fields


@pytest.mark.parametrize("path,role,action", [
    ("/staff/gifts", "finance", "/staff/gifts"),
    ("/staff/gifts/import", "finance", "/staff/gifts/import"),
    ("/staff/campaigns/new", "admin", "/staff/campaigns"),
    ("/staff/disbursements", "staff", "/staff/disbursements"),
])
def test_no_money_form_opens_with_an_earmarked_fund_chosen(
        client, session_as, path, role, action):
    load_demo_data(DEMO_PASSWORD)
    page = client.get(path, headers=session_as(role).headers())
    assert page.status_code == 200, path
    fund_id = default_form(page.body.decode(), action)["fund_id"]
    assert not Fund.get(fund_id).restricted, (path, fund_id)


def test_the_disbursement_form_as_it_opens_pays_once_client_and_amount_are_typed(
        client, session_as):
    load_demo_data(DEMO_PASSWORD)
    staff = session_as("staff")
    page = client.get("/staff/disbursements", headers=staff.headers())
    fields = default_form(page.body.decode(), "/staff/disbursements")
    fields.update(client_code="K-2025-099", amount="120")
    fields = {k: v for k, v in fields.items() if k != "csrf_token"}
    headers, body = staff.form(fields)
    before = len(list(Disbursement.scan()))
    answer = client.post("/staff/disbursements", headers=headers, body=body)
    assert answer.status_code in (200, 303), answer.body.decode()[:500]
    assert not re.search(r"Velg et fond|field-error", answer.body.decode())
    assert len(list(Disbursement.scan())) == before + 1
