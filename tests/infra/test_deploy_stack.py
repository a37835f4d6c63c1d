"""What `make deploy` creates: the packaged, SAM-translated template deployed
through the deploy script's own upload and change set into moto's
CloudFormation (the moto server the suite already runs)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.infra.stack import (
    REGION,
    ROOT,
    UNSUPPORTED_BY_MOTO,
    aws,
    deploy_into_moto,
    table_names,
)


def test_the_stack_is_created_completely(stack):
    described = aws("cloudformation").describe_stacks(StackName="hjelp-a")["Stacks"][0]
    assert described["StackStatus"] == "CREATE_COMPLETE"


def test_only_the_resource_types_moto_lacks_were_left_out(stack):
    assert set(stack["stripped"].values()) <= set(UNSUPPORTED_BY_MOTO)
    # What was left out is what the template declares for identity, alarms,
    # the custom domain and the API stage; all of it is checked in the template.
    assert {"UserPool", "UserPoolClient", "UserPoolDomain", "GroupAdmin",
            "AlarmApi5xx", "AlarmErrorsAPIHandler", "CustomDomain"} <= set(stack["stripped"])


def test_every_table_exists_named_after_the_stack(stack):
    tables = [n for n, r in stack["sam"]["Resources"].items()
              if r["Type"] == "AWS::DynamoDB::Table"]
    names = table_names()
    ours = [n for n in names if n.startswith("hjelp-a-")]
    assert len(ours) == len(tables) > 30
    # (moto ignores PointInTimeRecoverySpecification; test_packaging checks it)


def test_the_function_runs_with_the_stack_settings_and_no_secret(stack):
    config = aws("lambda").get_function_configuration(FunctionName="hjelp-a-web")
    env = config["Environment"]["Variables"]
    assert env["TABLE_PREFIX"] == "hjelp-a"
    assert env["SECRETS_PATH"] == "/hjelp-a"
    assert env["METRICS_NAMESPACE"] == "HelpCentre/hjelp-a"
    assert env["MAIL_FROM"] == "gaver@example.org"
    assert env["PUBLIC_BASE_URL"] == (
        f"https://{stack['api_id']}.execute-api.{REGION}.amazonaws.com/api")
    assert not {"SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"} & set(env)
    assert config["Role"].split("/")[-1] in [
        r["RoleName"] for r in aws("iam").list_roles()["Roles"]]


def test_the_api_and_its_permission_to_call_the_function_exist(stack):
    policy = json.loads(aws("lambda").get_policy(FunctionName="hjelp-a-web")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}


def test_every_function_logs_into_a_group_with_the_retention_setting(stack):
    functions = [n for n, r in stack["sam"]["Resources"].items()
                 if r["Type"] == "AWS::Serverless::Function"]
    groups = {g["logGroupName"]: g.get("retentionInDays") for g in
              aws("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/hjelp-a-")[
                  "logGroups"]}
    assert len(groups) == len(functions)
    assert groups["/aws/lambda/hjelp-a-web"] == 30
    assert set(groups.values()) == {30}


def test_alarms_reach_the_operator_by_email(stack):
    topic = f"arn:aws:sns:{REGION}:123456789012:hjelp-a-alarms"
    subscriptions = aws("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
        ("email", "drift@example.org")]


def test_every_scheduled_job_has_its_rule(stack):
    scheduled = {name for name, r in stack["sam"]["Resources"].items()
                 if r["Type"] == "AWS::Serverless::Function"
                 and any(e["Type"] == "Schedule"
                         for e in r["Properties"].get("Events", {}).values())}
    rules = aws("events").list_rules()["Rules"]
    targets = set()
    for rule in rules:
        for target in aws("events").list_targets_by_rule(Rule=rule["Name"])["Targets"]:
            targets.add(target["Arn"].rsplit(":", 1)[-1])
    for name in scheduled:
        function_name = json.dumps(
            stack["sam"]["Resources"][name]["Properties"]["FunctionName"])
        suffix = function_name.split("${AWS::StackName}-")[1].split('"')[0]
        assert f"hjelp-a-{suffix}" in targets, name


def test_two_stacks_in_one_account_never_share_a_table(stack, package_dir):
    outputs, _ = deploy_into_moto(package_dir, "hjelp-b")
    described = aws("cloudformation").describe_stacks(StackName="hjelp-b")["Stacks"][0]
    assert described["StackStatus"] == "CREATE_COMPLETE"
    names = table_names()
    a = {n.removeprefix("hjelp-a-") for n in names if n.startswith("hjelp-a-")}
    b = {n.removeprefix("hjelp-b-") for n in names if n.startswith("hjelp-b-")}
    assert a == b and a
    env = aws("lambda").get_function_configuration(
        FunctionName="hjelp-b-web")["Environment"]["Variables"]
    assert env["TABLE_PREFIX"] == "hjelp-b"


def test_make_reconcile_checks_the_deployed_stack_tables(stack):
    aws("dynamodb").put_item(TableName="hjelp-a-funds", Item={
        "fund_id": {"S": "general"}, "balance": {"N": "500"}, "currency": {"S": "NOK"},
        "names": {"M": {"nb": {"S": "Generelt"}}}, "kind": {"S": "fund"}})
    env = {k: v for k, v in os.environ.items()
           if k not in ("DYNAMODB_HOST", "TABLE_PREFIX", "AUTH_ISSUER", "AUTH_AUDIENCE")}
    env.update({"STAGE": "prod", "STACK": "hjelp-a", "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": os.environ["DYNAMODB_HOST"]})
    result = subprocess.run([sys.executable, "-m", "devtools.reconcile"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert "stack hjelp-a (hjelp-a-*)" in result.stdout, result.stderr
    assert "DRIFT general" in result.stdout
    assert result.returncode == 1
