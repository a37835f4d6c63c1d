"""Demo data: campaigns with progress and a few credited gifts, loaded once."""
from __future__ import annotations

from datetime import date

from chalicelib.demo import load_demo_data
from chalicelib.donations.models import Campaign, Donation
from tests.conftest import DEMO_PASSWORD
from tests.donations.conftest import balance


def test_loading_the_demo_twice_credits_each_gift_once(client):
    load_demo_data(DEMO_PASSWORD)
    load_demo_data(DEMO_PASSWORD)
    year = date.today().year
    christmas = Campaign.get(f"christmas-{year}")
    assert (christmas.raised, christmas.donors) == (1500_00, 2)
    assert Donation.count() == 4
    assert balance("christmas") == 15_000_00 + 1500_00
    html = client.get(f"/donate?lang=en&campaign=children-{year}").body.decode()
    assert "A safe start for the children" in html and "<progress" in html
