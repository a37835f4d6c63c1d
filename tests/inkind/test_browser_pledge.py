"""A Spanish-speaking giver promises Christmas packages in a real Chromium."""
from chalicelib.core import mail
from chalicelib.inkind import demo, needs
from tests.conftest import screenshot


def test_a_giver_pledges_in_spanish_and_is_thanked_in_spanish(live_server, page):
    demo.load()
    page.goto(f"{live_server}/needs?lang=es")
    assert page.locator("h1").inner_text() == "Lo que necesitamos ahora"
    page.select_option("#need_id", "demo-need-christmas")
    page.fill("#quantity", "6")
    page.fill("#giver", "Parroquia San Pablo")
    page.fill("#contact", "")
    page.click("main button[type=submit]")
    assert page.locator("#contact-error").inner_text() == (
        "Indique un correo electrónico o un número de teléfono.")
    assert page.locator("#giver").input_value() == "Parroquia San Pablo"
    page.fill("#contact", "parroquia@example.org")
    page.fill("#expected_on", "2026-12-10")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Gracias por su promesa"
    screenshot(page, "inkind-pledge-es")
    # The invalid first attempt answers 422 on purpose; nothing else may fail.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
    assert needs.get_need("demo-need-christmas").pledged == 20 + 6
    (message,) = mail.outbox(to="parroquia@example.org")
    assert "6 × Paquete de Navidad" in message.body


def test_the_needs_page_fits_a_phone_screen(live_server, browser):
    demo.load()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-ES")
    tab = context.new_page()
    tab.goto(f"{live_server}/needs")
    assert tab.locator("html").get_attribute("lang") == "es"
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    screenshot(tab, "inkind-needs-phone-es")
    context.close()
