"""`make admin EMAIL=... STACK=...` against moto's Cognito: the first admin."""
from __future__ import annotations

import json
import os

import boto3
import pytest

from devtools import admin

REGION = "eu-north-1"


def aws(service):
    return boto3.client(service, region_name=REGION,
                        endpoint_url=os.environ["DYNAMODB_HOST"])


@pytest.fixture(scope="module")
def pool():
    cognito = aws("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="admin-test",
                                       UsernameAttributes=["email"])["UserPool"]["Id"]
    for group in ("admin", "finance", "staff", "coordinator", "volunteer"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    # The stack's UserPoolId output is where `make admin` finds the pool.
    aws("cloudformation").create_stack(StackName="admin-test", TemplateBody=json.dumps({
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"UserPoolId": {"Value": pool_id}}}))
    return pool_id


def groups_of(pool_id, email):
    listed = aws("cognito-idp").admin_list_groups_for_user(UserPoolId=pool_id,
                                                           Username=email)
    return [g["GroupName"] for g in listed["Groups"]]


def test_make_admin_creates_the_user_in_the_admin_group(pool, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", os.environ["DYNAMODB_HOST"])
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("STACK", "admin-test")
    monkeypatch.setenv("EMAIL", "leder@example.org")
    assert admin.main([]) == 0
    assert "Created leder@example.org" in capsys.readouterr().out
    assert groups_of(pool, "leder@example.org") == ["admin"]
    user = aws("cognito-idp").admin_get_user(UserPoolId=pool, Username="leder@example.org")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "leder@example.org"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_make_admin_again_only_adds_the_group(pool):
    cognito = aws("cognito-idp")
    cognito.admin_create_user(UserPoolId=pool, Username="kasserer@example.org")
    assert admin.create_admin(cognito, pool, "kasserer@example.org") == "existing"
    assert groups_of(pool, "kasserer@example.org") == ["admin"]


def test_make_admin_refuses_a_malformed_email(monkeypatch, capsys):
    monkeypatch.setenv("STACK", "admin-test")
    monkeypatch.setenv("EMAIL", "leder")
    assert admin.main([]) == 2
    assert "EMAIL must be an email address" in capsys.readouterr().err
