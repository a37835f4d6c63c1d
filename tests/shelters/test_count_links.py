"""A shelter confirms "N free tonight" with the link mailed to it: signed,
expiring, only for that shelter, once per Oslo day; a bad link or a count the
shelter cannot have changes nothing."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from chalicelib.audit.models import AuditEntry
from chalicelib.core import signing
from chalicelib.core.models import OutboxMessage
from chalicelib.shelters import links, registry, service
from chalicelib.shelters.models import CountLinkUse, Shelter, ShelterSecret
from tests.portal.helpers import Donor as Visitor
from tests.shelters.helpers import COORDINATOR, make_shelter

MAIL = "vakt@lauras.example.org"


def _shelter(shelter_id: str = "sh-a", email: str | None = MAIL, **kw) -> str:
    make_shelter(shelter_id, name=kw.pop("name", "Lauras Hus"), **kw)
    secret = ShelterSecret.get(shelter_id)
    secret.update(actions=[ShelterSecret.email.set(email)] if email else
                  [ShelterSecret.email.remove()])
    return shelter_id


def _mailed_token(to: str = MAIL) -> str:
    [mail] = [m for m in OutboxMessage.scan() if m.to == to]
    return re.search(r"/shelter-count\?t=([A-Za-z0-9_.-]+)&lang=nb", mail.body).group(1)


def _confirm(client, token: str, free: object, lang: str = "en"):
    """Send the link's form (its CSRF token from a public page that always
    has a form, since a used link's page has none)."""
    return Visitor(client).post(f"/shelter-count?lang={lang}",
                                {"_form": "free", "t": token, "free": free},
                                page="/my")


def _counts(shelter_id: str = "sh-a") -> tuple[int, int, object]:
    shelter = Shelter.get(shelter_id)
    return int(shelter.total), int(shelter.occupied), shelter.confirmed_at


def test_the_mailed_link_opens_a_page_where_the_shelter_confirms_free_places(
        client):
    _shelter(total=8, occupied=5)
    links.send_link("sh-a", COORDINATOR)
    token = _mailed_token()
    page = Visitor(client).get(f"/shelter-count?t={token}&lang=en").body.decode()
    assert "Lauras Hus" in page and "How many places are free tonight?" in page
    answer = _confirm(client, token, 4)
    assert answer.status_code == 200
    assert "4 free places tonight at Lauras Hus are confirmed" in answer.body.decode()
    total, occupied, confirmed_at = _counts()
    assert (total, occupied) == (8, 4)
    assert datetime.now(UTC) - confirmed_at < timedelta(minutes=1)
    assert [e.record_id for e in AuditEntry.scan()
            if e.action == "confirm_free"] == ["sh-a"]


def test_opening_the_link_without_sending_the_form_changes_nothing(client):
    _shelter(total=8, occupied=5)
    before = _counts()
    token = links.make_token("sh-a")
    Visitor(client).get(f"/shelter-count?t={token}")
    Visitor(client).get(f"/shelter-count?t={token}")
    assert _counts() == before and list(CountLinkUse.scan()) == []


def test_a_link_used_once_is_refused_the_second_time_with_a_friendly_page(client):
    _shelter(total=8, occupied=5)
    token = links.make_token("sh-a")
    assert _confirm(client, token, 3).status_code == 200
    again = _confirm(client, token, 1, lang="es")
    assert again.status_code == 400 and "No se ha cambiado nada" in again.body.decode()
    assert _counts()[:2] == (8, 5)
    assert [e.action for e in AuditEntry.scan()].count("confirm_free") == 1


def test_a_second_link_for_the_same_shelter_and_oslo_day_is_used_up_too(client):
    _shelter(total=8, occupied=5)
    assert _confirm(client, links.make_token("sh-a"), 3).status_code == 200
    second = _confirm(client, links.make_token("sh-a"), 1)
    assert second.status_code == 400 and _counts()[:2] == (8, 5)


def test_a_forged_or_expired_link_shows_the_friendly_page_and_writes_nothing(client):
    _shelter(total=8, occupied=5)
    before = _counts()
    real = links.make_token("sh-a")
    forged = real[:-4] + ("0000" if not real.endswith("0000") else "1111")
    expired = links.make_token("sh-a", now=datetime.now(UTC) - timedelta(hours=13))
    other_purpose = signing.sign("tax-link", {"s": "sh-a", "d": "2026-12-05"},
                                 int(datetime.now(UTC).timestamp()) + 600)
    for token in (forged, expired, other_purpose, "", "x" * 2000):
        answer = _confirm(client, token, 2)
        assert answer.status_code == 400, token
        assert "This link cannot be used" in answer.body.decode()
        assert 'name="free"' not in Visitor(client).get(
            f"/shelter-count?t={token}&lang=en").body.decode()
    assert _counts() == before and list(CountLinkUse.scan()) == []
    assert not [e for e in AuditEntry.scan() if e.action == "confirm_free"]


def test_more_free_than_the_shelters_places_is_refused_on_the_same_form(client):
    _shelter(total=8, occupied=5)
    token = links.make_token("sh-a")
    answer = _confirm(client, token, 9)
    page = answer.body.decode()
    assert answer.status_code == 409
    assert "Lauras Hus has 8 places" in page and 'value="9"' in page
    assert 'aria-invalid="true"' in page
    assert _counts()[:2] == (8, 5) and list(CountLinkUse.scan()) == []
    assert _confirm(client, token, 8).status_code == 200  # the link still works


def test_more_free_than_beds_not_occupied_by_our_stays_and_holds_is_refused(client):
    _shelter(total=4, occupied=0)
    hold = service.place_hold("sh-a", "K-2026-001", 4, COORDINATOR)
    service.check_in(hold.hold_id, COORDINATOR)
    service.place_hold("sh-a", "K-2026-002", 4, COORDINATOR)
    answer = _confirm(client, links.make_token("sh-a"), 3, lang="en")
    page = answer.body.decode()
    assert answer.status_code == 409 and "At most 2 places can be free" in page
    assert _counts()[:2] == (4, 1)
    assert _confirm(client, links.make_token("sh-a"), 2).status_code == 200
    assert _counts()[:2] == (4, 1)  # 1 stay + 1 held + 2 free = 4


def test_a_count_that_is_not_a_number_is_named_on_the_form(client):
    _shelter(total=8, occupied=5)
    answer = _confirm(client, links.make_token("sh-a"), "five", lang="nb")
    assert answer.status_code == 422 and 'value="five"' in answer.body.decode()
    assert _counts()[:2] == (8, 5)


def test_the_link_confirms_only_its_own_shelter(client):
    _shelter("sh-a", total=8, occupied=5)
    _shelter("sh-b", email="b@example.org", total=6, occupied=1, name="House B")
    assert _confirm(client, links.make_token("sh-a"), 1).status_code == 200
    assert _counts("sh-b")[:2] == (6, 1)


def test_the_evening_job_sends_once_at_18_in_oslo_winter_and_summer(client):
    _shelter("sh-a")
    _shelter("sh-b", email=None, name="House B")
    winter = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # 18:00 CET
    assert links.scheduled_run(winter - timedelta(hours=1)) == "not-evening"
    assert links.scheduled_run(winter) == "done"
    assert links.scheduled_run(winter + timedelta(minutes=5)) == "skipped"
    assert [m.to for m in OutboxMessage.scan()] == [MAIL]
    summer = datetime(2027, 6, 7, 16, 0, tzinfo=UTC)  # 18:00 CEST
    assert links.scheduled_run(summer) == "done"
    assert len(list(OutboxMessage.scan())) == 2


def test_a_coordinator_mails_the_link_on_demand_from_the_shelter_page(
        client, session_as):
    _shelter("sh-a")
    coordinator = session_as("coordinator")
    headers, body = coordinator.form({})
    answer = client.post("/staff/shelters/sh-a/count-link", headers=headers,
                         body=body)
    assert answer.headers["Location"] == "/staff/shelters/sh-a"
    assert "The link to confirm free places was sent" in coordinator.follow(
        client, answer).body.decode()
    assert _mailed_token()
    assert [e.action for e in AuditEntry.scan()
            if e.record_type == "count_link"] == ["send"]


def test_a_shelter_without_a_contact_email_gets_no_link_and_the_page_says_so(
        client, session_as):
    _shelter("sh-a", email=None)
    headers, body = session_as("coordinator").form({"_form": "link"})
    answer = client.post("/staff/shelters/sh-a/count-link?lang=en", headers=headers,
                         body=body)
    assert answer.status_code == 409 and "has no contact email" in answer.body.decode()
    assert list(OutboxMessage.scan()) == []


def test_a_partner_or_staff_cannot_send_links(client, session_as):
    _shelter("sh-a")
    for user in (session_as("staff"), session_as("shelter", shelters=["sh-a"])):
        headers, body = user.form({})
        answer = client.post("/staff/shelters/sh-a/count-link", headers=headers,
                             body=body)
        assert answer.status_code == 403
    assert list(OutboxMessage.scan()) == []


def test_the_contact_email_is_checked_when_the_shelter_is_saved():
    try:
        registry.parse_secret({"email": "not an address"})
    except registry.ValidationFailed as error:
        assert "email" in error.fields
    else:
        raise AssertionError("a bad email was accepted")
