"""The pacer's memory in the citation table: one state item behind a lease, the pages of a
multi-page fetch, and one clock per site's Scholar profile (the only DynamoDB module of the
pacer, given its client; the CitationStore keeps the numbers themselves).

Items (pk `PACER#scholar`): `STATE` (last request, pause, probe, job, lease), `JOB` (the
snapshot so far of a multi-page fetch), `CLOCK#<site id>` (Scholar id, fresh_at, failed_at).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.aws.errors import error_code
from chalicelib.citations.item_reader import snapshot_from_item
from chalicelib.citations.items import parse_time, text_value, time_text, whole_snapshot_item
from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.pacing import PacerState, ProfileClock, ScholarJob
from chalicelib.citations.store import CitationStoreError, table_operation

PACER_KEY = "PACER#scholar"
STATE_KEY = "STATE"
JOB_KEY = "JOB"
CLOCK_PREFIX = "CLOCK#"


class PacerStore:
    """The Scholar pacer's state, job and clocks in the citation table, given a low-level client."""

    def __init__(self, client, table_name: str):
        self.client = client
        self.table_name = table_name

    def _operation(self, action: str):
        return table_operation(self.table_name, action)

    def _key(self, sort_key: str) -> dict:
        return {"pk": text_value(PACER_KEY), "sk": text_value(sort_key)}

    def take_lease(self, owner: str, now: datetime, lease_s: float) -> PacerState | None:
        """The pacer's state, held by `owner` until now + lease_s; None while another holds it."""
        try:
            with self._operation("taking the Scholar pacer's lease"):
                item = self.client.update_item(
                    TableName=self.table_name,
                    Key=self._key(STATE_KEY),
                    UpdateExpression="SET lease_owner = :owner, lease_until = :until",
                    ConditionExpression="attribute_not_exists(lease_until) OR lease_until < :now",
                    ExpressionAttributeValues={
                        ":owner": text_value(owner),
                        ":until": text_value(time_text(now + timedelta(seconds=lease_s))),
                        ":now": text_value(time_text(now)),
                    },
                    ReturnValues="ALL_NEW",
                )["Attributes"]
        except CitationStoreError as error:
            if error_code(error.__cause__) == "ConditionalCheckFailedException":
                return None
            raise
        return pacer_state(item)

    def read_state(self) -> PacerState | None:
        """The pacer's state as stored, without the lease (for a status); None on a stack that
        never ran the tick. A Query, the one read the page's role already has."""
        with self._operation("reading the Scholar pacer"):
            items = self.client.query(
                TableName=self.table_name,
                KeyConditionExpression="pk = :pk AND sk = :sk",
                ExpressionAttributeValues={
                    ":pk": text_value(PACER_KEY),
                    ":sk": text_value(STATE_KEY),
                },
            ).get("Items", [])
        return pacer_state(items[0]) if items else None

    def note_request(self, owner: str, at: datetime) -> None:
        """Record a request's time before it is made: a crash after it still counts it."""
        self._update(owner, "SET last_request_at = :at", {":at": text_value(time_text(at))})

    def save_state(self, owner: str, state: PacerState) -> None:
        """Store the state after a request and give the lease back."""
        values: dict = {}
        assignments, removals = [], ["lease_until", "lease_owner"]
        for name, value in state_fields(state).items():
            if value is None:
                removals.append(name)
            else:
                assignments.append(f"{name} = :{name}")
                values[f":{name}"] = value
        expression = ("SET " + ", ".join(assignments) + " " if assignments else "") + (
            "REMOVE " + ", ".join(removals)
        )
        self._update(owner, expression, values)

    def release_lease(self, owner: str) -> None:
        """Give the lease back without changing the state (a tick that made no request)."""
        self._update(owner, "REMOVE lease_until, lease_owner", {})

    def _update(self, owner: str, expression: str, values: dict) -> None:
        with self._operation("updating the Scholar pacer"):
            self.client.update_item(
                TableName=self.table_name,
                Key=self._key(STATE_KEY),
                UpdateExpression=expression,
                ConditionExpression="lease_owner = :me",
                ExpressionAttributeValues={**values, ":me": text_value(owner)},
            )

    def profile_clocks(self) -> dict[str, ProfileClock]:
        """Every site's Scholar clock, by site id (one Query, paged past 1 MB)."""
        request = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": text_value(PACER_KEY),
                ":prefix": text_value(CLOCK_PREFIX),
            },
        }
        clocks: dict[str, ProfileClock] = {}
        with self._operation("reading the Scholar pacer's clocks"):
            while True:
                response = self.client.query(**request)
                for item in response.get("Items", []):
                    clock = profile_clock(item)
                    clocks[clock.site_id] = clock
                if "LastEvaluatedKey" not in response:
                    return clocks
                request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def save_clock(self, clock: ProfileClock) -> None:
        """Store one site's Scholar clock."""
        item = self._key(CLOCK_PREFIX + clock.site_id)
        item["scholar_id"] = text_value(clock.scholar_id)
        for name in ("fresh_at", "failed_at"):
            moment = getattr(clock, name)
            if moment is not None:
                item[name] = text_value(time_text(moment))
        with self._operation(f"saving the Scholar clock of site {clock.site_id!r}"):
            self.client.put_item(TableName=self.table_name, Item=item)

    def save_job(self, snapshot: CitationSnapshot) -> None:
        """Keep the pages fetched so far of a multi-page profile, as one snapshot."""
        with self._operation(f"keeping the Scholar pages of {snapshot.profile_id!r}"):
            self.client.put_item(
                TableName=self.table_name,
                Item=whole_snapshot_item(PACER_KEY, JOB_KEY, snapshot),
            )

    def load_job(self) -> CitationSnapshot | None:
        """The pages fetched so far of the multi-page profile under way, or None."""
        with self._operation("reading the Scholar pages kept so far"):
            item = self.client.get_item(
                TableName=self.table_name, Key=self._key(JOB_KEY), ConsistentRead=True
            ).get("Item")
        return snapshot_from_item(item) if item else None


def state_fields(state: PacerState) -> dict[str, dict | None]:
    """The state item's attributes (None: to remove) for `state`."""
    job = state.job

    def moment(value: datetime | None) -> dict | None:
        return text_value(time_text(value)) if value is not None else None

    return {
        "last_request_at": moment(state.last_request_at),
        "paused_until": moment(state.paused_until),
        "pause_reason": text_value(state.pause_reason[:500]) if state.pause_reason else None,
        "probe": {"BOOL": True} if state.probe else None,
        "job_site": text_value(job.site_id) if job else None,
        "job_scholar": text_value(job.scholar_id) if job else None,
        "job_page": {"N": str(job.next_page)} if job else None,
        "job_started_at": moment(job.started_at) if job else None,
    }


def pacer_state(item: dict) -> PacerState:
    """The pacer's state from its item (a new stack's item holds only the lease)."""

    def moment(name: str) -> datetime | None:
        return parse_time(item[name]["S"]) if name in item else None

    job = None
    if "job_site" in item:
        job = ScholarJob(
            item["job_site"]["S"],
            item["job_scholar"]["S"],
            int(item["job_page"]["N"]),
            parse_time(item["job_started_at"]["S"]),
        )
    return PacerState(
        last_request_at=moment("last_request_at"),
        paused_until=moment("paused_until"),
        pause_reason=item.get("pause_reason", {}).get("S", ""),
        probe=bool(item.get("probe", {}).get("BOOL")),
        job=job,
    )


def profile_clock(item: dict) -> ProfileClock:
    """One site's Scholar clock from its item."""
    return ProfileClock(
        site_id=item["sk"]["S"][len(CLOCK_PREFIX) :],
        scholar_id=item["scholar_id"]["S"],
        fresh_at=parse_time(item["fresh_at"]["S"]) if "fresh_at" in item else None,
        failed_at=parse_time(item["failed_at"]["S"]) if "failed_at" in item else None,
    )
