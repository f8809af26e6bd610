"""BibTeX's LaTeX -> plain text: accents, math symbols, journal macros; no brace or backslash left.

NASA ADS exports name journals by the AAS macros (`\\apj`, `\\mnras`, ...) of aas_macros.sty;
those become the journal's name, as a reader expects to see it.
"""

from __future__ import annotations

import re
from functools import cache

# The standard AAS journal macros (aas_macros.sty), as their journals are named.
AAS_JOURNALS = {
    "aj": "Astronomical Journal",
    "actaa": "Acta Astronomica",
    "araa": "Annual Review of Astronomy and Astrophysics",
    "apj": "Astrophysical Journal",
    "apjl": "Astrophysical Journal Letters",
    "apjlett": "Astrophysical Journal Letters",
    "apjs": "Astrophysical Journal Supplement Series",
    "apjsupp": "Astrophysical Journal Supplement Series",
    "ao": "Applied Optics",
    "applopt": "Applied Optics",
    "apss": "Astrophysics and Space Science",
    "aap": "Astronomy and Astrophysics",
    "astap": "Astronomy and Astrophysics",
    "aapr": "Astronomy and Astrophysics Reviews",
    "aaps": "Astronomy and Astrophysics Supplement Series",
    "azh": "Astronomicheskii Zhurnal",
    "baas": "Bulletin of the American Astronomical Society",
    "bac": "Bulletin of the Astronomical Institutes of Czechoslovakia",
    "caa": "Chinese Astronomy and Astrophysics",
    "cjaa": "Chinese Journal of Astronomy and Astrophysics",
    "icarus": "Icarus",
    "jcap": "Journal of Cosmology and Astroparticle Physics",
    "jrasc": "Journal of the Royal Astronomical Society of Canada",
    "memras": "Memoirs of the Royal Astronomical Society",
    "mnras": "Monthly Notices of the Royal Astronomical Society",
    "na": "New Astronomy",
    "nar": "New Astronomy Reviews",
    "pra": "Physical Review A",
    "prb": "Physical Review B",
    "prc": "Physical Review C",
    "prd": "Physical Review D",
    "pre": "Physical Review E",
    "prl": "Physical Review Letters",
    "pasa": "Publications of the Astronomical Society of Australia",
    "pasp": "Publications of the Astronomical Society of the Pacific",
    "pasj": "Publications of the Astronomical Society of Japan",
    "psj": "Planetary Science Journal",
    "rmxaa": "Revista Mexicana de Astronomía y Astrofísica",
    "qjras": "Quarterly Journal of the Royal Astronomical Society",
    "skytel": "Sky and Telescope",
    "solphys": "Solar Physics",
    "sovast": "Soviet Astronomy",
    "ssr": "Space Science Reviews",
    "zap": "Zeitschrift für Astrophysik",
    "nat": "Nature",
    "iaucirc": "IAU Circulars",
    "aplett": "Astrophysics Letters",
    "apspr": "Astrophysics Space Physics Research",
    "bain": "Bulletin of the Astronomical Institutes of the Netherlands",
    "fcp": "Fundamentals of Cosmic Physics",
    "gca": "Geochimica et Cosmochimica Acta",
    "grl": "Geophysical Research Letters",
    "jcp": "Journal of Chemical Physics",
    "jgr": "Journal of Geophysical Research",
    "jqsrt": "Journal of Quantitative Spectroscopy and Radiative Transfer",
    "memsai": "Memorie della Società Astronomica Italiana",
    "nphysa": "Nuclear Physics A",
    "physrep": "Physics Reports",
    "physscr": "Physica Scripta",
    "planss": "Planetary and Space Science",
    "procspie": "Proceedings of the SPIE",
    "maps": "Meteoritics and Planetary Science",
    "dps": "AAS/Division for Planetary Sciences Meeting Abstracts",
}
MATH_SYMBOLS = {
    "sim": "∼", "approx": "≈", "simeq": "≃", "times": "×", "pm": "±", "mp": "∓", "cdot": "·",
    "odot": "☉", "sun": "☉", "earth": "⊕", "oplus": "⊕", "star": "⋆", "ast": "*",
    "lesssim": "≲", "gtrsim": "≳", "la": "≲", "ga": "≳", "lid": "≤", "gid": "≥",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "ll": "≪", "gg": "≫",
    "infty": "∞", "propto": "∝", "deg": "°", "degr": "°", "circ": "°", "prime": "′",
    "arcmin": "′", "arcsec": "″", "farcs": "″", "rightarrow": "→", "to": "→", "leftarrow": "←",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ",
    "dagger": "†", "ddagger": "‡", "AA": "Å", "textendash": "–", "textemdash": "—",
    "ldots": "…", "dots": "…", "textasciitilde": "∼", "textquotedblleft": "“",
    "textquotedblright": "”", "textquoteleft": "‘", "textquoteright": "’",
}  # fmt: skip
# LaTeX's quote and dash ligatures, as the typeset text shows them (`\'` and `\`` are accents);
# `word' is in single quotes, an apostrophe elsewhere stays as written
_LIGATURE = re.compile(r"(?<!\\)(?:---|--|``|''|`(?P<quoted>[^`'\\]*)'(?!')|`)")
LIGATURES = {"---": "—", "--": "–", "``": "“", "''": "”", "`": "‘"}
# Commands whose first arguments lay text out (a length, a colour, a link target) and are not
# text: `z\raisebox{-0.5ex}\textasciitilde1` shows "z∼1"; the text argument after them stays.
_LAYOUT = re.compile(
    r"\\(?:(?:raisebox|hspace|vspace|scalebox|textcolor|color|colorbox|href|label|phantom|"
    r"hphantom|vphantom)\*?\s*\{[^{}]*\}(?:\s*\[[^\]]*\]){0,2}"
    r"|(?:rule|resizebox|fcolorbox)\s*\{[^{}]*\}\s*\{[^{}]*\}"
    r"|(?:kern|hskip|vskip|mkern|mskip)\s*-?[\d.]+\s*[a-z]{2})"
)
_FORMATTING = re.compile(
    r"\\(?:text(?:bf|it|rm|sc|tt|sf|up|normal|super|sub)|emph|mbox|mathrm|mathbf|mathit|mathcal|"
    r"mathsf|mathtt|url|ensuremath|rm|bf|it|sc|em|tt)\s*(?=\{)"
)
# csquotes' `\enquote{...}`: the words in quotation marks (one level of inner braces)
_ENQUOTE = re.compile(r"\\enquote\*?\s*\{(?P<inner>(?:[^{}]|\{[^{}]*\})*)\}")
_SYMBOL = re.compile(r"\\(?P<name>[A-Za-z]+)\s?")
_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_LATEX = re.compile(r"[\\{}$~%&^_]")  # what only LaTeX gives a meaning
# an accent over a dotless i or j written as an argument (`\"{\i}`), which pybtex leaves alone,
# as the group it means (`{\"\i}`)
_ACCENTED_DOTLESS = re.compile(r"\\(?P<accent>[`'^\"~=.uvHckrdb])\s*\{\s*\\(?P<letter>[ij])\s*\}")
_TIE = re.compile(r"(?<!\\)~")  # a tie is a space; `\~n` is an accent


def journal_macro(value: str) -> str:
    """The journal an AAS macro (`\\apj`) names, or the value itself."""
    found = re.fullmatch(r"\s*\{?\s*\\(?P<name>[A-Za-z]+)\s*\}?\s*", value or "")
    # an unknown macro still names the journal better than nothing (or "arXiv") would
    return AAS_JOURNALS.get(found.group("name"), found.group("name")) if found else value


def latex_to_text(value: str) -> str:
    """Plain text for a BibTeX value: accents decoded, math as its characters, no markup left."""
    if not value:
        return ""
    value = _LIGATURE.sub(_ligature, value)
    if not _LATEX.search(value):  # plain words: nothing to decode
        return " ".join(value.split())
    from pybtex.exceptions import PybtexError
    from pybtex.richtext import Text

    value = _ENQUOTE.sub(lambda m: f"“{m.group('inner')}”", value)
    value = _ACCENTED_DOTLESS.sub(r"{\\\g<accent>\\\g<letter>}", value)
    value = _FORMATTING.sub("", _TIE.sub(" ", _LAYOUT.sub("", value)))
    value = re.sub(r"\$[^$]*\$", lambda m: _math(m.group()[1:-1]), value)
    value = _SYMBOL.sub(lambda m: _symbol(m), value) if "\\" in value else value
    try:
        text = Text.from_latex(value).render(_plain_text_backend())
    except (PybtexError, ValueError):  # unbalanced braces, a lone backslash: keep the words
        text = value
    text = _COMMAND.sub("", text).replace("\xa0", " ")
    return re.sub(r"\s+", " ", re.sub(r"[{}\\]", "", text)).strip()


@cache
def _plain_text_backend():
    """pybtex's plain-text renderer, made once: `render_as("text")` looked the plugin up in the
    installed packages' entry points at every call, most of import-bibtex's time."""
    from pybtex.backends.plaintext import Backend

    return Backend()


def _ligature(found: re.Match) -> str:
    quoted = found.group("quoted")
    return LIGATURES[found.group()] if quoted is None else f"‘{quoted}’"


def _math(formula: str) -> str:
    """Inline math as text: symbols as characters, `^`/`_` and braces dropped."""
    formula = _SYMBOL.sub(lambda m: _symbol(m), formula)
    formula = _FORMATTING.sub("", formula)
    return re.sub(r"[\^_{}]", "", formula).strip()


def _symbol(found: re.Match) -> str:
    """A symbol command as its character; accent and other commands are left for pybtex."""
    name = found.group("name")
    symbol = MATH_SYMBOLS.get(name)
    return symbol if symbol is not None else found.group()
