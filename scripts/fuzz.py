"""`make fuzz`: structure-aware mutations of every input acadpage reads, looking for tracebacks.

Each kind starts from a real example (examples/site.yaml, the AcadHomepage, BibTeX, gs_data.json
and Scholar fixtures) and mutates it the way hostile or careless input does: values of the wrong
type, deep nesting, huge sizes, odd Unicode, YAML features (anchors, tags, merge keys, several
documents), markup payloads, and plain byte damage. A case passes when the code answers with
its own error (a UserError) or a result that holds up: importer output validates, a valid site
renders, and its feed and sitemap parse as XML. Anything else is a finding, printed with the
seed that reproduces it. Usage: python -m scripts.fuzz [--cases N] [--seed S] [--kinds a,b]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# A case taking more CPU than this is a finding too (CPU time: the machine may be shared).
SLOW_S = 10.0
MAX_MESSAGE_LINE = 600  # an error line echoing its input is a finding
# Inserted runs stop here: long enough to show a quadratic pattern (100,000 spaces took 9 s),
# short enough for 5,000 cases; the size budgets themselves have tests of their own.
MAX_INSERTED = 120_000
# The site folders `acadpage import` reads besides AcadHomepage's: fixture -> importer.
SITE_FOLDERS = {
    "academicpages": "chalicelib.importers.academicpages:import_academicpages",
    "alfolio": "chalicelib.importers.alfolio:import_alfolio",
    "hugoblox": "chalicelib.importers.hugoblox:import_hugoblox",
}
TEXT_SUFFIXES = (".md", ".yml", ".yaml", ".bib")

# Values hostile or careless input puts where text, numbers or lists belong.
ODD_TEXT = [
    "", " ", "\t", "\u202e\u0634evil", "e\u0301\u0301\u0301", "😀" * 50, "\u200b\ufeff",
    "&#1;", "&#x7f;", "<span title=\"&#1;\">x</span>", "<div><li>x</li></div>", "</main>",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "<a href=\"//evil.example\">x</a>", "{{ site.title }}", "{% include x %}", "\\", "\\\\n",
    "%", "@", "*", "**", "- ", "# ", "> ", "`", "|", "~", "\u00a0", "ℌ", "²⁰¹⁶", "①", "٣",
    "null", "yes", "0x1F", "1e309", "-0", ".inf", "2016-13-45", "../../../../etc/hostname",
]  # fmt: skip
HUGE = "@@huge-number@@"  # written out as 5,000 bare digits once the document is text
TEMPLATES = ["[{}]", "{{{}}}", "<{}>", "({})", "{}\n", '"{}', "'{}", "{{:{}}}", "<!--{}"]


def odd_value(rng: random.Random, depth: int = 0) -> object:
    """One value of a random odd kind: type, size, nesting or Unicode."""
    pick = rng.randrange(12)
    if pick == 0:
        return rng.choice(ODD_TEXT)
    if pick == 1:
        return rng.choice(ODD_TEXT) * rng.choice([100, 5_000, 120_000])
    if pick == 2:
        return rng.choice([0, -1, 2**63, 10**30, HUGE])
    if pick == 3:
        return rng.choice([True, False, None, 1.5, float("nan")])
    if pick == 4 and depth < 3:
        return [odd_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if pick == 5 and depth < 3:
        return {rng.choice(ODD_TEXT) or "k": odd_value(rng, depth + 1) for _ in range(3)}
    if pick == 6:  # nesting: the recursion class
        value: object = "x"
        for _ in range(rng.choice([50, 300, 2_000])):
            value = [value] if rng.random() < 0.5 else {"k": value}
        return value
    if pick == 7:
        return [{}] * rng.choice([10, 6_000])
    if pick == 8:
        return "".join(chr(rng.choice([rng.randrange(32, 0x2FFF), rng.randrange(0, 32)]))
                       for _ in range(rng.randrange(1, 60)))  # fmt: skip
    if pick == 9:
        return rng.choice(TEMPLATES).format(rng.choice(ODD_TEXT)) * rng.choice([1, 20_000])
    return rng.choice(ODD_TEXT) + str(rng.randrange(10**6))


def mutate_tree(value: object, rng: random.Random) -> object:
    """The document with one place changed: a value replaced, a key removed or added, a list
    item duplicated or emptied."""
    places: list[tuple[object, object]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            places += [(node, key) for key in node]
            stack += list(node.values())
        elif isinstance(node, list):
            places += [(node, index) for index in range(len(node))]
            stack += node
    if not places:
        return odd_value(rng)
    container, key = rng.choice(places)
    action = rng.randrange(5)
    if action == 0 and isinstance(container, dict):
        del container[key]
    elif action == 1 and isinstance(container, dict):
        container[rng.choice(["", "x" * 300, "<b>", "type", "markdown", "items", 7])] = odd_value(
            rng
        )
    elif action == 2 and isinstance(container, list):
        container.insert(key, rng.choice([None, {}, [], "", container[key]]))
    else:
        container[key] = odd_value(rng)
    return value


YAML_FEATURES = [
    lambda t, r: "%YAML 1.1\n---\n" + t,
    lambda t, r: t + "\n---\nsecond: document\n",
    lambda t, r: t.replace(": ", ": &a ", 1) + "\nalias: *a\n",
    lambda t, r: "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{k}: &{k} [{', '.join([f'*{p}'] * 8)}]\n"
        for p, k in zip("abcdefg", "bcdefgh", strict=True)
    ) + t,
    lambda t, r: t + "\nmerged:\n  <<: {title: x}\n",
    lambda t, r: t.replace(": ", ": !!python/object/apply:os.system ", 1),
    lambda t, r: t.replace(": ", ": !!binary ", 1),
    lambda t, r: t.replace(": ", ": !!float ", 1),
    lambda t, r: t.replace("  ", "\t", 1),
    lambda t, r: "\ufeff" + t,
    lambda t, r: t.replace("\n", "\r\n"),
    lambda t, r: t + "\n" + "[" * r.choice([300, 1_500]) + "x" + "]" * 300 + ": 1\n",
    lambda t, r: t + "\n? [a, b]\n: c\n",
    lambda t, r: t.replace(":", ": |\n  ", 1),
]  # fmt: skip


def damage(text: str, rng: random.Random) -> str:
    """Byte-level damage: a cut, a repeated line, a character swapped or inserted."""
    if not text:
        return rng.choice(ODD_TEXT)
    at = rng.randrange(len(text))
    pick = rng.randrange(5)
    if pick == 0:
        return text[:at]
    if pick == 1:
        lines = text.split("\n")
        line = rng.randrange(len(lines))
        return "\n".join([*lines[:line], *[lines[line]] * rng.choice([2, 500]), *lines[line:]])
    if pick == 2:
        return text[:at] + rng.choice(ODD_TEXT + TEMPLATES) + text[at:]
    if pick == 3:
        return text[:at] + chr(rng.randrange(0, 0x2FFF)) + text[at + 1 :]
    inserted = rng.choice(ODD_TEXT) * rng.choice([1, 1_000, 100_000])
    return text[:at] + inserted[:MAX_INSERTED] + text[at:]


def _huge_numbers(text: str) -> str:
    for quoted in (f"'{HUGE}'", f'"{HUGE}"', HUGE):
        text = text.replace(quoted, "9" * 5_000)
    return text


def mutated_yaml(text: str, rng: random.Random) -> str:
    """A mutation of a YAML document: of its tree, of its YAML features, or of its bytes."""
    way = rng.randrange(3)
    if way == 0:
        try:
            tree = mutate_tree(yaml.safe_load(text), rng)
        except yaml.YAMLError:  # YAML that Jekyll reads and PyYAML does not (a repeated anchor)
            return damage(text, rng)
        for _ in range(rng.randrange(3)):
            tree = mutate_tree(tree, rng)
        try:
            return yaml.safe_dump(
                tree,
                allow_unicode=rng.random() < 0.5,
                sort_keys=False,
                default_flow_style=rng.choice([None, True, False]),
                width=80,
            )
        except (yaml.YAMLError, RecursionError, ValueError):  # a tree PyYAML cannot write
            return damage(text, rng)
    if way == 1:
        return rng.choice(YAML_FEATURES)(text, rng)
    return damage(text, rng)


def mutated_json(text: str, rng: random.Random) -> str:
    """A mutation of a JSON document, structure-aware or byte-level."""
    if rng.random() < 0.7:
        tree = mutate_tree(json.loads(text), rng)
        try:
            return _huge_numbers(json.dumps(tree, ensure_ascii=rng.random() < 0.5))
        except (ValueError, RecursionError):
            return damage(text, rng)
    if rng.random() < 0.3:
        depth = rng.choice([100, 1_000, 100_000])
        return text.replace("{", "{" + '"deep": ' + "[" * depth + "]" * depth + ",", 1)
    return damage(text, rng)


def bibtex_case(text: str, rng: random.Random) -> str:
    """A BibTeX file with a field, a macro or an entry made odd, or damaged bytes."""
    pick = rng.randrange(4)
    if pick == 0:
        odd = odd_value(rng)
        value = (odd if isinstance(odd, str) else rng.choice(ODD_TEXT)).replace("}", ")")
        field = rng.choice(["title", "author", "year", "journal", "doi", "url", "pdf", "abbr"])
        return text.replace(f"{field} =", f"{field} = {{{value}}}, x{field} =", 1)
    if pick == 1:
        chain = '@string{a0 = "xxxxxxxx"}\n' + "".join(
            f"@string{{a{i + 1} = a{i} # a{i}}}\n" for i in range(rng.choice([5, 30]))
        )
        return chain + text + "@misc{m, title = a5}\n"
    if pick == 2:
        entry = text[text.find("@") : text.find("\n@", 1) + 1] or text
        return text + entry * rng.choice([2, 500])
    return damage(text, rng)


def scholar_case(html: str, rng: random.Random) -> str:
    """A saved Scholar page nested in divs, with odd digits, or damaged."""
    pick = rng.randrange(3)
    if pick == 0:
        return "<div>" * rng.choice([100, 5_000, 100_000]) + html
    if pick == 1:
        odd = rng.choice(["²⁰¹⁶", "①②", "٣", "9" * rng.choice([20, 5_000]), "-", "1,2,3"])
        return html.replace('gsc_a_hc gs_ibl">', f'gsc_a_hc gs_ibl">{odd}').replace(
            'class="gsc_rsb_std">', f'class="gsc_rsb_std">{odd}', 1
        )
    return damage(html, rng)


def folder_case(files: dict[str, str], rng: random.Random) -> dict[str, str]:
    """A site folder with one text file mutated: YAML (a config, a page's front matter) as
    YAML, anything else byte by byte."""
    name = rng.choice(sorted(files))
    text = files[name]
    front, separator, body = text.removeprefix("---\n").partition("\n---\n")
    if name.endswith((".yml", ".yaml")):
        text = mutated_yaml(text, rng)
    elif text.startswith("---\n") and separator and rng.random() < 0.6:
        text = f"---\n{mutated_yaml(front, rng)}\n---\n{body}"
    else:
        text = damage(text, rng)
    return {**files, name: text}


def check_content(raw: str) -> None:
    """A content file validates or is refused; a valid one renders, its XML parses as XML, and
    the browser keeps every section inside <main>."""
    from selectolax.lexbor import LexborHTMLParser

    from chalicelib.site.content import load_site
    from chalicelib.site.render import render_home_page
    from chalicelib.site.seo import atom_feed, sitemap_xml

    site = load_site(raw.encode("utf-8", "surrogatepass"), "site.yaml")
    html = render_home_page(site, None)
    tree = LexborHTMLParser(html)
    outside = len(tree.css("section")) - len(tree.css("main section"))
    assert outside == 0, f"{outside} sections fall outside <main> as a browser nests the page"
    ElementTree.fromstring(atom_feed(site, "https://example.org", datetime(2026, 1, 1, tzinfo=UTC)))
    ElementTree.fromstring(sitemap_xml([site], "https://example.org"))


def check_imported(text: str) -> None:
    """What an importer wrote validates (minimal site parts added to a publications list)."""
    from chalicelib.site.content import load_site

    if not text.startswith("# Publications converted"):
        load_site(text.encode(), "site.yaml")
        return
    load_site(("site: {title: T}\nprofile: {name: N}\nsections: [publications]\n" + text).encode())


def run_acadhomepage(case: tuple[str, str]) -> None:
    from chalicelib.importers.acadhomepage import import_acadhomepage

    check_imported(import_acadhomepage(case[0], case[1]).text)


def run_bibtex(text: str) -> None:
    from chalicelib.importers.bibtex import import_bibtex

    check_imported(import_bibtex(text).text)


def run_gs_data(text: str) -> None:
    from chalicelib.citations.gs_data import snapshot_from_gs_data
    from chalicelib.inputs import load_json

    snapshot_from_gs_data(load_json(text, "gs_data.json"), "p", filename="gs_data.json")


def folder_runner(importer: str) -> Callable[[dict[str, str]], None]:
    """The check of a site folder's case: its importer (`module:function`) over the files."""

    def run(files: dict[str, str]) -> None:
        import importlib

        from chalicelib.importers.folder import SiteFolder

        module, _, function = importer.partition(":")
        below = lambda top: sorted(name for name in files if name.startswith(f"{top}/"))  # noqa: E731
        folder = SiteFolder(read=files.get, files=below)
        check_imported(getattr(importlib.import_module(module), function)(folder).text)

    return run


def run_scholar(html: str) -> None:
    from chalicelib.citations.scholar import parse_profile_page

    parse_profile_page(html)


def kinds() -> dict[str, tuple[Callable[[random.Random], object], Callable[[object], None]]]:
    """Each input kind: (a random case from its real example, the check of one case)."""
    site = (ROOT / "examples" / "site.yaml").read_text()
    about = (FIXTURES / "acadhomepage" / "about.md").read_text()
    config = (FIXTURES / "acadhomepage" / "_config.yml").read_text()
    bibtex = (FIXTURES / "bibtex" / "refs.bib").read_text() + (
        FIXTURES / "bibtex" / "ads.bib"
    ).read_text()
    gs_data = (FIXTURES / "gs_data.json").read_text()
    scholar = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text()
    folders = {
        kind: {
            path.relative_to(FIXTURES / f"{kind}-site").as_posix(): path.read_text()
            for path in sorted((FIXTURES / f"{kind}-site").rglob("*"))
            if path.suffix in TEXT_SUFFIXES
        }
        for kind in SITE_FOLDERS
    }
    return {
        "content": (lambda rng: mutated_yaml(site, rng), check_content),
        "acadhomepage": (
            lambda rng: (
                damage(about, rng) if rng.random() < 0.6 else about,
                mutated_yaml(config, rng) if rng.random() < 0.6 else config,
            ),
            run_acadhomepage,
        ),
        "bibtex": (lambda rng: bibtex_case(bibtex, rng), run_bibtex),
        "gs_data": (lambda rng: mutated_json(gs_data, rng), run_gs_data),
        "scholar": (lambda rng: scholar_case(scholar, rng), run_scholar),
        **{
            kind: (partial(folder_case, folders[kind]), folder_runner(importer))
            for kind, importer in SITE_FOLDERS.items()
        },
    }


def fuzz(kind: str, cases: int, seed: int, first: int = 0) -> list[str]:
    """Findings of `cases` cases of one kind: tracebacks, slow cases, overlong messages."""
    from chalicelib.errors import UserError

    make, check = kinds()[kind]
    findings, slowest = [], 0.0
    for number in range(first, cases):
        rng = random.Random(f"{seed}:{kind}:{number}")
        case = make(rng)
        started = time.process_time()
        try:
            check(case)
        except UserError as error:
            long = [line for line in str(error).splitlines() if len(line) > MAX_MESSAGE_LINE]
            if long:
                findings.append(f"{kind} case {number}: a message line of {len(long[0]):,} chars")
                print(findings[-1], flush=True)
        except Exception:  # every other exception is what we look for
            findings.append(f"{kind} case {number} (seed {seed}):\n{traceback.format_exc()}")
            print(findings[-1], flush=True)
        spent = time.process_time() - started
        slowest = max(slowest, spent)
        if (number + 1) % 250 == 0 and number + 1 < cases:
            print(f"{kind}: cases {first:,} to {number:,}, {len(findings)} findings", flush=True)
        if spent > SLOW_S:
            findings.append(f"{kind} case {number} (seed {seed}): {spent:.1f} s of CPU")
            print(findings[-1], flush=True)
    done = f"cases {first:,} to {cases - 1:,}" if first else f"{cases:,} cases"
    print(f"{kind}: {done}, {len(findings)} findings, slowest {slowest:.2f} s CPU", flush=True)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5_000, help="cases per input kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="start at this case (to split a run)")
    parser.add_argument("--kinds", default=",".join(kinds()), help="comma-separated kinds")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(1_000)  # what a user's interpreter has: no headroom hides a recursion
    findings = []
    for kind in args.kinds.split(","):
        findings += fuzz(kind, args.cases, args.seed, args.first)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
