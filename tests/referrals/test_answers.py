"""A coordinator refers a client code to several shelters; each shelter's
partners see only their own offer and accept (the bed is held) or decline."""
from __future__ import annotations

import json

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.auth.roles import SHELTER
from chalicelib.referrals import service
from chalicelib.referrals.models import ReferralCounts
from chalicelib.shelters import service as beds
from tests.conftest import bearer, json_body
from tests.referrals.helpers import SHELTERS, make_shelters, partner, refer
from tests.shelters.helpers import SECRET_ADDRESS


@pytest.fixture(autouse=True)
def shelters():
    make_shelters()


def send(client, **overrides):
    body = {"client_code": "K-2026-101", "gender": "woman", "children": 1,
            "language": "es", "urgency": "tonight", "shelters": list(SHELTERS),
            **overrides}
    return client.post("/api/referrals", headers=bearer("coordinator"),
                       body=json.dumps(body))


def partner_api(shelter_id: str) -> dict[str, str]:
    return {**bearer(SHELTER, f"u-partner-{shelter_id}", [shelter_id]),
            "Accept-Language": "en"}


def audited(action: str) -> list[tuple[str, str]]:
    return sorted((e.record_type, e.record_id) for e in AuditEntry.scan()
                  if e.action == action)


def counts() -> dict[str, int]:
    return {item.key: int(item.number) for item in ReferralCounts.scan()}


def test_a_coordinator_sends_a_referral_to_three_shelters_and_each_sees_it(client):
    answer = send(client)
    assert answer.status_code == 201
    referral = json_body(answer)
    assert referral["status"] == "open"
    assert [a["status"] for a in referral["answers"]] == ["open"] * 3
    for shelter_id in SHELTERS:
        listed = json_body(client.get(f"/api/partner/shelters/{shelter_id}/referrals",
                                      headers=partner_api(shelter_id)))["referrals"]
        assert [r["referral_id"] for r in listed] == [referral["referral_id"]]
        assert listed[0]["needs"] == {"gender": "woman", "children": 1,
                                      "language": "es", "wheelchair": False,
                                      "asylum": False, "urgency": "tonight"}


def test_a_partner_sees_only_what_the_placement_needs(client):
    referral_id = json_body(send(client))["referral_id"]
    beds.place_hold("sh-a", "K-2025-777", 4, service_actor())
    text = client.get("/api/partner/shelters/sh-a/referrals",
                      headers=partner_api("sh-a")).body.decode()
    assert referral_id in text
    for secret in ("K-2026-101", "K-2025-777", "sh-b", "House B", SECRET_ADDRESS):
        assert secret not in text


def test_accepting_holds_the_bed_and_withdraws_every_other_offer_in_one_go(client):
    referral_id = json_body(send(client))["referral_id"]
    answer = client.post(f"/api/partner/shelters/sh-b/referrals/{referral_id}/accept",
                         headers=partner_api("sh-b"))
    assert answer.status_code == 200
    hold = beds.get_hold(json_body(answer)["hold_id"])
    assert (hold.shelter_id, hold.client_code, hold.created_by) == (
        "sh-b", "K-2026-101", "u-partner-sh-b")
    assert beds.shelter_counts(beds.get_shelter("sh-b")).held == 1
    seen = json_body(client.get(f"/api/referrals/{referral_id}",
                                headers=bearer("coordinator")))
    assert seen["status"] == "placed" and seen["placed_shelter"] == "sh-b"
    assert {a["shelter_id"]: a["status"] for a in seen["answers"]} == {
        "sh-a": "withdrawn", "sh-b": "accepted", "sh-c": "withdrawn"}
    assert all(a["answered_at"] for a in seen["answers"])
    assert audited("accept") == [("referral", referral_id)]
    assert audited("withdraw") == [("referral_offer", f"{referral_id}#sh-a"),
                                   ("referral_offer", f"{referral_id}#sh-c")]
    assert ("hold", hold.hold_id) in audited("create")
    month = seen["placed_at"][:7]
    assert counts()[f"placed#{month}"] == 1
    assert counts()[f"placed-type#emergency_room#{month}"] == 1


def test_a_second_shelter_accepting_later_gets_409_already_placed_and_holds_nothing(
        client):
    referral_id = json_body(send(client))["referral_id"]
    client.post(f"/api/partner/shelters/sh-b/referrals/{referral_id}/accept",
                headers=partner_api("sh-b"))
    late = client.post(f"/api/partner/shelters/sh-a/referrals/{referral_id}/accept",
                       headers=partner_api("sh-a"))
    assert late.status_code == 409
    assert json_body(late)["error"]["code"] == "already_placed"
    assert "already been placed" in json_body(late)["error"]["message"]
    assert beds.shelter_counts(beds.get_shelter("sh-a")).held == 0


def test_tapping_accept_twice_answers_the_same_placement(client):
    referral_id = json_body(send(client))["referral_id"]
    url = f"/api/partner/shelters/sh-a/referrals/{referral_id}/accept"
    first = json_body(client.post(url, headers=partner_api("sh-a")))
    again = client.post(url, headers=partner_api("sh-a"))
    assert again.status_code == 200 and json_body(again)["hold_id"] == first["hold_id"]
    assert beds.shelter_counts(beds.get_shelter("sh-a")).held == 1


def test_a_decline_keeps_its_reason_and_time_for_the_coordinator(client):
    referral_id = json_body(send(client))["referral_id"]
    answer = client.post(f"/api/partner/shelters/sh-c/referrals/{referral_id}/decline",
                         headers=partner_api("sh-c"), body=json.dumps(
                             {"reason": "language"}))
    assert answer.status_code == 200
    seen = json_body(client.get(f"/api/referrals/{referral_id}",
                                headers=bearer("coordinator")))
    sh_c = next(a for a in seen["answers"] if a["shelter_id"] == "sh-c")
    assert (sh_c["status"], sh_c["reason"]) == ("declined", "language")
    assert sh_c["answered_at"] and seen["status"] == "open"
    month = sh_c["answered_at"][:7]
    assert counts()[f"declined#language#{month}"] == 1
    assert counts()[f"declined-type#crisis_centre#{month}"] == 1


def test_when_every_shelter_declines_the_referral_is_unplaced():
    referral = refer()
    for shelter_id in SHELTERS:
        service.decline(partner(shelter_id), shelter_id, referral.referral_id,
                        "no_bed")
    assert service.get_referral(referral.referral_id).status == "unplaced"
    assert any(key.startswith("unplaced#") for key in counts())


def test_a_decline_without_a_reason_from_the_list_is_refused(client):
    referral_id = json_body(send(client))["referral_id"]
    answer = client.post(f"/api/partner/shelters/sh-c/referrals/{referral_id}/decline",
                         headers=partner_api("sh-c"), body=json.dumps(
                             {"reason": "because"}))
    assert answer.status_code == 400
    assert service.offers_of(referral_id)[2].status == "open"


def test_another_shelters_referral_is_403_with_an_audit_entry_and_unsent_is_404(
        client):
    referral = refer(shelters=("sh-a",))
    other = client.post(
        f"/api/partner/shelters/sh-a/referrals/{referral.referral_id}/accept",
        headers=partner_api("sh-b"))
    unsent = client.post(
        f"/api/partner/shelters/sh-b/referrals/{referral.referral_id}/accept",
        headers=partner_api("sh-b"))
    assert (other.status_code, unsent.status_code) == (403, 404)
    assert ("shelter", "sh-a") in audited("denied")
    assert service.get_referral(referral.referral_id).status == "open"


def test_a_shelter_that_cannot_meet_the_needs_is_refused_when_sending(client):
    answer = send(client, children=3)  # House A and B take two children at most
    assert answer.status_code == 409
    assert json_body(answer)["error"]["code"] == "needs_not_met"
    assert "House A" in json_body(answer)["error"]["message"]
    bad = send(client, shelters=["sh-a", "sh-nope"])
    assert bad.status_code == 400 and "shelters" in json_body(bad)["error"]["fields"]


def test_a_repeated_idempotency_key_sends_one_referral(client):
    headers = {**bearer("coordinator"), "Idempotency-Key": "ref-1"}
    body = json.dumps({"client_code": "K-2026-101", "gender": "woman",
                       "urgency": "days", "shelters": ["sh-c"]})
    first = client.post("/api/referrals", headers=headers, body=body)
    again = client.post("/api/referrals", headers=headers, body=body)
    assert json_body(first)["referral_id"] == json_body(again)["referral_id"]
    assert sum(1 for e in AuditEntry.scan() if e.record_type == "referral"
               and e.action == "create") == 1


def service_actor():
    from tests.shelters.helpers import COORDINATOR

    return COORDINATOR


def test_every_partner_referral_route_refuses_another_shelters_id_and_audits_it(
        client):
    referral = refer(shelters=("sh-a",))
    base = "/api/partner/shelters/sh-a/referrals"
    calls = [("GET", base, b""), ("POST", f"{base}/{referral.referral_id}/accept", b""),
             ("POST", f"{base}/{referral.referral_id}/decline",
              json.dumps({"reason": "no_bed"}).encode())]
    for method, path, body in calls:
        answer = client.request(method, path, headers=partner_api("sh-b"), body=body)
        assert answer.status_code == 403, path
        assert "House A" not in answer.body.decode()
    assert audited("denied") == [("shelter", "sh-a")] * 3
    assert service.offers_of(referral.referral_id)[0].status == "open"


def test_coordinator_routes_refuse_partners_and_partner_routes_refuse_coordinators(
        client):
    referral = refer(shelters=("sh-a",))
    as_partner = client.get(f"/api/referrals/{referral.referral_id}",
                            headers=partner_api("sh-a"))
    sent = client.post("/api/referrals", headers=partner_api("sh-a"), body="{}")
    as_coordinator = client.post(
        f"/api/partner/shelters/sh-a/referrals/{referral.referral_id}/accept",
        headers=bearer("coordinator"))
    staff = client.get(f"/api/referrals/{referral.referral_id}",
                       headers=bearer("staff"))
    assert [a.status_code for a in (as_partner, sent, as_coordinator, staff)] == [
        403] * 4
    assert service.get_referral(referral.referral_id).status == "open"
