"""A DynamoDB Query read past its 1 MB pages: the one paging loop of every table reader."""

from __future__ import annotations


def queried_items(client, request: dict) -> list[dict]:
    """Every item `request` (a Query's keywords) matches, page after page."""
    request = dict(request)
    items: list[dict] = []
    while True:
        response = client.query(**request)
        items.extend(response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
