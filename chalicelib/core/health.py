"""Is DynamoDB answering? One cheap DescribeTable call on the audit table."""

from __future__ import annotations

from chalicelib.audit.models import AuditEntry


def dynamodb_answers() -> bool:
    try:
        AuditEntry.describe_table()
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False
    return True
