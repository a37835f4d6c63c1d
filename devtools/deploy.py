"""`make deploy`: check every setting, package, upload to S3, deploy the stack.

    make deploy STAGE=prod STACK=hjelp DEPLOY_BUCKET=my-artifacts \\
        MAIL_FROM=gaver@example.org OPERATOR_EMAIL=drift@example.org

Settings come from the environment (make passes its command-line variables on);
docs/operations.md lists them. Nothing is uploaded before all of them are
valid: a missing or malformed one fails naming it. Then:

1. `make package` (chalice package with infra/ merged, devtools/infra.py);
2. the SAM template is translated here (samtranslator, as cfn-lint does), so
   what CloudFormation receives is the plain template the tests deploy into
   moto;
3. the zip goes to `s3://<bucket>/<stack>/<sha256>.zip` and the template next
   to it (it is far over the 51,200 bytes CloudFormation takes inline);
4. a change set (CREATE the first time, UPDATE after) is made, shown,
   executed and waited for; the stack's outputs are printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# Lower case: the stack name is also the Cognito hosted-UI domain prefix
# (`<stack>-<account id>`), the table prefix and the function names.
STACK = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
CERTIFICATE = re.compile(
    r"^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/[0-9a-f-]+$")
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                  1096, 1827, 2192, 2557, 2922, 3288, 3653)
STAGES = ("prod", "staging")
SECRETS = ("secret-key", "stripe-secret-key", "stripe-webhook-secret")
VIPPS_MODES = ("off", "test", "production")  # the stack's Vipps parameter
# Optional: only an organisation that takes Vipps online stores these.
VIPPS_SECRETS = ("vipps-client-id", "vipps-client-secret", "vipps-subscription-key",
                 "vipps-msn", "vipps-webhook-secret")


class SettingsError(ValueError):
    """One line per bad setting, each naming it."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DeploySettings:
    stage: str
    stack: str
    bucket: str
    region: str
    mail_from: str
    operator_email: str
    domain_name: str = ""
    certificate_arn: str = ""
    log_retention_days: int = 90
    api_throttle_burst: int = 100
    api_throttle_rate: int = 50
    reserved_concurrency: int = 0
    vipps: str = "off"  # off | test | production (VIPPS_MODES)

    def parameters(self) -> dict[str, str]:
        """The stack's parameters (infra/base.json), as CloudFormation wants."""
        return {
            "Stage": self.stage,
            "MailFrom": self.mail_from,
            "OperatorEmail": self.operator_email,
            "DomainName": self.domain_name,
            "CertificateArn": self.certificate_arn,
            "LogRetentionDays": str(self.log_retention_days),
            "ApiThrottleBurst": str(self.api_throttle_burst),
            "ApiThrottleRate": str(self.api_throttle_rate),
            "ReservedConcurrency": str(self.reserved_concurrency),
            "Vipps": self.vipps,
        }


def _check_stack(name: str, problems: list[str]) -> None:
    if not STACK.match(name):
        problems.append(f"STACK must be 3-32 lower-case letters, digits or '-', "
                        f"starting with a letter, got {name!r}")
    elif any(word in name for word in ("aws", "amazon", "cognito")):
        problems.append(f"STACK must not contain aws, amazon or cognito "
                        f"(Cognito refuses such a domain prefix), got {name!r}")


def _number(env: Mapping[str, str], name: str, default: int, minimum: int,
            problems: list[str], allowed: tuple[int, ...] = ()) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        problems.append(
            f"{name} must be a whole number of at least {minimum}, got {raw!r}")
        return default
    if allowed and int(raw) not in allowed:
        values = ", ".join(map(str, allowed))
        problems.append(f"{name} must be one of {values}, got {raw}")
    return int(raw)


def _region(env: Mapping[str, str], problems: list[str]) -> str:
    region = env.get("AWS_REGION", "").strip() or env.get("AWS_DEFAULT_REGION", "")
    if not region:
        problems.append("AWS_REGION must be set (or AWS_DEFAULT_REGION), "
                        "e.g. eu-north-1")
    elif not REGION.match(region):
        problems.append(
            f"AWS_REGION must be a region such as eu-north-1, got {region!r}")
    return region.strip()


def _custom_domain(env: Mapping[str, str], problems: list[str]) -> tuple[str, str]:
    domain = env.get("DOMAIN_NAME", "").strip()
    certificate = env.get("CERTIFICATE_ARN", "").strip()
    if domain and not DOMAIN.match(domain):
        problems.append(f"DOMAIN_NAME must be a lower-case host name, got {domain!r}")
    if certificate and not CERTIFICATE.match(certificate):
        problems.append("CERTIFICATE_ARN must be an ACM certificate ARN in us-east-1 "
                        f"(edge API), got {certificate!r}")
    if bool(domain) != bool(certificate):
        problems.append("DOMAIN_NAME and CERTIFICATE_ARN must be given together")
    return domain, certificate


def read_settings(env: Mapping[str, str]) -> DeploySettings:
    """Every deploy setting, validated; SettingsError names each bad one."""
    problems: list[str] = []

    def required(name: str, pattern: re.Pattern[str], what: str) -> str:
        value = env.get(name, "").strip()
        if not value:
            problems.append(f"{name} must be set ({what})")
        elif not pattern.match(value):
            problems.append(f"{name} must be {what}, got {value!r}")
        return value

    stage = env.get("STAGE", "").strip()
    if stage not in STAGES:
        problems.append(f"STAGE must be one of {', '.join(STAGES)}, got {stage!r}")
    stack = env.get("STACK", "").strip()
    if not stack:
        problems.append("STACK must be set (the CloudFormation stack name)")
    else:
        _check_stack(stack, problems)
    bucket = required("DEPLOY_BUCKET", BUCKET, "an S3 bucket name")
    region = _region(env, problems)
    mail_from = required("MAIL_FROM", EMAIL, "an email address verified in SES")
    operator = required("OPERATOR_EMAIL", EMAIL, "an email address for the alarms")
    domain, certificate = _custom_domain(env, problems)
    vipps = env.get("VIPPS", "").strip() or "off"
    if vipps not in VIPPS_MODES:
        problems.append(f"VIPPS must be one of {', '.join(VIPPS_MODES)}, got {vipps!r}")
    settings = DeploySettings(
        stage=stage, stack=stack, bucket=bucket, region=region,
        mail_from=mail_from, operator_email=operator,
        domain_name=domain, certificate_arn=certificate,
        log_retention_days=_number(env, "LOG_RETENTION_DAYS", 90, 1, problems,
                                   RETENTION_DAYS),
        api_throttle_burst=_number(env, "API_THROTTLE_BURST", 100, 1, problems),
        api_throttle_rate=_number(env, "API_THROTTLE_RATE", 50, 1, problems),
        reserved_concurrency=_number(env, "RESERVED_CONCURRENCY", 0, 0, problems),
        vipps=vipps,
    )
    if problems:
        raise SettingsError(problems)
    return settings


def translate(sam: dict[str, Any], region: str) -> dict[str, Any]:
    """The plain CloudFormation template for chalice's SAM template."""
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    translated = Translator(managed_policy_map={}, sam_parser=Parser()).translate(
        sam_template=sam, parameter_values={"AWS::Region": region})
    return json.loads(json.dumps(translated))


def with_code(sam: dict[str, Any], bucket: str, key: str) -> dict[str, Any]:
    """The template with every function's CodeUri pointing at the uploaded zip."""
    sam = json.loads(json.dumps(sam))
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = {"Bucket": bucket, "Key": key}
    return sam


def upload(s3: Any, settings: DeploySettings, package_dir: Path,
           adjust: Callable[[dict], dict] | None = None) -> str:
    """Uploads zip and translated template; returns the template's URL.
    (`adjust` lets a test remove what its emulator cannot create.)"""
    zip_path = package_dir / "deployment.zip"
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    code_key = f"{settings.stack}/{digest}.zip"
    s3.upload_file(str(zip_path), settings.bucket, code_key)
    sam = json.loads((package_dir / "sam.json").read_text())
    template = translate(with_code(sam, settings.bucket, code_key), settings.region)
    body = json.dumps(adjust(template) if adjust else template, indent=1).encode()
    template_key = f"{settings.stack}/template-{hashlib.sha256(body).hexdigest()}.json"
    s3.put_object(Bucket=settings.bucket, Key=template_key, Body=body)
    print(f"Uploaded s3://{settings.bucket}/{code_key} and {template_key}")
    return (f"https://s3.{settings.region}.amazonaws.com/"
            f"{settings.bucket}/{template_key}")


def _stack_exists(cf: Any, stack: str) -> bool:
    try:
        status = cf.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except cf.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return False
        raise
    return status != "REVIEW_IN_PROGRESS"


def deploy_stack(cf: Any, settings: DeploySettings,
                 template_url: str) -> dict[str, str]:
    """Creates or updates the stack through a change set; returns its outputs."""
    exists = _stack_exists(cf, settings.stack)
    name = "deploy-" + hashlib.sha256(template_url.encode()).hexdigest()[:12]
    cf.create_change_set(
        StackName=settings.stack, ChangeSetName=name,
        ChangeSetType="UPDATE" if exists else "CREATE",
        TemplateURL=template_url,
        Parameters=[{"ParameterKey": k, "ParameterValue": v}
                    for k, v in settings.parameters().items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        Tags=[{"Key": "app", "Value": "ngo-platform"}],
    )
    try:
        cf.get_waiter("change_set_create_complete").wait(
            StackName=settings.stack, ChangeSetName=name,
            WaiterConfig={"Delay": 5, "MaxAttempts": 120})
    except Exception:  # noqa: BLE001 - the change set says why
        change_set = cf.describe_change_set(StackName=settings.stack,
                                            ChangeSetName=name)
        reason = change_set.get("StatusReason", "")
        if "didn't contain changes" in reason or "No updates" in reason:
            print("No changes: the stack already runs this package and these settings.")
            cf.delete_change_set(StackName=settings.stack, ChangeSetName=name)
            return outputs(cf, settings.stack)
        raise SystemExit(f"Change set failed: {reason}") from None
    changes = cf.describe_change_set(StackName=settings.stack, ChangeSetName=name)
    for change in changes.get("Changes", []):
        rc = change["ResourceChange"]
        replace = " (REPLACEMENT)" if rc.get("Replacement") == "True" else ""
        print(f"  {rc['Action']:8} {rc['LogicalResourceId']} "
              f"{rc['ResourceType']}{replace}")
    cf.execute_change_set(StackName=settings.stack, ChangeSetName=name)
    waiter = "stack_update_complete" if exists else "stack_create_complete"
    cf.get_waiter(waiter).wait(StackName=settings.stack,
                               WaiterConfig={"Delay": 10, "MaxAttempts": 180})
    return outputs(cf, settings.stack)


def outputs(cf: Any, stack: str) -> dict[str, str]:
    described = cf.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def missing_secrets(ssm: Any, stack: str, vipps: bool = False) -> list[str]:
    """The secrets (names only) that Parameter Store does not hold yet (with
    `vipps`, the five Vipps keys too)."""
    names = [f"/{stack}/{secret}" for secret in SECRETS + (VIPPS_SECRETS if vipps
                                                           else ())]
    found = ssm.get_parameters(Names=names, WithDecryption=False)
    present = {p["Name"] for p in found.get("Parameters", [])}
    return [name for name in names if name not in present]


def main(env: Mapping[str, str] | None = None) -> int:
    try:
        settings = read_settings(os.environ if env is None else env)
    except SettingsError as error:
        print("make deploy: nothing was uploaded; fix these settings:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    import boto3

    from devtools.package import package

    session = boto3.session.Session(region_name=settings.region)
    package_dir = package()
    template_url = upload(session.client("s3"), settings, package_dir)
    result = deploy_stack(session.client("cloudformation"), settings, template_url)
    for key in sorted(result):
        print(f"{key:20} {result[key]}")
    missing = missing_secrets(session.client("ssm"), settings.stack,
                              vipps=settings.vipps != "off")
    if missing:
        print("Secrets not yet in Parameter Store (the routes that need them answer "
              f"503): {', '.join(missing)}. Run: make secrets STACK={settings.stack}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
