"""Reading the user's local files, with one-line errors that name the file."""

from __future__ import annotations

from pathlib import Path

from chalicelib.errors import UserError
from chalicelib.inputs import load_json

# What acadpage reads from the user's disk (a BibTeX export, a saved Scholar page, a site's
# pages, gs_data.json): 16 MB is ten times the largest real one; checked before reading.
MAX_INPUT_BYTES = 16 * 1024 * 1024


def read_bytes(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes, or a UserError saying why they cannot be read (too large included)."""
    try:
        with path.open("rb") as file:
            raw = file.read(limit + 1)  # a device or a growing file is never read to its end
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: expected a file, got a directory") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from None
    if len(raw) > limit:
        raise UserError(f"{path}: larger than {limit:,} bytes; no file acadpage reads is as large")
    return raw


def inside(root: Path, path: Path) -> Path | None:
    """The path with `..` and symlinks resolved, or None when it lies outside `root`: what a
    site's page or config names is read from the site itself, never from elsewhere."""
    resolved = path.resolve()
    return resolved if resolved.is_relative_to(root.resolve()) else None


def read_text(path: Path) -> str:
    """The file as UTF-8 text without the byte-order mark an editor may put first (no one
    reading the file sees it), or a UserError naming the first byte that is not UTF-8."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path}: expected UTF-8 text, got byte 0x{raw[error.start]:02x} "
            f"at offset {error.start}"
        ) from None


def read_json(path: Path) -> object:
    """The file's JSON document, or a UserError with the line of the first syntax error."""
    return load_json(read_text(path), str(path))


def refuse_overwrite(path: Path, force: bool) -> None:
    """Stop before replacing a file the user has, unless they passed --force."""
    if path.exists() and not force:
        raise UserError(f"{path}: already exists; pass --force to replace it")
