"""What the operator tools (`make admin`, `make reconcile`, `make secrets`)
need to know of a deployed stack, read from AWS rather than retyped."""

from __future__ import annotations

import os
import sys
from typing import Any


def stack_name() -> str:
    from devtools.deploy import SettingsError, _check_stack

    name = os.environ.get("STACK", "").strip()
    problems: list[str] = []
    if not name:
        problems.append("STACK must be set (the CloudFormation stack name)")
    else:
        _check_stack(name, problems)
    if problems:
        raise SettingsError(problems)
    return name


def session() -> Any:
    import boto3

    return boto3.session.Session()


def outputs(stack: str, cf: Any = None) -> dict[str, str]:
    from devtools.deploy import outputs as read

    return read(cf or session().client("cloudformation"), stack)


def function_environment(stack: str, lam: Any = None) -> dict[str, str]:
    """The web function's environment: the settings the app runs with (no
    secret is in it; those are in Parameter Store)."""
    lam = lam or session().client("lambda")
    config = lam.get_function_configuration(FunctionName=f"{stack}-web")
    return dict(config.get("Environment", {}).get("Variables", {}))


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2
