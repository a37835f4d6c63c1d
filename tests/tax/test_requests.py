"""A donor asks for the tax deduction: the number is checked, sealed at rest,
shown masked, and never reaches logs, the audit log or email."""

import json
import logging

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.core.models import OutboxMessage
from chalicelib.tax import limits, requests
from chalicelib.tax.models import TaxRequest
from tests.conftest import json_body
from tests.form_helpers import read_page
from tests.tax.helpers import (
    ORGANISATION,
    PERSON,
    link_path,
    raw_items,
    send_form,
)

EMAIL = "kari@example.org"
YEAR = str(limits.oslo_date().year)


def good(**changes):
    return {"year": YEAR, "giver_type": "person", "name": "Kari Nordmann",
            "identity_number": PERSON, "consent": "yes", **changes}


def test_a_donor_with_the_link_sends_the_request_and_sees_only_the_last_five_digits(
        client):
    response = send_form(client, link_path(EMAIL), good())
    assert response.status_code == 200
    page = response.body.decode()
    assert "******10046" in page and PERSON not in page
    again = client.get(link_path(EMAIL)).body.decode()
    assert "******10046" in again and PERSON not in again


def test_no_identity_number_is_in_clear_in_any_stored_item_or_in_the_logs(
        client, caplog):
    caplog.set_level(logging.DEBUG)
    send_form(client, link_path(EMAIL), good())
    send_form(client, link_path("firma@example.org"),
              good(giver_type="organisation", name="Firma AS",
                   identity_number=ORGANISATION))
    stored = raw_items(TaxRequest)
    assert len(stored) == 2
    everything = json.dumps(stored + raw_items(AuditEntry) + raw_items(OutboxMessage))
    for number in (PERSON, ORGANISATION, PERSON[:6], ORGANISATION[:6]):
        assert number not in everything
    assert PERSON not in caplog.text and ORGANISATION not in caplog.text
    audited = [(e.action, e.record_type) for e in AuditEntry.scan()]
    assert audited.count(("create", "tax-request")) == 2


def test_a_wrong_check_digit_shows_the_form_again_with_the_message_and_not_the_number(
        client):
    response = send_form(client, link_path(EMAIL), good(identity_number="01019010047"))
    assert response.status_code == 422
    page = read_page(response.body.decode())
    field = page.by_id["identity_number"] if "identity_number" in page.by_id \
        else page.by_id["-identity_number"]
    assert field.invalid and field.value == ""
    assert "01019010047" not in response.body.decode()
    assert "kontrollsifrene må stemme" in response.body.decode()
    assert page.by_id[next(k for k in page.by_id if k.endswith("name"))].value \
        == "Kari Nordmann"
    assert list(TaxRequest.scan()) == []


def test_an_organisation_number_given_as_a_person_is_refused_in_the_donors_language(
        client):
    response = send_form(client, link_path(EMAIL, "es"),
                         good(identity_number=ORGANISATION))
    assert response.status_code == 422
    assert "número de organización" in response.body.decode()
    assert list(TaxRequest.scan()) == []


def test_without_consent_nothing_is_stored(client):
    fields = good()
    del fields["consent"]
    response = send_form(client, link_path(EMAIL), fields)
    assert response.status_code == 422
    assert list(TaxRequest.scan()) == []


def test_a_closed_year_is_refused_by_name(client):
    from chalicelib.audit.service import Actor

    limits.set_limits(int(YEAR), 50_000, 2_500_000, True, Actor("u-finance", ("finance",)))
    response = send_form(client, link_path(EMAIL, "en"), good())
    assert response.status_code == 422
    assert f"The tax year {YEAR} is closed" in response.body.decode()
    assert list(TaxRequest.scan()) == []


def test_without_a_link_the_page_mails_one_and_the_link_opens_the_form(client):
    response = send_form(client, "/tax-deduction?lang=en", {"email": "Ola@Example.org"})
    assert response.status_code == 200
    assert "Check your email" in response.body.decode()
    mail = [m for m in OutboxMessage.scan() if m.to == "ola@example.org"]
    assert len(mail) == 1
    link = next(line for line in mail[0].body.splitlines() if "/tax-deduction?t=" in line)
    path = link[link.index("/tax-deduction"):]
    assert "ola@example.org" in client.get(path).body.decode()


def test_a_tampered_link_shows_only_the_email_form(client):
    path = link_path(EMAIL).replace("t=", "t=x")
    page = client.get(path).body.decode()
    assert "identity_number" not in page and 'name="email"' in page


def test_the_api_takes_a_request_with_the_link_token_and_answers_it_masked(client):
    from chalicelib.tax import links

    body = {**good(), "year": int(YEAR), "consent": True, "token": links.token_for(EMAIL)}
    response = client.post("/api/tax/requests", body=json.dumps(body),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.body
    assert json_body(response)["identity_number"] == "******10046"
    bad = client.post("/api/tax/requests", headers={"Content-Type": "application/json"},
                      body=json.dumps({**body, "identity_number": "12345678901"}))
    assert bad.status_code == 400
    assert "identity_number" in json_body(bad)["error"]["fields"]
    forged = client.post("/api/tax/requests", headers={"Content-Type": "application/json"},
                         body=json.dumps({**body, "token": "a2FyaQ.00"}))
    assert forged.status_code == 400


def test_every_opening_of_a_number_is_audited_before_it_is_returned(client):
    from chalicelib.audit.service import Actor

    send_form(client, link_path(EMAIL), good())
    items = requests.for_year(int(YEAR))
    opened = requests.reveal(items, Actor("u-finance", ("finance",)))
    assert list(opened.values()) == [PERSON]
    decrypts = [e for e in AuditEntry.scan() if e.action == "decrypt"]
    assert [(e.actor, e.record_id) for e in decrypts] == [
        ("u-finance", requests.unit_key(int(YEAR), EMAIL))]


def test_a_sealed_number_moved_to_another_unit_does_not_open(client):
    from chalicelib.tax import crypto

    sealed = crypto.seal(PERSON, {"unit": "2025#a"})
    assert crypto.unseal(sealed, {"unit": "2025#a"}) == PERSON
    with pytest.raises(Exception):  # noqa: B017 - AES-GCM's InvalidTag
        crypto.unseal(sealed, {"unit": "2025#b"})
