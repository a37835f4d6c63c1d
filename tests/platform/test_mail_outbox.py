"""A mail SES refuses is kept, retried with a pause, and after the last try
shown to admins and counted; nothing about the recipient reaches the logs."""
from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib.core import mail
from chalicelib.core.models import OutboxMessage

SENDER = "receipts@helpcentre.test"
DONOR = "donor.person@example.org"


@pytest.fixture
def ses(monkeypatch):
    """Mail goes through moto's SES; the sender starts unverified."""
    monkeypatch.setenv("MAIL_TRANSPORT", "ses")
    monkeypatch.setenv("MAIL_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SES", os.environ["DYNAMODB_HOST"])
    mail._ses.cache_clear()
    client = boto3.client("ses", region_name="eu-north-1",
                          endpoint_url=os.environ["DYNAMODB_HOST"])
    client.delete_identity(Identity=SENDER)
    yield client
    client.delete_identity(Identity=SENDER)
    mail._ses.cache_clear()


def later(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def test_a_verified_sender_sends_and_keeps_nothing(ses):
    ses.verify_email_identity(EmailAddress=SENDER)
    mail.send_email(DONOR, "Takk", "Takk for gaven", sender=SENDER)
    assert mail.outbox() == []
    assert ses.get_send_quota()["SentLast24Hours"] >= 1


def test_a_refused_send_is_kept_pending_and_sent_by_the_retry_job(ses, caplog):
    with caplog.at_level(logging.INFO, logger="ngo"):
        message_id = mail.send_email(DONOR, "Takk", "Takk for gaven", sender=SENDER)
    [kept] = mail.unsent("pending")
    assert (kept.message_id, kept.attempts, kept.last_error) == (
        message_id, 1, "MessageRejected")
    assert DONOR not in caplog.text and "Takk for gaven" not in caplog.text

    assert mail.retry_outbox(datetime.now(UTC)).as_dict() == {
        "sent": 0, "retried_later": 0, "failed": 0}  # not due yet
    ses.verify_email_identity(EmailAddress=SENDER)
    assert mail.retry_outbox(later(16)).sent == 1
    assert mail.outbox() == []


def test_after_the_last_try_a_message_is_failed_and_counted(ses, capsys):
    mail.send_email(DONOR, "Takk", "Takk for gaven", sender=SENDER)
    assert mail.retry_outbox(later(16)).retried_later == 1  # try 2, next in 30 min
    assert mail.retry_outbox(later(20)).as_dict()["failed"] == 0  # not due
    assert mail.retry_outbox(later(50)).failed == 1  # try 3 of 3
    [failed] = mail.unsent("failed")
    assert failed.attempts == 3 and mail.unsent("pending") == []
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines()
               if '"MailFailed"' in line]
    assert [m["MailFailed"] for m in metrics] == [1]
    assert mail.retry_outbox(later(600)).as_dict() == {
        "sent": 0, "retried_later": 0, "failed": 0}


def test_the_pause_between_tries_grows_and_is_capped():
    pauses = [mail.pause_after(n) for n in range(1, 10)]
    assert pauses[:3] == [timedelta(minutes=15), timedelta(minutes=30),
                          timedelta(minutes=60)]
    assert max(pauses) == mail.LONGEST_PAUSE


def test_a_failed_message_sent_again_by_an_admin_is_queued_once(ses):
    message_id = mail.send_email(DONOR, "Takk", "Takk", sender=SENDER)
    OutboxMessage(message_id).update(actions=[OutboxMessage.status.set("failed")])
    assert mail.resend(message_id) is True
    assert mail.resend(message_id) is False
    ses.verify_email_identity(EmailAddress=SENDER)
    assert mail.retry_outbox(later(1)).sent == 1


def test_local_stages_keep_mail_in_the_outbox_without_ses():
    mail.send_email(DONOR, "Takk", "Takk for gaven")
    [kept] = mail.outbox(DONOR)
    assert kept.status == "kept" and mail.unsent("pending") == []


def test_a_mail_refused_by_ses_that_the_outbox_cannot_keep_is_counted_as_failed(
        ses, capsys, caplog, monkeypatch):
    # SES refuses (unverified sender) and DynamoDB refuses the outbox write.
    from pynamodb.exceptions import PutError

    def refuse(*_args, **_kwargs):
        raise PutError("throttled")

    monkeypatch.setattr(OutboxMessage, "save", refuse)
    with caplog.at_level(logging.INFO, logger="ngo"), pytest.raises(PutError):
        mail.send_email(DONOR, "Takk", "Takk for gaven", sender=SENDER)
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines()
               if '"MailFailed"' in line]
    assert [m["MailFailed"] for m in metrics] == [1]
    [lost] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "is lost" in lost.getMessage() and DONOR not in caplog.text


def test_a_receipt_that_cannot_be_sent_or_kept_names_the_gift_in_the_log(
        ses, caplog, monkeypatch):
    from pynamodb.exceptions import PutError

    from chalicelib.donations import receipts
    from chalicelib.donations.models import Donation

    def refuse(*_args, **_kwargs):
        raise PutError("throttled")

    monkeypatch.setattr(OutboxMessage, "save", refuse)
    gift = Donation("pi_lost_receipt", version=1, status="credited", credited=True,
                    amount=500_00, currency="NOK", channel="stripe", fund_id="general",
                    email=DONOR, lang="nb", credited_at=datetime.now(UTC).isoformat())
    with caplog.at_level(logging.INFO, logger="ngo"):
        receipts.send_receipt(gift)  # the credited gift is never undone
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("pi_lost_receipt" in e for e in errors), errors
    assert DONOR not in caplog.text
