"""Signing up as a volunteer: the API, the form, the spam defences, the email."""

from __future__ import annotations

import json

from chalicelib.core.mail import outbox
from chalicelib.volunteers.models import Volunteer
from tests.conftest import json_body
from tests.volunteers.helpers import signup_data

JSON = {"Content-Type": "application/json"}


def post_signup(client, data, lang="es", ip=None):
    headers = {**JSON, "Accept-Language": lang}
    return client.post("/api/volunteers", headers=headers, body=json.dumps(data))


def test_a_sign_up_creates_an_applicant_and_sends_a_confirmation_in_their_language(
    client,
):
    response = post_signup(client, signup_data())
    assert response.status_code == 202
    [volunteer] = list(Volunteer.scan())
    assert volunteer.status == "applicant"
    assert volunteer.languages.as_dict() == {"es": "native", "en": "fluent"}
    assert volunteer.consent_at is not None
    [mail] = outbox("lucia@example.org")
    assert mail.subject == "Gracias por inscribirte como voluntario"
    assert "Hola Lucía Fernández" in mail.body


def test_signing_up_twice_with_one_email_keeps_one_record_and_answers_the_same(client):
    first = post_signup(client, signup_data())
    second = post_signup(
        client, signup_data(email="LUCIA@example.org", name="Lucía F.")
    )
    assert first.status_code == second.status_code == 202
    assert json_body(first) == json_body(second)
    assert len(list(Volunteer.scan())) == 1
    assert len(outbox("lucia@example.org")) == 1


def test_a_filled_honeypot_is_thanked_but_nothing_is_stored_or_sent(client):
    response = post_signup(client, signup_data(website="http://spam.example"))
    assert response.status_code == 202
    assert list(Volunteer.scan()) == []
    assert outbox("lucia@example.org") == []


def test_missing_consent_and_bad_fields_are_named_in_the_answer(client):
    data = signup_data(
        consent=False,
        email="not-an-email",
        languages={"xx": "native"},
        skills=[],
        availability=["never"],
        region="mars",
    )
    response = post_signup(client, data, lang="en")
    assert response.status_code == 400
    fields = json_body(response)["error"]["fields"]
    assert set(fields) == {
        "consent",
        "email",
        "languages",
        "skills",
        "availability",
        "region",
    }
    assert fields["consent"] == "We can only store your data with your consent."
    assert list(Volunteer.scan()) == []


def test_more_than_five_sign_ups_from_one_address_in_an_hour_are_refused(client):
    for number in range(5):
        assert (
            post_signup(client, signup_data(email=f"p{number}@example.org")).status_code
            == 202
        )
    response = post_signup(client, signup_data(email="p6@example.org"), lang="en")
    assert response.status_code == 429
    assert json_body(response)["error"]["code"] == "too_many_requests"
    assert len(list(Volunteer.scan())) == 5


def form_session(client, lang="nb"):
    page = client.get(f"/volunteer?lang={lang}")
    cookies = page.headers["Set-Cookie"]
    cookies = cookies if isinstance(cookies, list) else [cookies]
    cookie = "; ".join(c.split(";")[0] for c in cookies)
    token = page.body.decode().split('name="csrf_token" value="')[1].split('"')[0]
    return page, cookie, token


def test_the_form_signs_up_with_its_csrf_token_and_shows_the_thanks_page(client):
    from urllib.parse import urlencode

    page, cookie, token = form_session(client)
    assert "Bli frivillig" in page.body.decode()
    body = urlencode(
        {
            "csrf_token": token,
            "name": "Ola Nordmann",
            "email": "ola@example.org",
            "level_nb": "native",
            "level_en": "good",
            "skills": ["driving", "events"],
            "availability": "weekends",
            "region": "oslo",
            "consent": "yes",
        },
        doseq=True,
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    response = client.post("/volunteer", headers=headers, body=body)
    assert response.status_code == 303
    assert response.headers["Location"] == "/volunteer/thanks"
    [volunteer] = list(Volunteer.scan())
    assert volunteer.skills == {"driving", "events"}
    assert volunteer.lang == "nb"
    assert (
        outbox("ola@example.org")[0].subject
        == "Takk for at du meldte deg som frivillig"
    )


def test_the_form_without_a_csrf_token_is_refused(client):
    from urllib.parse import urlencode

    _page, cookie, _token = form_session(client)
    body = urlencode({"name": "Ola Nordmann", "email": "ola@example.org"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    response = client.post("/volunteer", headers=headers, body=body)
    assert response.status_code == 403
    assert list(Volunteer.scan()) == []


def test_a_form_with_errors_is_shown_again_with_the_messages_and_the_input(client):
    from urllib.parse import urlencode

    _page, cookie, token = form_session(client, "es")
    body = urlencode({"csrf_token": token, "name": "Ana", "email": "ana@example.org"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    response = client.post("/volunteer", headers=headers, body=body)
    text = response.body.decode()
    assert response.status_code == 422
    assert "Elige al menos un idioma y tu nivel." in text
    assert 'value="ana@example.org"' in text
