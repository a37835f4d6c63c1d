"""Annual figures at /staff/reports/<year>: equal to the records they sum,
exported as CSV and JSON, with small counts hidden for publication."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from tests.conftest import bearer, json_body

YEAR = datetime.now(UTC).year


def figures(client, role: str = "finance", publication: bool = False) -> dict:
    query = "?publication=1" if publication else ""
    response = client.get(f"/api/reports/{YEAR}{query}", headers=bearer(role))
    assert response.status_code == 200
    return json_body(response)["sections"]


def test_money_figures_equal_the_donations_and_gifts_of_the_year(client, demo):
    from chalicelib.donations.models import Donation
    from chalicelib.funds.models import Fund
    from chalicelib.gifts.models import Gift

    donations = [d for d in Donation.scan() if d.credited and str(d.month)[:4]
                 == str(YEAR)]
    gifts = [g for g in Gift.scan() if g.year == str(YEAR)]
    sections = figures(client)
    total = next(f for f in sections["donations"] if f["key"] == "total")
    assert total["count"] == len(donations) + len(gifts)
    assert total["amount"] == sum(d.net for d in donations) + sum(
        int(g.amount) for g in gifts)
    restricted = {f.fund_id for f in Fund.scan() if f.restricted}
    earmarked = sum(d.net for d in donations if d.fund_id in restricted) + sum(
        int(g.amount) for g in gifts if g.fund_id in restricted)
    assert sum(f["amount"] for f in sections["earmarked"]) == earmarked
    assert earmarked > 0
    donors = {("d", d.email or d.subscription_id or d.donation_id) for d in donations}
    donors |= {("g", g.donor_email or g.donor_name or g.gift_key) for g in gifts}
    assert sections["donors"][0]["count"] == len(donors)


def test_cash_figures_equal_the_paid_disbursements_of_the_year(client, demo):
    from chalicelib.disbursements.models import Disbursement

    paid = [d for d in Disbursement.scan() if d.status == "paid"
            and d.paid_at.year == YEAR]
    by_purpose: dict[str, int] = defaultdict(int)
    for item in paid:
        by_purpose[item.purpose] += int(item.amount)
    sections = figures(client)
    assert {f["key"]: f["amount"] for f in sections["cash"]} == dict(by_purpose)
    assert sections["clients"][0]["count"] == len({d.client_code for d in paid})


def test_beds_holds_gifts_in_kind_and_hours_equal_their_records(client, demo):
    from chalicelib.inkind.models import StockMovement
    from chalicelib.shelters.models import Hold
    from chalicelib.volunteers.models import HoursEntry

    sections = figures(client, role="admin")
    holds = [h for h in Hold.scan() if h.created_at.year == YEAR]
    counts = {f["key"]: f["count"] for f in sections["holds"]}
    assert counts == {"holds": len(holds),
                      "stays": sum(h.status == "checked_in" for h in holds)}
    receipts = [m for m in StockMovement.scan() if m.kind == "receipt"
                and m.created_at.year == YEAR]
    assert sum(f["amount"] for f in sections["inkind"]) == sum(
        int(r.value) for r in receipts)
    minutes = sum(int(e.minutes) for e in HoursEntry.scan()
                  if e.worked_on.startswith(str(YEAR)))
    assert sections["hours"][0]["quantity"] == round(minutes / 60, 1)


def test_counts_below_three_are_hidden_for_publication(
        client, session_as):
    from chalicelib.audit.service import SYSTEM
    from chalicelib.shelters import registry, service

    registry.create_shelter(registry.parse_shelter({
        "name": "Test", "kind": "crisis_centre", "region": "Oslo",
        "accepts_women": True}), {}, 3, SYSTEM, "test-shelter")
    service.place_hold("test-shelter", "K-2026-001", 4, SYSTEM)
    service.place_hold("test-shelter", "K-2026-002", 4, SYSTEM)
    exact = {f["key"]: f for f in figures(client)["holds"]}
    public = {f["key"]: f for f in figures(client, publication=True)["holds"]}
    assert exact["holds"]["count"] == 2 and not exact["holds"]["suppressed"]
    assert public["holds"]["count"] is None and public["holds"]["suppressed"]
    assert public["stays"]["count"] == 0
    page = client.get(f"/staff/reports/{YEAR}?publication=1&lang=en",
                      headers=session_as("staff").headers())
    assert "hidden" in page.body.decode()
    rows = list(csv.reader(io.StringIO(client.get(
        f"/staff/reports/{YEAR}/figures.csv?publication=1&lang=en",
        headers=session_as("staff").headers()).body.decode()), delimiter=";"))
    assert ["Holds that became stays", "Holds placed", "hidden", "hidden", ""] \
        in rows


def test_the_csv_export_has_one_row_per_figure(client, session_as, demo):
    response = client.get(f"/staff/reports/{YEAR}/figures.csv?lang=en",
                          headers=session_as("finance").headers())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.decode().lstrip("\ufeff")),
                               delimiter=";"))
    sections = figures(client)
    assert len(rows) == sum(len(v) for v in sections.values())
    total = next(r for r in rows if r["Section"] == "Donations by channel and month"
                 and r["Name"] == "Total")
    expected = next(f for f in sections["donations"] if f["key"] == "total")
    assert total["Amount (NOK)"] == (
        f"{expected['amount'] // 100}.{expected['amount'] % 100:02d}")


def test_the_csv_names_its_columns_and_sections_in_bokmal(client, session_as, demo):
    body = client.get(f"/staff/reports/{YEAR}/figures.csv",
                      headers=session_as("finance").headers()).body.decode()
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Seksjon", "Navn", "Antall", "Beløp (kr)", "Enheter eller timer"]
    assert ["Frivillige timer", "Timer"] == rows[-1][:2]


def test_the_html_report_names_every_section_in_norwegian(client, session_as, demo):
    page = client.get(f"/staff/reports/{YEAR}?lang=nb",
                      headers=session_as("finance").headers())
    html = page.body.decode()
    assert page.status_code == 200
    for title in ("Gaver etter kanal og måned", "Antall givere",
                  "Overnattinger etter type botilbud", "Frivillige timer"):
        assert title in html


@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_roles_without_the_report_are_refused(client, role):
    response = client.get(f"/api/reports/{YEAR}", headers=bearer(role))
    assert response.status_code == 403


def test_a_year_out_of_range_is_not_found(client, session_as):
    response = client.get("/staff/reports/1999", headers=session_as("staff").headers())
    assert response.status_code == 404
