"""A donor changes, pauses, resumes or stops their monthly gift from /my:
at Stripe (our client against a local HTTP server answering as Stripe) and
here, once per form, with a confirmation after each change."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest
from werkzeug import Response

from chalicelib.audit.models import AuditEntry
from chalicelib.donations.models import MonthlyGift
from chalicelib.donations.settings import donation_settings
from chalicelib.portal import service
from tests.portal.conftest import DONOR, REFERENCE
from tests.portal.helpers import Donor

SUBSCRIPTION = {
    "id": "sub_1", "object": "subscription", "status": "active",
    "pause_collection": None,
    "items": {"object": "list", "data": [{
        "id": "si_1", "object": "subscription_item", "quantity": 1,
        "price": {"id": "price_1", "object": "price", "product": "prod_1",
                  "currency": "nok", "unit_amount": 200_00,
                  "recurring": {"interval": "month", "interval_count": 1}}}]}}


@pytest.fixture
def stripe_server(httpserver, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    donation_settings.cache_clear()
    for method in ("GET", "POST"):
        httpserver.expect_request("/v1/subscriptions/sub_1", method=method) \
            .respond_with_json(SUBSCRIPTION)
    httpserver.expect_request("/v1/subscriptions/sub_1", method="DELETE") \
        .respond_with_json({**SUBSCRIPTION, "status": "canceled"})
    return httpserver


def calls(server, method: str) -> list:
    return [request for request, _ in server.log if request.method == method]


def body(request) -> dict[str, list[str]]:
    return parse_qs(request.get_data(as_text=True), keep_blank_values=True)


def signed_in(client) -> Donor:
    donor = Donor(client)
    donor.sign_in(DONOR)
    return donor


def change(donor: Donor, action: str, lang: str = "en", gift: str = "sub_1",
           **fields: str):
    """Send the gift's form of the donor's page as a browser would."""
    html = donor.get(f"/my?lang={lang}").body.decode()
    nonce = re.search(rf'name="gift" value="{gift}">\s*<input type="hidden" '
                      r'name="idempotency_key" value="([^"]+)"', html)
    sent = {"_form": f"m-{gift}", "gift": gift, "action": action,
            "idempotency_key": nonce.group(1) if nonce else "k-1", **fields}
    return donor.post(f"/my/monthly?lang={lang}", sent, page=f"/my?lang={lang}"), sent


def donor_audit(action: str) -> list:
    return [e for e in AuditEntry.scan() if e.action == action
            and e.record_type == "monthly_gift"
            and str(e.actor) .startswith(service.donor_ref(DONOR))]


def test_a_donor_changes_the_amount_of_their_monthly_card_gift_and_sees_it_confirmed(
        client, gifts, stripe_server):
    donor = signed_in(client)
    answer, _ = change(donor, "amount", amount="350")
    page = answer.body.decode()
    assert answer.status_code == 200
    assert "Your monthly gift is now 350,00\u00a0kr a month" in page
    [update] = calls(stripe_server, "POST")
    sent = body(update)
    assert sent["items[0][id]"] == ["si_1"]
    assert sent["items[0][price_data][product]"] == ["prod_1"]
    assert sent["items[0][price_data][unit_amount]"] == ["35000"]
    assert sent["items[0][price_data][currency]"] == ["nok"]
    assert sent["items[0][price_data][recurring][interval]"] == ["month"]
    assert sent["proration_behavior"] == ["none"]
    assert update.headers["Idempotency-Key"]
    assert int(MonthlyGift.get("sub_1").amount) == 350_00
    assert "350,00\u00a0kr a month" in donor.get("/my?lang=en").body.decode()
    assert len(donor_audit("amount")) == 1


def test_the_same_form_sent_twice_changes_the_gift_once(client, gifts, stripe_server):
    donor = signed_in(client)
    first, sent = change(donor, "amount", amount="300")
    again = donor.post("/my/monthly?lang=en", sent, page="/my?lang=en")
    assert again.status_code == 200
    assert "now 300,00\u00a0kr a month" in again.body.decode()
    assert len(calls(stripe_server, "POST")) == 1
    assert len(donor_audit("amount")) == 1


def test_pausing_and_resuming_a_gift_shows_it_paused_then_running(
        client, gifts, stripe_server):
    donor = signed_in(client)
    paused, _ = change(donor, "pause")
    assert "Your monthly gift is paused" in paused.body.decode()
    assert body(calls(stripe_server, "POST")[0])["pause_collection[behavior]"] == \
        ["void"]
    home = donor.get("/my?lang=en").body.decode()
    assert "Paused: no payment is taken" in home and "Resume the gift" in home
    resumed, _ = change(donor, "resume")
    assert "runs again" in resumed.body.decode()
    assert body(calls(stripe_server, "POST")[1])["pause_collection"] == [""]
    assert MonthlyGift.get("sub_1").paused is False


def test_stopping_asks_first_and_only_then_cancels_at_stripe(
        client, gifts, stripe_server):
    donor = signed_in(client)
    asked, sent = change(donor, "stop")
    page = asked.body.decode()
    assert "Stop your monthly gift?" in page and "200,00\u00a0kr" in page
    assert calls(stripe_server, "DELETE") == [] and not MonthlyGift.get("sub_1").ended
    done = donor.post("/my/monthly?lang=en", {**sent, "_confirmed": "yes"},
                      page="/my?lang=en")
    assert "Your monthly gift is stopped" in done.body.decode()
    assert len(calls(stripe_server, "DELETE")) == 1
    assert MonthlyGift.get("sub_1").ended is True
    home = donor.get("/my?lang=en").body.decode()
    assert "Stopped: no more payments" in home and "Stop the gift" not in home


def test_an_amount_in_words_comes_back_on_the_form_with_the_message_in_spanish(
        client, gifts, stripe_server):
    donor = signed_in(client)
    answer, _ = change(donor, "amount", lang="es", amount="trescientos")
    page = answer.body.decode()
    assert answer.status_code == 422
    assert 'value="trescientos"' in page and 'aria-invalid="true"' in page
    assert "Escriba un número entero de coronas" in page
    assert calls(stripe_server, "POST") == []
    assert int(MonthlyGift.get("sub_1").amount) == 200_00


def test_an_amount_past_the_limits_is_refused_on_the_form(client, gifts,
                                                          stripe_server):
    answer, _ = change(signed_in(client), "amount", amount="5")
    assert answer.status_code == 422 and 'value="5"' in answer.body.decode()
    assert calls(stripe_server, "GET") == []


def test_a_donor_cannot_change_a_gift_that_is_not_theirs(client, gifts,
                                                         stripe_server):
    answer, _ = change(signed_in(client), "pause", gift="sub_someone_else")
    assert answer.status_code == 404
    assert stripe_server.log == []


def test_a_copy_of_the_form_without_its_one_time_key_changes_nothing(
        client, gifts, stripe_server):
    donor = signed_in(client)
    answer = donor.post("/my/monthly?lang=en", {"_form": "m-sub_1", "gift": "sub_1",
                                               "action": "pause"}, page="/my")
    assert answer.status_code in (400, 422) and "out of date" in answer.body.decode()
    assert stripe_server.log == []


def test_a_gift_stripe_has_ended_tells_the_donor_and_changes_nothing(
        client, gifts, httpserver, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_API_BASE", httpserver.url_for("").rstrip("/"))
    donation_settings.cache_clear()
    httpserver.expect_request("/v1/subscriptions/sub_1", method="POST").respond_with_response(
        Response(json.dumps({"error": {"type": "invalid_request_error",
                                       "code": "resource_missing"}}), status=404,
                 content_type="application/json"))
    answer, _ = change(signed_in(client), "pause")
    assert answer.status_code == 409 and "cannot be changed any more" in \
        answer.body.decode()
    assert MonthlyGift.get("sub_1").paused is False


def test_a_form_sent_after_the_session_ended_changes_nothing_and_says_so(
        client, gifts, stripe_server):
    answer = Donor(client).post("/my/monthly?lang=nb", {
        "gift": "sub_1", "action": "pause", "idempotency_key": "x"}, page="/my")
    assert answer.status_code == 401 and "ingenting ble endret" in \
        answer.body.decode()
    assert stripe_server.log == [] and MonthlyGift.get("sub_1").paused is False


def test_our_subscription_calls_send_what_stripes_sdk_sends(gifts, stripe_server):
    """The same change made with stripe-python: the same method, path and
    parameters (our client is the standard library, the SDK is dev-only)."""
    import stripe

    from chalicelib.portal import stripe_gifts

    sdk = stripe.StripeClient("sk_test_local", max_network_retries=0,
                              base_addresses={"api": stripe_server.url_for("")})
    sdk.v1.subscriptions.update("sub_1", {"items": [{"id": "si_1", "price_data": {
        "currency": "nok", "product": "prod_1", "unit_amount": 30000,
        "recurring": {"interval": "month"}}}], "proration_behavior": "none"})
    sdk.v1.subscriptions.update("sub_1", {"pause_collection": {"behavior": "void"}})
    sdk.v1.subscriptions.update("sub_1", {"pause_collection": ""})
    sdk.v1.subscriptions.cancel("sub_1")
    theirs = [(r.method, r.path, body(r)) for r, _ in stripe_server.log]
    stripe_server.clear_log()
    stripe_gifts.change_amount("sub_1", 30000, "k1")
    stripe_gifts.pause("sub_1", "k2")
    stripe_gifts.resume("sub_1", "k3")
    stripe_gifts.cancel("sub_1", "k4")
    ours = [(r.method, r.path, body(r)) for r, _ in stripe_server.log
            if r.method != "GET"]
    assert ours == theirs


def test_a_monthly_vipps_gift_is_stopped_from_the_portal_after_confirming(
        client, vipps_gift):
    donor = signed_in(client)
    home = donor.get("/my?lang=en").body.decode()
    assert "150,00\u00a0kr a month" in home and "can be changed or stopped here" in home
    asked, sent = change(donor, "stop", gift=REFERENCE)
    assert "Stop your monthly gift?" in asked.body.decode()
    done = donor.post("/my/monthly?lang=en", {**sent, "_confirmed": "yes"},
                      page="/my?lang=en")
    assert "Your monthly gift is stopped" in done.body.decode()
    gift = MonthlyGift.get(REFERENCE)
    assert gift.status == "stopped" and gift.vipps_active is None
    assert len(donor_audit("stop")) == 1


def test_a_monthly_vipps_gift_cannot_be_paused_here_and_the_form_says_why(
        client, vipps_gift):
    answer, _ = change(signed_in(client), "pause", gift=REFERENCE)
    assert answer.status_code == 422 and "cannot be paused" in answer.body.decode()
    assert MonthlyGift.get(REFERENCE).status == "active"


def test_a_donor_changes_the_amount_of_a_monthly_vipps_gift_once(client, vipps_gift):
    donor = signed_in(client)
    answer, sent = change(donor, "amount", gift=REFERENCE, amount="200")
    assert "Your monthly gift is now 200,00\u00a0kr a month" in answer.body.decode()
    again = donor.post("/my/monthly?lang=en", sent, page="/my?lang=en")  # sent twice
    assert again.status_code == 200
    gift = MonthlyGift.get(REFERENCE)
    assert int(gift.amount) == 200_00 and gift.status == "active"
    assert len(donor_audit("amount")) == 1
