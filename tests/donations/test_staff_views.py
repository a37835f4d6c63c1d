"""Admins run campaigns; finance reads donations, totals and disputes."""
from __future__ import annotations

from datetime import date

from chalicelib.audit.models import AuditEntry
from chalicelib.core.clock import oslo_date
from chalicelib.core.thanks import money_givers
from chalicelib.donations.models import Campaign
from chalicelib.donations.webhook import handle_event
from tests.conftest import bearer, json_body
from tests.donations.conftest import event, session_completed
from tests.form_helpers import read_page

CAMPAIGN = {"campaign_id": "spring-2026", "name_nb": "Våraksjon", "name_en": "Spring appeal",
            "name_es": "Campaña de primavera", "fund_id": "vocational", "goal": "50000",
            "starts": "2026-03-01", "ends": "2026-05-31", "active": "1"}


def gifts():
    handle_event(event("evt_1", "checkout.session.completed",
                       session_completed(1, 500, "christmas", thanks="1",
                                         thanks_name="Sankt Olav menighet")))
    handle_event(event("evt_2", "checkout.session.completed",
                       session_completed(2, 1200, "general")))


def test_an_admin_creates_a_campaign_and_sees_it_listed(client, funds, session_as):
    admin = session_as("admin")
    headers, body = admin.form(CAMPAIGN)
    response = client.post("/staff/campaigns/new", body=body, headers=headers)
    assert response.status_code == 303
    listing = client.get("/staff/campaigns?lang=en", headers=admin.headers()).body.decode()
    assert "Spring appeal" in listing and "50\u00a0000,00\u00a0kr" in listing
    assert Campaign.get("spring-2026").goal == 50_000_00


def test_a_campaign_form_with_mistakes_is_shown_again_with_messages(client, funds,
                                                                    session_as):
    headers, body = session_as("admin").form({**CAMPAIGN, "goal": "many",
                                              "ends": "2026-01-01"})
    response = client.post("/staff/campaigns/new?lang=en", body=body, headers=headers)
    assert response.status_code == 422
    page = read_page(response.body.decode())
    assert page.texts["goal-error"] == "Enter a whole number of kroner."
    assert page.by_id["goal"].invalid and page.by_id["goal"].attrs["value"] == "many"
    assert page.texts["ends-error"] == "Enter a date on or after the start."
    assert page.by_id["name_nb"].attrs["value"] == CAMPAIGN["name_nb"]
    assert Campaign.count() == 0


def test_editing_a_campaign_keeps_what_it_has_raised(client, funds, session_as):
    admin = session_as("admin")
    headers, body = admin.form(CAMPAIGN)
    client.post("/staff/campaigns/new", body=body, headers=headers)
    Campaign("spring-2026").update(actions=[Campaign.raised.set(7_000_00)])
    headers, body = admin.form({**CAMPAIGN, "goal": "80000"})
    response = client.post("/staff/campaigns/spring-2026/edit", body=body, headers=headers)
    assert response.status_code == 303
    campaign = Campaign.get("spring-2026")
    assert (campaign.goal, campaign.raised) == (80_000_00, 7_000_00)


def test_finance_may_read_campaigns_but_not_create_them(client, funds, session_as):
    finance = session_as("finance")
    assert client.get("/staff/campaigns", headers=finance.headers()).status_code == 200
    headers, body = finance.form(CAMPAIGN)
    assert client.post("/staff/campaigns/new", body=body, headers=headers).status_code == 403
    assert Campaign.count() == 0


def test_finance_sees_donations_with_totals_and_filters_by_fund(client, funds, session_as):
    gifts()
    finance = session_as("finance")
    html = client.get("/staff/donations?lang=en", headers=finance.headers()).body.decode()
    assert "2 donations, 1\u00a0700,00\u00a0kr" in html
    filtered = client.get("/staff/donations?lang=en&fund=christmas",
                          headers=finance.headers()).body.decode()
    assert "1 donations, 500,00\u00a0kr" in filtered
    assert "Sankt Olav menighet" in filtered
    assert AuditEntry.count() >= 2


def test_other_staff_cannot_see_donations(client, funds, session_as):
    response = client.get("/staff/donations", headers=session_as("coordinator").headers())
    assert response.status_code == 403


def test_the_donations_api_returns_amounts_in_ore_for_a_fund_and_dates(client, funds):
    gifts()
    today = oslo_date().isoformat()  # the list takes days as Oslo's
    response = client.get(f"/api/donations?fund=general&from={today}&to={today}",
                          headers=bearer("finance"))
    body = json_body(response)
    assert [d["amount"] for d in body["donations"]] == [1200_00]
    assert body["totals"] == {"amount": 1200_00, "refunded": 0, "net": 1200_00,
                              "count": 1, "currency": "NOK"}
    assert "email" not in body["donations"][0]


def test_the_donations_api_refuses_a_bad_date(client, funds):
    response = client.get("/api/donations?from=yesterday", headers=bearer("finance"))
    assert response.status_code == 400
    assert "from" in json_body(response)["error"]["fields"]


def test_donors_who_agreed_are_on_the_thank_you_list(funds):
    gifts()
    givers = [g for g in money_givers(date.today().year) if g.channel == "stripe"]
    assert [(g.name, g.amount) for g in givers] == [("Sankt Olav menighet", 500_00)]


def test_a_campaign_id_taken_already_keeps_the_form_filled_in(client, funds,
                                                              session_as):
    admin = session_as("admin")
    headers, body = admin.form(CAMPAIGN)
    assert client.post("/staff/campaigns/new", body=body,
                       headers=headers).status_code == 303
    headers, body = admin.form({**CAMPAIGN, "name_nb": "Våraksjon to"})
    response = client.post("/staff/campaigns/new", body=body, headers=headers)
    page = read_page(response.body.decode())
    assert response.status_code == 409
    assert page.by_id["name_nb"].attrs["value"] == "Våraksjon to"
    assert page.by_id["fund_id"].selected == ["vocational"]
    assert page.by_id["campaign_id"].invalid
    assert Campaign.count() == 1
