"""Donors sign in to /my with a one-time link mailed to them: no password,
short-lived, single-use, rate-limited, and the same answer whether or not the
address has given."""
from __future__ import annotations

import time

from chalicelib.audit.models import AuditEntry
from chalicelib.portal import service
from chalicelib.portal.models import DonorSession, SignInLink
from tests.portal.conftest import DONOR
from tests.portal.helpers import Donor, link_token, mails_to


def test_a_donor_opens_the_mailed_link_and_sees_their_gifts_of_every_channel(
        client, gifts):
    donor = Donor(client)
    sent = donor.ask_for_link("Kari@Example.org", "en")
    assert sent.status_code == 200 and "Check your email" in sent.body.decode()
    [mail] = mails_to(DONOR)
    assert "/my/login?t=" in mail.body and "20 minutes" in mail.body
    response = donor.sign_in(DONOR, "en")
    assert response.status_code == 303
    page = donor.get("/my?lang=en").body.decode()
    assert "Signed in as kari@example.org" in page
    for amount in ("500,00\u00a0kr", "200,00\u00a0kr", "1\u00a0000,00\u00a0kr"):
        assert amount in page
    assert "BANK-77" in page and "Bank transfer" in page and "monthly" in page
    assert "300,00\u00a0kr" not in page  # another donor's gift


def test_the_donor_cookie_is_httponly_strict_and_not_a_staff_session(client, gifts):
    donor = Donor(client)
    donor.ask_for_link(DONOR)
    token = link_token(DONOR)
    answer = donor.post("/my/login", {"t": token}, page=f"/my/login?t={token}")
    [cookie] = [c for c in answer.headers["Set-Cookie"] if c.startswith("donor=")] \
        if isinstance(answer.headers["Set-Cookie"], list) \
        else [answer.headers["Set-Cookie"]]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    staff = donor.get("/staff")
    assert staff.status_code == 302 and "/auth/login" in staff.headers["Location"]


def test_an_address_without_gifts_gets_the_same_answer_and_a_link_too(client, gifts):
    with_gifts = Donor(client).ask_for_link(DONOR, "es").body.decode()
    without = Donor(client).ask_for_link("nobody@example.org", "es").body.decode()
    assert with_gifts == without
    assert len(mails_to("nobody@example.org")) == 1
    donor = Donor(client)
    donor.sign_in("nobody@example.org", "en")
    assert "We have no gifts recorded" in donor.get("/my?lang=en").body.decode()


def _only_the_form(page: str) -> bool:
    return 'name="email"' in page and "Signed in as" not in page


def test_a_forged_link_shows_a_friendly_page_and_writes_nothing(client, gifts):
    donor = Donor(client)
    answer = donor.post("/my/login", {"t": "forged-token"},
                        page="/my/login?t=forged-token&lang=en")
    page = answer.body.decode()
    assert answer.status_code == 400 and "cannot be used" in page
    assert _only_the_form(page) and "donor" not in donor.cookies
    assert list(DonorSession.scan()) == []
    assert not [e for e in AuditEntry.scan() if e.action == "login"]


def test_an_expired_link_shows_the_friendly_page_and_signs_nobody_in(client, gifts):
    donor = Donor(client)
    donor.ask_for_link(DONOR)
    token = link_token(DONOR)
    [link] = list(SignInLink.scan())
    link.update(actions=[SignInLink.expires_at.set(int(time.time()) - 1)])
    answer = donor.post("/my/login?lang=en", {"t": token},
                        page=f"/my/login?t={token}")
    assert answer.status_code == 400 and "it has expired" in answer.body.decode()
    assert list(DonorSession.scan()) == [] and "donor" not in donor.cookies
    assert list(SignInLink.scan())[0].used is False


def test_a_link_works_only_once(client, gifts):
    first = Donor(client)
    first.sign_in(DONOR)
    token = link_token(DONOR)
    second = Donor(client)
    answer = second.post("/my/login?lang=es", {"t": token},
                         page=f"/my/login?t={token}")
    assert answer.status_code == 400 and "ya se usó" in answer.body.decode()
    assert "donor" not in second.cookies
    assert len(list(DonorSession.scan())) == 1
    assert [e.action for e in AuditEntry.scan()].count("login") == 1


def test_opening_the_link_alone_does_not_use_it_up(client, gifts):
    """Mail scanners open links: only the button on the page signs in."""
    donor = Donor(client)
    donor.ask_for_link(DONOR)
    token = link_token(DONOR)
    assert "Sign in" in Donor(client).get(f"/my/login?t={token}&lang=en").body.decode()
    assert list(DonorSession.scan()) == []
    assert donor.post("/my/login", {"t": token},
                      page=f"/my/login?t={token}").status_code == 303


def test_a_sixth_link_within_the_hour_for_one_address_is_refused_on_the_form(
        client, gifts):
    for n in range(service.LINKS_PER_EMAIL):
        assert Donor(client).ask_for_link(DONOR).status_code == 200, n
    refused = Donor(client).ask_for_link(DONOR, "en")
    assert refused.status_code == 429
    page = refused.body.decode()
    assert 'name="email"' in page and "Too many" in page
    assert len(mails_to(DONOR)) == service.LINKS_PER_EMAIL


def test_one_sender_asking_for_many_addresses_is_stopped(client, gifts):
    for n in range(service.LINKS_PER_ADDRESS):
        Donor(client).ask_for_link(f"donor{n}@example.org")
    assert Donor(client).ask_for_link("one-more@example.org").status_code == 429
    assert mails_to("one-more@example.org") == []


def test_a_bad_address_shows_the_form_again_with_the_message_in_spanish(client):
    answer = Donor(client).ask_for_link("not an email", "es")
    assert answer.status_code == 422
    assert "dirección de correo" in answer.body.decode()
    assert list(SignInLink.scan()) == []


def test_signing_out_ends_the_session(client, gifts):
    donor = Donor(client)
    donor.sign_in(DONOR)
    kept = dict(donor.cookies)
    assert donor.post("/my/logout", {}, page="/my").status_code == 303
    assert list(DonorSession.scan()) == []
    donor.cookies = kept  # the old cookie, sent again, opens nothing
    assert _only_the_form(donor.get("/my").body.decode())


def test_every_sign_in_and_reading_of_gifts_is_audited_without_the_address(
        client, gifts):
    donor = Donor(client)
    donor.sign_in(DONOR)
    donor.get("/my")
    entries = [(e.action, e.record_type, e.record_id) for e in AuditEntry.scan()
               if e.record_type == "donor"]
    ref = service.donor_ref(DONOR)
    assert ("login", "donor", ref) in entries and ("read", "donor", ref) in entries
    assert all(DONOR not in str(e.record_id) + str(e.actor) for e in AuditEntry.scan())


def test_the_receipt_email_links_to_the_donors_page(client, gifts):
    from chalicelib.core.models import OutboxMessage

    [receipt] = [m for m in OutboxMessage.scan() if m.to == "Kari@Example.org"]
    assert "/my?lang=nb" in receipt.body and "årsoppgave" in receipt.body
