"""In-memory stand-ins for the DynamoDB and S3 low-level clients, given to the stores the way a
boto3 client is, for simulations of thousands of sites (tests/fanout_sim.py).

Only the operations, parameters and expressions the citation store, the pacer store and the
stats writer use; anything else raises NotImplementedError, so a new call fails here instead of
drifting from DynamoDB. tests/test_memory_aws.py runs one simulation on moto and on these and
asserts the same requests, answers and stored items.
"""

from __future__ import annotations

import bisect
import marshal
import re
from decimal import Decimal
from functools import cache

from botocore.exceptions import ClientError

ITEM_LIMIT = 400 * 1024  # DynamoDB's largest item
PAGE_LIMIT = 1024 * 1024  # a Query answers at most 1 MB of items
BATCH_WRITE_LIMIT = 25
BATCH_GET_LIMIT = 100


def client_error(operation: str, code: str, message: str) -> ClientError:
    """The error botocore raises for an AWS error answer."""
    answer = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    return ClientError(answer, operation)


def item_bytes(item: dict) -> int:
    """An item's size as DynamoDB counts it (names and values), near enough for its units."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: dict) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner)
    if kind == "B":
        return len(inner)
    if kind == "BOOL":
        return 1
    if kind == "L":
        return 3 + sum(_value_bytes(each) + 1 for each in inner)
    if kind == "M":
        return 3 + item_bytes(inner)
    raise NotImplementedError(f"attribute type {kind!r}")


def _copy(value):
    """A deep copy of an attribute map, as a new answer would be (strings and bytes only)."""
    return marshal.loads(marshal.dumps(value))


# Expressions: a tokenizer and a recursive-descent parser for the subset the stores write.
_TOKEN = re.compile(r"\s*(<>|<=|>=|[=<>(),]|[#:]?[A-Za-z_][A-Za-z0-9_]*)")
_FUNCTIONS = {"attribute_exists", "attribute_not_exists", "begins_with"}
_COMPARATORS = {"=", "<>", "<", "<=", ">", ">="}


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None:
            raise NotImplementedError(f"expression {text!r}: cannot read from {text[position:]!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token.upper() != expected):
            raise NotImplementedError(
                f"expression {self.text!r}: expected {expected}, got {token!r}"
            )
        self.at += 1
        return token

    def condition(self):
        node = self.conjunction()
        while (self.peek() or "").upper() == "OR":
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.negation()
        while (self.peek() or "").upper() == "AND":
            self.take()
            node = ("and", node, self.negation())
        return node

    def negation(self):
        if (self.peek() or "").upper() == "NOT":
            self.take()
            return ("not", self.negation())
        if self.peek() == "(":
            self.take()
            node = self.condition()
            self.take(")")
            return node
        if self.peek() in _FUNCTIONS:
            name = self.take()
            self.take("(")
            arguments = [self.operand()]
            while self.peek() == ",":
                self.take()
                arguments.append(self.operand())
            self.take(")")
            return ("call", name, *arguments)
        left = self.operand()
        token = self.take()
        if token.upper() == "BETWEEN":
            low = self.operand()
            self.take("AND")
            return ("between", left, low, self.operand())
        if token not in _COMPARATORS:
            raise NotImplementedError(f"expression {self.text!r}: comparator {token!r}")
        return ("compare", token, left, self.operand())

    def operand(self):
        token = self.take()
        if token.startswith(":"):
            return ("value", token)
        if re.fullmatch(r"#?[A-Za-z_][A-Za-z0-9_]*", token) and token.upper() not in {
            "AND", "OR", "NOT", "BETWEEN", "SET", "REMOVE", "ADD", "DELETE",
        }:  # fmt: skip
            return ("path", token)
        raise NotImplementedError(f"expression {self.text!r}: operand {token!r}")

    def update(self):
        """(clause, path, operand or None) for SET a = :v, REMOVE a, ADD a :v."""
        actions = []
        while self.peek() is not None:
            clause = self.take().upper()
            if clause not in {"SET", "REMOVE", "ADD"}:
                raise NotImplementedError(f"update {self.text!r}: clause {clause!r}")
            while True:
                path = self.operand()
                if path[0] != "path":
                    raise NotImplementedError(f"update {self.text!r}: {path!r} is not a name")
                if clause == "SET":
                    self.take("=")
                    value = self.operand()
                    if value[0] != "value":
                        raise NotImplementedError(f"update {self.text!r}: only SET a = :v")
                    actions.append(("SET", path, value))
                elif clause == "ADD":
                    actions.append(("ADD", path, self.operand()))
                else:
                    actions.append(("REMOVE", path, None))
                if self.peek() != ",":
                    break
                self.take()
        return actions

    def end(self, node):
        if self.peek() is not None:
            raise NotImplementedError(f"expression {self.text!r}: left over {self.peek()!r}")
        return node


@cache
def parse_condition(text: str):
    """A condition or key-condition expression as a tree of tuples."""
    parser = _Parser(text)
    return parser.end(parser.condition())


@cache
def parse_update(text: str):
    parser = _Parser(text)
    return parser.end(parser.update())


def _name(path, names: dict) -> str:
    token = path[1]
    if token.startswith("#"):
        if token not in names:
            raise client_error("Expression", "ValidationException", f"{token} is not defined")
        return names[token]
    return token


def _resolve(operand, item: dict, names: dict, values: dict):
    if operand[0] == "value":
        if operand[1] not in values:
            raise client_error("Expression", "ValidationException", f"{operand[1]} is not defined")
        return values[operand[1]]
    return item.get(_name(operand, names))


def _ordered(value):
    """(type, comparable) of an attribute value; comparisons only hold within one type."""
    ((kind, inner),) = value.items()
    return kind, Decimal(inner) if kind == "N" else inner


def evaluate(node, item: dict, names: dict, values: dict) -> bool:
    """Whether `item` meets the condition tree `node`."""
    operator = node[0]
    if operator == "or":
        return evaluate(node[1], item, names, values) or evaluate(node[2], item, names, values)
    if operator == "and":
        return evaluate(node[1], item, names, values) and evaluate(node[2], item, names, values)
    if operator == "not":
        return not evaluate(node[1], item, names, values)
    if operator == "call":
        name, *arguments = node[1:]
        if name in ("attribute_exists", "attribute_not_exists"):
            present = _name(arguments[0], names) in item
            return present if name == "attribute_exists" else not present
        text, prefix = (_resolve(a, item, names, values) for a in arguments)
        return (
            text is not None and "S" in text and "S" in prefix and text["S"].startswith(prefix["S"])
        )
    resolved = [
        _resolve(operand, item, names, values)
        for operand in node[2 if operator == "compare" else 1 :]
    ]
    if any(value is None for value in resolved):
        return False
    if operator == "compare" and node[1] in ("=", "<>"):
        equal = (
            resolved[0] == resolved[1]
            if next(iter(resolved[0])) != "N"
            else _ordered(resolved[0]) == _ordered(resolved[1])
        )
        return equal if node[1] == "=" else not equal
    ordered = [_ordered(value) for value in resolved]
    if len({kind for kind, _ in ordered}) > 1 or ordered[0][0] not in ("S", "N", "B"):
        return False
    keys = [inner for _, inner in ordered]
    if operator == "between":
        return keys[1] <= keys[0] <= keys[2]
    return {
        "<": keys[0] < keys[1],
        "<=": keys[0] <= keys[1],
        ">": keys[0] > keys[1],
        ">=": keys[0] >= keys[1],
    }[node[1]]


class _Table:
    """Items by partition and sort key, each kept serialized (a read answers a new copy) with
    its size; each partition's sort keys in order, as a Query walks them."""

    def __init__(self, hash_key: str, range_key: str):
        self.hash_key = hash_key
        self.range_key = range_key
        self.partitions: dict[str, dict[str, tuple[bytes, int]]] = {}
        self.sorted_keys: dict[str, list[str]] = {}

    def key_of(self, item: dict) -> tuple[str, str]:
        return item[self.hash_key]["S"], item[self.range_key]["S"]

    def get(self, key: dict) -> dict | None:
        pk, sk = self.key_of(key)
        kept = self.partitions.get(pk, {}).get(sk)
        return marshal.loads(kept[0]) if kept is not None else None

    def put(self, item: dict) -> None:
        pk, sk = self.key_of(item)
        partition = self.partitions.setdefault(pk, {})
        if sk not in partition:
            bisect.insort(self.sorted_keys.setdefault(pk, []), sk)
        partition[sk] = (marshal.dumps(item), item_bytes(item))

    def delete(self, key: dict) -> None:
        pk, sk = self.key_of(key)
        if self.partitions.get(pk, {}).pop(sk, None) is not None:
            keys = self.sorted_keys[pk]
            del keys[bisect.bisect_left(keys, sk)]

    def items(self, pk: str, sort_keys: list[str]):
        """(sort key, item, size) of `sort_keys` in partition `pk`."""
        partition = self.partitions.get(pk, {})
        for sk in sort_keys:
            kept = partition[sk]
            yield sk, marshal.loads(kept[0]), kept[1]


class MemoryDynamoDB:
    """The DynamoDB low-level client's calls the stores make, on tables held in memory."""

    def __init__(self):
        self.tables: dict[str, _Table] = {}

    def _table(self, operation: str, name: str) -> _Table:
        if name not in self.tables:
            raise client_error(
                operation, "ResourceNotFoundException", "Requested resource not found"
            )
        return self.tables[name]

    def create_table(self, *, TableName, AttributeDefinitions, KeySchema, BillingMode):
        if TableName in self.tables:
            raise client_error("CreateTable", "ResourceInUseException", "Table already exists")
        kinds = {each["AttributeName"]: each["AttributeType"] for each in AttributeDefinitions}
        roles = {each["KeyType"]: each["AttributeName"] for each in KeySchema}
        if (
            set(roles) != {"HASH", "RANGE"}
            or set(kinds.values()) != {"S"}
            or BillingMode != "PAY_PER_REQUEST"
        ):
            raise NotImplementedError("only on-demand tables of two string keys")
        self.tables[TableName] = _Table(roles["HASH"], roles["RANGE"])
        return {"TableDescription": {"TableName": TableName, "TableStatus": "ACTIVE"}}

    def put_item(self, *, TableName, Item, ConditionExpression=None, ExpressionAttributeNames=None,
                 ExpressionAttributeValues=None, ReturnValues="NONE"):  # fmt: skip
        table = self._table("PutItem", TableName)
        _check_size("PutItem", Item)
        old = table.get(Item)
        self._check(
            "PutItem", ConditionExpression, old, ExpressionAttributeNames, ExpressionAttributeValues
        )
        table.put(Item)
        return _returned("PutItem", ReturnValues, old, None, {"ALL_OLD"})

    def update_item(self, *, TableName, Key, UpdateExpression, ConditionExpression=None,
                    ExpressionAttributeNames=None, ExpressionAttributeValues=None,
                    ReturnValues="NONE"):  # fmt: skip
        table = self._table("UpdateItem", TableName)
        names, values = ExpressionAttributeNames or {}, ExpressionAttributeValues or {}
        old = table.get(Key)
        self._check("UpdateItem", ConditionExpression, old, names, values)
        new = table.get(Key) if old is not None else _copy(Key)
        for clause, path, operand in parse_update(UpdateExpression):
            name = _name(path, names)
            if name in (table.hash_key, table.range_key):
                raise client_error("UpdateItem", "ValidationException", f"cannot update key {name}")
            if clause == "SET":
                new[name] = _resolve(operand, new, names, values)
            elif clause == "REMOVE":
                new.pop(name, None)
            else:
                added = _resolve(operand, new, names, values)
                if set(added) != {"N"} or set(new.get(name, {"N": "0"})) != {"N"}:
                    raise NotImplementedError("ADD of numbers only")
                total = Decimal(new.get(name, {"N": "0"})["N"]) + Decimal(added["N"])
                new[name] = {
                    "N": str(total.normalize() if total != total.to_integral() else int(total))
                }
        _check_size("UpdateItem", new)
        table.put(new)
        return _returned("UpdateItem", ReturnValues, old, new, {"ALL_NEW", "ALL_OLD"})

    def get_item(self, *, TableName, Key, ConsistentRead=False):
        item = self._table("GetItem", TableName).get(Key)
        return {"Item": item} if item is not None else {}

    def query(self, *, TableName, KeyConditionExpression, ExpressionAttributeValues,
              ExpressionAttributeNames=None, ConsistentRead=False, Limit=None,
              ExclusiveStartKey=None):  # fmt: skip
        table = self._table("Query", TableName)
        names, values = ExpressionAttributeNames or {}, ExpressionAttributeValues
        pk, keys = _keys_asked(parse_condition(KeyConditionExpression), table, names, values)
        if ExclusiveStartKey is not None:
            after = ExclusiveStartKey[table.range_key]["S"]
            keys = keys[bisect.bisect_right(keys, after) :]
        items, size, last = [], 0, None
        for sk, item, item_size in table.items(pk, keys):
            items.append(item)
            size += item_size
            # as DynamoDB: a page that reached its Limit names its last key, even the table's last
            if (Limit is not None and len(items) >= Limit) or (
                size >= PAGE_LIMIT and sk != keys[-1]
            ):
                last = sk
                break
        answer = {"Items": items, "Count": len(items), "ScannedCount": len(items)}
        if last is not None:
            answer["LastEvaluatedKey"] = {table.hash_key: {"S": pk}, table.range_key: {"S": last}}
        return answer

    def batch_write_item(self, *, RequestItems):
        if sum(len(requests) for requests in RequestItems.values()) > BATCH_WRITE_LIMIT:
            raise client_error("BatchWriteItem", "ValidationException", "Too many items requested")
        for name, requests in RequestItems.items():
            table = self._table("BatchWriteItem", name)
            keys = [table.key_of(r.get("PutRequest", {}).get("Item") or r["DeleteRequest"]["Key"])
                    for r in requests]  # fmt: skip
            if len(set(keys)) != len(keys):
                raise client_error("BatchWriteItem", "ValidationException",
                                   "Provided list of item keys contains duplicates")  # fmt: skip
            for request in requests:
                if "PutRequest" in request:
                    _check_size("BatchWriteItem", request["PutRequest"]["Item"])
                    table.put(request["PutRequest"]["Item"])
                else:
                    table.delete(request["DeleteRequest"]["Key"])
        return {"UnprocessedItems": {}}

    def batch_get_item(self, *, RequestItems):
        if sum(len(asked["Keys"]) for asked in RequestItems.values()) > BATCH_GET_LIMIT:
            raise client_error("BatchGetItem", "ValidationException", "Too many items requested")
        responses = {}
        for name, asked in RequestItems.items():
            table = self._table("BatchGetItem", name)
            if set(asked) - {"Keys", "ProjectionExpression", "ConsistentRead"}:
                raise NotImplementedError(f"BatchGetItem: {sorted(asked)}")
            wanted = None
            if "ProjectionExpression" in asked:
                wanted = [part.strip() for part in asked["ProjectionExpression"].split(",")]
                if any(not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part) for part in wanted):
                    raise NotImplementedError(f"projection {asked['ProjectionExpression']!r}")
            found = []
            for key in asked["Keys"]:
                item = table.get(key)
                if item is not None:
                    kept = item if wanted is None else {n: item[n] for n in wanted if n in item}
                    found.append(kept)
            responses[name] = found
        return {"Responses": responses, "UnprocessedKeys": {}}

    def scan(self, *, TableName, ExclusiveStartKey=None):
        """Every item at once (the tests compare whole tables; no 1 MB pages)."""
        if ExclusiveStartKey is not None:
            raise NotImplementedError("scan answers everything in one page")
        table = self._table("Scan", TableName)
        items = [
            item for pk in table.partitions for _, item, _ in table.items(pk, table.sorted_keys[pk])
        ]
        return {"Items": items, "Count": len(items), "ScannedCount": len(items)}

    def _check(self, operation, expression, old, names, values) -> None:
        if expression is None:
            return
        if not evaluate(parse_condition(expression), old or {}, names or {}, values or {}):
            raise client_error(
                operation, "ConditionalCheckFailedException", "The conditional request failed"
            )


def _keys_asked(condition, table: _Table, names: dict, values: dict) -> tuple[str, list[str]]:
    """The partition and its sort keys, in order, that a key condition selects: `pk = :pk`,
    alone or AND one of =, <, <=, >, >=, BETWEEN, begins_with on the sort key (DynamoDB's)."""
    first, second = (condition[1], condition[2]) if condition[0] == "and" else (condition, None)
    if not (first[0] == "compare" and first[1] == "=" and first[2][0] == "path"
            and _name(first[2], names) == table.hash_key):  # fmt: skip
        raise NotImplementedError(f"key condition {condition!r}: expected the partition key first")
    pk = _resolve(first[3], {}, names, values)["S"]
    keys = table.sorted_keys.get(pk, [])
    if second is None:
        return pk, list(keys)
    operator = second[0]
    if operator == "call" and second[1] == "begins_with":
        path, operand = second[2:]
    elif operator in ("compare", "between"):
        path, *operands = second[2:] if operator == "compare" else second[1:]
    else:
        raise NotImplementedError(f"key condition {condition!r}")
    if path[0] != "path" or _name(path, names) != table.range_key:
        raise NotImplementedError(f"key condition {condition!r}: expected the sort key")
    if operator == "call":
        prefix = _resolve(operand, {}, names, values)["S"]
        start = bisect.bisect_left(keys, prefix)
        stop = start
        while stop < len(keys) and keys[stop].startswith(prefix):
            stop += 1
        return pk, keys[start:stop]
    bounds = [_resolve(each, {}, names, values)["S"] for each in operands]
    if operator == "between":
        return pk, keys[bisect.bisect_left(keys, bounds[0]) : bisect.bisect_right(keys, bounds[1])]
    left, right = bisect.bisect_left(keys, bounds[0]), bisect.bisect_right(keys, bounds[0])
    chosen = {"=": (left, right), "<": (0, left), "<=": (0, right), ">": (right, None),
              ">=": (left, None)}[second[1]]  # fmt: skip
    return pk, keys[chosen[0] : chosen[1]]


def _returned(operation: str, asked: str, old, new, allowed: set[str]) -> dict:
    if asked == "NONE":
        return {}
    if asked not in allowed:
        raise NotImplementedError(f"{operation}: ReturnValues={asked}")
    item = old if asked == "ALL_OLD" else new
    return {"Attributes": _copy(item)} if item is not None else {}


def _check_size(operation: str, item: dict) -> None:
    if item_bytes(item) > ITEM_LIMIT:
        raise client_error(
            operation, "ValidationException", "Item size has exceeded the maximum allowed size"
        )


class MemoryS3:
    """The S3 low-level client's calls the stats writer makes (and a listing for the tests)."""

    def __init__(self):
        self.buckets: dict[str, dict[str, dict]] = {}

    def create_bucket(self, *, Bucket):
        self.buckets.setdefault(Bucket, {})
        return {"Location": f"/{Bucket}"}

    def put_object(self, *, Bucket, Key, Body, ContentType=None, CacheControl=None):
        if Bucket not in self.buckets:
            raise client_error("PutObject", "NoSuchBucket", "The specified bucket does not exist")
        self.buckets[Bucket][Key] = {"Body": bytes(Body), "ContentType": ContentType,
                                     "CacheControl": CacheControl}  # fmt: skip
        return {}

    def objects(self, bucket: str) -> dict[str, dict]:
        """Every object of `bucket`: key -> body and headers."""
        return dict(self.buckets[bucket])
