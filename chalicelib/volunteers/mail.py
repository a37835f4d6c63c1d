"""The smallest mail service that works: `send_confirmation(to, subject, body)`.
Local and test stages keep the message in an outbox table (expiring); prod
sends it with SES. Nothing here logs an address or a body."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from chalicelib.config import get_settings
from chalicelib.volunteers.models import OutboxMessage
from chalicelib.volunteers.settings import volunteer_settings


@lru_cache(maxsize=1)
def _ses() -> Any:
    import boto3  # only prod sends mail; keep it out of start-up

    return boto3.client("ses", region_name=get_settings().aws_region)


def send_confirmation(to: str, subject: str, body: str) -> str:
    """Send one plain-text email; returns a message id."""
    settings = volunteer_settings()
    if get_settings().is_local:
        now = datetime.now(UTC)
        message_id = f"local-{secrets.token_hex(8)}"
        OutboxMessage(
            message_id,
            to=to,
            subject=subject,
            body=body,
            created_at=now,
            expires=now + timedelta(days=settings.outbox_days),
        ).save()
        return message_id
    answer = _ses().send_email(
        Source=settings.mail_from,
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
        },
    )
    return str(answer["MessageId"])


def outbox_for(to: str) -> list[OutboxMessage]:
    """Local/test only: the messages kept for one address (a small table)."""
    return [m for m in OutboxMessage.scan() if m.to == to]
