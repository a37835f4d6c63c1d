"""The deployment zip as Lambda runs it: unpacked into a folder nobody may
write to, in a fresh `python -S` (no site-packages) with only boto3 and
botocore added to the path (the runtime's), PYTHONDONTWRITEBYTECODE=1, prod
settings (secrets in Parameter Store, Cognito ID tokens checked against the
pool's JWKS) and moto as AWS. `app.app` is called as Lambda calls it, with the
API Gateway proxy events of the execute-api address (tests/gateway.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app import app as local_app
from chalicelib.funds import demo as funds_demo
from chalicelib.funds.models import Fund
from tests.donations.conftest import sign
from tests.gateway import Gateway

ISSUER = "https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_packaged"
CLIENT_ID = "packaged-client"
SECRETS = "/packaged-test/secrets"
WEBHOOK_SECRET = "whsec_packaged"
ANSWER = "LAMBDA-ANSWER "
CHILD = r"""
import json, sys
sys.path[0:1] = sys.argv[1:3]  # /var/task, then what the runtime adds
from app import app

class Context:
    function_name, memory_limit_in_mb, aws_request_id = "web", 512, "packaged-test"
    def get_remaining_time_in_millis(self):
        return 15000

for line in sys.stdin:
    answer = app(json.loads(line), Context())
    print("LAMBDA-ANSWER " + json.dumps(answer), flush=True)
print("LAMBDA-ANSWER " + json.dumps(sorted(sys.modules)), flush=True)
"""


class PackagedLambda:
    """Stands in for `app` in a Gateway: routes are matched as API Gateway
    matches them (the same routes as the local app), the call goes to the
    packaged process."""

    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process = process
        self.routes = local_app.routes
        self.log = log
        self.lines: list[str] = []  # everything else it printed: its logs

    def stderr(self) -> str:
        return self.log.read_text()[-5000:]

    def __call__(self, event: dict, _context: object) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return dict(self.answer())

    def answer(self):
        assert self.process.stdout
        for line in self.process.stdout:
            if line.startswith(ANSWER):
                return json.loads(line[len(ANSWER):])
            self.lines.append(line)
        raise AssertionError(f"the packaged app stopped: {self.stderr()}")


def moto(service: str):
    return boto3.client(service, region_name="eu-north-1",
                        endpoint_url=os.environ["DYNAMODB_HOST"])


@pytest.fixture
def task_dir(lambda_task):
    return lambda_task


@pytest.fixture
def cognito(httpserver):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "pool-1", "alg": "RS256", "use": "sig"})
    httpserver.expect_request("/.well-known/jwks.json").respond_with_json(
        {"keys": [jwk]})
    return key, httpserver.url_for("/.well-known/jwks.json")


@pytest.fixture
def packaged(task_dir, cognito, tmp_path):
    task, runtime = task_dir
    ssm = moto("ssm")
    for name, value in (("secret-key", "k" * 40), ("stripe-secret-key", "sk_live_x"),
                        ("stripe-webhook-secret", WEBHOOK_SECRET)):
        ssm.put_parameter(Name=f"{SECRETS}/{name}", Value=value, Type="SecureString",
                          Overwrite=True)
    env = {"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1",
           "AWS_LAMBDA_FUNCTION_NAME": "ngo-test-web",
           "STAGE": "prod", "TABLE_PREFIX": "ngo-test", "AWS_DEFAULT_REGION": "eu-north-1",
           "AWS_ENDPOINT_URL": os.environ["DYNAMODB_HOST"],
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "SECRETS_PATH": SECRETS, "AUTH_ISSUER": ISSUER, "AUTH_AUDIENCE": CLIENT_ID,
           "COGNITO_JWKS_URL": cognito[1], "COGNITO_DOMAIN": "https://auth.example.org",
           "COGNITO_CLIENT_ID": CLIENT_ID, "MAIL_FROM": "gaver@example.org",
           "METRICS_NAMESPACE": "HelpCentre/packaged-test",
           "PUBLIC_BASE_URL": "https://abc123defg.execute-api.eu-north-1.amazonaws.com/api"}
    # (the variables the template gives the web function, devtools/infra.py)
    before = sorted(p.relative_to(task) for p in task.rglob("*"))
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-S", "-c", CHILD, str(task), str(runtime)], env=env,
            cwd=tmp_path, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=stderr)
    lam = PackagedLambda(process, log)
    yield Gateway(lam), lam
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    assert sorted(p.relative_to(task) for p in task.rglob("*")) == before  # nothing written


def staff_token(key) -> str:
    now = int(time.time())
    claims = {"sub": "staff-1", "iss": ISSUER, "aud": CLIENT_ID, "iat": now,
              "exp": now + 600, "token_use": "id", "origin_jti": "o-1",
              "email": "staff@example.org", "cognito:groups": ["staff"]}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "pool-1"})


def paid_event(n: int) -> bytes:
    session = {"id": f"cs_pkg_{n}", "object": "checkout.session", "mode": "payment",
               "payment_status": "paid", "amount_total": 250_00, "currency": "nok",
               "payment_intent": f"pi_pkg_{n}", "livemode": True,
               "customer_details": {"email": "donor@example.org"},
               "metadata": {"fund_id": "general"}}
    return json.dumps({"id": f"evt_pkg_{n}", "object": "event", "livemode": True,
                       "type": "checkout.session.completed", "created": int(time.time()),
                       "data": {"object": session}}).encode()


def test_the_unpacked_zip_serves_health_donate_staff_and_a_webhook_as_lambda(
        packaged, cognito):
    funds_demo.load()
    before = Fund.get("general").balance
    browser, lam = packaged

    health = browser.get("/api/healthz")
    assert health.status_code == 200, lam.stderr()

    donate = browser.get("/api/donate?lang=en")
    assert donate.status_code == 200, lam.stderr()
    assert "<h1>Give money</h1>" in donate.text
    assert 'action="/api/donate' in donate.text  # the stage prefix, built in one place

    staff = browser.get("/api/staff?lang=en", headers={
        "Cookie": f"session={staff_token(cognito[0])}"})
    assert staff.status_code == 200, lam.stderr()
    assert "/api/staff/inkind" in staff.text  # the staff role's links

    body = paid_event(1)
    webhook = browser.post("/api/webhooks/stripe", body=body, headers={
        "Content-Type": "application/json",
        "Stripe-Signature": sign(body, WEBHOOK_SECRET)})
    assert webhook.status_code == 200, lam.stderr()
    assert json.loads(webhook.text) == {"received": True, "result": "handled"}
    assert Fund.get("general").balance == before + 250_00

    lam.process.stdin.close()
    modules = lam.answer()
    assert "botocore" in modules  # the runtime's, the zip has none
    assert not {"stripe", "requests"} & {m.split(".")[0] for m in modules}

    # Its logs: one JSON object per line, each with Lambda's request id.
    entries = [json.loads(line) for line in lam.lines]
    assert entries and {e["request_id"] for e in entries} == {"packaged-test"}
    served = {(e["route"], e["status"]) for e in entries if e["logger"] == "ngo.access"}
    assert {("/healthz", 200), ("/donate", 200), ("/staff", 200),
            ("/webhooks/stripe", 200)} <= served
    assert "donor@example.org" not in "".join(lam.lines)


def test_a_webhook_signed_with_another_secret_is_refused_by_the_package(packaged):
    funds_demo.load()
    browser, _ = packaged
    body = paid_event(2)
    webhook = browser.post("/api/webhooks/stripe", body=body, headers={
        "Content-Type": "application/json", "Stripe-Signature": sign(body, "whsec_other")})
    assert webhook.status_code == 400
    assert json.loads(webhook.text)["error"]["code"] == "bad_signature"
