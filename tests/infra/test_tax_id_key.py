"""Donors' identity numbers in prod: the stack's own KMS key wraps each
number's data key, and the packaged app, with the settings the stack gives
its functions, seals a number with it and opens it again."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

from tests.infra.stack import REGION, aws

NUMBER = "01019010046"  # synthetic, passes mod-11
EMAIL = "kms-donor@example.org"
CHILD = r"""
import json, sys
sys.path[0:1] = sys.argv[1:3]  # /var/task, then what the runtime adds
from chalicelib.audit.service import Actor
from chalicelib.tax import requests
from chalicelib.tax.models import TaxRequest

shown = requests.submit(requests.Deduction(
    sys.argv[3], 2026, "person", "Kari Nordmann", sys.argv[4]))
opened = requests.reveal([TaxRequest.get(shown.unit_key)],
                         Actor("finance-1", ("finance",)))
print("ANSWER " + json.dumps({"unit": shown.unit_key, "masked": shown.masked,
                              "opened": opened[shown.unit_key]}))
"""


@pytest.fixture(scope="module")
def web_settings(stack):
    return aws("lambda").get_function_configuration(
        FunctionName="hjelp-a-web")["Environment"]["Variables"]


def test_the_stack_has_a_rotating_key_for_identity_numbers_that_every_function_names(
        stack, web_settings):
    kms = aws("kms")
    key_id = web_settings["TAX_KMS_KEY_ID"]
    described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert described["Enabled"] and described["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert aliases["alias/hjelp-a-tax-ids"] == described["KeyId"]
    role = aws("lambda").get_function_configuration(FunctionName="hjelp-a-web")["Role"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    [function] = [s for s in policy["Statement"] if s["Principal"]["AWS"] == role]
    assert function["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    granted = aws("iam").get_role_policy(RoleName=role.split("/")[-1],
                                         PolicyName="ngo-platform-tax-ids")
    [statement] = granted["PolicyDocument"]["Statement"]
    assert statement["Resource"] == described["Arn"]
    # The hourly feedback job may open numbers too: it has the same setting.
    feedback = aws("lambda").get_function_configuration(
        FunctionName="hjelp-a-tax-feedback")["Environment"]["Variables"]
    assert feedback["TAX_KMS_KEY_ID"] == key_id


def test_only_the_account_administers_the_key_and_the_function_may_only_wrap_and_unwrap(
        stack):
    resources = stack["sam"]["Resources"]
    key = resources["TaxIdKey"]
    # Deleting the stack must never delete the key: every number would be lost.
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    admin, function = key["Properties"]["KeyPolicy"]["Statement"]
    assert admin["Principal"] == {
        "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    assert admin["Action"] == "kms:*"
    assert function["Principal"] == {"AWS": {"Fn::GetAtt": ["ApiHandlerRole", "Arn"]}}
    assert function["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    unit_only = {"StringLike": {"kms:EncryptionContext:unit": "*"},
                 "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["unit"]}}
    assert function["Condition"] == unit_only
    [allowed] = resources["TaxIdKeyPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert allowed["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    assert allowed["Resource"] == {"Fn::GetAtt": ["TaxIdKey", "Arn"]}
    assert allowed["Condition"] == unit_only
    assert resources["TaxIdKeyPolicy"]["Properties"]["Roles"] == [
        {"Ref": "ApiHandlerRole"}]
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["TAX_KMS_KEY_ID"] == {"Ref": "TaxIdKey"}  # an id, not a secret


def test_the_packaged_app_seals_a_number_with_the_stack_key_and_stores_none_in_clear(
        stack, web_settings, lambda_task, tmp_path):
    task, runtime = lambda_task
    env = {**web_settings, "PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1",
           "AWS_DEFAULT_REGION": REGION, "AWS_ENDPOINT_URL": os.environ["DYNAMODB_HOST"],
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    assert env["STAGE"] == "prod" and "TAX_LOCAL_KEY" not in env
    result = subprocess.run(
        [sys.executable, "-S", "-c", CHILD, str(task), str(runtime), EMAIL, NUMBER],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    answers = [line for line in result.stdout.splitlines() if line.startswith("ANSWER ")]
    assert answers, result.stderr[-3000:]
    answer = json.loads(answers[0].removeprefix("ANSWER "))
    assert answer["opened"] == NUMBER
    assert answer["masked"] == "******10046"
    assert NUMBER not in result.stdout.replace(answers[0], "") + result.stderr

    dynamodb = aws("dynamodb")
    [item] = [i for i in dynamodb.scan(TableName="hjelp-a-tax-requests")["Items"]
              if i["unit_key"]["S"] == answer["unit"]]
    # The stack's key made the data key, bound to the unit.
    wrapped = base64.b64decode(item["id_key"]["S"])
    opened = aws("kms").decrypt(CiphertextBlob=wrapped,
                                EncryptionContext={"unit": answer["unit"]})
    assert opened["KeyId"].endswith(web_settings["TAX_KMS_KEY_ID"])
    tables = [n for n in dynamodb.list_tables(Limit=100)["TableNames"]
              if n.startswith("hjelp-a-")]
    for name in tables:
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            assert NUMBER not in json.dumps(page["Items"]), name
    audited = json.dumps(dynamodb.scan(TableName="hjelp-a-audit")["Items"])
    assert answer["unit"] in audited and '"decrypt"' in audited
