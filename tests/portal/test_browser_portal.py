"""The donor portal in a real Chromium on a phone (390×844): the mailed
link, a monthly card gift's new amount (a local server answers as Stripe),
a tax deduction request; screenshots on phone and desktop in nb and es."""
from __future__ import annotations

import pytest

from chalicelib.donations.models import MonthlyGift
from chalicelib.donations.settings import donation_settings
from chalicelib.tax import requests
from tests.conftest import screenshot
from tests.portal.conftest import DONOR
from tests.portal.helpers import link_token
from tests.portal.test_monthly import SUBSCRIPTION

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}


def serious_findings(page) -> list[str]:
    """axe-core's serious and critical findings on the page (as the
    accessibility test counts them)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{rule['id']} at {node['target']}" for rule in found
            if rule["impact"] in ("serious", "critical") for node in rule["nodes"]]


@pytest.fixture
def stripe(httpserver, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_browser")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    donation_settings.cache_clear()
    for method in ("GET", "POST"):
        httpserver.expect_request("/v1/subscriptions/sub_1", method=method) \
            .respond_with_json(SUBSCRIPTION)
    return httpserver


def sign_in(page, base: str, lang: str) -> None:
    page.goto(f"{base}/my?lang={lang}")
    page.fill("#email", DONOR)
    page.click("main button[type=submit]")
    page.wait_for_selector("#link-sent")
    page.goto(f"{base}/my/login?t={link_token(DONOR)}&lang={lang}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/my?lang={lang}")


def test_on_a_phone_a_donor_signs_in_by_the_link_changes_a_monthly_gift_and_asks_for_the_deduction(  # noqa: E501
        live_server, page, gifts, stripe):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "nb")
    assert page.locator("h1").inner_text() == "Gavene dine"
    assert "200,00\u00a0kr i måneden" in page.inner_text("main")
    screenshot(page, "portal-home-phone-nb")
    page.fill("#m-sub_1-amount", "tre hundre")
    page.click("#m-sub_1-action button[value=amount]")
    assert page.locator("#m-sub_1-amount").input_value() == "tre hundre"
    assert page.locator("#m-sub_1-amount").get_attribute("aria-invalid") == "true"
    assert "Skriv et helt antall kroner." in page.inner_text("#m-sub_1-amount-error")
    screenshot(page, "portal-amount-error-phone-nb")
    assert serious_findings(page) == []
    page.console_errors.clear()  # the browser logs the intended 422
    page.fill("#m-sub_1-amount", "350")
    page.click("#m-sub_1-action button[value=amount]")
    assert "350,00\u00a0kr i måneden" in page.inner_text("#portal-done")
    screenshot(page, "portal-changed-phone-nb")
    assert int(MonthlyGift.get("sub_1").amount) == 350_00
    page.click("#portal-back")
    page.fill("#tax-name", "Kari Nordmann")
    page.fill("#tax-identity_number", "01019010046")
    page.check("#tax-consent")
    page.click("#tax-form button[type=submit]")
    assert "******10046" in page.inner_text("#portal-done")
    assert requests.find(_this_year(), DONOR).masked == "******10046"
    page.click("#portal-back")
    assert "Kari Nordmann, ******10046" in page.inner_text("main")
    assert page.console_errors == []


def _this_year() -> int:
    from chalicelib.core.clock import oslo_date

    return oslo_date().year


@pytest.mark.parametrize("lang", ["nb", "es"])
def test_the_portal_pages_on_phone_and_desktop(live_server, page, gifts, stripe,
                                               lang):
    """Screenshots to look at: a link that cannot be used, home, statement,
    the stop question."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/my/login?t=not-a-link-we-sent&lang={lang}")
    page.click("main button[type=submit]")
    assert page.locator("#link-not-valid").is_visible()
    assert page.locator("#email").is_visible()
    screenshot(page, f"portal-link-not-valid-phone-{lang}")
    assert serious_findings(page) == []
    page.console_errors.clear()  # the intended 400
    sign_in(page, live_server, lang)
    year = _this_year()
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(f"{live_server}/my?lang={lang}")
        screenshot(page, f"portal-home-{name}-{lang}")
        assert serious_findings(page) == []
        page.goto(f"{live_server}/my/statement?year={year}&lang={lang}")
        assert str(year) in page.locator("h1").inner_text()
        screenshot(page, f"portal-statement-{name}-{lang}")
        assert serious_findings(page) == []
        page.emulate_media(media="print")
        screenshot(page, f"portal-statement-print-{name}-{lang}")
        assert not page.locator("header.site").is_visible()
        page.emulate_media(media="screen")
        page.goto(f"{live_server}/my?lang={lang}")
        page.click("#m-sub_1-action button[value=stop]")
        assert page.locator("#confirm-consequence").is_visible()
        screenshot(page, f"portal-stop-confirm-{name}-{lang}")
        assert serious_findings(page) == []
    assert page.console_errors == []
