"""`make package`: the deployment zip and the SAM template for the prod stage.

Runs `chalice package --stage prod --merge-template build/merge.json build/package`,
where merge.json is infra/base.json plus every infra/tables/*.json fragment and
the IAM policy limited to those tables. Deploy with:

    aws cloudformation package --template-file build/package/sam.json \
        --s3-bucket <bucket> --output-template-file build/packaged.json
    aws cloudformation deploy --template-file build/packaged.json \
        --stack-name ngo-platform --capabilities CAPABILITY_IAM \
        --parameter-overrides AuthIssuer=... CognitoClientId=... CognitoDomain=... \
        SecretKey=... StripeSecretKey=... StripeWebhookSecret=... PublicBaseUrl=...
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from devtools.infra import finish_file, merged_template

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
# Importing app.py validates the prod settings; the real values come from the
# CloudFormation parameters at deploy time, these only let the import succeed.
PACKAGING_ENV = {
    "STAGE": "prod", "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION",
                                                          "eu-north-1"),
    "SECRET_KEY": "packaging-only-" + "x" * 32,
    "AUTH_ISSUER": "https://cognito-idp.eu-north-1.amazonaws.com/packaging",
    "AUTH_AUDIENCE": "packaging", "COGNITO_DOMAIN": "https://packaging.invalid",
    "COGNITO_CLIENT_ID": "packaging", "MAIL_FROM": "packaging@packaging.invalid",
}


def package(output: Path = BUILD / "package") -> Path:
    """Build the zip and template; returns the output folder."""
    vendor_templates = ROOT / "vendor" / "templates"
    if not vendor_templates.exists():
        vendor_templates.parent.mkdir(exist_ok=True)
        vendor_templates.symlink_to("../templates")
    BUILD.mkdir(exist_ok=True)
    merge = BUILD / "merge.json"
    merge.write_text(json.dumps(merged_template(), indent=2))
    shutil.rmtree(output, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "DYNAMODB_HOST"}
    env.update(PACKAGING_ENV)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "package", "--stage", "prod", "--merge-template",
                    str(merge), str(output)], cwd=ROOT, env=env, check=True)
    finish_file(output / "sam.json")
    return output


if __name__ == "__main__":
    folder = package()
    print(f"Built {folder / 'deployment.zip'} and {folder / 'sam.json'}")
