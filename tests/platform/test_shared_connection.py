"""Every model shares the process's one DynamoDB connection: PynamoDB would
build a botocore session and client per model class (about 76 ms and 10 MB
each on a cold Lambda)."""
from __future__ import annotations

from datetime import UTC, datetime

import botocore.session

from chalicelib.audit.models import AuditEntry
from chalicelib.db import all_models, shared_connection
from chalicelib.donations.models import Donation


def test_two_model_classes_use_the_same_botocore_client():
    Donation.count()  # both have talked to DynamoDB through their connection
    AuditEntry.count()
    donations = Donation._get_connection().connection
    audit = AuditEntry._get_connection().connection
    assert donations is audit is shared_connection()
    assert donations.client is audit.client


def test_every_model_answers_through_the_shared_connection():
    shared = shared_connection()
    for model in all_models():
        assert model._get_connection().connection is shared, model.__name__


def test_no_model_builds_a_client_of_its_own(monkeypatch):
    built = []
    original = botocore.session.Session.create_client

    def counting(self, *args, **kwargs):
        built.append(args[0] if args else kwargs.get("service_name"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", counting)
    for model in all_models():
        model._connection = None  # as a fresh process finds them
        model.count()
    assert "dynamodb" not in built


def test_the_shared_client_keeps_the_timeouts_and_retries_transactions_rely_on():
    config = shared_connection().client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 5)
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}


def test_items_of_two_tables_come_back_in_one_request_in_the_order_asked(monkeypatch):
    from pynamodb.connection.base import Connection

    from chalicelib.db import get_by_keys
    from chalicelib.donations.models import StripeEvent

    Donation("pi_one", version=1, amount=100_00).save()
    StripeEvent("evt_one", event_type="checkout.session.completed",
                handled_at="2026-12-04T10:00:00", expires=datetime.now(UTC)).save()
    calls = []
    original = Connection._make_api_call

    def counting(self, name, kwargs, *args, **more):
        calls.append(name)
        return original(self, name, kwargs, *args, **more)

    monkeypatch.setattr(Connection, "_make_api_call", counting)
    found = get_by_keys([(StripeEvent, "evt_none"), (Donation, "pi_one"),
                         (StripeEvent, "evt_one"), (Donation, "pi_none")])
    assert calls == ["BatchGetItem"]
    assert found[0] is None and found[3] is None
    assert isinstance(found[1], Donation) and found[1].amount == 100_00
    assert isinstance(found[2], StripeEvent) and found[2].event_id == "evt_one"


def test_keys_dynamodb_leaves_unprocessed_are_read_one_by_one(monkeypatch):
    from chalicelib import db

    Donation("pi_late", version=1, amount=5_00).save()
    shared = db.shared_connection()
    original = shared.dispatch

    def busy(name, kwargs):
        if name == "BatchGetItem":  # DynamoDB may answer none of the keys
            return {"Responses": {}, "UnprocessedKeys": kwargs["RequestItems"]}
        return original(name, kwargs)

    monkeypatch.setattr(shared, "dispatch", busy)
    found = db.get_by_keys([(Donation, "pi_late"), (Donation, "pi_gone")])
    assert found[0] is not None and found[0].amount == 5_00
    assert found[1] is None
