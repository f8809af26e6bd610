"""The acadpage command: one subcommand module per area, each with a register(subparsers)."""

from __future__ import annotations

import argparse
import importlib
import sys

from chalicelib.errors import UserError

COMMAND_MODULES = (
    "init",
    "content",
    "serve",
    "scholar",
    "citations",
    "bootstrap",
    "publish",
    "imports",
    "lab",
    "import_site",
    "sites",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand that is installed."""
    parser = argparse.ArgumentParser(prog="acadpage", description="A serverless academic homepage.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"chalicelib.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"chalicelib.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; a UserError becomes one line on stderr and exit code 1."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except UserError as error:
        print(f"acadpage: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("acadpage: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
