"""The stack deployed once per test session (tests/infra/stack.py)."""
from __future__ import annotations

import json

import pytest

from tests.infra.stack import aws, deploy_into_moto


@pytest.fixture(scope="session")
def stack(package_dir):
    outputs, stripped = deploy_into_moto(package_dir, "hjelp-a")
    template = json.loads((package_dir / "sam.json").read_text())
    # moto leaves a stack made by a change set without Outputs (real
    # CloudFormation lists them, and `make deploy` prints them): the tests
    # look the resources up instead.
    api_id = {a["name"]: a["id"] for a in aws("apigateway").get_rest_apis()["items"]}
    return {"name": "hjelp-a", "outputs": outputs, "stripped": stripped,
            "sam": template, "api_id": api_id["hjelp-a"]}
