"""Every model shares the process's one DynamoDB connection: PynamoDB would
build a botocore session and client per model class (about 76 ms and 10 MB
each on a cold Lambda)."""
from __future__ import annotations

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
