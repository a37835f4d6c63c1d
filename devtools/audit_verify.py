"""`make audit-verify`: check the whole audit log against its nightly seals
(chalicelib/audit/seal.py); exit code 1 on any finding.

Like `make reconcile`: with STACK set (`make audit-verify STAGE=prod
STACK=hjelp`) it checks that deployed stack's tables; with DYNAMODB_HOST set,
that database; otherwise the demo data in an embedded DynamoDB.
"""

from __future__ import annotations

import os
import sys

from devtools.reconcile import _start_demo_stack, _use_stack


def main() -> int:
    stack = os.environ.get("STACK", "").strip()
    if stack:
        _use_stack(stack)
    elif os.environ.get("STAGE") == "prod":
        print("STACK must be set for STAGE=prod (the stack whose audit log to check)",
              file=sys.stderr)
        return 2
    elif not os.environ.get("DYNAMODB_HOST"):
        _start_demo_stack()
    from chalicelib.audit.seal import verify

    findings = verify()
    for problem in findings.problems:
        details = " ".join(f"{k}={v}" for k, v in problem.items() if k != "problem")
        print(f"PROBLEM {problem['problem']:16} {details}")
    print(f"{findings.seals} sealed days, {findings.days_checked} checked, "
          f"{len(findings.problems)} problems.")
    return 0 if findings.ok else 1


if __name__ == "__main__":
    sys.exit(main())
