"""The reference for bench/cold_start.py and bench/cold_path.py: a minimal
Chalice + PynamoDB + Jinja2 app.

`/healthz` renders one template. `/`, `/donate`, `/staff` (a signed cookie)
and `POST /webhooks/stripe` (Stripe's signature checked) each make the
DynamoDB calls the platform made for that request when bench/cold_path.py
recorded them (the file named by COLD_PATH_CALLS), through one PynamoDB
connection, and `/`, `/donate` and `/staff` render one template each from
the answers.
"""
import hashlib
import hmac
import json
import os
from pathlib import Path

import jinja2
import pynamodb.models  # noqa: F401 - the import cost is the point
from botocore.exceptions import ClientError
from chalice import Chalice, Response, UnauthorizedError
from pynamodb.connection import Connection

app = Chalice(app_name="reference")
TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><title>{{ title }}</title><p>{{ body }}</p>")
PAGES = jinja2.Environment(autoescape=True, loader=jinja2.FileSystemLoader(
    str(Path(__file__).resolve().parent / "chalicelib" / "templates")))
RECORDED_RUN = "coldrecord"  # the run id in the recorded calls, replaced by this one
SECRET = b"reference-only"
WEBHOOK_SECRET = b"whsec_local_test_mode"
_state: dict = {}


def session_cookie(role: str) -> str:
    return f"{role}.{hmac.new(SECRET, role.encode(), hashlib.sha256).hexdigest()}"


def connection() -> Connection:
    if "connection" not in _state:
        _state["connection"] = Connection(
            region=os.environ.get("AWS_DEFAULT_REGION", "eu-north-1"),
            host=os.environ.get("DYNAMODB_HOST") or None, connect_timeout_seconds=2,
            read_timeout_seconds=5, max_retry_attempts=2)
    return _state["connection"]


def calls(page: str, run: str = "") -> list:
    """Make the recorded calls of `page`; the answers (None where DynamoDB
    refused a replayed condition)."""
    if "calls" not in _state:
        _state["calls"] = json.loads(Path(os.environ["COLD_PATH_CALLS"]).read_text())
    answers = []
    for operation, kwargs in _state["calls"].get(page, []):
        text = json.dumps(kwargs)
        if run:
            text = text.replace(RECORDED_RUN, run)
        try:
            answers.append(connection().dispatch(operation, json.loads(text)))
        except ClientError:
            answers.append(None)
    return answers


def items(answers: list) -> list:
    found = []
    for answer in filter(None, answers):
        found.extend([answer["Item"]] if "Item" in answer else answer.get("Items", []))
    return found


def page(template: str, answers: list) -> Response:
    return Response(PAGES.get_template(template).render(items=items(answers)),
                    headers={"Content-Type": "text/html; charset=utf-8"})


@app.route("/healthz")
def healthz():
    return Response(TEMPLATE.render(title="ok", body="reference"),
                    headers={"Content-Type": "text/html"})


@app.route("/")
def home():
    return page("home.html", calls("/"))


@app.route("/donate")
def donate():
    return page("donate.html", calls("/donate"))


@app.route("/staff")
def staff():
    cookie = app.current_request.headers.get("cookie", "")
    value = cookie.partition("session=")[2].split(";")[0]
    role = value.partition(".")[0]
    if not role or not hmac.compare_digest(value, session_cookie(role)):
        raise UnauthorizedError("log in")
    return page("staff.html", calls("/staff"))


@app.route("/webhooks/stripe", methods=["POST"], content_types=["application/json"])
def webhook():
    request = app.current_request
    raw = request.raw_body
    parts = dict(p.split("=", 1) for p in request.headers["stripe-signature"].split(","))
    expected = hmac.new(WEBHOOK_SECRET, parts["t"].encode() + b"." + raw,
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts["v1"]):
        raise UnauthorizedError("bad signature")
    event = json.loads(raw)
    calls("/webhooks/stripe", run=event["id"].removeprefix("evt_"))
    return {"received": True}
