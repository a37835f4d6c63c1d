"""Structured logs: what an operator reads in CloudWatch."""
from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib.core import logs


@pytest.fixture
def lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("ngo")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_every_request_logs_one_json_line_with_its_route_status_and_request_id(
        client, lines):
    response = client.get("/donate?lang=en")
    access = [e for e in lines() if e["logger"] == "ngo.access"]
    assert [(e["method"], e["route"], e["status"]) for e in access] == [
        ("GET", "/donate", 200)]
    assert access[0]["request_id"] == response.headers["X-Request-Id"] != "-"
    assert isinstance(access[0]["duration_ms"], int)


def test_a_route_with_a_client_code_logs_its_template_not_the_code(client, lines):
    client.get("/staff/clients/K-7QX2-9M")
    routes = [e["route"] for e in lines() if e["logger"] == "ngo.access"]
    assert routes == ["/staff/clients/{client_code}"]
    assert "K-7QX2-9M" not in json.dumps(lines())


def test_an_exception_logs_its_type_and_frames_but_never_its_message(lines):
    logs.bind_request(fallback="req-1")
    try:
        raise ValueError("donor@example.org")
    except ValueError:
        logging.getLogger("ngo").exception("import failed")
    [entry] = lines()
    assert entry["error_type"] == "ValueError" and entry["request_id"] == "req-1"
    assert "test_logs.py" in entry["trace"]
    assert "donor@example.org" not in json.dumps(entry)


def test_a_scheduled_run_logs_under_lambdas_request_id(lines):
    import app

    class Context:
        aws_request_id = "job-run-1"

    event = {"version": "0", "id": "e-1", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012",
             "time": "2026-12-03T02:15:00Z", "region": "eu-north-1",
             "resources": [], "detail": {}}
    assert app.import_preview_cleanup(event, Context()) == "done"
    jobs = [e for e in lines() if e["logger"] == "ngo.jobs"]
    assert jobs and {e["request_id"] for e in jobs} == {"job-run-1"}


def test_plain_text_stays_on_a_developers_terminal(monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert logs.configure() is False
