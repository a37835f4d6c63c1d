"""Is DynamoDB answering? One signed DescribeTable request on the audit table.

A health check runs on cold starts too, so it signs one request with botocore's
SigV4 signer instead of building a full client (which loads the service model
and costs ~60 ms).
"""
from __future__ import annotations

import json
import os
import urllib.request

from chalicelib.audit.models import AuditEntry
from chalicelib.config import get_settings
from chalicelib.errors import N_, DomainError


class DatabaseUnavailable(DomainError):
    """/healthz: DynamoDB did not answer within 2 s (503, load balancers and
    uptime checks see it; the body is the usual JSON error)."""

    code = "dynamodb_unavailable"
    status = 503
    retry_after = 30
    message = N_("This service is not available right now. Please try again in a few "
                 "minutes.")


def _endpoint() -> str:
    """Where the models' client sends requests: the local endpoint, else
    botocore's endpoint settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL),
    else the region's DynamoDB."""
    settings = get_settings()
    return (settings.dynamodb_host or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
            or os.environ.get("AWS_ENDPOINT_URL")
            or f"https://dynamodb.{settings.aws_region}.amazonaws.com")


def dynamodb_answers() -> bool:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    settings = get_settings()
    credentials = Credentials(os.environ.get("AWS_ACCESS_KEY_ID", ""),
                              os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
                              os.environ.get("AWS_SESSION_TOKEN"))
    request = AWSRequest(
        method="POST", url=_endpoint() + "/",
        data=json.dumps({"TableName": AuditEntry.Meta.table_name}),
        headers={"Content-Type": "application/x-amz-json-1.0",
                 "X-Amz-Target": "DynamoDB_20120810.DescribeTable"})
    SigV4Auth(credentials, "dynamodb", settings.aws_region).add_auth(request)
    http_request = urllib.request.Request(  # noqa: S310 - our DynamoDB endpoint
        request.url, data=request.body, headers=dict(request.headers), method="POST")
    try:
        with urllib.request.urlopen(http_request, timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False
