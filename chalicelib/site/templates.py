"""The one Jinja2 environment of the templates/ folder, and their compilation for the package.

Kept apart from the page's rendering so that what renders one part of the page (an importer
checking a paper against acadpage's own template) needs no citation model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

# templates/ sits beside app.py both in the repository and in the deployment zip (vendor/templates).
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
# The templates compiled by `make package` (scripts/compile_templates.py), so that a cold start
# loads them instead of compiling them; without it (or for a changed template) Jinja compiles.
COMPILED_DIR = TEMPLATES_DIR / "compiled"


class _TemplateFiles(FileSystemLoader):
    """templates/, each file named `templates/<name>` rather than by this machine's path: Jinja
    keys compiled code by that name, so what `make package` compiles is found in Lambda too."""

    def get_source(self, environment, template):
        source, _, uptodate = super().get_source(environment, template)
        return source, f"templates/{template}", uptodate


class _PackagedBytecode(FileSystemBytecodeCache):
    """The compiled templates shipped in the package, read only (Lambda's code is read-only).

    Jinja checks each entry against its template's source and its own Python version, so a
    changed template or another Python simply compiles again."""

    def dump_bytecode(self, bucket) -> None:
        """Never written at run time."""


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment: autoescaped, strict about missing names, templates cached."""
    return _environment(_PackagedBytecode(str(COMPILED_DIR)))


def _environment(
    bytecode_cache: FileSystemBytecodeCache, templates: Path = TEMPLATES_DIR
) -> Environment:
    env = Environment(
        loader=_TemplateFiles(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=bytecode_cache,
    )
    env.filters["thousands"] = lambda number: f"{number:,}"
    return env


def compile_templates(directory: Path = COMPILED_DIR, templates: Path = TEMPLATES_DIR) -> list[str]:
    """Compile every template into `directory` for the package; returns the names compiled."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("__jinja2_*.cache"):
        stale.unlink()
    env = _environment(FileSystemBytecodeCache(str(directory)), templates)
    names = [name for name in env.list_templates() if name.endswith((".html", ".css"))]
    for name in names:
        env.get_template(name)
    return names
