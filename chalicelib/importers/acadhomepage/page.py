"""The state of one AcadHomepage import, and the text helpers its readers share (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from chalicelib.site.fields import is_media_key, is_url


@dataclass
class PageReading:
    """What has been read so far; turned into the content document at the end."""

    notes: list[str] = field(default_factory=list)
    sections: list = field(default_factory=list)
    content: dict = field(default_factory=dict)
    owner_names: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)


def media_key(src: str, where: str, page: PageReading) -> str:
    """An image reference for the content file: a URL as is, a site path as its file name."""
    if is_url(src):
        return src if src.startswith("https://") else ""
    name = PurePosixPath(src).name
    if not is_media_key(name):
        page.notes.append(f"{where}: image {src!r} left out: its file name is not a media key")
        return ""
    page.media.append(src.lstrip("/"))
    return name


def config_text(raw) -> str:
    """A config value as stripped text; None and empty are ""."""
    return "" if raw is None else str(raw).strip()


def strip_tags(text: str, keep_bold: bool = False) -> str:
    if keep_bold:
        text = re.sub(r"</?(strong|b)>", "**", text)
    return re.sub(r"<[^<>]+>", "", text).strip()


def plain(text: str) -> str:
    """Inline markdown emphasis removed, for plain-text fields such as a title."""
    return re.sub(r"\*\*|__|(?<!\\)\*", "", text).replace("\\", "").strip()
