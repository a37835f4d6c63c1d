"""A donor chooses from /my whether, and by what name, we thank them in the
year's list of givers: this year's card and Vipps gifts move to that name
in the list, and a monthly card gift's coming invoices carry it."""
from __future__ import annotations

import re

import pytest

from chalicelib.core.clock import now_utc
from chalicelib.donations.reports import thanked_donors
from chalicelib.donations.settings import donation_settings
from tests.portal.conftest import DONOR
from tests.portal.helpers import Donor
from tests.portal.test_monthly import SUBSCRIPTION, body, calls

YEAR = now_utc().year


@pytest.fixture
def stripe_server(httpserver, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    donation_settings.cache_clear()
    httpserver.expect_request("/v1/subscriptions/sub_1", method="POST") \
        .respond_with_json(SUBSCRIPTION)
    return httpserver


def thank(donor: Donor, lang: str = "en", **fields: str):
    html = donor.get(f"/my?lang={lang}").body.decode()
    key = re.search(r'name="_form" value="thanks">\s*<input type="hidden" '
                    r'name="idempotency_key" value="([^"]+)"', html).group(1)
    sent = {"_form": "thanks", "idempotency_key": key, **fields}
    return donor.post(f"/my/thanks?lang={lang}", sent, page=f"/my?lang={lang}"), sent


def signed_in(client) -> Donor:
    donor = Donor(client)
    donor.sign_in(DONOR)
    return donor


def listed() -> dict[str, int]:
    return {giver.name: giver.amount for giver in thanked_donors(YEAR)}


def test_a_donor_asks_to_be_thanked_by_name_and_this_years_gifts_are_listed(
        client, gifts, stripe_server):
    donor = signed_in(client)
    answer, _ = thank(donor, thanks="yes", thanks_name="Kari og Ola")
    assert answer.status_code == 200
    assert "We thank you as Kari og Ola" in answer.body.decode()
    assert listed() == {"Kari og Ola": 700_00}  # the card and the monthly gift
    [update] = calls(stripe_server, "POST")
    assert body(update)["metadata[thanks]"] == ["1"]
    assert body(update)["metadata[thanks_name]"] == ["Kari og Ola"]
    home = donor.get("/my?lang=en").body.decode()
    assert f"We thank you as Kari og Ola in the list of givers for {YEAR}" in home


def test_a_new_name_moves_the_gifts_and_no_name_takes_them_off_the_list(
        client, gifts, stripe_server):
    donor = signed_in(client)
    thank(donor, thanks="yes", thanks_name="Kari")
    thank(donor, thanks="yes", thanks_name="Familien Nordmann")
    assert listed() == {"Familien Nordmann": 700_00}
    answer, _ = thank(donor, thanks_name="Familien Nordmann")  # box not ticked
    assert "Your name is not in the list of givers" in answer.body.decode()
    assert listed() == {}
    assert body(calls(stripe_server, "POST")[-1])["metadata[thanks_name]"] == [""]


def test_the_same_form_sent_twice_counts_the_gifts_once(client, gifts,
                                                        stripe_server):
    donor = signed_in(client)
    _, sent = thank(donor, thanks="yes", thanks_name="Kari")
    again = donor.post("/my/thanks?lang=en", sent, page="/my?lang=en")
    assert again.status_code == 200 and listed() == {"Kari": 700_00}
    assert len(calls(stripe_server, "POST")) == 1


def test_a_ticked_box_without_a_name_comes_back_on_the_form_in_spanish(
        client, gifts, stripe_server):
    answer, _ = thank(signed_in(client), lang="es", thanks="yes", thanks_name="  ")
    page = answer.body.decode()
    assert answer.status_code == 422
    assert 'id="thanks-thanks_name"' in page and 'aria-invalid="true"' in page
    assert "nombre" in page.split('id="thanks-thanks_name-error"')[1][:200]
    assert listed() == {} and stripe_server.log == []


def test_a_running_vipps_gift_is_thanked_by_the_new_name_from_its_next_charge(
        client, vipps_gift, stripe_server):
    from chalicelib.donations.models import MonthlyGift
    from tests.portal.conftest import REFERENCE

    thank(signed_in(client), thanks="yes", thanks_name="Kari")
    gift = MonthlyGift.get(REFERENCE)
    assert gift.wants_thanks is True and gift.thanks_name == "Kari"
    assert listed() == {"Kari": 850_00}  # card 500, monthly card 200, Vipps 150
