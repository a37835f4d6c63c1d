"""The public needs list and pledge form, as a giver sees them."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest

from chalicelib.core import mail
from chalicelib.inkind import demo, needs
from chalicelib.inkind.models import Pledge
from tests.conftest import json_body


@pytest.fixture
def demo_data():
    demo.load()


def pledge_form(client, fields: dict, lang: str = "nb", ip_headers: dict | None = None):
    page = client.get(f"/needs?lang={lang}")
    cookies = page.headers["Set-Cookie"]
    cookies = cookies if isinstance(cookies, list) else [cookies]
    cookie = "; ".join(c.split(";")[0] for c in cookies)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.body.decode()).group(1)
    request_id = re.search(r'name="request_id" value="([^"]+)"',
                           page.body.decode()).group(1)
    body = urlencode({"csrf_token": token, "request_id": request_id, **fields})
    return client.post("/needs", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})


GOOD = {"need_id": "demo-need-christmas", "quantity": "12", "giver": "Lions Fjellby",
        "contact": "post@lions-fjellby.example", "expected_on": "2026-12-10",
        "thank_by_name": "1"}


def test_the_needs_page_lists_open_needs_with_progress_in_three_languages(
        client, demo_data):
    nb = client.get("/needs").body.decode()
    assert "Hygienepakke" in nb and "Ønsket: 100" in nb
    assert "Mottatt:" in nb and "<strong>40</strong>" in nb
    en = client.get("/needs?lang=en").body.decode()
    assert "Hygiene pack" in en and "For new residents of crisis centres." in en
    es = client.get("/needs?lang=es").body.decode()
    assert "Paquete de higiene" in es and "Prometer una donación" in es


def test_small_counts_show_as_fewer_than_3_and_no_recipient_is_ever_named(
        client, demo_data):
    en = client.get("/needs?lang=en").body.decode()
    # 2 amusement park tickets went to one client: the public sees no number.
    assert "Amusement park ticket: fewer than 3" in en
    assert "Hygiene pack: 10" in en
    for secret in ("K-20", "crisis-centre-oslo", "Oslo", "diakon@"):
        assert secret not in en
    api = json_body(client.get("/api/needs?lang=en"))
    welcome = next(n for n in api["needs"] if n["need_id"] == "demo-need-welcome")
    assert welcome["pledged"] == "fewer_than_3"
    assert "K-20" not in json.dumps(api) and "contact" not in json.dumps(api)


def test_a_pledge_is_recorded_counted_and_confirmed_by_email(client, demo_data):
    response = pledge_form(client, GOOD, lang="en")
    assert response.status_code == 200
    assert "Thank you for your pledge" in response.body.decode()
    need = needs.get_need("demo-need-christmas")
    assert need.pledged == 20 + 12
    sent = mail.outbox(to="post@lions-fjellby.example")
    assert len(sent) == 1 and "12 × Christmas package" in sent[0].body


def test_a_pledge_in_spanish_gets_a_spanish_confirmation(client, demo_data):
    pledge_form(client, {**GOOD, "contact": "ana@example.org"}, lang="es")
    (message,) = mail.outbox(to="ana@example.org")
    assert message.subject == "Gracias por su promesa"
    assert "Paquete de Navidad" in message.body


def test_a_pledge_without_contact_is_refused_and_nothing_is_written(client, demo_data):
    response = pledge_form(client, {**GOOD, "contact": ""}, lang="en")
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="contact-error"' in response.body.decode()
    assert "Give an email address or a phone number." in response.body.decode()
    assert 'value="Lions Fjellby"' in response.body.decode()  # the form keeps input
    assert needs.get_need("demo-need-christmas").pledged == 20
    assert mail.outbox(to="post@lions-fjellby.example") == []


@pytest.mark.parametrize("quantity", ["0", "-5", "many"])
def test_a_pledge_of_zero_or_negative_items_is_refused(client, demo_data, quantity):
    response = pledge_form(client, {**GOOD, "quantity": quantity}, lang="en")
    assert response.status_code == 422
    assert "Enter a whole number above zero." in response.body.decode()
    assert sum(1 for _ in Pledge.scan()) == 1  # the demo pledge only


def test_a_form_without_its_csrf_token_is_refused(client, demo_data):
    response = client.post("/needs", body=urlencode(GOOD), headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 403
    assert needs.get_need("demo-need-christmas").pledged == 20


def test_a_bot_filling_the_hidden_field_is_thanked_but_nothing_is_recorded(
        client, demo_data):
    response = pledge_form(client, {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 200
    assert needs.get_need("demo-need-christmas").pledged == 20
    assert mail.outbox(to="post@lions-fjellby.example") == []


def test_too_many_pledges_from_one_address_are_slowed_down(client, demo_data):
    answers = [pledge_form(client, GOOD) for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    assert answers[5].status_code == 429
    assert 'value="Lions Fjellby"' in answers[5].body.decode()  # the form, kept


def test_sending_the_same_form_twice_records_one_pledge(client, demo_data):
    page = client.get("/needs")
    cookie = page.headers["Set-Cookie"]
    cookie = (cookie if isinstance(cookie, str) else cookie[0]).split(";")[0]
    html = page.body.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    rid = re.search(r'name="request_id" value="([^"]+)"', html).group(1)
    body = urlencode({"csrf_token": token, "request_id": rid, **GOOD})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    client.post("/needs", body=body, headers=headers)
    client.post("/needs", body=body, headers=headers)
    assert needs.get_need("demo-need-christmas").pledged == 32
    assert len(mail.outbox(to="post@lions-fjellby.example")) == 1


def test_the_public_api_takes_pledges_and_explains_bad_input(client, demo_data):
    headers = {"Content-Type": "application/json"}
    ok = client.post("/api/needs/demo-need-hygiene/pledges", headers=headers,
                     body=json.dumps({"giver": "Fjellby Rotary", "contact": "+47 22 33 44 55",
                                      "quantity": 30}))
    assert ok.status_code == 201
    assert json_body(ok)["quantity"] == 30
    bad = client.post("/api/needs/demo-need-hygiene/pledges", headers=headers,
                      body=json.dumps({"giver": "X", "quantity": 3}))
    assert bad.status_code == 400
    assert json_body(bad)["error"]["fields"]["contact"]
    gone = client.post("/api/needs/no-such-need/pledges", headers=headers,
                       body=json.dumps({"giver": "X", "contact": "x@example.org",
                                        "quantity": 3}))
    assert gone.status_code == 404
    assert needs.get_need("demo-need-hygiene").pledged == 30


def test_a_failing_mail_service_does_not_lose_the_pledge(client, demo_data,
                                                         monkeypatch):
    from chalicelib.core import mail as mail_module

    def broken(*args, **kwargs):
        raise ConnectionError("mail service down")

    monkeypatch.setattr(mail_module, "send_email", broken)
    response = pledge_form(client, GOOD, lang="en")
    assert response.status_code == 200
    assert needs.get_need("demo-need-christmas").pledged == 32
