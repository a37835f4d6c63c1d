"""What a deployer gets from `make package`: a zip with the templates and
translations, and a CloudFormation template that matches the models."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from devtools.infra import deployed_models, fragments, logical_id, table_resource

ROOT = Path(__file__).resolve().parents[2]


def test_the_deployment_zip_holds_templates_stylesheet_and_translations(package_dir):
    names = set(zipfile.ZipFile(package_dir / "deployment.zip").namelist())
    assert "app.py" in names
    assert "templates/base.html" in names
    assert "templates/static/app.css" in names
    assert "chalicelib/web/locale/nb/LC_MESSAGES/messages.mo" in names
    assert "chalicelib/web/locale/es/LC_MESSAGES/messages.mo" in names
    assert "chalicelib/web/routes.json" in names  # the lazily registered routes
    assert not any(name.startswith("tests/") or name.startswith("devtools/")
                   for name in names)


def test_the_packaged_template_passes_cfn_lint(package_dir):
    result = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")),
                             str(package_dir / "sam.json")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lambda_may_touch_only_our_tables(package_dir):
    template = json.loads((package_dir / "sam.json").read_text())
    resources = template["Resources"]
    statement = resources["TablesAccessPolicy"]["Properties"]["PolicyDocument"][
        "Statement"][0]
    tables = {name for name, r in resources.items()
              if r["Type"] == "AWS::DynamoDB::Table"}
    granted = {ref["Fn::GetAtt"][0] for ref in statement["Resource"] if "Fn::GetAtt" in ref}
    assert granted == tables
    assert "*" not in json.dumps(statement["Resource"]).replace("/index/*", "")
    assert "dynamodb:DeleteTable" not in statement["Action"]


def test_every_model_has_a_matching_table_in_infra():
    declared = fragments()
    for model in deployed_models():
        suffix = model.Meta.table_name.split("ngo-test-", 1)[1]
        resource = declared.get(logical_id(suffix))
        assert resource is not None, f"infra/tables lacks {model.__name__}"
        expected = table_resource(model)["Properties"]
        actual = resource["Properties"]
        for key in ("TableName", "KeySchema", "AttributeDefinitions",
                    "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
                    "TimeToLiveSpecification"):
            assert actual.get(key) == expected.get(key), f"{model.__name__}: {key}"


def test_every_table_in_infra_is_protected_and_backed_up():
    for name, resource in fragments().items():
        properties = resource["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", name
        assert properties["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True}, name
        assert properties["SSESpecification"] == {"SSEEnabled": True}, name
        assert properties["DeletionProtectionEnabled"] == {
            "Fn::If": ["IsProd", True, False]}, name
        assert resource["DeletionPolicy"] == "Retain", name


def test_no_table_in_infra_lacks_a_model():
    suffixes = {logical_id(m.Meta.table_name.split("ngo-test-", 1)[1])
                for m in deployed_models()}
    assert set(fragments()) <= suffixes


def test_the_zip_is_under_10_mb_leaves_botocore_to_the_runtime_and_ships_bytecode(
        package_dir):
    from devtools.package import RUNTIME_PROVIDED, local_runtime, runtime_of

    zip_path = package_dir / "deployment.zip"
    assert zip_path.stat().st_size <= 10_000_000
    archive = zipfile.ZipFile(zip_path)
    names = set(archive.namelist())
    tops = {name.split("/")[0].removesuffix(".py").split("-")[0] for name in names}
    assert not tops & set(RUNTIME_PROVIDED), "the Lambda runtime ships these"
    assert "botocore" not in tops and "boto3" not in tops
    if runtime_of(package_dir / "sam.json") != local_runtime():
        pytest.skip("packaged with another Python than the runtime's: no .pyc")
    tag = sys.implementation.cache_tag

    def pyc_of(source: str) -> str:
        folder, _, file = source.rpartition("/")
        return "/".join(filter(None, [folder, "__pycache__", f"{file[:-3]}.{tag}.pyc"]))

    sources = [n for n in names if n.endswith(".py")]
    missing = [n for n in sources if pyc_of(n) not in names]
    assert sources and not missing, missing[:5]
    flags = int.from_bytes(archive.read(pyc_of("app.py"))[4:8], "little")
    assert flags == 0b01  # hash-based, unchecked: /var/task's file times are the zip's


def test_every_template_is_in_the_zip_compiled(package_dir):
    names = zipfile.ZipFile(package_dir / "deployment.zip").namelist()
    templates = [n for n in names if n.startswith("templates/") and n.endswith(".html")]
    compiled = [n for n in names if n.startswith("templates_compiled/tmpl_")
                and n.endswith(".py")]
    assert templates and len(compiled) == len(templates)
