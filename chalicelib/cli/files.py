"""Reading the user's local files, with one-line errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.errors import UserError


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a UserError saying why they cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: expected a file, got a directory") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from None


def read_text(path: Path) -> str:
    """The file as UTF-8 text, or a UserError naming the first byte that is not."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path}: expected UTF-8 text, got byte 0x{raw[error.start]:02x} "
            f"at offset {error.start}"
        ) from None


def read_json(path: Path) -> object:
    """The file's JSON document, or a UserError with the line of the first syntax error."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(
            f"{path}:{error.lineno}: not valid JSON: {error.msg} (column {error.colno})"
        ) from None


def refuse_overwrite(path: Path, force: bool) -> None:
    """Stop before replacing a file the user has, unless they passed --force."""
    if path.exists() and not force:
        raise UserError(f"{path}: already exists; pass --force to replace it")
