"""Referrals on pages: the coordinator sends one from the bed search and sees
every answer with its time; the partner sees its offer on /partner (only
the needs) and accepts or declines with a reason from the list."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from chalicelib.referrals import service
from chalicelib.referrals.models import Offer, Referral
from tests.referrals.helpers import SHELTERS, make_shelters, partner, refer
from tests.shelters.helpers import SECRET_ADDRESS


def _send(client, session_as, coordinator=None, **fields):
    coordinator = coordinator or session_as("coordinator")
    values = {"_form": "referral", "request_key": "key-1", "client_code": "K-2026-101",
              "gender": "woman", "children": "1", "language": "es",
              "urgency": "tonight", "shelters": ["sh-a", "sh-b"], **fields}
    headers, body = coordinator.form(values)
    return client.post("/staff/referrals/new?lang=en", headers=headers, body=body)


def test_a_coordinator_sends_a_referral_from_the_form_and_sees_who_has_not_answered(
        client, session_as):
    make_shelters()
    coordinator = session_as("coordinator")
    answer = _send(client, session_as, coordinator)
    assert answer.status_code == 303
    [referral] = list(Referral.scan())
    assert answer.headers["Location"].endswith(f"/staff/referrals/{referral.referral_id}")
    sent = coordinator.follow(client, answer).body.decode()
    assert "The referral was sent." in sent
    assert {o.shelter_id for o in Offer.scan()} == {"sh-a", "sh-b"}
    page = client.get(f"/staff/referrals/{referral.referral_id}?lang=en",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "K-2026-101" in page and page.count("no answer yet") == 2


def test_sending_the_same_form_twice_makes_one_referral(client, session_as):
    make_shelters()
    assert _send(client, session_as).status_code == 303
    assert _send(client, session_as).status_code == 303
    assert len(list(Referral.scan())) == 1


def test_a_bad_client_code_or_no_shelter_shows_the_form_again_with_what_was_typed(
        client, session_as):
    make_shelters()
    answer = _send(client, session_as, client_code="Kari", shelters=[])
    page = answer.body.decode()
    assert answer.status_code == 422 and 'value="Kari"' in page
    assert "Use a client code like K-2025-031." in page
    assert list(Referral.scan()) == []


def test_the_new_referral_form_lists_the_shelters_the_bed_search_finds(client,
                                                                       session_as):
    make_shelters()
    page = client.get("/staff/referrals/new?gender=woman&children=3&lang=en",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "House C" in page and "House A" not in page  # A takes 2 children


def test_the_partner_sees_only_the_needs_and_accepts_from_its_page(client,
                                                                   session_as):
    make_shelters()
    referral = refer()
    user = session_as("shelter", "u-partner-sh-b", shelters=["sh-b"])
    page = client.get("/partner/shelters/sh-b?lang=en", headers=user.headers()
                      ).body.decode()
    assert "Spanish" in page and "Children: 1" in page
    for secret in ("K-2026-101", SECRET_ADDRESS, "House A", "House C"):
        assert secret not in page
    headers, body = user.form({})
    answer = client.post(f"/partner/shelters/sh-b/referrals/{referral.referral_id}"
                         "/accept", headers=headers, body=body)
    assert answer.headers["Location"] == "/partner/shelters/sh-b"
    assert "the bed is held for this person" in user.follow(client, answer).body.decode()
    view = client.get(f"/staff/referrals/{referral.referral_id}?lang=en",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "Placed at House B" in view and view.count("(placed elsewhere)") == 2
    assert re.search(r"House B</strong>:\s*accepted \d\d\.\d\d\.\d{4} \d\d:\d\d", view)


def test_a_partner_declines_with_a_reason_and_the_coordinator_sees_it(client,
                                                                      session_as):
    make_shelters()
    referral = refer()
    user = session_as("shelter", "u-partner-sh-a", shelters=["sh-a"])
    headers, body = user.form({"_form": f"decline-{referral.referral_id}",
                               "reason": "language"})
    answer = client.post(f"/partner/shelters/sh-a/referrals/{referral.referral_id}"
                         "/decline", headers=headers, body=body)
    assert answer.status_code == 303
    view = client.get(f"/staff/referrals/{referral.referral_id}?lang=en",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "No shared language" in view


def test_declining_without_a_reason_shows_the_partner_page_with_the_message(
        client, session_as):
    make_shelters()
    referral = refer()
    user = session_as("shelter", "u-partner-sh-a", shelters=["sh-a"])
    headers, body = user.form({"_form": f"decline-{referral.referral_id}",
                               "reason": ""})
    answer = client.post(f"/partner/shelters/sh-a/referrals/{referral.referral_id}"
                         "/decline?lang=en", headers=headers, body=body)
    assert answer.status_code == 422
    assert "Choose a reason from the list." in answer.body.decode()
    assert {o.status for o in Offer.scan()} == {"open"}


def test_a_later_accept_on_the_page_says_the_person_was_placed_elsewhere(
        client, session_as):
    make_shelters()
    referral = refer()
    service.accept(partner("sh-a"), "sh-a", referral.referral_id)
    user = session_as("shelter", "u-partner-sh-c", shelters=["sh-c"])
    headers, body = user.form({"_form": f"accept-{referral.referral_id}"})
    answer = client.post(f"/partner/shelters/sh-c/referrals/{referral.referral_id}"
                         "/accept?lang=en", headers=headers, body=body)
    assert answer.status_code == 409
    assert "already been placed at another shelter" in answer.body.decode()


def test_unanswered_referrals_are_flagged_after_the_setting_once(client, session_as):
    make_shelters()
    old = refer(code="K-2026-102")
    later = datetime.now(UTC) + timedelta(minutes=31)
    assert service.escalate_unanswered(later) == {"escalated": 1}
    assert service.escalate_unanswered(later) == {"escalated": 0}
    assert Referral.get(old.referral_id).escalated_at is not None
    page = client.get("/staff/referrals?lang=en",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "K-2026-102" in page


def test_a_fresh_referral_is_not_flagged(client, session_as):
    make_shelters()
    refer(shelters=SHELTERS)
    assert service.escalate_unanswered() == {"escalated": 0}
    page = client.get("/staff/referrals?lang=en",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "Unanswered too long" not in page
