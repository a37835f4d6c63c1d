"""CloudFormation for the tables: per-area fragments in `infra/tables/<area>.json`
merged with `infra/base.json` into the template that `chalice package
--merge-template` takes.

    python -m devtools.infra scaffold <area>   # an area's fragment from its models
    python -m devtools.infra merge OUT.json    # base + every fragment + IAM policy
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INFRA = ROOT / "infra"
TYPES = {"S": "S", "N": "N", "B": "B"}


def logical_id(suffix: str) -> str:
    return "Table" + "".join(part.capitalize() for part in re.split(r"[-_]", suffix))


def _suffix(model: Any) -> str:
    from chalicelib.config import get_settings

    return str(model.Meta.table_name)[len(get_settings().table_prefix) + 1 :]


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def _projection(index: Any) -> dict[str, Any]:
    projection = index.Meta.projection
    result: dict[str, Any] = {"ProjectionType": projection.projection_type}
    if getattr(projection, "non_key_attributes", None):
        result["NonKeyAttributes"] = sorted(projection.non_key_attributes)
    return result


def _indexes(model: Any) -> tuple[list[dict], list[dict], set[str]]:
    from pynamodb.indexes import GlobalSecondaryIndex

    global_indexes, local_indexes, key_names = [], [], set()
    for index in model._indexes.values() if hasattr(model, "_indexes") else []:
        hash_key = range_key = None
        for attr in index.Meta.attributes.values():
            if attr.is_hash_key:
                hash_key = attr.attr_name
            if attr.is_range_key:
                range_key = attr.attr_name
        key_names |= {name for name in (hash_key, range_key) if name}
        spec = {
            "IndexName": index.Meta.index_name,
            "KeySchema": _key_schema(hash_key, range_key),
            "Projection": _projection(index),
        }
        (
            global_indexes if isinstance(index, GlobalSecondaryIndex) else local_indexes
        ).append(spec)
    return global_indexes, local_indexes, key_names


def table_resource(model: Any) -> dict[str, Any]:
    """The CloudFormation table that matches a PynamoDB model key for key."""
    attributes = model.get_attributes()
    hash_key = model._hash_keyname
    range_key = model._range_keyname
    global_indexes, local_indexes, index_keys = _indexes(model)
    names = sorted({hash_key, range_key, *index_keys} - {None})
    properties: dict[str, Any] = {
        "TableName": {"Fn::Sub": "${AWS::StackName}-" + _suffix(model)},
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {
                "AttributeName": name,
                "AttributeType": TYPES[attributes[_python_name(model, name)].attr_type],
            }
            for name in names
        ],
        "KeySchema": _key_schema(hash_key, range_key),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "DeletionProtectionEnabled": {"Fn::If": ["IsProd", True, False]},
    }
    if global_indexes:
        properties["GlobalSecondaryIndexes"] = global_indexes
    if local_indexes:
        properties["LocalSecondaryIndexes"] = local_indexes
    ttl = [
        a.attr_name for a in attributes.values() if type(a).__name__ == "TTLAttribute"
    ]
    if ttl:
        properties["TimeToLiveSpecification"] = {
            "AttributeName": ttl[0],
            "Enabled": True,
        }
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def _python_name(model: Any, attr_name: str) -> str:
    for python_name, attr in model.get_attributes().items():
        if attr.attr_name == attr_name:
            return python_name
    raise KeyError(attr_name)


def deployed_models() -> list[Any]:
    from chalicelib.db import all_models

    return [m for m in all_models() if not getattr(m.Meta, "local_only", False)]


def area_of(model: Any) -> str:
    return model.__module__.split(".")[1]


def fragments() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for path in sorted((INFRA / "tables").glob("*.json")):
        resources.update(json.loads(path.read_text())["Resources"])
    return resources


def scaffold(area: str) -> Path:
    models = [m for m in deployed_models() if area_of(m) == area]
    body = {"Resources": {logical_id(_suffix(m)): table_resource(m) for m in models}}
    path = INFRA / "tables" / f"{area}.json"
    path.write_text(json.dumps(body, indent=2) + "\n")
    return path


def merged_template() -> dict[str, Any]:
    template = json.loads((INFRA / "base.json").read_text())
    tables = fragments()
    template["Resources"].update(tables)
    arns = []
    for name in sorted(tables):
        arns.append({"Fn::GetAtt": [name, "Arn"]})
        arns.append({"Fn::Sub": "${" + name + ".Arn}/index/*"})
    policy = template["Resources"]["TablesAccessPolicy"]["Properties"]["PolicyDocument"]
    policy["Statement"][0]["Resource"] = arns
    for name in sorted(tables):
        template["Resources"]["AlarmThrottles" + name] = table_throttle_alarm(name)
    return template


def _alarm(name: str, description: str, metrics: list[dict[str, Any]]) -> dict:
    topic = {"Ref": "AlarmTopic"}
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": {"Fn::Sub": "${AWS::StackName}-" + name},
            "AlarmDescription": description,
            "Metrics": metrics,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [topic],
            "OKActions": [topic],
        },
    }


def _metric(key: str, namespace: str, metric: str, dimension: tuple[str, Any]) -> dict:
    return {
        "Id": key,
        "ReturnData": False,
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
            },
            "Period": 300,
            "Stat": "Sum",
        },
    }


def table_throttle_alarm(table: str) -> dict[str, Any]:
    """Read or write requests of one table throttled in the last 5 minutes."""
    dimension = ("TableName", {"Ref": table})
    return _alarm(
        "throttles-" + _kebab(table),
        "DynamoDB throttled reads or writes of this table",
        [
            _metric("reads", "AWS/DynamoDB", "ReadThrottleEvents", dimension),
            _metric("writes", "AWS/DynamoDB", "WriteThrottleEvents", dimension),
            {"Id": "total", "Expression": "reads + writes", "ReturnData": True,
             "Label": "throttled requests"},
        ],
    )


def _kebab(logical: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", logical).lower()


WEB_FUNCTION = "APIHandler"
WEB_ROLE = "ApiHandlerRole"
FUNCTION_ALARMS = {
    "Errors": "The function failed: an unhandled exception or a timeout",
    "Throttles": "Lambda refused invocations: the concurrency is used up",
}


def finish_template(template: dict[str, Any]) -> dict[str, Any]:
    """What `--merge-template` cannot express, applied to chalice's SAM output:

    - every function gets a fixed name `<stack>-<name>`, its own log group with
      the retention parameter (created before the function can log), the web
      function's environment and role (the scheduled jobs need the same
      settings and tables), and an Errors and a Throttles alarm;
    - the API's integrations name the web function by that fixed ARN rather
      than `${APIHandler.Arn}`, so the function's environment may refer to the
      API (public URL) and to the Cognito app client whose callback URL is the
      API's URL, without a dependency cycle.
    """
    resources = template["Resources"]
    web = resources[WEB_FUNCTION]["Properties"]
    functions = [
        name for name, r in resources.items()
        if r["Type"] == "AWS::Serverless::Function"
    ]
    for name in functions:
        function = resources[name]
        suffix = "web" if name == WEB_FUNCTION else _kebab(name)
        function_name = "${AWS::StackName}-" + suffix
        props = function["Properties"]
        props["FunctionName"] = {"Fn::Sub": function_name}
        if name != WEB_FUNCTION:
            variables = props.setdefault("Environment", {}).setdefault("Variables", {})
            variables.update(web["Environment"]["Variables"])
            # One role for every function: the policies in infra/ name it.
            own_role = props.get("Role", {}).get("Fn::GetAtt", [""])[0]
            if own_role and own_role != WEB_ROLE:
                resources.pop(own_role, None)
            props["Role"] = {"Fn::GetAtt": [WEB_ROLE, "Arn"]}
        log_group = name + "LogGroup"
        resources[log_group] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": {"Fn::Sub": "/aws/lambda/" + function_name},
                "RetentionInDays": {"Ref": "LogRetentionDays"},
            },
        }
        function["DependsOn"] = sorted({*function.get("DependsOn", []), log_group})
        for metric, description in FUNCTION_ALARMS.items():
            resources[f"Alarm{metric}{name}"] = _alarm(
                f"{metric.lower()}-{suffix}",
                description,
                [
                    _metric("value", "AWS/Lambda", metric,
                            ("FunctionName", {"Fn::Sub": function_name})),
                    {"Id": "total", "Expression": "value", "ReturnData": True},
                ],
            )
    web_arn = ("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}"
               ":function:${AWS::StackName}-web")
    api = resources["RestAPI"]["Properties"]
    api["DefinitionBody"] = json.loads(
        json.dumps(api["DefinitionBody"]).replace("${APIHandler.Arn}", web_arn)
    )
    api["DefinitionBody"]["x-amazon-apigateway-gateway-responses"] = gateway_responses()
    return template


def gateway_responses() -> dict[str, Any]:
    """An address that matches no route gets the 404 page
    (chalicelib/web/not_found.py) instead of API Gateway's 403 JSON. Part of
    the API's definition, so every deployment of the stage carries it."""
    from chalicelib.web import not_found

    # Not ${RestAPI}: the API cannot name itself in its own definition. API
    # Gateway fills $context variables into a gateway response's template.
    home = {"Fn::If": ["HasCustomDomain", {"Fn::Sub": "https://${DomainName}/"},
                       "https://$context.domainName/$context.stage/"]}
    parts: list[Any] = []
    for text in not_found.page("\0").split("\0"):  # the link, once per language
        parts += [text, home]
    body = {"Fn::Join": ["", parts[:-1]]}
    return {"MISSING_AUTHENTICATION_TOKEN": {
        "statusCode": 404,
        "responseParameters": {f"gatewayresponse.header.{name}": f"'{value}'"
                               for name, value in not_found.HEADERS.items()},
        # Whichever the caller's Accept picks, the answer is the page.
        "responseTemplates": {"text/html": body, "application/json": body},
    }}


def finish_file(path: Path) -> None:
    path.write_text(json.dumps(finish_template(json.loads(path.read_text())), indent=2))


if __name__ == "__main__":
    if sys.argv[1] == "scaffold":
        for area_name in sys.argv[2:]:
            print(scaffold(area_name))
    elif sys.argv[1] == "merge":
        Path(sys.argv[2]).write_text(json.dumps(merged_template(), indent=2))
