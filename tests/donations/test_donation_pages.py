"""Finance pages through any number of donations; the totals come from
maintained figures and always equal the donation records."""
from __future__ import annotations

import base64
import json
from datetime import date

from chalicelib.core.clock import oslo_date
from chalicelib.core.thanks import money_givers
from chalicelib.donations.models import Donation, DonationTotal
from chalicelib.donations.webhook import handle_event
from tests.conftest import bearer, json_body
from tests.donations.conftest import charge_refunded, event, session_completed


def give(n: int, amount_nok: int, fund: str = "general", **meta) -> None:
    handle_event(event(f"evt_{n}", "checkout.session.completed",
                       session_completed(n, amount_nok, fund, **meta)))


def refund(n: int, refunded_nok: int, amount_nok: int) -> None:
    handle_event(event(f"evt_refund_{n}", "charge.refunded",
                       charge_refunded(n, refunded_nok, amount_nok)))


def pages(client, query: str) -> list[dict]:
    seen, cursor = [], None
    for _ in range(20):
        suffix = f"&cursor={cursor}" if cursor else ""
        body = json_body(client.get(f"/api/donations?{query}{suffix}",
                                    headers=bearer("finance")))
        seen.append(body)
        cursor = body["next_cursor"]
        if not cursor:
            return seen
    raise AssertionError("the pages never ended")


def test_finance_pages_through_donations_and_sees_each_exactly_once(client, funds):
    for n in range(1, 8):
        give(n, 100 * n, "general" if n % 2 else "christmas")
    found = pages(client, "limit=3")
    assert [len(page["donations"]) for page in found][:2] == [3, 3]
    ids = [d["id"] for page in found for d in page["donations"]]
    assert sorted(ids) == sorted(f"pi_{n}" for n in range(1, 8))
    times = [d["credited_at"] for page in found for d in page["donations"]]
    assert times == sorted(times, reverse=True)
    assert all(page["totals"]["count"] == 7 for page in found)


def test_a_filtered_list_pages_through_only_the_matching_donations(client, funds):
    for n in range(1, 8):
        give(n, 100, "general" if n % 2 else "christmas")
    found = pages(client, "limit=2&fund=christmas")
    ids = sorted(d["id"] for page in found for d in page["donations"])
    assert ids == ["pi_2", "pi_4", "pi_6"]
    assert found[0]["totals"] == {"amount": 300_00, "refunded": 0, "net": 300_00,
                                  "count": 3, "currency": "NOK"}


def test_the_totals_equal_the_donation_records_after_refunds(client, funds):
    for n in range(1, 6):
        give(n, 1000, "general")
    refund(2, 400, 1000)
    refund(3, 1000, 1000)
    refund(3, 1000, 1000)  # Stripe redelivers
    records = [d for d in Donation.scan() if d.credited]
    body = json_body(client.get("/api/donations", headers=bearer("finance")))
    assert body["totals"] == {
        "amount": sum(int(d.amount) for d in records),
        "refunded": sum(int(d.refunded) for d in records),
        "net": sum(d.net for d in records), "count": len(records), "currency": "NOK"}
    assert body["totals"]["refunded"] == 1400_00


def test_the_next_page_link_keeps_the_filters(client, funds, session_as):
    for n in range(1, 5):
        give(n, 100, "christmas")
    finance = session_as("finance")
    html = client.get("/staff/donations?lang=en&fund=christmas&limit=2",
                      headers=finance.headers()).body.decode()
    assert "4 donations" in html
    link = html.split('id="next-page" rel="next" href="', 1)[1].split('"', 1)[0]
    link = link.replace("&amp;", "&")
    assert "fund=christmas" in link and "limit=2" in link and "cursor=" in link
    second = client.get(link + "&lang=en", headers=finance.headers()).body.decode()
    assert second.count('<tr><td>') == 2 and "First page" in second


def test_a_forged_page_link_is_refused_with_a_message_and_the_filters_kept(
        client, funds, session_as):
    give(1, 100)
    forged = base64.urlsafe_b64encode(json.dumps(
        {"m": oslo_date().strftime("%Y-%m"),
         "k": {"donation_id": {"S": ""}, "month": {"S": "x"}}}).encode()).decode()
    for cursor in (forged, "not-a-cursor", "e30"):
        response = client.get(f"/api/donations?cursor={cursor}", headers=bearer("finance"))
        assert response.status_code == 400
        assert "cursor" in json_body(response)["error"]["fields"]
    response = client.get(f"/staff/donations?lang=en&fund=general&cursor={forged}",
                          headers=session_as("finance").headers())
    html = response.body.decode()
    assert response.status_code == 400
    assert "This page link is no longer valid" in html
    assert '<option value="general" selected>' in html


def test_a_page_size_outside_1_to_200_is_refused(client, funds):
    for limit in ("0", "201", "ten", "１０"):
        response = client.get(f"/api/donations?limit={limit}", headers=bearer("finance"))
        assert response.status_code == 400
        assert "limit" in json_body(response)["error"]["fields"]


def test_the_thank_you_list_counts_what_was_kept_after_a_refund(funds):
    give(1, 1000, "general", thanks="1", thanks_name="Lyngen kvinneklubb")
    give(2, 500, "general", thanks="1", thanks_name="Lyngen kvinneklubb")
    give(3, 300, "general", thanks="1", thanks_name="Fully refunded AS")
    refund(1, 250, 1000)
    refund(3, 300, 300)
    givers = [g for g in money_givers(date.today().year) if g.channel == "stripe"]
    assert [(g.name, g.amount) for g in givers] == [("Lyngen kvinneklubb", 1250_00)]


def test_the_yearly_totals_never_hold_a_donor_email(funds):
    give(1, 100, email="kari.nordmann@example.org")
    keys = [str(row.key) for row in DonationTotal.scan()]
    assert keys and not any("kari" in key or "@" in key for key in keys)


def test_a_gift_after_midnight_in_oslo_counts_in_that_days_and_years_totals():
    from chalicelib.donations.crediting import _totals_change, day_key

    gift = Donation("pi_midnight", credited_at="2026-12-31T23:30:00+00:00",
                    fund_id="general", channel="stripe", amount=100_00)
    assert day_key(gift).startswith("day#2027-01-01#general#stripe")
    assert len(_totals_change(gift, 100_00, 0, new=True)) == 2  # the day, the donor
    before = Donation("pi_evening", credited_at="2026-12-31T22:30:00+00:00",
                      fund_id="general", channel="stripe", amount=100_00)
    assert day_key(before).startswith("day#2026-12-31#")
