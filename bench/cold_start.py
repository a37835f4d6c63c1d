"""Cold start: the median, over fresh processes, of the time to import `app`
and answer one in-process API Gateway request to /healthz, beside the same for
a minimal reference Chalice app (PynamoDB imported, one Jinja2 template).

    .venv/bin/python bench/cold_start.py [runs]     # last line: ratio=<x>
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys

from common import ROOT, start_stack

CHILD = r"""
import json, sys, time
start = time.perf_counter()
sys.path.insert(0, {path!r})
from app import app
event = {{"resource": "/healthz", "path": "/healthz", "httpMethod": "GET",
         "headers": {{"Host": "localhost"}}, "multiValueHeaders": {{}},
         "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None,
         "isBase64Encoded": False,
         "requestContext": {{"resourcePath": "/healthz", "httpMethod": "GET",
                            "path": "/healthz", "stage": "api",
                            "identity": {{"sourceIp": "127.0.0.1"}}}}}}
response = app(event, None)
elapsed = time.perf_counter() - start
assert response["statusCode"] == 200, response
print(elapsed)
"""


def run(path: str, env: dict[str, str]) -> float:
    output = subprocess.run([sys.executable, "-c", CHILD.format(path=path)], env=env,
                            capture_output=True, text=True, check=True, cwd=path)
    return float(output.stdout.strip().splitlines()[-1])


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    start_stack()  # healthz asks DynamoDB: give it a live endpoint
    env = {**os.environ, "STAGE": "test"}
    ours, reference = [], []
    for _ in range(runs):  # interleaved so that machine noise hits both alike
        ours.append(run(str(ROOT), env))
        reference.append(run(str(ROOT / "bench" / "reference"), env))
    app_ms = statistics.median(ours) * 1000
    ref_ms = statistics.median(reference) * 1000
    print(f"runs={runs}")
    print(f"app_median_ms={app_ms:.1f}")
    print(f"reference_median_ms={ref_ms:.1f}")
    print(f"ratio={app_ms / ref_ms:.2f}")


if __name__ == "__main__":
    main()
