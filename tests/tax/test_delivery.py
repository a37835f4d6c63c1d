"""Sending the RF-1310 report: a JWT grant to Maskinporten, the body the API
documents, the ids kept, a re-send answered the same, corrections of the
changed units only, and Skatteetaten's feedback with its rejected rows."""
from __future__ import annotations

import json

import jsonschema
import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.audit.service import Actor
from chalicelib.auth.roles import FINANCE
from chalicelib.tax import delivery, feedback, report, rf1310
from chalicelib.tax.models import TaxDelivery
from tests.tax.helpers import ORGANISATION, OTHER_PERSON, PERSON
from tests.tax.skatteetaten_server import CLIENT_ID, YEAR, donor, gift_total

FINANCE_USER = Actor("u-finance", (FINANCE,))


def two_donors():
    donor("kari@example.org", 1_500_00, PERSON)
    donor("firma@example.org", 30_000_00, ORGANISATION, name="Firma AS",
          kind="organisation")


def sent_body(server):
    [(raw, _)] = server.deliveries.values()
    return json.loads(raw)


def test_the_first_delivery_carries_every_due_unit_as_the_api_documents(
        skatteetaten):
    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    sent = delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    body = sent_body(skatteetaten)
    jsonschema.validate(body, rf1310.SCHEMA)
    leveranse = body["leveranse"]
    assert leveranse["inntektsaar"] == str(YEAR)
    assert sorted(leveranse["oppgave"], key=lambda row: row["beloep"]) == [
        {"oppgaveeier": {"foedselsnummer": PERSON, "navn": "Kari Nordmann"},
         "beloep": "1500"},
        {"oppgaveeier": {"organisasjonsnummer": ORGANISATION, "navn": "Firma AS"},
         "beloep": "25000"}]
    assert leveranse["oppgaveoppsummering"] == {"antallOppgaver": "2",
                                                "sumBeloep": "26500"}
    assert sent.status == "sent" and sent.dialog_id and sent.forsendelse_id


def test_the_token_is_asked_for_with_a_signed_grant_naming_the_scope(skatteetaten):
    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    [grant] = skatteetaten.grants
    assert grant["iss"] == CLIENT_ID
    assert grant["scope"] == "skatteetaten:innrapporteringgaverfrivilligeorganisasjoner"
    assert grant["exp"] - grant["iat"] <= 120


def test_a_grant_signed_with_another_key_gets_no_token_and_nothing_is_sent(
        skatteetaten, monkeypatch):
    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    other = rsa_key()
    monkeypatch.setenv("TAX_MASKINPORTEN_KEY", other)
    from chalicelib.tax.settings import tax_settings

    tax_settings.cache_clear()
    with pytest.raises(delivery.NoAccessToken):
        delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    assert skatteetaten.deliveries == {}
    assert delivery.get(YEAR, prepared.delivery_id).status == "prepared"


def rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_a_send_whose_answer_was_lost_is_sent_again_with_the_same_key_and_answer(
        skatteetaten):
    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    skatteetaten.lose_answers = 1
    with pytest.raises(delivery.NotReached):
        delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    [(_, (_, first))] = [(k, v[1]) for k, v in skatteetaten.deliveries.items()]
    sent = delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    assert (sent.dialog_id, sent.forsendelse_id) == (first["dialogId"],
                                                     first["forsendelseId"])
    assert len(skatteetaten.deliveries) == 1 and skatteetaten.posts == 2
    assert len(list(TaxDelivery.query(str(YEAR)))) == 1
    assert delivery.send(YEAR, prepared.delivery_id, FINANCE_USER).status == "sent"
    assert skatteetaten.posts == 2  # sent: pressing again sends nothing


def test_the_same_key_with_another_body_is_refused_by_the_api(skatteetaten):
    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    from chalicelib.tax import skatteetaten as api

    with pytest.raises(api.ApiFailed) as refused:
        api.deliver(YEAR, prepared.delivery_id, b'{"leveranse": {}}')
    assert refused.value.status == 400
    rows = delivery.lines_of(YEAR, prepared.delivery_id)
    number = ORGANISATION if rows[0].kind == "organisation" else PERSON
    other = delivery.payload(prepared, rows[:1], {rows[0].unit_key: number})
    with pytest.raises(api.ApiFailed) as reused:
        api.deliver(YEAR, prepared.delivery_id, other)
    assert (reused.value.status, reused.value.answer["kode"]) == (409, "GLD_019")


def test_while_skatteetaten_is_down_the_delivery_waits_to_be_sent_again(
        skatteetaten):
    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    skatteetaten.down = True
    with pytest.raises(delivery.NotReached):
        delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    assert delivery.get(YEAR, prepared.delivery_id).status == "prepared"
    with pytest.raises(delivery.DeliveryOpen):
        delivery.prepare(YEAR, FINANCE_USER)
    skatteetaten.down = False
    assert delivery.send(YEAR, prepared.delivery_id, FINANCE_USER).status == "sent"


def test_a_correction_carries_only_the_units_that_changed(skatteetaten):
    two_donors()
    donor("ola@example.org", 700_00, OTHER_PERSON, name="Ola Nordmann")
    first = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, first.delivery_id, FINANCE_USER)
    with pytest.raises(delivery.NothingToReport):
        delivery.prepare(YEAR, FINANCE_USER)
    gift_total("kari@example.org", 250_00)  # a late gift
    gift_total("ola@example.org", 0, refunded=300_00)  # now below the minimum
    correction = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, correction.delivery_id, FINANCE_USER)
    [(raw, _)] = [v for k, v in skatteetaten.deliveries.items()
                  if k == correction.delivery_id]
    rows = {row["oppgaveeier"]["navn"]: row["beloep"]
            for row in json.loads(raw)["leveranse"]["oppgave"]}
    assert rows == {"Kari Nordmann": "1750", "Ola Nordmann": "0"}
    assert correction.kind == "correction"


def test_rejected_rows_show_skatteetatens_reason_after_the_feedback(skatteetaten):
    two_donors()
    skatteetaten.rejects[PERSON] = "Fødselsnummer finnes ikke i Folkeregisteret"
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    done = feedback.check_feedback(YEAR, prepared.delivery_id, FINANCE_USER)
    assert (done.status, done.rejected) == ("done", 1)
    units = {u.name: (u.status, u.reason) for u in report.build(YEAR).units}
    assert units == {
        "Kari Nordmann": ("rejected", "Fødselsnummer finnes ikke i Folkeregisteret"),
        "Firma AS": ("reported", "")}


def test_the_delivery_and_each_opened_number_are_in_the_audit_log(skatteetaten):
    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    entries = [(e.actor, e.action, e.record_type) for e in AuditEntry.scan()
               if e.record_type in ("tax-delivery", "tax-request")
               and e.actor == "u-finance"]
    assert entries.count(("u-finance", "decrypt", "tax-request")) == 2
    assert ("u-finance", "send", "tax-delivery") in entries
    assert ("u-finance", "create", "tax-delivery") in entries


def test_a_rejected_unit_goes_in_the_next_correction_once_its_request_is_corrected(
        skatteetaten):
    two_donors()
    skatteetaten.rejects[PERSON] = "Fødselsnummer finnes ikke"
    first = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, first.delivery_id, FINANCE_USER)
    feedback.check_feedback(YEAR, first.delivery_id, FINANCE_USER)
    with pytest.raises(delivery.NothingToReport):
        delivery.prepare(YEAR, FINANCE_USER)
    donor("kari@example.org", 0, OTHER_PERSON)  # the donor sends the right number
    correction = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, correction.delivery_id, FINANCE_USER)
    raw, _ = skatteetaten.deliveries[correction.delivery_id]
    [row] = json.loads(raw)["leveranse"]["oppgave"]
    assert row["oppgaveeier"] == {"foedselsnummer": OTHER_PERSON,
                                  "navn": "Kari Nordmann"}


def test_the_hourly_job_fetches_the_feedback_of_sent_deliveries_once_an_hour(
        skatteetaten):
    from chalicelib.core.jobs import run_once

    two_donors()
    skatteetaten.rejects[PERSON] = "Fødselsnummer finnes ikke"
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    outcome = run_once("tax-feedback", "2026-01-20T08", feedback.poll_feedback)
    assert outcome.result == {"asked": 1, "done": 1, "failed": 0}
    assert delivery.get(YEAR, prepared.delivery_id).rejected == 1
    again = run_once("tax-feedback", "2026-01-20T08", feedback.poll_feedback)
    assert again.status == "skipped"


def test_without_the_organisations_settings_nothing_is_sent_and_the_names_are_given(
        skatteetaten, monkeypatch):
    from chalicelib.tax.settings import tax_settings

    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    unset = tax_settings()._replace(missing=("TAX_ORGANISATION_NUMBER",))
    monkeypatch.setattr(delivery, "tax_settings", lambda: unset)
    with pytest.raises(delivery.NotConfigured) as refused:
        delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    assert "TAX_ORGANISATION_NUMBER" in str(refused.value.params)
    assert skatteetaten.deliveries == {} and skatteetaten.grants == []


def test_a_request_withdrawn_after_preparing_stops_the_send_with_our_own_reason(
        skatteetaten):
    from chalicelib.tax import requests
    from chalicelib.web.i18n import translate

    two_donors()
    prepared = delivery.prepare(YEAR, FINANCE_USER)
    requests.withdraw(YEAR, "kari@example.org")
    with pytest.raises(delivery.RequestsWithdrawn) as refused:
        delivery.send(YEAR, prepared.delivery_id, FINANCE_USER)
    assert skatteetaten.deliveries == {}  # nothing reached Skatteetaten
    nb = translate("nb", refused.value.message, **refused.value.params)
    assert "(1)" in nb and "Skatteetaten" not in nb
