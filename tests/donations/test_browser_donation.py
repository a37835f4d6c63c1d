"""In a real Chromium: a Spanish-speaking donor gives through the local test
checkout and finance sees the gift; with Stripe configured the donor is sent
on to the Checkout page (a local server stands in for Stripe)."""
from __future__ import annotations

from chalicelib.demo import load_demo_data
from chalicelib.donations.settings import donation_settings
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


def test_a_donor_gives_in_spanish_and_finance_sees_the_gift(live_server, page):
    load_demo_data(DEMO_PASSWORD)
    page.goto(f"{live_server}/donate?lang=es")
    assert page.locator("h1").inner_text() == "Donar dinero"
    screenshot(page, "donations-page-es")
    page.fill("#custom_amount", "20")
    page.click("main button[type=submit]")
    assert page.locator("#donate-errors").is_visible()
    assert "Elija un importe entre el mínimo y el máximo." in page.inner_text("main")
    page.console_errors.clear()  # the browser logs the intended 400 of that answer
    page.fill("#custom_amount", "")
    page.check("input[name=amount][value='1000']")
    page.select_option("#fund", "vocational")
    page.check("input[name=method][value='card']")  # card is the default; say so
    page.click("main button[type=submit]")
    page.wait_for_url("**/donate/test-checkout**")
    assert "MODO DE PRUEBA" in page.inner_text("#test-mode")
    page.fill("#email", "donante@example.org")
    page.click("button[value=pay]")
    page.wait_for_url("**/donate/thanks**")
    assert "se está confirmando" in page.inner_text("#confirming")
    assert page.console_errors == []
    browser_login(page, live_server, "finance")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(f"{live_server}/staff/donations?lang=en&fund=vocational")
    assert "1\u00a0000,00\u00a0kr" in page.inner_text("#donations")
    screenshot(page, "donations-staff-list")


def test_with_stripe_configured_the_donor_is_sent_to_the_checkout_page(
        live_server, page, httpserver, monkeypatch):
    load_demo_data(DEMO_PASSWORD)
    checkout_url = httpserver.url_for("/c/pay/cs_test_browser")
    httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_json(
        {"id": "cs_test_browser", "object": "checkout.session", "url": checkout_url})
    httpserver.expect_request("/c/pay/cs_test_browser").respond_with_data(
        "<h1>Stripe test checkout</h1>", content_type="text/html")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_browser")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    donation_settings.cache_clear()
    page.goto(f"{live_server}/donate?lang=en")
    page.check("input[name=amount][value='500']")
    page.check("input[name=frequency][value='monthly']")
    page.check("input[name=method][value='card']")
    answers = []

    def watch(route):
        # The page's CSP lets a form lead only to itself and checkout.stripe.com,
        # so the stand-in server's page cannot load: look at the 303 itself.
        if route.request.method != "POST":
            return route.continue_()
        answer = route.fetch(max_redirects=0)
        answers.append((answer.status, answer.headers.get("location")))
        return route.fulfill(status=200, body="<h1>redirected</h1>",
                             content_type="text/html")

    page.route("**/donate?lang=en", watch)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=redirected")
    assert answers == [(303, checkout_url)]
    [(request, _response)] = [entry for entry in httpserver.log
                              if entry[0].path == "/v1/checkout/sessions"]
    assert "subscription" in request.get_data(as_text=True)
