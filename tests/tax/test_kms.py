"""In prod the data keys come from AWS KMS (moto's KMS here)."""

import os

import boto3
import pytest

from chalicelib.tax import crypto

NUMBER = "01019010046"


@pytest.fixture
def kms():
    # moto's server (started for DynamoDB by the conftest) answers KMS too
    client = boto3.client("kms", region_name="eu-north-1",
                          endpoint_url=os.environ["DYNAMODB_HOST"])
    key_id = client.create_key(Description="tax ids")["KeyMetadata"]["KeyId"]
    return crypto.KmsKeys(client, key_id)


def test_a_number_sealed_with_a_kms_data_key_opens_only_with_its_context(kms):
    sealed = crypto.seal(NUMBER, {"unit": "2025#a"}, keys=kms)
    assert NUMBER not in sealed.ciphertext + sealed.wrapped_key
    assert crypto.unseal(sealed, {"unit": "2025#a"}, keys=kms) == NUMBER
    with pytest.raises(Exception):  # noqa: B017 - KMS refuses another context
        crypto.unseal(sealed, {"unit": "2025#b"}, keys=kms)


def test_each_number_gets_its_own_data_key(kms):
    first = crypto.seal(NUMBER, {"unit": "2025#a"}, keys=kms)
    second = crypto.seal(NUMBER, {"unit": "2025#a"}, keys=kms)
    assert first.wrapped_key != second.wrapped_key
    assert first.ciphertext != second.ciphertext
