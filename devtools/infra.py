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
        "TableName": {"Fn::Sub": "${TablePrefix}-" + _suffix(model)},
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
    return template


if __name__ == "__main__":
    if sys.argv[1] == "scaffold":
        for area_name in sys.argv[2:]:
            print(scaffold(area_name))
    elif sys.argv[1] == "merge":
        Path(sys.argv[2]).write_text(json.dumps(merged_template(), indent=2))
