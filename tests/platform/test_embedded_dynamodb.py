"""The embedded DynamoDB keeps DynamoDB's all-or-nothing transactions."""
from __future__ import annotations

import os
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def table():
    client = boto3.client("dynamodb", endpoint_url=os.environ["DYNAMODB_HOST"])
    name = f"embedded-{uuid.uuid4().hex[:8]}"
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    client.put_item(TableName=name, Item={"k": {"S": "a"}, "n": {"N": "1"}})
    yield client, name
    client.delete_table(TableName=name)


def test_a_cancelled_transaction_changes_no_item_and_adds_none(table):
    client, name = table
    with pytest.raises(ClientError) as caught:
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": name, "Key": {"k": {"S": "a"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}}}},
            {"Put": {"TableName": name, "Item": {"k": {"S": "new"}}}},
            {"ConditionCheck": {"TableName": name, "Key": {"k": {"S": "missing"}},
                                "ConditionExpression": "attribute_exists(k)"}},
        ])
    assert caught.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = client.scan(TableName=name)["Items"]
    assert items == [{"k": {"S": "a"}, "n": {"N": "1"}}]


def test_a_committed_transaction_keeps_every_other_item(table):
    client, name = table
    for n in range(50):
        client.put_item(TableName=name, Item={"k": {"S": f"other-{n}"}})
    client.transact_write_items(TransactItems=[
        {"Update": {"TableName": name, "Key": {"k": {"S": "a"}},
                    "UpdateExpression": "SET n = :two",
                    "ExpressionAttributeValues": {":two": {"N": "2"}}}}])
    assert client.scan(TableName=name, Select="COUNT")["Count"] == 51
