"""The state of one AcadHomepage import, and the text helpers its readers share (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from chalicelib.site.fields import is_media_key, is_url

# A markdown picture, `![alt](src "title")`
MD_IMAGE = re.compile(r"!\[(?P<alt>[^\[\]]*)\]\((?P<src>[^()\s\[]+)[^()]*\)")


@dataclass
class PageReading:
    """What has been read so far; turned into the content document and the report at the end."""

    notes: list[str] = field(default_factory=list)
    sections: list = field(default_factory=list)
    content: dict = field(default_factory=dict)
    owner_names: list[str] = field(default_factory=list)  # each time a paper marks a name
    media: dict[str, str] = field(default_factory=dict)  # the site's image path -> media key
    structured: list[str] = field(default_factory=list)
    kept_raw: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    remote_images: list[str] = field(default_factory=list)


def media_key(src: str, where: str, page: PageReading) -> str:
    """An image reference for the content file: the media key of a site image, "" for others."""
    if is_url(src) or src.startswith("//"):
        if src not in page.remote_images:
            page.remote_images.append(src)
        return ""
    path = re.sub(r"^(\./)+|^/+", "", src.split("?", 1)[0].split("#", 1)[0])
    if path in page.media:
        return page.media[path]
    key = PurePosixPath(path).name
    if key in page.media.values():
        key = path.replace("/", "-")
    if not is_media_key(key):
        page.notes.append(f"{where}: image {src!r} left out: its file name is not a media key")
        return ""
    page.media[path] = key
    return key


def strip_tags(text: str, keep_bold: bool = False) -> str:
    """The text without HTML tags (bold ones turned into `**` when asked)."""
    if keep_bold:
        text = re.sub(r"</?(strong|b)>", "**", text)
    return re.sub(r"<[^<>]+>", "", text).strip()


def plain(text: str) -> str:
    """The text without HTML tags and inline markdown emphasis, for fields such as a title."""
    return re.sub(r"\*\*|__|(?<!\\)\*", "", strip_tags(text)).replace("\\", "").strip()
