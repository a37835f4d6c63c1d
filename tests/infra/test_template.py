"""The packaged template (sam.json), for what moto cannot create: no secret
in the function configuration, identity, alarms, tracing, throttling, the
custom domain."""
from __future__ import annotations

import json
import os
import re

import boto3
import pytest

SECRET_NAMES = ("secret-key", "stripe-secret-key", "stripe-webhook-secret")
VIPPS_NAMES = ("vipps-client-id", "vipps-client-secret", "vipps-subscription-key",
               "vipps-msn", "vipps-webhook-secret")
LOOKS_SECRET = re.compile(r"sk_(live|test)_|whsec_|rk_live_|-----BEGIN|[A-Za-z0-9+/]{40,}")


@pytest.fixture(scope="module")
def template(package_dir):
    return json.loads((package_dir / "sam.json").read_text())


@pytest.fixture(scope="module")
def resources(template):
    return template["Resources"]


def functions(resources):
    return {n: r for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}


def test_no_environment_value_or_parameter_default_holds_a_secret(template, resources):
    for name, function in functions(resources).items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert not {"SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
                    "VIPPS_CLIENT_SECRET", "VIPPS_SUBSCRIPTION_KEY",
                    "VIPPS_WEBHOOK_SECRET"} & set(variables)
        for key, value in variables.items():
            assert not LOOKS_SECRET.search(json.dumps(value)), (name, key)
    for name, parameter in template["Parameters"].items():
        assert "secret" not in name.lower(), name
        assert not LOOKS_SECRET.search(str(parameter.get("Default", ""))), name


def test_the_function_may_read_exactly_its_secrets(resources):
    statements = resources["SecretsPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    read, decrypt = statements
    assert read["Action"] == ["ssm:GetParameter"]
    assert [r["Fn::Sub"].rsplit("/", 1)[1] for r in read["Resource"]] == list(
        SECRET_NAMES + VIPPS_NAMES + ("skatteetaten-private-key",))
    assert all("parameter/${AWS::StackName}/" in r["Fn::Sub"] for r in read["Resource"])
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == {
        "Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}


def test_every_function_is_traced_on_arm64_with_its_log_group(resources):
    for name, function in functions(resources).items():
        props = function["Properties"]
        assert props["Tracing"] == "Active", name
        assert props["Architectures"] == ["arm64"], name
        group = resources[f"{name}LogGroup"]["Properties"]
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert f"{name}LogGroup" in function["DependsOn"]
    assert resources["RestAPI"]["Properties"]["TracingEnabled"] is True


def test_the_api_stage_is_throttled_and_the_web_function_may_reserve_concurrency(resources):
    [setting] = resources["RestAPI"]["Properties"]["MethodSettings"]
    assert setting["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurst"}
    assert setting["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}
    assert resources["APIHandler"]["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": ["HasReservedConcurrency", {"Ref": "ReservedConcurrency"},
                   {"Ref": "AWS::NoValue"}]}


def alarm_metrics(alarm):
    props = alarm["Properties"]
    if "Metrics" in props:
        return {(m["MetricStat"]["Metric"]["Namespace"] if isinstance(
            m["MetricStat"]["Metric"]["Namespace"], str) else "app",
            m["MetricStat"]["Metric"]["MetricName"])
            for m in props["Metrics"] if "MetricStat" in m}
    namespace = props["Namespace"] if isinstance(props["Namespace"], str) else "app"
    return {(namespace, props["MetricName"])}


def test_alarms_watch_errors_throttles_and_the_app_metrics_and_tell_the_operator(resources):
    alarms = {n: r for n, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    watched = set().union(*(alarm_metrics(a) for a in alarms.values()))
    assert {("AWS/ApiGateway", "5XXError"), ("AWS/Lambda", "Errors"),
            ("AWS/Lambda", "Throttles"), ("AWS/DynamoDB", "ReadThrottleEvents"),
            ("AWS/DynamoDB", "WriteThrottleEvents"), ("app", "ReconciliationDrift"),
            ("app", "MailFailed"), ("app", "SecretMissing"),
            ("app", "AuditTampered")} <= watched
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
    tables = [n for n, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"]
    assert {f"AlarmThrottles{t}" for t in tables} <= set(alarms)
    for name in functions(resources):
        assert {f"AlarmErrors{name}", f"AlarmThrottles{name}"} <= set(alarms)
    app_metrics = [a["Properties"] for a in alarms.values() if "Namespace" in a["Properties"]
                   and a["Properties"]["MetricName"] != "5XXError"]
    assert {p["Namespace"]["Fn::Sub"] for p in app_metrics} == {
        "HelpCentre/${AWS::StackName}"}
    assert all("Dimensions" not in p for p in app_metrics)  # the app emits none


def test_identity_comes_from_the_stack_pool_client_and_hosted_ui(resources):
    client = resources["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    callback = json.dumps(client["CallbackURLs"])
    assert "/auth/callback" in callback and "execute-api" in callback
    assert "${DomainName}" in callback  # or the custom domain when given
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["COGNITO_CLIENT_ID"] == {"Ref": "UserPoolClient"}
    assert "${UserPool}" in env["AUTH_ISSUER"]["Fn::Sub"]
    assert "${UserPoolDomain}" in env["COGNITO_DOMAIN"]["Fn::Sub"]
    from chalicelib.auth.roles import ALL_ROLES

    groups = {r["Properties"]["GroupName"] for r in resources.values()
              if r["Type"] == "AWS::Cognito::UserPoolGroup"}
    assert groups == set(ALL_ROLES)
    assert resources["UserPool"]["Properties"]["AdminCreateUserConfig"] == {
        "AllowAdminCreateUserOnly": True}


def test_cognito_sends_users_back_to_the_address_they_logged_in_at(resources):
    client = resources["UserPoolClient"]["Properties"]
    api = "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api"
    for key, suffix in (("CallbackURLs", "/auth/callback"), ("LogoutURLs", "/")):
        condition, with_domain, without = client[key]["Fn::If"]
        assert condition == "HasCustomDomain"
        assert without == [{"Fn::Sub": api + suffix}]  # the stage prefix included
        assert with_domain == [{"Fn::Sub": "https://${DomainName}" + suffix},
                               {"Fn::Sub": api + suffix}]


def test_the_custom_domain_exists_only_when_both_parameters_are_given(template, resources):
    assert resources["CustomDomain"]["Condition"] == "HasCustomDomain"
    assert resources["CustomDomainMapping"]["Condition"] == "HasCustomDomain"
    assert resources["CustomDomainMapping"]["Properties"]["RestApiId"] == {"Ref": "RestAPI"}
    assert template["Parameters"]["DomainName"]["Default"] == ""
    assert template["Parameters"]["CertificateArn"]["Default"] == ""


def test_the_api_names_the_web_function_without_a_dependency_cycle(resources):
    body = json.dumps(resources["RestAPI"]["Properties"]["DefinitionBody"])
    assert "${APIHandler.Arn}" not in body
    assert "function:${AWS::StackName}-web" in body
    assert resources["APIHandler"]["Properties"]["FunctionName"] == {
        "Fn::Sub": "${AWS::StackName}-web"}


def test_make_secrets_stores_secure_strings_where_the_function_reads_them(monkeypatch):
    from devtools import secrets

    ssm = boto3.client("ssm", region_name="eu-north-1",
                       endpoint_url=os.environ["DYNAMODB_HOST"])
    answers = iter(["", "sk_test_abc", "whsec_abc",
                    "vipps-id", "vipps-secret", "vipps-sub", "123456", "vipps-whsec"])
    written = secrets.put_secrets(ssm, "secrets-test", lambda prompt: next(answers))
    assert written == [f"/secrets-test/{name}" for name in SECRET_NAMES + VIPPS_NAMES]
    vipps = ssm.get_parameter(Name="/secrets-test/vipps-client-secret", WithDecryption=True)
    assert vipps["Parameter"]["Type"] == "SecureString"
    stored = ssm.get_parameter(Name="/secrets-test/secret-key", WithDecryption=True)
    assert stored["Parameter"]["Type"] == "SecureString"
    assert len(stored["Parameter"]["Value"]) >= 32
    # Asked again with empty answers, nothing changes.
    again = secrets.put_secrets(ssm, "secrets-test", lambda prompt: "")
    assert again == []
    assert ssm.get_parameter(Name="/secrets-test/secret-key", WithDecryption=True)[
        "Parameter"]["Value"] == stored["Parameter"]["Value"]


def test_an_organisation_without_vipps_leaves_its_keys_empty_and_deploys(monkeypatch):
    from devtools import deploy, secrets

    ssm = boto3.client("ssm", region_name="eu-north-1",
                       endpoint_url=os.environ["DYNAMODB_HOST"])
    answers = iter(["", "sk_test_abc", "whsec_abc", "", "", "", "", ""])
    written = secrets.put_secrets(ssm, "no-vipps-test", lambda prompt: next(answers))
    assert written == [f"/no-vipps-test/{name}" for name in SECRET_NAMES]
    assert deploy.missing_secrets(ssm, "no-vipps-test") == []
    # A stack deployed with Vipps on is told which Vipps keys are missing.
    assert deploy.missing_secrets(ssm, "no-vipps-test", vipps=True) == [
        f"/no-vipps-test/{name}" for name in deploy.VIPPS_SECRETS]


def test_the_vipps_parameter_turns_vipps_on_against_the_test_or_production_api(
        template, resources):
    assert template["Parameters"]["Vipps"]["Default"] == "off"
    assert template["Parameters"]["Vipps"]["AllowedValues"] == [
        "off", "test", "production"]
    web = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert web["VIPPS_ENABLED"] == {"Fn::If": ["VippsOn", "1", "0"]}
    assert web["VIPPS_API_BASE"] == {"Fn::If": [
        "VippsTest", "https://apitest.vipps.no", "https://api.vipps.no"]}
    conditions = template["Conditions"]
    assert conditions["VippsOn"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "Vipps"},
                                                                  "off"]}]}
    assert conditions["VippsTest"] == {"Fn::Equals": [{"Ref": "Vipps"}, "test"]}


def test_the_scheduled_jobs_run_on_their_schedules_with_the_web_settings(resources):
    schedules = {}
    for function in functions(resources).values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "Schedule":
                schedules[function["Properties"]["Handler"]] = event["Properties"][
                    "Schedule"]
    assert schedules == {
        "app.nightly_reconciliation": "cron(30 1 * * ? *)",
        "app.quarter_hourly": "rate(15 minutes)",
        "app.vipps_reconciliation": "rate(10 minutes)",
        "app.vipps_charges": "cron(30 4 * * ? *)",
        "app.shelter_count_links": "cron(0 16,17 * * ? *)",
        "app.referral_escalation": "rate(5 minutes)",
        "app.clearance_reminders": "cron(0 6 * * ? *)",
        "app.import_preview_cleanup": "cron(15 2 * * ? *)",
        "app.nightly_retention": "cron(45 2 * * ? *)",
        "app.audit_seal": "cron(20 0 * * ? *)",
        "app.tax_feedback": "cron(10 * * * ? *)",
    }
    web = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    for name, function in functions(resources).items():
        assert function["Properties"]["Environment"]["Variables"] == web, name
    nightly = [f for f in functions(resources).values()
               if f["Properties"]["Handler"] == "app.nightly_reconciliation"]
    assert nightly[0]["Properties"]["Timeout"] == 300
    retention = [f for f in functions(resources).values()
                 if f["Properties"]["Handler"] == "app.nightly_retention"]
    assert retention[0]["Properties"]["Timeout"] == 900
    vipps = [f for f in functions(resources).values()
             if f["Properties"]["Handler"] == "app.vipps_reconciliation"]
    assert vipps[0]["Properties"]["Timeout"] == 120  # its work stops after 90 s
    charges = [f for f in functions(resources).values()
               if f["Properties"]["Handler"] == "app.vipps_charges"]
    assert charges[0]["Properties"]["Timeout"] == 120  # its work stops after 90 s
    mismatches = resources["AlarmReconciliationMismatches"]["Properties"]
    assert mismatches["MetricName"] == "ReconciliationMismatches"


def test_every_function_runs_with_the_one_role_the_table_and_mail_policies_name(
        resources):
    roles = {json.dumps(f["Properties"]["Role"]) for f in functions(resources).values()}
    assert roles == {json.dumps({"Fn::GetAtt": ["ApiHandlerRole", "Arn"]})}
    assert [n for n, r in resources.items() if r["Type"] == "AWS::IAM::Role"] == [
        "ApiHandlerRole"]
    for policy in ("TablesAccessPolicy", "MailPolicy"):
        assert resources[policy]["Properties"]["Roles"] == [{"Ref": "ApiHandlerRole"}]


def test_the_lambda_may_manage_users_of_its_own_pool_only(resources):
    statement, = resources["DirectoryPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:cognito-idp:"
                                     "${AWS::Region}:${AWS::AccountId}:userpool/${UserPool}"}
    assert resources["DirectoryPolicy"]["Properties"]["Roles"] == [{"Ref": "ApiHandlerRole"}]
    assert not {"cognito-idp:AdminDeleteUser", "cognito-idp:AdminCreateUser",
                "cognito-idp:AdminSetUserPassword"} & set(statement["Action"])


def test_an_address_that_matches_no_route_gets_the_404_page_in_every_language(
        resources):
    definition = resources["RestAPI"]["Properties"]["DefinitionBody"]
    response = definition["x-amazon-apigateway-gateway-responses"][
        "MISSING_AUTHENTICATION_TOKEN"]
    assert response["statusCode"] == 404
    headers = response["responseParameters"]
    assert headers["gatewayresponse.header.Content-Type"] == "'text/html; charset=utf-8'"
    assert headers["gatewayresponse.header.X-Frame-Options"] == "'DENY'"
    assert "gatewayresponse.header.Content-Security-Policy" in headers
    for value in headers.values():  # static values: one pair of quotes, none inside
        assert value.startswith("'") and value.endswith("'") and "'" not in value[1:-1]
    for body in response["responseTemplates"].values():
        parts = body["Fn::Join"][1]
        texts, homes = parts[::2], parts[1::2]
        assert len(homes) == 4 and all(h == homes[0] for h in homes)
        page, home = "HOME".join(texts), homes[0]
        assert '<link rel="stylesheet" href="HOMEstatic/app.css">' in page
        assert "Fant ikke siden" in page and "Page not found" in page
        assert "Página no encontrada" in page
        assert '<a href="HOME">Gå til forsiden</a>' in page
        custom, execute_api = home["Fn::If"][1:]
        assert custom == {"Fn::Sub": "https://${DomainName}/"}
        assert execute_api == "https://$context.domainName/$context.stage/"


def test_a_file_upload_reaches_the_function_as_sent_bytes_through_the_api(
        resources):
    definition = resources["RestAPI"]["Properties"]["DefinitionBody"]
    assert "multipart/form-data" in definition["x-amazon-apigateway-binary-media-types"]
