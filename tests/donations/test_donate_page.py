"""The public donation page and checkout, with our Stripe client talking
to a local HTTP server in place of Stripe."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode

import pytest

from chalicelib.db import put_if_absent
from chalicelib.donations.models import Campaign, Donation
from chalicelib.donations.settings import donation_settings
from tests.donations.conftest import balance

SESSION_URL = "https://checkout.stripe.test/c/pay/cs_test_1"


@pytest.fixture
def stripe_server(httpserver, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    donation_settings.cache_clear()
    httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_json(
        {"id": "cs_test_1", "object": "checkout.session", "url": SESSION_URL})
    return httpserver


def anon_form(client, path="/donate"):
    page = client.get(path)
    cookies = page.headers["Set-Cookie"]
    cookies = cookies if isinstance(cookies, list) else [cookies]
    anon = next(c for c in cookies if c.startswith("anon=")).split(";")[0]
    html = page.body.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    return anon, token, nonce


def post_donation(client, fields, lang="nb", ip=None):
    anon, token, nonce = anon_form(client)
    body = urlencode({"csrf_token": token, "nonce": nonce, **fields})
    return client.post(f"/donate?lang={lang}", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": anon})


def stripe_calls(server):
    return [(request, parse_qs(request.get_data(as_text=True)))
            for request, _response in server.log]


@pytest.mark.parametrize("lang, heading", [("nb", "Gi penger"), ("en", "Give money"),
                                           ("es", "Donar dinero")])
def test_the_donation_page_speaks_the_donors_language(client, funds, lang, heading):
    html = client.get(f"/donate?lang={lang}").body.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'value="200"' in html and 'value="1000"' in html


def test_the_page_offers_public_funds_only(client, funds):
    html = client.get("/donate?lang=en").body.decode()
    assert "Victims and their children" in html
    assert "emergency-cash" not in html


def test_a_campaign_shows_its_goal_and_progress(client, funds):
    put_if_absent(Campaign("xmas", names={"nb": "Julaksjon", "en": "Christmas appeal",
                                          "es": "Navidad"}, fund_id="christmas",
                           goal=100_000_00, starts="2000-01-01", ends="2099-12-31",
                           active=True, raised=25_000_00, donors=12))
    html = client.get("/donate?lang=en&campaign=xmas").body.decode()
    assert "Christmas appeal" in html
    assert '<progress id="campaign-progress" max="10000000" value="2500000">' in html
    assert "Donors: 12." in html


def test_a_valid_gift_goes_to_stripe_checkout_with_fund_and_campaign(client, funds,
                                                                     stripe_server):
    response = post_donation(client, {"amount": "500", "frequency": "once",
                                      "fund": "vocational"})
    assert response.status_code == 303
    assert response.headers["Location"] == SESSION_URL
    [(request, params)] = stripe_calls(stripe_server)
    assert request.headers["Authorization"] == "Bearer sk_test_local"
    assert request.headers["Idempotency-Key"].startswith("donate-")
    assert params["mode"] == ["payment"]
    assert params["line_items[0][price_data][unit_amount]"] == ["50000"]
    assert params["line_items[0][price_data][currency]"] == ["nok"]
    assert params["metadata[fund_id]"] == ["vocational"]
    assert Donation.count() == 0  # nothing is credited before Stripe says paid


def test_a_monthly_gift_becomes_a_subscription_with_a_monthly_price(client, funds,
                                                                    stripe_server):
    post_donation(client, {"custom_amount": "350", "frequency": "monthly"})
    [(_request, params)] = stripe_calls(stripe_server)
    assert params["mode"] == ["subscription"]
    assert params["line_items[0][price_data][recurring][interval]"] == ["month"]
    assert params["subscription_data[metadata][fund_id]"] == ["general"]


def test_submitting_the_same_form_twice_uses_the_same_idempotency_key(client, funds,
                                                                      stripe_server):
    anon, token, nonce = anon_form(client)
    body = urlencode({"csrf_token": token, "nonce": nonce, "amount": "200"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": anon}
    client.post("/donate", body=body, headers=headers)
    client.post("/donate", body=body, headers=headers)
    keys = {request.headers["Idempotency-Key"] for request, _ in stripe_calls(stripe_server)}
    assert len(keys) == 1


@pytest.mark.parametrize("amount", ["49", "100001", "12,50", "abc"])
def test_an_amount_outside_the_rules_is_refused_in_spanish_and_stripe_is_not_called(
        client, funds, stripe_server, amount):
    response = post_donation(client, {"custom_amount": amount}, lang="es")
    assert response.status_code == 400
    html = response.body.decode()
    assert "Corrija los campos marcados." in html
    assert stripe_calls(stripe_server) == []


def test_an_internal_fund_cannot_be_chosen(client, funds, stripe_server):
    response = post_donation(client, {"amount": "500", "fund": "emergency-cash"},
                             lang="en")
    assert response.status_code == 400
    assert "Choose one of the purposes in the list." in response.body.decode()
    assert stripe_calls(stripe_server) == []


def test_a_filled_honeypot_creates_nothing(client, funds, stripe_server):
    response = post_donation(client, {"amount": "500", "website": "http://spam"})
    assert response.status_code == 400
    assert stripe_calls(stripe_server) == []


def test_checkout_attempts_are_limited_per_address(client, funds, stripe_server,
                                                   monkeypatch):
    monkeypatch.setenv("CHECKOUT_RATE_LIMIT", "3")
    donation_settings.cache_clear()
    statuses = [post_donation(client, {"amount": "200"}, lang="en").status_code
                for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert len(stripe_calls(stripe_server)) == 3
    last = post_donation(client, {"amount": "200"}, lang="en")
    assert "Please wait ten minutes" in last.body.decode()


def test_without_a_stripe_key_outside_test_mode_the_donor_is_told_kindly(client, funds,
                                                                         monkeypatch):
    monkeypatch.setenv("DONATION_TEST_CHECKOUT", "false")
    donation_settings.cache_clear()
    response = post_donation(client, {"amount": "500"}, lang="en")
    assert response.status_code == 503
    assert "Online payment is not configured yet." in response.body.decode()
    assert "Traceback" not in response.body.decode()


def test_the_local_test_checkout_credits_the_gift_through_the_webhook(client, funds):
    response = post_donation(client, {"amount": "1000", "fund": "christmas"}, lang="en")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/donate/test-checkout?token=")
    anon, _token, _nonce = anon_form(client)
    page = client.get(location + "&lang=en", headers={"Cookie": anon})
    html = page.body.decode()
    assert "TEST MODE" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    done = client.post("/donate/test-checkout", body=urlencode(
        {"csrf_token": csrf, "token": token, "action": "pay", "email": "a@example.org"}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": anon})
    assert done.status_code == 303
    assert done.headers["Location"].startswith("/donate/thanks?session_id=cs_test_")
    assert balance("christmas") == 15_000_00 + 1000_00


def test_a_forged_test_checkout_token_is_not_found(client, funds):
    assert client.get("/donate/test-checkout?token=abc.def").status_code == 404


def test_the_thanks_page_credits_nothing(client, funds):
    html = client.get("/donate/thanks?session_id=cs_x&lang=en").body.decode()
    assert "being confirmed" in html
    assert Donation.count() == 0


@pytest.mark.parametrize("human, status", [(True, 303), (False, 400)])
def test_with_turnstile_on_only_a_verified_human_reaches_checkout(
        client, funds, stripe_server, monkeypatch, human, status):
    stripe_server.expect_request("/turnstile", method="POST").respond_with_json(
        {"success": human})
    monkeypatch.setenv("TURNSTILE_SECRET", "ts-secret")
    monkeypatch.setenv("TURNSTILE_VERIFY_URL", stripe_server.url_for("/turnstile"))
    donation_settings.cache_clear()
    response = post_donation(client, {"amount": "500", "cf-turnstile-response": "tok"},
                             lang="en")
    assert response.status_code == status
    sessions = [r for r, _ in stripe_calls(stripe_server) if r.path == "/v1/checkout/sessions"]
    assert len(sessions) == (1 if human else 0)


def test_a_donor_who_asks_to_be_thanked_must_give_a_name(client, funds, stripe_server):
    response = post_donation(client, {"amount": "500", "thanks": "1"}, lang="en")
    assert response.status_code == 400
    assert "Write the name we may thank" in response.body.decode()


@pytest.mark.parametrize("frequency", ["once", "monthly"])
def test_the_checkout_parameters_are_encoded_as_stripes_sdk_encodes_them(funds,
                                                                        frequency):
    from stripe._encode import _api_encode

    from chalicelib.donations.checkout import session_params
    from chalicelib.donations.service import validate_donation
    from chalicelib.donations.stripe_api import form_pairs

    request = validate_donation({"amount": "500", "frequency": frequency,
                                 "fund": "general"}, "nb")
    params = session_params(request)
    sdk = [(key, str(value).lower() if isinstance(value, bool) else str(value))
           for key, value in _api_encode(params)]
    assert list(form_pairs(params)) == sdk


def test_stripe_failing_is_retried_with_the_same_key_then_the_form_says_so(
        client, funds, httpserver, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    monkeypatch.setattr("chalicelib.donations.stripe_api.time.sleep", lambda _s: None)
    donation_settings.cache_clear()
    httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_json(
        {"error": {"type": "api_error"}}, status=500)
    response = post_donation(client, {"amount": "500", "frequency": "once",
                                      "fund": "general"}, lang="en")
    assert response.status_code == 503
    assert "nothing was saved" in response.body.decode()
    keys = [request.headers["Idempotency-Key"] for request, _ in stripe_calls(httpserver)]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert Donation.count() == 0


def test_a_refused_request_is_not_retried(client, funds, httpserver, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    donation_settings.cache_clear()
    httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_json(
        {"error": {"type": "invalid_request_error"}}, status=400)
    response = post_donation(client, {"amount": "500", "frequency": "once",
                                      "fund": "general"})
    assert response.status_code == 503
    assert len(stripe_calls(httpserver)) == 1
