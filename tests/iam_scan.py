"""The AWS calls each Lambda function can make: its handlers in app.py, followed into chalicelib.

A definition (function or method) reaches every definition whose name it mentions: a bare name
(a call, a callback passed by name, a class it builds) names a function or class of its own module
or one it imports by that name, `self.name` a method of its own class, `other.name` any method or
module function of that name. A function's
calls are those of every definition its handlers reach. Following names over-approximates, so a
function's reach can only be larger than what it runs, never smaller.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

from botocore import xform_name
from botocore.session import get_session

from chalicelib.aws.stages import PAGE_FUNCTION
from tests.conftest import ROOT

SERVICES = ("s3", "dynamodb", "cloudfront")
# Modules no Lambda function runs: the command line and the embedded AWS of `acadpage serve`.
NOT_IN_LAMBDA = ("chalicelib/cli/", "chalicelib/aws/embedded.py")
# Operations whose IAM action has another name.
IAM_ACTION_OF = {
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjects": "s3:ListBucket",
}


@dataclass
class Definition:
    """One function or method: where it is, the names it mentions, the AWS calls it makes."""

    module: str
    name: str  # "function", "Class.method" or "function.inner"
    is_method: bool = False
    names: set[str] = field(default_factory=set)  # bare names it mentions
    own_attributes: set[str] = field(default_factory=set)  # self.<name>
    attributes: set[str] = field(default_factory=set)  # <anything else>.<name>
    calls: set[str] = field(default_factory=set)
    decorators: set[str] = field(default_factory=set)


@cache
def operations() -> dict[str, str]:
    """boto3 method name -> "service:Operation", for the services acadpage uses."""
    session = get_session()
    names = {}
    for service in SERVICES:
        for operation in session.get_service_model(service).operation_names:
            names[xform_name(operation)] = f"{service}:{operation}"
    return names


def aws_call(node: ast.AST) -> str | None:
    """The IAM action of `client.operation(...)`, `self.client.operation(...)` or
    `make_client().operation(...)`, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    receiver = node.func.value
    on_client = isinstance(receiver, ast.Name) and receiver.id != "self"
    on_self_client = (
        isinstance(receiver, ast.Attribute)
        and isinstance(receiver.value, ast.Name)
        and receiver.value.id == "self"
    )
    from_factory = isinstance(receiver, ast.Call)
    operation = operations().get(node.func.attr)
    if operation and (on_client or on_self_client or from_factory):
        return IAM_ACTION_OF.get(operation, operation)
    return None


def definitions_in(module: str, tree: ast.Module) -> list[Definition]:
    """Every function and method in `tree` (nested ones too), with what it mentions and calls."""
    found = []

    def visit(node: ast.AST, prefix: str, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.", True)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                definition = Definition(module, prefix + child.name, is_method=in_class)
                for inner in ast.walk(child):
                    if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                        definition.names.add(inner.id)
                    elif isinstance(inner, ast.Attribute) and isinstance(inner.ctx, ast.Load):
                        on_self = isinstance(inner.value, ast.Name) and inner.value.id == "self"
                        (definition.own_attributes if on_self else definition.attributes).add(
                            inner.attr
                        )
                    if action := aws_call(inner):
                        definition.calls.add(action)
                definition.decorators = {
                    ast.unparse(d.func if isinstance(d, ast.Call) else d)
                    for d in child.decorator_list
                }
                found.append(definition)
                visit(child, f"{prefix}{child.name}.", False)

    visit(tree, "", False)
    return found


@cache
def lambda_modules() -> dict[str, ast.Module]:
    """app.py and every chalicelib module a Lambda function may run, parsed."""
    paths = [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
    modules = {path.relative_to(ROOT).as_posix(): path for path in paths}
    return {
        name: ast.parse(path.read_text())
        for name, path in modules.items()
        if not name.startswith(NOT_IN_LAMBDA)
    }


@cache
def imported_names() -> dict[str, frozenset[str]]:
    """Module -> the names it imports with `from ... import name` (anywhere in it)."""
    return {
        module: frozenset(
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        )
        for module, tree in lambda_modules().items()
    }


@cache
def lambda_definitions() -> tuple[Definition, ...]:
    """The definitions of every module a Lambda function may run."""
    found = []
    for module, tree in lambda_modules().items():
        found += definitions_in(module, tree)
    return tuple(found)


def reached_from(handlers: list[Definition]) -> list[Definition]:
    """The handlers and every definition they reach by name."""
    functions: dict[str, list[Definition]] = {}  # by bare name: functions and class builders
    members: dict[str, list[Definition]] = {}  # by attribute name: methods and module functions
    for definition in lambda_definitions():
        *outer, name = definition.name.split(".")
        members.setdefault(name, []).append(definition)
        if not definition.is_method:
            functions.setdefault(name, []).append(definition)
        elif name in ("__init__", "__post_init__"):
            functions.setdefault(outer[-1], []).append(definition)

    def targets(source: Definition) -> list[Definition]:
        own_class = source.name.rsplit(".", 1)[0] + "." if source.is_method else None
        imported = imported_names()[source.module]
        found = [
            t
            for name in source.names
            for t in functions.get(name, [])
            if t.module == source.module or name in imported
        ]
        found += [t for name in source.attributes for t in members.get(name, [])]
        found += [
            t
            for name in source.own_attributes
            for t in members.get(name, [])
            if t.module == source.module and own_class and t.name == own_class + name
        ]
        return found

    reached = {id(d): d for d in handlers}
    pending = list(handlers)
    while pending:
        for target in targets(pending.pop()):
            if id(target) not in reached:
                reached[id(target)] = target
                pending.append(target)
    return list(reached.values())


def handlers(function: str) -> list[Definition]:
    """The handlers in app.py that `function` (a Chalice function name) runs: every route for
    the page, the one `@app.schedule` handler of that name for a scheduled function."""
    in_app = [d for d in lambda_definitions() if d.module == "app.py"]
    if function == PAGE_FUNCTION:
        return [d for d in in_app if "app.route" in d.decorators]
    return [d for d in in_app if "app.schedule" in d.decorators and d.name == function]


def calls_of(function: str) -> dict[str, set[str]]:
    """IAM action -> the definitions ("module:name") through which `function` makes that call."""
    called: dict[str, set[str]] = {}
    for definition in reached_from(handlers(function)):
        for action in definition.calls:
            called.setdefault(action, set()).add(f"{definition.module}:{definition.name}")
    return called
