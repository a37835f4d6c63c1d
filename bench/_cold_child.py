"""One cold process of bench/cold_path.py (standard library only until the app
is imported): import `app` from APP_DIR, answer `/`, `/donate`, `/staff`
logged in and one new signed Stripe webhook as API Gateway sends them, and
print one JSON line with the timings.

    python bench/_cold_child.py <app|reference> <app-dir> <run-id>

COLD_RECORD=<file> (ours only): also write every DynamoDB call per page, which
the reference then makes itself (bench/reference/app.py). COLD_RUNTIME=<dir>:
what the Lambda runtime adds to the path (boto3 and botocore), for a process
started with `python -S` on an unzipped package.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time

WEBHOOK_SECRET = "whsec_local_test_mode"  # the test stage's (donations/settings.py)
FUND, CAMPAIGN = "christmas", "cold-path"


def event(method: str, path: str, headers: dict[str, str], body: str | None) -> dict:
    headers = {"Host": "abc123defg.execute-api.eu-north-1.amazonaws.com",
               "Accept-Language": "nb", **headers}
    return {"resource": path, "path": path, "httpMethod": method, "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": None, "stageVariables": None, "body": body,
            "isBase64Encoded": False,
            "requestContext": {"resourcePath": path, "httpMethod": method,
                               "path": "/api" + path, "stage": "api",
                               "requestId": f"req-{path}",
                               "identity": {"sourceIp": "127.0.0.1"}}}


class Context:
    function_name = "cold-path"
    memory_limit_in_mb = 512
    aws_request_id = "cold-path-request"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 15_000


def webhook_body(run: str) -> str:
    session = {"id": f"cs_{run}", "object": "checkout.session", "mode": "payment",
               "payment_status": "paid", "amount_total": 300_00, "currency": "nok",
               "payment_intent": f"pi_{run}",
               "customer_details": {"email": "donor@example.org"},
               "metadata": {"fund_id": FUND, "campaign_id": CAMPAIGN}}
    return json.dumps({"id": f"evt_{run}", "object": "event",
                       "type": "checkout.session.completed", "livemode": False,
                       "created": int(time.time()), "data": {"object": session}})


def signature(body: str) -> str:
    stamp = int(time.time())
    digest = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.{body}".encode(),
                      hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def staff_cookie(kind: str) -> str:
    """Made outside the timed path: the local key pair is the test stage's
    stand-in for Cognito's (whose keys a real container fetches once)."""
    if kind == "app":
        from chalicelib.auth.tokens import issue_local_token

        token = issue_local_token("u-staff", "staff@demo.local", ["staff"])
        from chalicelib.auth.tokens import verify

        verify(token)  # the key pair exists before the clock runs
        return f"session={token}"
    from app import session_cookie  # type: ignore[import-not-found]

    return f"session={session_cookie('staff')}"


def peak_memory_kb() -> int:
    """VmHWM: ru_maxrss would also count the parent's pages at fork time."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    kind, app_dir, run = sys.argv[1], sys.argv[2], sys.argv[3]
    record = os.environ.get("COLD_RECORD", "")
    sys.path[0] = app_dir  # this script's own folder is not the app's
    if os.environ.get("COLD_RUNTIME"):
        sys.path.insert(1, os.environ["COLD_RUNTIME"])
    calls: dict[str, list] = {}
    timings: dict[str, float] = {}
    start = time.perf_counter()
    from app import app  # type: ignore[import-not-found]

    timings["import"] = time.perf_counter() - start
    page = {"name": "import"}
    if record:
        from pynamodb.connection.base import Connection

        original = Connection.dispatch

        def recording(self, operation_name, operation_kwargs):
            calls.setdefault(page["name"], []).append([operation_name, operation_kwargs])
            return original(self, operation_name, operation_kwargs)

        Connection.dispatch = recording  # type: ignore[method-assign]
    cookie = staff_cookie(kind)
    body = webhook_body(run)
    requests = [
        ("/", event("GET", "/", {}, None)),
        ("/donate", event("GET", "/donate", {}, None)),
        ("/staff", event("GET", "/staff", {"Cookie": cookie}, None)),
        ("/webhooks/stripe", event("POST", "/webhooks/stripe",
                                   {"Content-Type": "application/json",
                                    "Stripe-Signature": signature(body)}, body)),
    ]
    statuses = {}
    for name, request in requests:
        page["name"] = name
        began = time.perf_counter()
        response = app(request, Context())
        timings[name] = time.perf_counter() - began
        statuses[name] = response["statusCode"]
        if response["statusCode"] != 200:
            raise SystemExit(f"{kind} {name}: {response['statusCode']} "
                             f"{str(response.get('body'))[:300]}")
    if record:
        with open(record, "w") as out:
            json.dump(calls, out)
    print(json.dumps({"kind": kind, "ms": {k: v * 1000 for k, v in timings.items()},
                      "total_ms": sum(timings.values()) * 1000,
                      "maxrss_kb": peak_memory_kb(),
                      "statuses": statuses, "calls": {k: len(v) for k, v in calls.items()}}))


if __name__ == "__main__":
    main()
