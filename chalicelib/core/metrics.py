"""CloudWatch metrics as Embedded Metric Format lines on stdout.

Lambda sends stdout to CloudWatch Logs, which turns each EMF line into a metric
in the namespace `METRICS_NAMESPACE` (default `ngo-platform`): no PutMetricData
call, no extra permission, nothing to wait for. The alarms of the stack watch:

- `ReconciliationDrift` (øre): the sum of |drift| over every fund, nightly;
- `ReconciliationMismatches` (count): funds and stock rows that differ from
  their history, nightly;
- `MailFailed` (count): a message given up after its last retry, or lost
  because SES refused it and the outbox could not keep it;
- `SecretMissing` (count): a route needed a secret the store does not hold.

Every metric has no dimension (the alarms match namespace and name only);
extra properties, such as a secret's name, are kept in the log line for
searching, never personal data.
"""
from __future__ import annotations

import json
import sys
import time
from typing import Any

from chalicelib.config import env_str, get_settings

UNITS = {"ReconciliationDrift": "None", "ReconciliationMismatches": "Count",
         "MailFailed": "Count", "SecretMissing": "Count", "AuditTampered": "Count"}


def namespace() -> str:
    return env_str("METRICS_NAMESPACE", "ngo-platform")


def emf_line(name: str, value: float, **properties: str) -> str:
    """One EMF object for one metric value (what `emit` prints)."""
    document: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [{
                "Namespace": namespace(),
                "Dimensions": [[]],
                "Metrics": [{"Name": name, "Unit": UNITS.get(name, "None")}],
            }],
        },
        "Stage": get_settings().stage,
        **properties,
        name: value,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def emit(name: str, value: float, **properties: str) -> None:
    """Print one metric value as an EMF line (stdout, one line)."""
    sys.stdout.write(emf_line(name, value, **properties) + "\n")
    sys.stdout.flush()
