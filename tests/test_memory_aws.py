"""The in-memory DynamoDB and S3 of the fan-out simulation answer as moto does: the same
simulation run on both gives the same requests, figures and stored items, and each kind of call
the stores make gets the same answer or the same error."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from chalicelib.citations.store import create_table
from tests.fanout_sim import simulate
from tests.memory_aws import MemoryDynamoDB
from tests.test_fanout_week import HOURLY

SAME = ("min_gap_s", "blocks", "scholar_requests", "scholar_oldest_days", "open_oldest_hours",
        "aws_requests", "dynamodb_units", "lambda_invocations", "open_requests",
        "open_largest_batch", "laptop_sends", "scholar_times", "refused", "stored")  # fmt: skip


def test_a_simulation_on_moto_and_in_memory_gives_the_same_results():
    runs = {
        aws: simulate(sites=12, days=3 / 24, laptop_every=4, long_every=3, rules=HOURLY,
                      failing_openalex_batches=1, aws=aws, keep_stored=True)
        for aws in ("moto", "memory")
    }  # fmt: skip
    moto, memory = runs["moto"], runs["memory"]
    assert {name: getattr(memory, name) for name in SAME} == {
        name: getattr(moto, name) for name in SAME
    }
    items, objects = moto.stored
    # the comparison covers every kind of item and both stats files of every site
    kinds = {item["sk"]["S"].split("#")[0] for item in items}
    assert kinds == {"CURRENT", "HISTORY", "STATE", "CLOCK", "JOB"}
    assert len(objects) == 2 * 12 and moto.scholar_requests > 0


T = "t"


def key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def item(pk: str, sk: str, **fields) -> dict:
    return {**key(pk, sk), **fields}


# (method, parameters): every kind of call and expression the stores send, and their failures
CALLS = [
    ("put_item", {"Item": item("P", "A#1", n={"N": "1"}, b={"B": b"\x00\x01"})}),
    ("put_item", {"Item": item("P", "A#2", s={"S": "x"}, m={"M": {"k": {"L": [{"BOOL": True}]}}})}),
    ("put_item", {"Item": item("P", "B#1", v={"S": "2026"}), "ReturnValues": "ALL_OLD"}),
    ("put_item", {"Item": item("P", "B#1", v={"S": "2027"}), "ReturnValues": "ALL_OLD",
                  "ConditionExpression": "attribute_not_exists(sk) OR v < :v OR w = :w",
                  "ExpressionAttributeValues": {":v": {"S": "2027"}, ":w": {"S": "z"}}}),
    ("put_item", {"Item": item("P", "B#1", v={"S": "2025"}),
                  "ConditionExpression": "attribute_not_exists(sk) OR v < :v",
                  "ExpressionAttributeValues": {":v": {"S": "2025"}}}),
    ("update_item", {"Key": key("Q", "S"), "UpdateExpression": "SET o = :o, u = :u",
                     "ConditionExpression": "attribute_not_exists(u) OR u < :now",
                     "ExpressionAttributeValues": {":o": {"S": "me"}, ":u": {"S": "5"},
                                                   ":now": {"S": "1"}},
                     "ReturnValues": "ALL_NEW"}),
    ("update_item", {"Key": key("Q", "S"), "UpdateExpression": "SET o = :o",
                     "ConditionExpression": "attribute_not_exists(u) OR u < :now",
                     "ExpressionAttributeValues": {":o": {"S": "you"}, ":now": {"S": "3"}}}),
    ("update_item", {"Key": key("Q", "S"),
                     "UpdateExpression": "SET #a = :a ADD r :one REMOVE u, #h",
                     "ConditionExpression": "o = :me",
                     "ExpressionAttributeNames": {"#a": "attempt", "#h": "held"},
                     "ExpressionAttributeValues": {":a": {"M": {"at": {"S": "t"}}},
                                                   ":one": {"N": "1"}, ":me": {"S": "me"}},
                     "ReturnValues": "ALL_NEW"}),
    ("update_item", {"Key": key("Q", "S"), "UpdateExpression": "ADD r :one",
                     "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "ALL_NEW"}),
    ("update_item", {"Key": key("Q", "S"), "UpdateExpression": "REMOVE o",
                     "ConditionExpression": "o = :me",
                     "ExpressionAttributeValues": {":me": {"S": "other"}}}),
    ("get_item", {"Key": key("Q", "S"), "ConsistentRead": True}),
    ("get_item", {"Key": key("Q", "none")}),
    ("query", {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
               "ExpressionAttributeValues": {":pk": {"S": "P"}, ":p": {"S": "A#"}}}),
    ("query", {"KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
               "ExpressionAttributeValues": {":pk": {"S": "P"}, ":a": {"S": "A#2"},
                                             ":b": {"S": "B#~"}}, "ConsistentRead": True}),
    ("query", {"KeyConditionExpression": "pk = :pk AND sk = :sk",
               "ExpressionAttributeValues": {":pk": {"S": "P"}, ":sk": {"S": "B#1"}}}),
    ("query", {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)", "Limit": 1,
               "ExpressionAttributeValues": {":pk": {"S": "P"}, ":p": {"S": "A#"}}}),
    ("query", {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)", "Limit": 1,
               "ExclusiveStartKey": key("P", "A#1"),
               "ExpressionAttributeValues": {":pk": {"S": "P"}, ":p": {"S": "A#"}}}),
    ("query", {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
               "ExpressionAttributeValues": {":pk": {"S": "nobody"}, ":p": {"S": "A#"}}}),
    ("batch_get_item", {"RequestItems": {T: {
        "Keys": [key("P", "B#1"), key("Q", "S"), key("Z", "Z")],
        "ProjectionExpression": "pk, v"}}}),
    ("batch_write_item", {"RequestItems": {T: [
        {"DeleteRequest": {"Key": key("P", "A#1")}},
        {"PutRequest": {"Item": item("P", "C", c={"N": "3"})}}]}}),
    ("query", {"KeyConditionExpression": "pk = :pk",
               "ExpressionAttributeValues": {":pk": {"S": "P"}}}),
    ("get_item", {"Key": key("P", "B#1"), "TableName": "gone"}),
    ("put_item", {"Item": item("P", "big", x={"S": "x" * 410_000})}),
]  # fmt: skip


def answers(client) -> list:
    """Each call's answer (without the response metadata) or its error code."""
    create_table(client, T, wait=False)
    found = []
    for method, parameters in CALLS:
        try:
            table = {} if method.startswith("batch_") else {"TableName": T}
            answer = getattr(client, method)(**{**table, **parameters})
        except ClientError as error:
            found.append(("error", error.response["Error"]["Code"]))
            continue
        for extra in ("ResponseMetadata", "ItemCollectionMetrics", "ConsumedCapacity"):
            answer.pop(extra, None)
        found.append(answer)
    return found


def test_each_call_the_stores_make_gets_the_answer_moto_gives():
    with mock_aws():
        expected = answers(boto3.client("dynamodb", region_name="us-east-1"))
    got = answers(MemoryDynamoDB())
    for (method, parameters), want, have in zip(CALLS, expected, got, strict=True):
        assert have == want, (method, parameters)
    assert ("error", "ConditionalCheckFailedException") in got  # the failures are compared too


@pytest.mark.parametrize(
    "expression",
    ["SET a = b", "SET a = :a + :b", "DELETE s :v", "SET a.b = :v", "SET a = list_append(a, :v)"],
)
def test_an_update_the_stand_in_does_not_know_fails_loudly(expression):
    client = MemoryDynamoDB()
    create_table(client, T, wait=False)
    values = {":a": {"N": "1"}, ":b": {"N": "1"}, ":v": {"S": "x"}}
    with pytest.raises(NotImplementedError):
        client.update_item(TableName=T, Key=key("P", "S"), UpdateExpression=expression,
                           ExpressionAttributeValues=values)  # fmt: skip
