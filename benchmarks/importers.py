"""Figures of the importers: a generated 300-entry BibTeX file, as an ADS or Zotero export is."""

from __future__ import annotations

import time

from chalicelib.importers.bibtex import import_bibtex

# LaTeX as exports write it: accents, math, a journal macro, braces kept for capitals.
_ENTRY = """@article{{paper{n},
  author = {{M{{\\"u}}ller, J. and Garc{{\\'\\i}}a, Ana and {{van der Berg}}, Piet and others}},
  title = "{{Dust in $z \\sim {n}$ galaxies: the {{ALMA}} view of {{\\'E}}tude {n}}}",
  journal = {{\\apj}},
  year = {year},
  volume = {{{n}}},
  pages = {{{n}--{m}}},
  doi = {{10.3847/1538-4357/ab{n:04d}}},
  eprint = {{2101.{n:05d}}},
  archivePrefix = {{arXiv}},
  abstract = {{We observe {{\\it many}} things at $\\lambda = {n}\\,\\mu$m, with 20\\% more.}},
}}
"""


def generated_bibtex(entries: int) -> str:
    """A BibTeX file of `entries` articles, each with the LaTeX real exports hold."""
    return "".join(_ENTRY.format(n=n, m=n + 9, year=1990 + n % 35) for n in range(1, entries + 1))


def import_bibtex_s(text: str, runs: int = 3) -> float:
    """Seconds to convert the file, best of `runs` (each a full import, as the command does)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        import_bibtex(text, "refs.bib")
        best = min(best, time.perf_counter() - started)
    return best


def figures():
    """The importer figures, as (name, value, unit)."""
    yield "import_bibtex_300_entries_s", import_bibtex_s(generated_bibtex(300)), "s"
