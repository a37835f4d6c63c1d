"""The one mail service: `send_email(to, subject, body, sender)`.

In the `local` and `test` stages messages are kept in the outbox table (to
read them in tests and in `make run`); `MAIL_TRANSPORT=ses` sends them with
SES there too (the tests do, against moto). In `prod` they are sent with
Amazon SES from `MAIL_FROM` (or the area's own sender).

A send that SES refuses is never lost: the message is kept in the outbox as
`pending` and `retry_outbox()` (the outbox job, every 15 minutes) sends it
again with a growing pause; after `MAIL_MAX_ATTEMPTS` tries it is `failed`,
counted in the `MailFailed` metric and listed on /staff/operations. Only when
SES refuses and the outbox cannot keep the message either is it lost: that
is logged as an error with the message id and counted in `MailFailed` too
(the caller logs what it was for, e.g. a receipt's donation id). Logs never
hold the address or the text, only a message id and SES's error code.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from chalicelib.config import env_int, env_str, get_settings

log = logging.getLogger("ngo")
KEEP_LOCAL_DAYS = 30
KEEP_UNSENT_DAYS = 30
FIRST_PAUSE = timedelta(minutes=15)
LONGEST_PAUSE = timedelta(hours=6)


class MailSettings(NamedTuple):
    transport: str  # outbox | ses
    max_attempts: int


def mail_settings() -> MailSettings:
    local = get_settings().is_local
    transport = env_str("MAIL_TRANSPORT", "outbox" if local else "ses")
    if transport not in ("outbox", "ses") or (not local and transport != "ses"):
        from chalicelib.config import ConfigError

        raise ConfigError(f"MAIL_TRANSPORT must be ses (or outbox locally), "
                          f"got {transport!r}")
    return MailSettings(transport, env_int("MAIL_MAX_ATTEMPTS", 5, minimum=1))


@cache
def _ses() -> Any:
    import boto3  # only where mail is sent

    return boto3.client("ses", region_name=get_settings().aws_region)


def _deliver(to: str, subject: str, body: str, sender: str) -> str:
    """Send with SES; '' when sent, else SES's error code."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        _ses().send_email(
            Source=sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
            },
        )
    except ClientError as error:
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    except BotoCoreError as error:
        return type(error).__name__
    return ""


def pause_after(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try."""
    return min(FIRST_PAUSE * (2 ** max(attempts - 1, 0)), LONGEST_PAUSE)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def send_email(to: str, subject: str, body: str, sender: str | None = None) -> str:
    """Send (prod) or keep (local, test) one plain-text email; its id. A send
    SES refuses is kept for the outbox job, never raised to the caller."""
    from chalicelib.core.models import OutboxMessage

    message_id = secrets.token_hex(12)
    sender = sender or get_settings().mail_from
    now = datetime.now(UTC)
    if mail_settings().transport == "outbox":
        OutboxMessage(message_id, to=to, subject=subject, body=body, sender=sender,
                      created_at=now, expires=now + timedelta(days=KEEP_LOCAL_DAYS),
                      ).save()
        log.info("email %s kept in the outbox", message_id)
        return message_id
    error = _deliver(to, subject, body, sender)
    if not error:
        log.info("email %s sent", message_id)
        return message_id
    try:
        OutboxMessage(message_id, to=to, subject=subject, body=body, sender=sender,
                      status="pending", attempts=1, due=_iso(now + pause_after(1)),
                      last_error=error[:80], created_at=now,
                      expires=now + timedelta(days=KEEP_UNSENT_DAYS)).save()
    except Exception:
        # Both failed: nothing can send it later, so an operator must know.
        from chalicelib.core.metrics import emit

        log.error("email %s is lost: SES refused it (%s) and the outbox could "
                  "not keep it", message_id, error)
        emit("MailFailed", 1)
        raise
    log.warning("email %s was not sent (%s): kept in the outbox for a retry",
                message_id, error)
    if mail_settings().max_attempts <= 1:
        _give_up(OutboxMessage.get(message_id), now)
    return message_id


def _give_up(message: Any, now: datetime) -> None:
    from chalicelib.core.metrics import emit
    from chalicelib.core.models import OutboxMessage

    message.update(actions=[OutboxMessage.status.set("failed"),
                            OutboxMessage.due.set(_iso(now))])
    log.error("email %s failed after %s tries (%s)", message.message_id,
              int(message.attempts), message.last_error)
    emit("MailFailed", 1)


class RetryResult(NamedTuple):
    sent: int
    retried_later: int
    failed: int

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retried_later": self.retried_later,
                "failed": self.failed}


def retry_outbox(now: datetime | None = None) -> RetryResult:
    """Send again every pending message that is due; what happened."""
    from pynamodb.exceptions import DeleteError, UpdateError

    from chalicelib.core.models import OutboxMessage

    now = now or datetime.now(UTC)
    limit = mail_settings().max_attempts
    sent = later = failed = 0
    due = OutboxMessage.by_status.query("pending", OutboxMessage.due <= _iso(now))
    for message in list(due):
        tries = int(message.attempts) + 1
        try:  # claim it: a second job run at the same time skips it
            message.update(
                actions=[OutboxMessage.attempts.set(tries),
                         OutboxMessage.due.set(_iso(now + pause_after(tries)))],
                condition=(OutboxMessage.attempts == tries - 1)
                & (OutboxMessage.status == "pending"),
            )
        except UpdateError:
            continue
        error = _deliver(message.to, message.subject, message.body,
                         message.sender or get_settings().mail_from)
        if not error:
            sent += 1
            log.info("email %s sent on try %s", message.message_id, tries)
            try:
                message.delete()  # no address is kept once it is sent
            except DeleteError:
                log.warning("email %s was sent but stays in the outbox",
                            message.message_id)
            continue
        message.update(actions=[OutboxMessage.last_error.set(error[:80])])
        if tries >= limit:
            failed += 1
            _give_up(message, now)
        else:
            later += 1
            log.warning("email %s not sent on try %s (%s)", message.message_id,
                        tries, error)
    return RetryResult(sent, later, failed)


def resend(message_id: str) -> bool:
    """Put a failed message back in the queue (admin, once SES is fixed)."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.core.models import OutboxMessage

    try:
        OutboxMessage(message_id).update(
            actions=[OutboxMessage.status.set("pending"),
                     OutboxMessage.attempts.set(0),
                     OutboxMessage.due.set(_iso(datetime.now(UTC)))],
            condition=OutboxMessage.status == "failed",
        )
    except UpdateError:
        return False
    return True


def unsent(status: str, limit: int = 100) -> list[Any]:
    """Pending or failed messages, oldest due first."""
    from chalicelib.core.models import OutboxMessage

    return list(OutboxMessage.by_status.query(status, limit=limit))


def outbox(to: str | None = None) -> list[Any]:
    """Kept messages, oldest first (local and test stages)."""
    from chalicelib.core.models import OutboxMessage

    messages = [m for m in OutboxMessage.scan() if to is None or m.to == to]
    return sorted(messages, key=lambda m: m.created_at)
