"""The site registry: which member sites a deployment serves and at which host names, kept in
the citation table beside the numbers (no new AWS resource per site), given its client."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from botocore.exceptions import ClientError

from chalicelib.aws.errors import AwsError, aws_operation, error_code
from chalicelib.lab.hosts import HostError, host_name
from chalicelib.lab.siteid import SiteId, SiteIdError
from chalicelib.settings import Settings

# Two partitions no member's key can name (theirs all start with SITE#<id>#, see lab.siteid):
SITES_PARTITION = "REGISTRY#SITES"  # one item per member site, sorted by id
HOSTS_PARTITION = "REGISTRY#HOSTS"  # one item per host name, naming its site


class RegistryError(AwsError):
    """A registry change that cannot be made (a taken host, an unknown site), named."""


@dataclass(frozen=True)
class SiteRecord:
    """A member site: its id, the host names it answers at, and its citation profiles."""

    site: SiteId
    hosts: tuple[str, ...] = ()
    scholar_id: str = ""
    openalex_id: str = ""
    orcid: str = ""
    added: str = ""


def member_settings(deployment: Settings, record: SiteRecord) -> Settings:
    """The settings a member is refreshed and shown with: the deployment's, with the member's
    own profiles in place of the deployment's (and its own profile key)."""
    return replace(deployment, scholar_id=record.scholar_id, openalex_id=record.openalex_id,
                   orcid_id=record.orcid, semanticscholar_id="", profile_key="")  # fmt: skip


def _text(value: str) -> dict:
    return {"S": value}


def record_item(record: SiteRecord) -> dict:
    """The table item of a site record."""
    item = {"pk": _text(SITES_PARTITION), "sk": _text(record.site.name)}
    fields = {"scholar_id": record.scholar_id, "openalex_id": record.openalex_id,
              "orcid": record.orcid, "added": record.added}  # fmt: skip
    item.update({name: _text(value) for name, value in fields.items() if value})
    if record.hosts:
        item["hosts"] = {"L": [_text(host) for host in record.hosts]}
    return item


def record_from_item(item: dict) -> SiteRecord | None:
    """A site record read back, or None when the item is not one (never a half-read record)."""
    try:
        site = SiteId.parse(item["sk"]["S"], "registry item")
        hosts = tuple(host_name(value["S"]) for value in item.get("hosts", {}).get("L", []))
    except (KeyError, TypeError, SiteIdError, HostError):
        return None
    text = {name: item.get(name, {}).get("S", "") for name in
            ("scholar_id", "openalex_id", "orcid", "added")}  # fmt: skip
    return SiteRecord(site, hosts, **text)


class SiteRegistry:
    """The member sites of one deployment, in its table, read."""

    def __init__(self, client, table_name: str):
        self.client = client
        self.table_name = table_name

    def get(self, site: SiteId) -> SiteRecord | None:
        """The record of `site`, or None when it is not registered."""
        with aws_operation(f"reading site {site} from the registry"):
            answer = self.client.get_item(
                TableName=self.table_name, Key=_key(SITES_PARTITION, site.name)
            )
        return record_from_item(answer["Item"]) if "Item" in answer else None

    def site_for_host(self, host: str) -> SiteId | None:
        """The member site registered at `host`, or None."""
        with aws_operation(f"looking up host {host} in the registry"):
            answer = self.client.get_item(
                TableName=self.table_name, Key=_key(HOSTS_PARTITION, host)
            )
        try:
            return SiteId.parse(answer["Item"]["site"]["S"]) if "Item" in answer else None
        except (KeyError, SiteIdError):
            return None

    def sites(self) -> list[SiteRecord]:
        """Every registered member site, by id."""
        request = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _text(SITES_PARTITION)},
        }
        records: list[SiteRecord] = []
        with aws_operation("listing the registered sites"):
            while True:
                answer = self.client.query(**request)
                records.extend(filter(None, map(record_from_item, answer.get("Items", []))))
                if "LastEvaluatedKey" not in answer:
                    return records
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


class SiteRegistrar(SiteRegistry):
    """The registry's writes, for `acadpage site` alone: the page and refresh only read it."""

    def register(self, record: SiteRecord, *, now: datetime | None = None) -> SiteRecord:
        """Register `record` (or update its profiles and hosts); a host another site holds is
        refused before anything is written."""
        for host in record.hosts:
            holder = self.site_for_host(host)
            if holder is not None and holder != record.site:
                raise RegistryError(f"host {host}: already the address of site {holder}")
        previous = self.get(record.site)
        added = (
            previous.added if previous else (now or datetime.now(UTC)).isoformat(timespec="seconds")
        )
        record = SiteRecord(record.site, record.hosts, record.scholar_id, record.openalex_id,
                            record.orcid, added)  # fmt: skip
        with aws_operation(f"registering site {record.site}"):
            for host in record.hosts:
                item = {**_key(HOSTS_PARTITION, host), "site": _text(record.site.name)}
                self.client.put_item(TableName=self.table_name, Item=item)
            self.client.put_item(TableName=self.table_name, Item=record_item(record))
            for host in set(previous.hosts if previous else ()) - set(record.hosts):
                self._release_host(host, record.site)
        return record

    def unregister(self, site: SiteId) -> SiteRecord:
        """Forget `site` and its host names; its content and numbers stay until deleted."""
        record = self.get(site)
        if record is None:
            raise RegistryError(f"site {site}: not registered (`acadpage site list` shows them)")
        with aws_operation(f"removing site {site} from the registry"):
            for host in record.hosts:
                self._release_host(host, site)
            self.client.delete_item(TableName=self.table_name, Key=_key(SITES_PARTITION, site.name))
        return record

    def _release_host(self, host: str, site: SiteId) -> None:
        try:
            self.client.delete_item(
                TableName=self.table_name,
                Key=_key(HOSTS_PARTITION, host),
                ConditionExpression="#site = :site",
                ExpressionAttributeNames={"#site": "site"},
                ExpressionAttributeValues={":site": _text(site.name)},
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":  # held by another site now
                raise


def _key(partition: str, sort_key: str) -> dict:
    return {"pk": _text(partition), "sk": _text(sort_key)}
