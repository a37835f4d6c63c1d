"""Structured logs: one JSON object per line, each with the request id.

On Lambda (or with LOG_FORMAT=json) every handler of the root logger and
of Chalice's own logger writes

    {"time": "...Z", "level": "INFO", "logger": "ngo", "request_id": "...",
     "message": "request", "method": "GET", "route": "/donate", "status": 200,
     "duration_ms": 12}

so CloudWatch Logs Insights can filter on fields. The request id is Lambda's
(`aws_request_id`, the one in the REPORT line), bound per request by the
app's middleware and per scheduled run by `bind_request`. An exception adds
its type and the frames where it failed, never its message (which may hold
data). Messages hold ids and figures only, as everywhere in the platform.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
# Fields a call may add with `extra={...}`; anything else stays out of the line.
FIELDS = ("method", "route", "status", "duration_ms", "job", "period", "secret",
          "error_type")


def bind_request(lambda_context: Any = None, fallback: str = "") -> str:
    """Make the request id of this invocation the one every line carries."""
    request_id = (getattr(lambda_context, "aws_request_id", None) or fallback
                  or uuid.uuid4().hex)
    _request_id.set(str(request_id))
    return str(request_id)


def current_request_id() -> str:
    return _request_id.get()


def frames(trace: TracebackType | None) -> str:
    """Where it failed: file, line and function of each frame, no source text."""
    return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                      for f in reversed(traceback.extract_tb(trace)))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, tz=UTC)
        entry: dict[str, Any] = {
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": _request_id.get(),
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
            entry["trace"] = frames(record.exc_info[2])
        return json.dumps(entry, ensure_ascii=False, default=str)


def wanted() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) or (
        os.environ.get("LOG_FORMAT", "").lower() == "json")


def configure(chalice_logger: logging.Logger | None = None) -> bool:
    """Install the JSON format (idempotent); False where plain text is kept
    (a developer's terminal, the tests)."""
    if not wanted():
        return False
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stdout))
    formatter = JsonFormatter()
    loggers = [root] + ([chalice_logger] if chalice_logger is not None else [])
    for logger in loggers:
        for handler in logger.handlers:
            handler.setFormatter(formatter)
    # Job outcomes and the access line are INFO; libraries stay at WARNING.
    logging.getLogger("ngo").setLevel(logging.INFO)
    return True
