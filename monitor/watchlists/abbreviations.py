"""Abbreviations in organisations' names, read as the words they stand for: 'INTL' is
'INTERNATIONAL'.

Lists and users write one company "ABC INTL TRADING" and "ABC INTERNATIONAL
TRADING", "X I/E CO." and "X IMPORT EXPORT CO.", "MFG" and "MANUFACTURING".
Compared as written, the abbreviation and the word pair with nothing and the
name loses a word. rigour's organisation-type table covers legal forms only
("Corp", "Ltd", "S.A."), not these business words, so they are kept here: the
English abbreviations of business words that company registers and the
sanctions lists use, each one unambiguous in a company's name.

Only organisations' names are expanded (a listed person's "IND" or "ENT" is
a name), and only forms that cannot be a person's initials: "I/E" with its
slash, never "I.E.".
"""

from __future__ import annotations

import re

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "intl": ("international",),
    "mfg": ("manufacturing",),
    "mfrs": ("manufacturers",),
    "inds": ("industries",),
    "indus": ("industries",),
    "assn": ("association",),
    "assoc": ("association",),
    "dept": ("department",),
    "natl": ("national",),
    "svcs": ("services",),
    "engg": ("engineering",),
    "govt": ("government",),
    "univ": ("university",),
    "trdg": ("trading",),
    "mgmt": ("management",),
    "devt": ("development",),
    "hldgs": ("holdings",),
    "hldg": ("holding",),
    "telecom": ("telecommunications",),
    "impex": ("import", "export"),
    "impexp": ("import", "export"),
    "coop": ("cooperative",),
    "bros": ("brothers",),
    "tv": ("television",),  # 'ZAWRAH TV STATION', 'AL-ZAWRA TELEVISION STATION'
    "cb": ("commercial", "bank"),  # 'JSC CB NORTH CREDIT', 'COMMERCIAL BANK NORTH CREDIT'
}
"""Folded abbreviation -> the folded words it stands for."""

# 'I/E', 'IMP/EXP', 'IMP.-EXP.', 'IMP & EXP': import-export written short, in a name's text.
_IMPORT_EXPORT = re.compile(
    r"(?<!\w)(?:I\s*/\s*E|IMP\.?\s*(?:/|&|-|\.)\s*EXP\.?)(?!\w)", re.IGNORECASE
)


def expand_text(text: str) -> str:
    """The name's text with import-export written in full: 'ABC I/E CO', 'ABC IMPORT EXPORT CO'."""
    return _IMPORT_EXPORT.sub(" import export ", text)


def expand(tokens: list[str]) -> list[str]:
    """Folded words with each abbreviation replaced by the words it stands for."""
    out: list[str] = []
    for token in tokens:
        out.extend(ABBREVIATIONS.get(token, (token,)))
    return out
