"""The staff menu counts the work waiting for the person who reads it."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from chalicelib.inkind.models import Pledge
from tests.disbursements.test_pages import form_pay
from tests.money_helpers import make_fund


def pledge(pledge_id: str, status: str) -> None:
    Pledge(pledge_id, need_id="n", item_id="hygiene-pack", giver="Fjellby menighet",
           contact="kontor@example.org", quantity=3, status=status,
           created_at=datetime.now(UTC)).save()


def _menu(page) -> str:
    return page.body.decode().split('<details class="menu">')[1].split("</details>")[0]


def test_finance_sees_how_many_payments_wait_for_approval(client, session_as):
    make_fund("general", nok=10_000)
    staff = session_as("staff")
    form_pay(client, staff, amount="2500", idempotency_key="a")
    form_pay(client, staff, amount="2600", client_code="K-2025-032", idempotency_key="b")
    menu = _menu(client.get("/staff/funds?lang=nb", headers=session_as("finance").headers()))
    entry = re.search(r'href="/staff/disbursements"[^>]*>[^<]*</a>(.*?)</li>', menu).group(1)
    assert '<span class="badge">2<' in entry and "venter på godkjenning" in entry


def test_the_person_who_logged_them_sees_no_approval_count(client, session_as):
    make_fund("general", nok=10_000)
    staff = session_as("staff")
    form_pay(client, staff, amount="2500")
    menu = _menu(client.get("/staff/disbursements", headers=staff.headers()))
    entry = re.search(r'href="/staff/disbursements"[^>]*>[^<]*</a>(.*?)</li>', menu).group(1)
    assert "badge" not in entry  # staff may not approve


def test_staff_see_pledges_still_to_receive_and_none_once_received(client, session_as):
    pledge("p-1", "open")
    pledge("p-2", "partly")
    pledge("p-3", "received")
    staff = session_as("staff")
    menu = _menu(client.get("/staff/shelters?lang=es", headers=staff.headers()))
    entry = re.search(r'href="/staff/inkind"[^>]*>[^<]*</a>(.*?)</li>', menu).group(1)
    assert '<span class="badge">2<' in entry
    pledge("p-1", "received")
    pledge("p-2", "cancelled")
    menu = _menu(client.get("/staff/shelters", headers=staff.headers()))
    assert "badge" not in menu
