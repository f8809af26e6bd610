"""The citation store: the only module that talks to DynamoDB, given its low-level client."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws.errors import describe_aws_error, error_code
from chalicelib.citations.item_reader import (
    TornRead,
    held_snapshot_from_items,
    history_points,
    state_from_items,
)
from chalicelib.citations.items import (
    CHUNK_PREFIX,
    CURRENT,
    HELD_CHUNK_PREFIX,
    HELD_HEADER_PREFIX,
    HISTORY_PREFIX,
    STATUS_KEY,
    attempt_update,
    chunk_items,
    chunk_key,
    header_item,
    header_key,
    history_item,
    parse_time,
    profile_key,
    publication_chunks,
    snapshot_version,
    text_value,
)
from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.state import CitationState, HistoryPoint
from chalicelib.errors import UserError

BATCH_SIZE = 25  # BatchWriteItem's limit
BATCH_GET_SIZE = 100  # BatchGetItem's limit
BATCH_ATTEMPTS = 8


class CitationStoreError(UserError):
    """A DynamoDB call failed; the message names the operation and what to do about it."""


class CitationStore:
    """Reads and writes one profile's citations in a DynamoDB table, given a low-level client."""

    def __init__(
        self,
        client,
        table_name: str,
        *,
        page_size: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        partition: Callable[[str], str] = profile_key,
    ):
        self.client = client
        self.table_name = table_name
        # the partition key of a profile's items, from the site they belong to (SiteKeys)
        self.partition = partition
        self.page_size = page_size  # items per Query page; None leaves DynamoDB's 1 MB pages
        self.sleep = sleep

    def _operation(self, action: str):
        """Turn SDK errors met during `action` into a CitationStoreError naming it."""
        return table_operation(self.table_name, action)

    def load_current(self, profile_id: str, *, consistent: bool = False) -> CitationState | None:
        """Everything the page shows about `profile_id`, in one Query; None before any refresh."""
        with self._operation(f"reading the citations of profile {profile_id!r}"):
            try:
                return state_from_items(self._query(profile_id, CURRENT, consistent=consistent))
            except TornRead:
                # A refresh replaced the publications under our feet: read again, strongly.
                try:
                    return state_from_items(self._query(profile_id, CURRENT, consistent=True))
                except TornRead as torn:
                    raise CitationStoreError(
                        f"reading the citations of profile {profile_id!r}: {torn}"
                    ) from torn

    def _query(
        self, profile_id: str, prefix: str, *, consistent: bool = False, after: str = ""
    ) -> list[dict]:
        values = {":pk": text_value(self.partition(profile_id)), ":prefix": text_value(prefix)}
        condition = "pk = :pk AND begins_with(sk, :prefix)"
        if after:
            # sort keys from `after` on, still under the prefix ("~" sorts after digits)
            condition = "pk = :pk AND sk BETWEEN :after AND :end"
            values = {
                ":pk": values[":pk"],
                ":after": text_value(after),
                ":end": text_value(prefix + "~"),
            }
        request = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ConsistentRead": consistent,
        }
        if self.page_size:
            request["Limit"] = self.page_size
        items: list[dict] = []
        while True:
            response = self.client.query(**request)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def save_snapshot(self, snapshot: CitationSnapshot) -> bool:
        """Store `snapshot` as its source's current one; False when a newer one is stored."""
        action = f"saving the {snapshot.source} snapshot of profile {snapshot.profile_id!r}"
        with self._operation(action):
            # Chunks first: a reader only follows a header to chunks that already exist.
            version, chunk_keys = self._put_chunks(action, snapshot, CHUNK_PREFIX)
            previous = self._put_header(snapshot, version, len(chunk_keys))
            if previous is None:
                # ours lost: nobody will read them
                self._delete(action, self.partition(snapshot.profile_id), chunk_keys)
                return False
            self._delete_replaced(action, snapshot, version, previous, CHUNK_PREFIX)
            self._put_history(snapshot)
        return True

    def save_held(self, snapshot: CitationSnapshot) -> None:
        """Keep `snapshot` as its source's held-back numbers (outside what the page reads)."""
        action = f"keeping the held-back {snapshot.source} numbers of {snapshot.profile_id!r}"
        with self._operation(action):
            version, chunk_keys = self._put_chunks(action, snapshot, HELD_CHUNK_PREFIX)
            previous = self.client.put_item(
                TableName=self.table_name,
                Item=header_item(
                    self.partition(snapshot.profile_id),
                    snapshot,
                    version,
                    len(chunk_keys),
                    HELD_HEADER_PREFIX,
                ),
                ReturnValues="ALL_OLD",
            ).get("Attributes")
            self._delete_replaced(action, snapshot, version, previous, HELD_CHUNK_PREFIX)

    def _put_chunks(
        self, action: str, snapshot: CitationSnapshot, prefix: str
    ) -> tuple[str, list[str]]:
        """Write the snapshot's publication chunks under `prefix`; its version and their keys."""
        chunks = publication_chunks(snapshot.publications)
        version = snapshot_version(snapshot, chunks)
        keys = [chunk_key(snapshot.source, version, i, prefix) for i in range(len(chunks))]
        partition = self.partition(snapshot.profile_id)
        self._batch_write(
            action,
            [
                {"PutRequest": {"Item": item}}
                for item in chunk_items(partition, version, keys, chunks)
            ],
        )
        return version, keys

    def _delete_replaced(
        self,
        action: str,
        snapshot: CitationSnapshot,
        version: str,
        previous: dict | None,
        prefix: str,
    ) -> None:
        """Delete the chunks of the header `previous` that `snapshot` replaced, unless the same."""
        if not previous or previous["version"]["S"] == version:
            return
        old = previous["version"]["S"]
        count = int(previous["chunk_count"]["N"])
        self._delete(
            action,
            self.partition(snapshot.profile_id),
            [chunk_key(snapshot.source, old, i, prefix) for i in range(count)],
        )

    def load_held(self, profile_id: str, source: str) -> CitationSnapshot | None:
        """The held-back snapshot of `source`, or None when none is kept."""
        with self._operation(f"reading the held-back {source} numbers of {profile_id!r}"):
            try:
                return held_snapshot_from_items(self._held_items(profile_id, source))
            except TornRead as torn:
                raise CitationStoreError(
                    f"reading the held-back {source} numbers of {profile_id!r}: {torn}"
                ) from torn

    def drop_held(self, profile_id: str, source: str) -> None:
        """Forget the held-back snapshot of `source` (after it was accepted)."""
        with self._operation(f"forgetting the held-back {source} numbers of {profile_id!r}"):
            keys = [item["sk"]["S"] for item in self._held_items(profile_id, source)]
            self._delete("forgetting held-back numbers", self.partition(profile_id), keys)

    def _held_items(self, profile_id: str, source: str) -> list[dict]:
        """The held-back header and chunks of `source`, read strongly."""
        return [
            item
            for prefix in (f"{HELD_HEADER_PREFIX}{source}", f"{HELD_CHUNK_PREFIX}{source}#")
            for item in self._query(profile_id, prefix, consistent=True)
        ]

    def _put_header(
        self, snapshot: CitationSnapshot, version: str, chunk_count: int
    ) -> dict | None:
        """Write the header unless a newer one is stored; the replaced header, None when refused."""
        item = header_item(self.partition(snapshot.profile_id), snapshot, version, chunk_count)
        try:
            response = self.client.put_item(
                TableName=self.table_name,
                Item=item,
                # Saving the very same snapshot again is harmless, so an equal version passes.
                ConditionExpression=(
                    "attribute_not_exists(sk) OR fetched_at < :fetched_at OR version = :version"
                ),
                ExpressionAttributeValues={
                    ":fetched_at": item["fetched_at"],
                    ":version": item["version"],
                },
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return None
            raise
        return response.get("Attributes", {})

    def _put_history(self, snapshot: CitationSnapshot) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item=history_item(self.partition(snapshot.profile_id), snapshot),
        )

    def _delete(self, action: str, partition: str, sort_keys: Sequence[str]) -> None:
        self._batch_write(
            action,
            [
                {"DeleteRequest": {"Key": {"pk": text_value(partition), "sk": text_value(key)}}}
                for key in sort_keys
            ],
        )

    def _batch_write(self, action: str, requests: list[dict]) -> None:
        """BatchWriteItem in groups of 25, retrying what DynamoDB leaves unprocessed."""
        for start in range(0, len(requests), BATCH_SIZE):
            batch = {self.table_name: requests[start : start + BATCH_SIZE]}
            _, pending = self._until_processed(
                lambda items: self.client.batch_write_item(RequestItems=items),
                batch,
                "UnprocessedItems",
            )
            if pending:
                left = len(pending.get(self.table_name, []))
                raise CitationStoreError(
                    f"{action}: DynamoDB left {left} writes unprocessed after "
                    f"{BATCH_ATTEMPTS} tries (throttled); try again in a minute"
                )

    def record_attempt(self, profile_id: str, source: str, **attempt) -> None:
        """Note one refresh attempt in the status record (`attempt`: attempt_update's keywords)."""
        expression, names, values = attempt_update(source, **attempt)
        with self._operation(f"recording the {source} attempt of profile {profile_id!r}"):
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": text_value(self.partition(profile_id)), "sk": text_value(STATUS_KEY)},
                UpdateExpression=expression,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )

    def numbers_fetched_at(self, profile_id: str, sources: Sequence[str]) -> datetime | None:
        """When the newest stored numbers of `sources` were fetched (one BatchGetItem), or None."""
        keys = [
            {"pk": text_value(self.partition(profile_id)), "sk": text_value(header_key(s))}
            for s in sources
        ]
        items = self._batch_get(
            f"reading when the numbers of {profile_id!r} were fetched", keys, "fetched_at"
        )
        return max((parse_time(item["fetched_at"]["S"]) for item in items), default=None)

    def successes_at(self, profile_ids: Sequence[str], source: str) -> dict[str, datetime]:
        """When `source` last published for each profile (status records, 100 per request)."""
        attribute = f"success_{source}"
        profiles = {self.partition(p): p for p in profile_ids}
        keys = [{"pk": text_value(pk), "sk": text_value(STATUS_KEY)} for pk in profiles]
        items = self._batch_get(f"reading the {source} successes", keys, f"pk, {attribute}")
        return {
            profiles[item["pk"]["S"]]: parse_time(item[attribute]["S"])
            for item in items
            if attribute in item
        }

    def _batch_get(self, action: str, keys: list[dict], projection: str) -> list[dict]:
        """BatchGetItem in groups of 100 keys, retrying what DynamoDB leaves unprocessed."""
        items: list[dict] = []
        with self._operation(action):
            for start in range(0, len(keys), BATCH_GET_SIZE):
                batch = {
                    self.table_name: {
                        "Keys": keys[start : start + BATCH_GET_SIZE],
                        "ProjectionExpression": projection,
                    }
                }
                responses, pending = self._until_processed(
                    lambda keys: self.client.batch_get_item(RequestItems=keys),
                    batch,
                    "UnprocessedKeys",
                )
                for response in responses:
                    items.extend(response.get("Responses", {}).get(self.table_name, []))
                if pending:
                    raise CitationStoreError(
                        f"{action}: DynamoDB left keys unprocessed (throttled); try again later"
                    )
        return items

    def _until_processed(self, send, batch: dict, unprocessed: str) -> tuple[list[dict], dict]:
        """Send a batch request, then what DynamoDB left `unprocessed`, backing off, up to
        BATCH_ATTEMPTS times: every response, and what is still left (empty when done).

        Callers pass `send` as a lambda that writes the SDK call out, so the IAM scan
        (tests/iam_scan.py) still finds each operation in the function that makes it."""
        responses = []
        for attempt in range(BATCH_ATTEMPTS):
            responses.append(send(batch))
            batch = responses[-1].get(unprocessed, {})
            if not batch:
                break
            self.sleep(min(0.05 * 2**attempt, 2.0))
        return responses, batch

    def history(
        self, profile_id: str, source: str, since: date | None = None
    ) -> list[HistoryPoint]:
        """One point per day a snapshot of `source` was saved (from `since` on), oldest first."""
        prefix = f"{HISTORY_PREFIX}{source}#"
        after = f"{prefix}{since.isoformat()}" if since is not None else ""
        with self._operation(f"reading the {source} history of profile {profile_id!r}"):
            items = self._query(profile_id, prefix, after=after)
        return history_points(items)


@contextmanager
def table_operation(table_name: str, action: str) -> Iterator[None]:
    """Turn SDK errors met during `action` on the table into a CitationStoreError naming it."""
    try:
        yield
    except ClientError as error:
        if error_code(error) == "ResourceNotFoundException":
            raise CitationStoreError(
                f"{action}: DynamoDB table {table_name!r} not found; "
                "check ACADPAGE_TABLE (or --table) and the AWS region"
            ) from error
        raise CitationStoreError(describe_aws_error(error, action)) from error
    except BotoCoreError as error:
        raise CitationStoreError(describe_aws_error(error, action)) from error


def create_table(client, table_name: str, *, wait: bool = True) -> bool:
    """Create the citation table (on-demand billing); False when it exists already."""
    action = f"creating DynamoDB table {table_name!r}"
    try:
        client.create_table(
            TableName=table_name,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        if wait:
            client.get_waiter("table_exists").wait(
                TableName=table_name, WaiterConfig={"Delay": 2, "MaxAttempts": 60}
            )
    except ClientError as error:
        if error_code(error) == "ResourceInUseException":
            return False
        raise CitationStoreError(describe_aws_error(error, action)) from error
    except BotoCoreError as error:
        raise CitationStoreError(describe_aws_error(error, action)) from error
    return True
