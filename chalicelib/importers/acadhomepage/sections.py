"""Headings of an about page -> its sections, their kind (in any language) and the page's language.

A heading may hold HTML (`# <font id=x>Title</font>`) and an anchor may stand before or after it;
the level that splits the page is the highest one it uses (`#`, else `##`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.importers.acadhomepage.page import strip_tags
from chalicelib.importers.acadhomepage.source import Line

HEADING = re.compile(r"^ {0,3}(?P<level>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
HTML_HEADING = re.compile(r"^\s*<h(?P<level>[1-6])\b[^>]*>(?P<title>.*?)</h[1-6]>\s*$", re.I)
ANCHOR = re.compile(
    r"<(?:span|a|div)\s+(?:class=['\"]anchor['\"]\s+)?(?:id|name)=['\"](?P<id>[^'\"]*)['\"]"
    r"(?:\s+class=['\"]anchor['\"])?\s*>\s*</(?:span|a|div)>"
)
MD_LINK_IN_TITLE = re.compile(r"\[([^\[\]]+)\]\((https?://[^)\s\[]+)\)")
HTML_LINK_IN_TITLE = re.compile(
    r"<a\s[^<>]*?href=['\"](https?://[^'\"<>]+)['\"][^<>]*>((?:(?!<a\s).)*?)</a>", re.S
)
ANCHOR_ID = re.compile(r"\bid=['\"]?(?P<id>[A-Za-z][A-Za-z0-9_-]*)")

# Words in a heading -> the section kind they mean (first match wins), in the languages seen.
HEADING_KINDS = (
    # "Teaching Experience" and "Project Experience" are no internships
    ("markdown", ("teach", "教学", "授课", "project", "项目")),
    ("about", ("about", "关于", "簡介", "简介", "个人", "自我介绍", "自己紹介", "소개")),
    ("news", ("news", "update", "新闻", "动态", "最新", "消息", "新聞", "ニュース", "뉴스")),
    (
        "publications",
        (
            "publication",
            "paper",
            "論文",
            "论文",
            "发表",
            "出版",
            "著作",
            "研究成果",
            "業績",
            "논문",
        ),
    ),
    ("awards", ("honor", "honour", "award", "prize", "荣誉", "奖", "獎", "榮譽", "受賞", "수상")),
    ("education", ("education", "教育", "学历", "學歷", "学歴", "학력")),
    ("talks", ("talk", "presentation", "报告", "讲座", "演讲", "講演", "발표")),
    ("internships", ("intern", "experience", "employment", "实习", "经历", "工作", "経歴", "경력")),
    ("service", ("service", "reviewer", "服务", "服務", "审稿", "학술")),
)


@dataclass
class Block:
    """The lines under one heading (the first block has no heading)."""

    place: str
    title: str = ""
    anchor: str = ""
    lines: list[Line] = field(default_factory=list)


def split_sections(lines: list[Line]) -> list[Block]:
    """[Block], the first one holding the text before any heading."""
    level = _section_level(lines)
    blocks = [Block(lines[0].place if lines else "")]
    pending_anchor = ""
    for line in lines:
        anchor = ANCHOR.fullmatch(line.text.strip())
        if anchor:
            # right after a heading it names that section; otherwise the next heading's
            if blocks[-1].title and not blocks[-1].anchor and not _has_text(blocks[-1].lines):
                blocks[-1].anchor = anchor.group("id")
            else:
                pending_anchor = anchor.group("id")
            continue
        heading = _heading(line.text)
        if heading and heading[0] == level:
            title = heading[1]
            named = ANCHOR_ID.search(title)
            block = Block(line.place, _clean_title(title), pending_anchor)
            if named and not block.anchor:
                block.anchor = named.group("id")
            links = _links_in(title)
            if links:  # a heading's links (a Scholar profile) stay on the page, under it
                block.lines.append(Line(line.place, " ".join(links)))
            blocks.append(block)
            pending_anchor = ""
        else:
            if line.text.strip():
                pending_anchor = ""
            blocks[-1].lines.append(line)
    return blocks


def _links_in(title: str) -> list[str]:
    """The links of a heading, as markdown links."""
    found = [f"[{label}]({url})" for label, url in MD_LINK_IN_TITLE.findall(title)]
    for url, label in HTML_LINK_IN_TITLE.findall(title):
        found.append(f"[{strip_tags(label) or url}]({url})")
    return found


def _has_text(lines: list[Line]) -> bool:
    return any(line.text.strip() for line in lines)


def _heading(text: str) -> tuple[int, str] | None:
    found = HEADING.match(text) or HTML_HEADING.match(text)
    if not found:
        return None
    level = found.group("level")
    return (len(level) if level.startswith("#") else int(level)), found.group("title")


def _section_level(lines: list[Line]) -> int:
    levels = [h[0] for h in map(_heading, (line.text for line in lines)) if h]
    return min(levels) if levels else 1


def _clean_title(title: str) -> str:
    title = MD_LINK_IN_TITLE.sub(r"\1", ANCHOR.sub("", title))
    return re.sub(r"\s+", " ", strip_tags(title)).strip().strip("*_").strip()


def split_icon(heading: str) -> tuple[str, str]:
    """(icon, title) of a heading such as '🔥 News': a leading word without letters is the icon."""
    first, _, rest = heading.partition(" ")
    if rest and not any(char.isalnum() for char in first):
        return first, rest.strip()
    return "", heading.strip()


def section_kind(title: str, taken: set[str]) -> str:
    """The kind a heading means, or "markdown" (also when that kind already has its section)."""
    lowered = title.casefold()
    for kind, words in HEADING_KINDS:
        if any(word in lowered for word in words):
            return kind if kind not in taken else "markdown"
    return "markdown"


def page_language(titles: list[str]) -> str:
    """The language most headings are written in ("zh", "ja", "ko"), or "" for the default."""
    votes: dict[str, int] = {}
    for title in titles:
        if re.search(r"[\u3040-\u30ff]", title):
            language = "ja"
        elif re.search(r"[\uac00-\ud7af]", title):
            language = "ko"
        elif re.search(r"[\u4e00-\u9fff]", title):
            language = "zh"
        else:
            language = "en"
        votes[language] = votes.get(language, 0) + 1
    if not votes:
        return ""
    best = max(votes, key=lambda key: votes[key])
    return "" if best == "en" or votes[best] * 2 <= len(titles) else best
