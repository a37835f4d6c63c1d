"""The allocation view at /staff: each role sees its panels, and the figures
it shows are the sums of the records underneath."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

PANELS = ("funds", "campaigns", "cash", "beds", "inkind", "tasks")
EXPECTED = {
    "admin": set(PANELS),
    "finance": {"funds", "campaigns", "cash"},
    "staff": {"cash", "inkind", "tasks"},
    "coordinator": {"beds", "inkind", "tasks"},
}


def page_of(client, session_as, role: str) -> str:
    response = client.get("/staff?lang=en", headers=session_as(role).headers())
    assert response.status_code == 200
    return response.body.decode()


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_only_its_panels(client, session_as, demo, role):
    html = page_of(client, session_as, role)
    shown = {name for name in PANELS if f'<section class="panel" id="{name}"' in html}
    assert shown == EXPECTED[role]
    assert "<h1>Staff home</h1>" in html


def test_a_volunteer_is_refused_the_view(client, session_as):
    response = client.get("/staff", headers=session_as("volunteer").headers())
    assert response.status_code == 403


def test_the_view_keeps_the_links_to_the_staff_pages(client, session_as, demo):
    html = page_of(client, session_as, "finance")
    assert 'href="/staff/funds"' in html and 'href="/staff/reports"' in html
    assert 'href="/staff/shelters"' not in html


def tables_read_as(role: str) -> set[str]:
    from pynamodb.connection.base import Connection

    from chalicelib.allocation import view
    from chalicelib.auth.roles import User

    seen: set[str] = set()
    original = Connection._make_api_call

    def spy(self, operation, kwargs, *args, **more):
        seen.add(str(kwargs.get("TableName") or ",".join(kwargs.get(
            "RequestItems", {}))))
        return original(self, operation, kwargs, *args, **more)

    Connection._make_api_call = spy
    try:
        view.build(User("u", "u@x", (role,)), "en", lambda text, **p: text % p
                   if p else text)
    finally:
        Connection._make_api_call = original
    return seen


def test_a_role_never_queries_what_it_may_not_see(demo):
    staff = tables_read_as("staff")  # shelter names for the allocate form only
    assert not any(t.endswith(("-funds", "-fund-months", "-campaigns"))
                   or "shelter-" in t for t in staff), staff
    finance = tables_read_as("finance")
    assert not any("shelter" in t or "inkind" in t or "volunteer" in t
                   for t in finance), finance
    coordinator = tables_read_as("coordinator")
    assert not any(t.endswith(("-funds", "-fund-months", "-campaigns"))
                   or "disbursement" in t for t in coordinator), coordinator


def test_fund_figures_equal_the_ledger_of_this_month(demo):
    from chalicelib.allocation import view
    from chalicelib.auth.roles import User
    from chalicelib.funds.models import Fund, LedgerEntry

    built = view.build(User("u", "u@x", ("admin",)), "en", lambda t, **p: t)
    month = datetime.now(UTC).strftime("%Y-%m")
    for row in built.panels["funds"]["rows"]:
        entries = list(LedgerEntry.query(row.fund_id,
                                         LedgerEntry.entry_id.startswith(month)))
        assert row.income == sum(int(e.amount) for e in entries if e.amount >= 0)
        assert row.spending == -sum(int(e.amount) for e in entries if e.amount < 0)
        assert row.balance == int(Fund.get(row.fund_id).balance)
    funds = [f for f in Fund.scan() if f.active and f.kind == "fund"]
    assert built.panels["funds"]["restricted"] == sum(
        int(f.balance) for f in funds if f.restricted)
    assert built.panels["funds"]["unrestricted"] == sum(
        int(f.balance) for f in funds if not f.restricted)


def test_cash_beds_stock_and_tasks_equal_their_records(demo):
    from chalicelib.allocation import view
    from chalicelib.auth.roles import User
    from chalicelib.disbursements.models import Disbursement
    from chalicelib.inkind.models import Stock
    from chalicelib.shelters.models import Shelter
    from chalicelib.volunteers.models import Task

    built = view.build(User("u", "u@x", ("admin",)), "en", lambda t, **p: t)
    month = datetime.now(UTC).strftime("%Y-%m")
    paid = [d for d in Disbursement.scan() if d.status == "paid"
            and d.paid_at.strftime("%Y-%m") == month]
    assert len(paid) >= 4  # the demo's and the fixture's payments
    assert built.panels["cash"]["total"] == sum(int(d.amount) for d in paid)
    assert built.panels["cash"]["payments"] == len(paid)
    waiting = [d for d in Disbursement.scan() if d.status == "pending"]
    assert built.panels["cash"]["pending"] == len(waiting) >= 1
    now = datetime.now(UTC).timestamp()
    free = sum(max(int(s.total - s.occupied) - sum(
        1 for expiry in s.holds.as_dict().values() if expiry > now), 0)
        for s in Shelter.scan())
    assert built.panels["beds"]["summary"]["free_total"] == free
    units = sum(int(row.quantity) for row in Stock.scan())
    assert sum(line.total for line in built.panels["inkind"]["lines"]) == units
    open_tasks = [t for t in Task.scan() if t.status == "open" and not t.volunteer_id]
    assert built.panels["tasks"]["open_without_volunteer"] == len(open_tasks)


def test_every_bar_of_every_chart_links_to_a_detail_page(client, session_as, demo):
    html = page_of(client, session_as, "admin")
    assert html.count("<svg") >= 4
    assert "style=" not in html and "<script" not in html
    import re

    for anchor in re.findall(r"<a href=\"([^\"]+)\">\s*<text", html):
        assert anchor.startswith("/staff/")


def test_the_go_to_list_names_the_audit_log_once_for_an_admin(
        client, session_as, demo):
    response = client.get("/staff?lang=nb", headers=session_as("admin").headers())
    go_to = response.body.decode().split('id="goto-h"')[1].split("</nav>")[0]
    assert go_to.count("Tilgangslogg") == 1
    assert go_to.count('href="/staff/audit"') == 1
