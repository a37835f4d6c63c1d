"""The Lambda role cannot remove or rewrite audit entries or seals: the
packaged template is read as IAM would evaluate it (an explicit Deny wins)."""
from __future__ import annotations

import fnmatch
import json

import pytest

AUDIT_TABLES = ("TableAudit", "TableAuditSeals")
FORBIDDEN = ("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem")


@pytest.fixture(scope="module")
def resources(package_dir):
    return json.loads((package_dir / "sam.json").read_text())["Resources"]


def role_statements(resources, role="ApiHandlerRole"):
    """Every statement that applies to `role`: its inline policies and every
    AWS::IAM::Policy attached to it."""
    statements = []
    for policy in resources[role]["Properties"].get("Policies", []):
        statements += policy["PolicyDocument"]["Statement"]
    for resource in resources.values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role} in props["Roles"]:
            statements += props["PolicyDocument"]["Statement"]
    assert not resources[role]["Properties"].get("ManagedPolicyArns")
    return statements


def listed(value):
    return value if isinstance(value, list) else [value]


def names_action(statement, action):
    return any(fnmatch.fnmatch(action.lower(), pattern.lower())
               for pattern in listed(statement.get("Action", [])))


def names_table(statement, table, *, exact):
    """Whether a statement's resources cover `table`; `exact` counts only the
    table's own ARN (what a Deny must name), else any wildcard counts too."""
    for ref in listed(statement.get("Resource", [])):
        if ref == {"Fn::GetAtt": [table, "Arn"]}:
            return True
        text = json.dumps(ref)
        if not exact and "*" in text.replace("/index/*", ""):
            return True
    return False


def allowed(statements, action, table):
    """What IAM would decide: an explicit Deny wins over any Allow; NotAction
    or NotResource in an Allow counts as allowing everything."""
    for statement in statements:
        if statement["Effect"] == "Deny" and names_action(statement, action) \
                and names_table(statement, table, exact=True):
            return False
    return any(statement["Effect"] == "Allow" and (
        "NotAction" in statement or "NotResource" in statement
        or (names_action(statement, action) and names_table(statement, table,
                                                             exact=False)))
        for statement in statements)


@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize("action", FORBIDDEN)
def test_the_lambda_role_may_not_delete_batch_write_or_update_audit_items(
        resources, action, table):
    assert not allowed(role_statements(resources), action, table), (action, table)


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_the_lambda_role_still_appends_and_reads_the_audit(resources, table):
    statements = role_statements(resources)
    for action in ("dynamodb:PutItem", "dynamodb:Query", "dynamodb:GetItem"):
        assert allowed(statements, action, table), (action, table)


def test_other_tables_keep_their_deletes(resources):
    assert allowed(role_statements(resources), "dynamodb:DeleteItem", "TableRevokedSessions")

