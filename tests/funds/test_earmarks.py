"""Earmarks stay earmarked: a restricted fund names what it pays; its rules
change at once only while it is empty, with money in it only after a second
person approves; money never moves into a restricted fund with no purposes."""
from __future__ import annotations

import json

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.audit.service import Actor
from chalicelib.core.clock import oslo_time
from chalicelib.errors import ValidationFailed
from chalicelib.funds import admin, rules
from chalicelib.funds.models import Fund
from tests.conftest import bearer, json_body
from tests.money_helpers import balance, make_fund

NAMES = {"nb": "Jul", "en": "Christmas", "es": "Navidad"}
ADMIN, OTHER_ADMIN = Actor("u-admin", ("admin",)), Actor("u-admin2", ("admin",))


def _update(actor=ADMIN, restricted=False, purposes=frozenset(), fund="christmas"):
    return admin.update_fund(fund, NAMES, actor, restricted=restricted, public=False,
                             purposes=set(purposes))


def _actions(record_id: str) -> list[tuple[str, str]]:
    return sorted((e.action, e.actor) for e in AuditEntry.scan()
                  if e.record_id == record_id and "rules" in e.action)


def test_a_restricted_fund_without_purposes_is_refused_at_creation_and_edit():
    with pytest.raises(ValidationFailed) as refused:
        admin.create_fund("christmas", NAMES, ADMIN, restricted=True, purposes=set())
    assert "purposes" in refused.value.fields
    make_fund("christmas", nok=0)
    with pytest.raises(ValidationFailed):
        _update(restricted=True)


def test_an_empty_fund_changes_its_rules_at_once():
    make_fund("christmas", nok=0, restricted=True, purposes={"food"})
    fund = _update(restricted=False)
    assert not fund.restricted and rules.pending(fund) is None


def test_with_money_in_it_clearing_restricted_waits_for_a_second_person():
    make_fund("christmas", nok=500, restricted=True, purposes={"food"})
    fund = _update(restricted=False)
    assert fund.restricted and set(fund.purposes) == {"food"}
    assert rules.pending(fund)["requested_by"] == "u-admin"
    with pytest.raises(rules.OwnRulesChange):
        rules.approve("christmas", ADMIN)
    assert Fund.get("christmas").restricted
    approved = rules.approve("christmas", OTHER_ADMIN)
    assert not approved.restricted and approved.pending_rules is None
    assert _actions("christmas") == [("approve_rules_change", "u-admin2"),
                                     ("request_rules_change", "u-admin")]


def test_a_waiting_change_can_be_cancelled_and_then_not_approved():
    make_fund("christmas", nok=500, restricted=True, purposes={"food"})
    _update(restricted=True, purposes={"food", "clothes"})
    rules.cancel("christmas", ADMIN)
    with pytest.raises(rules.NoRulesChange):
        rules.approve("christmas", OTHER_ADMIN)
    assert set(Fund.get("christmas").purposes) == {"food"}


def test_finance_approves_through_the_api_and_the_asker_cannot(client):
    make_fund("christmas", nok=500, restricted=True, purposes={"food"})
    _update(actor=Actor("u-finance", ("admin",)), restricted=False)
    url, body = "/api/funds/christmas/rules-change", json.dumps({"decision": "approve"})
    own = client.post(url, body=body, headers=bearer("finance", "u-finance"))
    assert own.status_code == 403
    assert json_body(own)["error"]["code"] == "own_rules_change"
    done = client.post(url, body=body, headers=bearer("finance", "u-other"))
    assert done.status_code == 200 and json_body(done)["restricted"] is False


def test_no_money_moves_into_a_restricted_fund_that_lists_no_purposes(client):
    make_fund("general", nok=500)
    Fund("empty-rules", names=NAMES, restricted=True, balance=0).save()  # old data
    response = client.post("/api/funds/transfers", headers=bearer("finance"),
                           body=json.dumps({"from_fund": "general",
                                            "to_fund": "empty-rules",
                                            "amount": 100_00, "reason": "move"}))
    assert json_body(response)["error"]["code"] == "restricted_money"
    assert (balance("general"), balance("empty-rules")) == (500_00, 0)


def test_the_admin_page_says_the_change_waits_and_finance_sees_an_approve_button(
    client, session_as
):
    make_fund("christmas", nok=500, restricted=True, purposes={"food"})
    admin = session_as("admin")
    headers, body = admin.form({
        "action": "update", "fund_id": "christmas", "name_nb": "Jul",
        "name_en": "Christmas", "name_es": "Navidad", "active": "on"})
    page = admin.follow(
        client, client.post("/staff/funds?lang=en", body=body, headers=headers))
    assert "waits for a second person" in page.body.decode()
    assert Fund.get("christmas").restricted
    finance = session_as("finance")
    listing = client.get("/staff/funds?lang=en", headers=finance.headers()).body.decode()
    assert 'value="approve_rules"' in listing
    asked = rules.pending(Fund.get("christmas"))["requested_at"]
    assert f"at {oslo_time(asked, zone=True)}." in listing and asked[:10] not in listing
    headers, body = finance.form({"action": "approve_rules", "fund_id": "christmas"})
    client.post("/staff/funds", body=body, headers=headers)
    assert not Fund.get("christmas").restricted
