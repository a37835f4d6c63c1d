"""The Spanish sign-up form in a real Chromium."""
from __future__ import annotations

from chalicelib.core.mail import outbox
from chalicelib.volunteers.models import Volunteer
from tests.conftest import screenshot


def test_a_spanish_speaker_signs_up_with_the_spanish_form(live_server, page):
    page.goto(f"{live_server}/volunteer?lang=es")
    assert page.locator("h1").inner_text() == "Hazte voluntario"
    assert page.locator("html").get_attribute("lang") == "es"
    page.fill("#name", "Camila Torres")
    page.fill("#email", "camila@example.org")
    page.select_option("#level_es", "native")
    page.select_option("#level_pt", "good")
    page.check("#skills-interpreting")
    page.check("#skills-accompanying")
    page.check("#availability-evenings")
    page.select_option("#region", "oslo")
    page.check("#consent")
    screenshot(page, "volunteers-signup-es")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/volunteer/thanks")
    assert page.locator("h1").inner_text() == "Gracias por inscribirte"
    [volunteer] = list(Volunteer.scan())
    assert volunteer.languages.as_dict() == {"es": "native", "pt": "good"}
    assert volunteer.skills == {"interpreting", "accompanying"}
    assert volunteer.lang == "es"
    assert outbox("camila@example.org")[0].subject.startswith("Gracias")
    assert page.console_errors == []


def test_the_spanish_form_explains_missing_fields_in_spanish(live_server, page):
    page.goto(f"{live_server}/volunteer?lang=es")
    page.fill("#name", "Camila Torres")
    page.click("main button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#consent']").inner_text() == (
        "Solo podemos guardar tus datos con tu consentimiento.")
    assert page.locator("#consent-error").inner_text() == (
        "Solo podemos guardar tus datos con tu consentimiento.")
    assert page.locator("#name").input_value() == "Camila Torres"
    assert page.locator("#consent").get_attribute("aria-invalid") == "true"
    screenshot(page, "volunteers-signup-es-errors")
    assert list(Volunteer.scan()) == []
