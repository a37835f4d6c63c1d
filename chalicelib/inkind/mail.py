"""A tiny outbox: `send_email(to, subject, body)`. In the `local` and `test`
stages messages are kept in the outbox table (to read them in tests and in
`make run`); in `prod` they are sent with Amazon SES. Logs never hold the
address or the text, only a message id."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from chalicelib.config import get_settings

log = logging.getLogger("ngo")
KEEP_LOCAL_DAYS = 30


@cache
def _ses() -> Any:
    import boto3  # only in prod, on the first email

    return boto3.client("ses", region_name=get_settings().aws_region)


def send_email(to: str, subject: str, body: str, sender: str | None = None) -> str:
    """Send (prod) or keep (local, test) one plain-text email; its id."""
    message_id = secrets.token_hex(12)
    if get_settings().is_local:
        from chalicelib.inkind.models import OutboxMessage

        now = datetime.now(UTC)
        OutboxMessage(
            message_id,
            to=to,
            subject=subject,
            body=body,
            created_at=now,
            expires=now + timedelta(days=KEEP_LOCAL_DAYS),
        ).save()
    else:
        from chalicelib.inkind.settings import get_inkind_settings

        _ses().send_email(
            Source=sender or get_inkind_settings().mail_from,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
            },
        )
    log.info("email %s queued", message_id)
    return message_id


def outbox(to: str | None = None) -> list[Any]:
    """Kept messages, oldest first (local and test stages)."""
    from chalicelib.inkind.models import OutboxMessage

    messages = [m for m in OutboxMessage.scan() if to is None or m.to == to]
    return sorted(messages, key=lambda m: m.created_at)
