"""From /my a donor asks for the tax deduction of a year, or withdraws it:
the number is checked, stored sealed, shown only masked, and never drawn
again on the form."""
from __future__ import annotations

import re

from chalicelib.audit.models import AuditEntry
from chalicelib.core.clock import oslo_date
from chalicelib.portal.models import PortalChange
from chalicelib.tax import limits, requests
from chalicelib.tax.models import TaxRequest
from tests.portal.conftest import DONOR, FINANCE
from tests.portal.helpers import Donor

YEAR = oslo_date().year
PERSON, COMPANY = "01019010046", "974760673"


def signed_in(client) -> Donor:
    donor = Donor(client)
    donor.sign_in(DONOR)
    return donor


def nonce(html: str, form: str) -> str:
    found = re.search(rf'name="_form" value="{form}">.*?name="idempotency_key" '
                      r'value="([^"]+)"', html, re.S)
    return found.group(1)


def ask(donor: Donor, lang: str = "en", **fields: str):
    html = donor.get(f"/my?lang={lang}").body.decode()
    sent = {"_form": "tax", "action": "add", "year": str(YEAR),
            "giver_type": "person", "name": "Kari Nordmann",
            "identity_number": PERSON, "consent": "yes",
            "idempotency_key": nonce(html, "tax"), **fields}
    return donor.post(f"/my/tax?lang={lang}", sent, page=f"/my?lang={lang}"), sent


def test_a_donor_asks_for_the_deduction_and_sees_only_the_masked_number(
        client, gifts):
    donor = signed_in(client)
    answer, _ = ask(donor)
    page = answer.body.decode()
    assert answer.status_code == 200
    assert f"We will report your gifts of {YEAR}" in page and "******10046" in page
    assert PERSON not in page
    home = donor.get("/my?lang=en").body.decode()
    assert f"Asked for {YEAR}: Kari Nordmann, ******10046." in home
    assert PERSON not in home
    assert requests.find(YEAR, DONOR).masked == "******10046"


def test_a_request_form_sent_twice_is_stored_and_audited_once(client, gifts):
    donor = signed_in(client)
    ask(donor)
    _, sent = ask(donor)
    again = donor.post("/my/tax?lang=en", {**sent, "idempotency_key": sent[
        "idempotency_key"]}, page="/my?lang=en")
    assert again.status_code == 200 and "******10046" in again.body.decode()
    audits = [e for e in AuditEntry.scan() if e.record_type == "tax-request"]
    assert len(audits) == 2  # two forms, the second sent twice
    assert all(PERSON not in str(c.fingerprint) for c in PortalChange.scan())


def test_a_number_failing_mod_11_comes_back_on_the_form_in_norwegian_not_drawn(
        client, gifts):
    answer, _ = ask(signed_in(client), lang="nb", identity_number="01019010047",
                    name="Kari Nordmann")
    page = answer.body.decode()
    assert answer.status_code == 422
    assert "01019010047" not in page and 'value="Kari Nordmann"' in page
    assert 'id="tax-identity_number"' in page and 'aria-invalid="true"' in page
    assert "kontrollsiffer" in page or "kontrollsifrene" in page
    assert list(TaxRequest.scan()) == []


def test_an_organisation_number_given_for_a_person_is_named_as_such_in_spanish(
        client, gifts):
    answer, _ = ask(signed_in(client), lang="es", identity_number=COMPANY)
    assert answer.status_code == 422
    assert "número de organización" in answer.body.decode()
    assert list(TaxRequest.scan()) == []


def test_without_consent_nothing_is_stored(client, gifts):
    answer, _ = ask(signed_in(client), consent="")
    assert answer.status_code == 422 and "Tick the box" in answer.body.decode()
    assert list(TaxRequest.scan()) == []


def test_a_closed_year_is_refused_on_the_form(client, gifts):
    limits.set_limits(YEAR, 500_00, 25_000_00, True, FINANCE)
    answer, _ = ask(signed_in(client))
    assert answer.status_code == 422 and "is closed" in answer.body.decode()
    assert list(TaxRequest.scan()) == []


def test_withdrawing_asks_first_then_deletes_the_number(client, gifts):
    donor = signed_in(client)
    ask(donor)
    html = donor.get("/my?lang=en").body.decode()
    sent = {"_form": f"w-{YEAR}", "action": "withdraw", "year": str(YEAR),
            "idempotency_key": nonce(html, f"w-{YEAR}")}
    asked = donor.post("/my/tax?lang=en", sent, page="/my?lang=en")
    assert f"Withdraw the tax deduction request for {YEAR}?" in asked.body.decode()
    assert requests.find(YEAR, DONOR) is not None
    done = donor.post("/my/tax?lang=en", {**sent, "_confirmed": "yes"},
                      page="/my?lang=en")
    assert "is withdrawn" in done.body.decode()
    assert list(TaxRequest.scan()) == []
    assert "Asked for" not in donor.get("/my?lang=en").body.decode()


def test_signed_out_no_request_is_made_and_the_sign_in_form_says_so(client, gifts):
    answer = Donor(client).post("/my/tax?lang=en", {
        "action": "add", "year": str(YEAR), "idempotency_key": "k"}, page="/my")
    page = answer.body.decode()
    assert answer.status_code == 401 and "nothing was changed" in page
    assert 'name="email"' in page and list(TaxRequest.scan()) == []


def test_a_request_of_a_closed_year_cannot_be_withdrawn_and_the_form_says_why(
        client, gifts):
    donor = signed_in(client)
    ask(donor)
    limits.set_limits(YEAR, 500_00, 25_000_00, True, FINANCE)
    html = donor.get("/my?lang=en").body.decode()
    sent = {"_form": f"w-{YEAR}", "action": "withdraw", "year": str(YEAR),
            "idempotency_key": nonce(html, f"w-{YEAR}"), "_confirmed": "yes"}
    answer = donor.post("/my/tax?lang=en", sent, page="/my?lang=en")
    assert answer.status_code == 422
    assert f"The tax year {YEAR} is closed" in answer.body.decode()
    assert requests.find(YEAR, DONOR) is not None
