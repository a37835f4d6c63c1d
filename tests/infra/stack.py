"""Deploying the packaged template the way `make deploy` does, into moto's
CloudFormation (the moto server the suite already runs): the deploy script's
own upload and change set, with the resource types moto lacks left out."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3

from devtools import deploy

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-north-1"
BUCKET = "deploy-artifacts"
# Resource types moto 5.2's CloudFormation cannot create, and why. The test
# strips exactly these (and asserts the list), replaces references to them by
# placeholders, and checks them in the template instead (test_template_*.py).
UNSUPPORTED_BY_MOTO = {
    "AWS::CloudWatch::Alarm": "no CloudFormation model for alarms",
    "AWS::Cognito::UserPool": "no CloudFormation model for Cognito",
    "AWS::Cognito::UserPoolClient": "no CloudFormation model for Cognito",
    "AWS::Cognito::UserPoolDomain": "no CloudFormation model for Cognito",
    "AWS::Cognito::UserPoolGroup": "no CloudFormation model for Cognito",
    "AWS::ApiGateway::DomainName": "no CloudFormation model (custom domain)",
    "AWS::ApiGateway::BasePathMapping": "no CloudFormation model (custom domain)",
    "AWS::ApiGateway::Stage": "no CloudFormation model for stages",
    "AWS::ApiGateway::Deployment": "moto's RestApi ignores the OpenAPI Body, so "
                                   "a deployment finds no methods",
}




def _key_policy_as_text() -> None:
    """moto 5.2 keeps an `AWS::KMS::Key`'s `KeyPolicy` as the template's JSON
    object, and its KMS then fails every call on that key reading the policy
    as text (CloudFormation takes either). The moto server runs in this
    process: hand moto the policy as text, as CreateKey would."""
    from moto.kms.models import Key

    create = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    if getattr(create, "policy_as_text", False):
        return

    def create_with_text(cls: Any, name: str, resource: dict[str, Any],
                         *args: Any, **kwargs: Any) -> Any:
        props = resource["Properties"]
        if isinstance(props.get("KeyPolicy"), dict):
            resource = {**resource, "Properties": {
                **props, "KeyPolicy": json.dumps(props["KeyPolicy"])}}
        return create(cls, name, resource, *args, **kwargs)

    create_with_text.policy_as_text = True  # type: ignore[attr-defined]
    Key.create_from_cloudformation_json = classmethod(create_with_text)  # type: ignore[method-assign, assignment]


def aws(service):
    return boto3.client(service, region_name=REGION,
                        endpoint_url=os.environ["DYNAMODB_HOST"])


def table_names():
    pages = aws("dynamodb").get_paginator("list_tables").paginate()
    return [name for page in pages for name in page["TableNames"]]


def strip_unsupported(template, stripped_log):
    resources = template["Resources"]
    stripped = {n for n, r in resources.items() if r["Type"] in UNSUPPORTED_BY_MOTO}
    stripped_log.update({n: resources[n]["Type"] for n in stripped})

    def replace(node):
        if isinstance(node, dict):
            if node.keys() == {"Ref"} and node["Ref"] in stripped:
                return "placeholder-" + node["Ref"]
            if node.keys() == {"Fn::GetAtt"} and node["Fn::GetAtt"][0] in stripped:
                return "placeholder"
            if node.keys() == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
                text = node["Fn::Sub"]
                for name in stripped:
                    text = text.replace("${" + name + "}", "placeholder-" + name)
                return {"Fn::Sub": text}
            return {k: replace(v) for k, v in node.items()}
        if isinstance(node, list):
            return [replace(v) for v in node]
        return node

    kept = {n: r for n, r in resources.items() if n not in stripped}
    for resource in kept.values():
        if "DependsOn" in resource:
            depends = resource["DependsOn"]
            depends = depends if isinstance(depends, list) else [depends]
            resource["DependsOn"] = [d for d in depends if d not in stripped]
    template = replace({**template, "Resources": kept})
    template["Outputs"] = {k: v for k, v in template.get("Outputs", {}).items()
                           if "Condition" not in v}
    return template


def settings_for(stack):
    return deploy.read_settings({
        "STAGE": "prod", "STACK": stack, "DEPLOY_BUCKET": BUCKET, "AWS_REGION": REGION,
        "MAIL_FROM": "gaver@example.org", "OPERATOR_EMAIL": "drift@example.org",
        "LOG_RETENTION_DAYS": "30",
    })


def deploy_into_moto(package_dir, stack):
    s3 = aws("s3")
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": REGION})
    _key_policy_as_text()
    stripped = {}
    settings = settings_for(stack)
    url = deploy.upload(s3, settings, package_dir,
                        adjust=lambda t: strip_unsupported(t, stripped))
    outputs = deploy.deploy_stack(aws("cloudformation"), settings, url)
    return outputs, stripped
