"""Name folding: one comparable form of a name whatever its case, accents or script.

The original value is always kept in the record; the folded form is only used
to compare names (natural keys, re-key detection, watchlist matching).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(name: str) -> str:
    """Lower-case ASCII words: 'Xi’an Aerospace—Huaxun' -> 'xi an aerospace huaxun'."""
    text = unicodedata.normalize("NFKC", name)
    text = anyascii(text).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


# SQL LIKE wildcards: in a search they are literal characters, never "anything".
WILDCARDS = frozenset("%_")


def search_fold(query: str) -> str:
    """The folded form of a search for names, or '' when the search must be literal.

    Folding ignores punctuation, so 'A%Z' would become 'a z' and find
    'VALENZUELA ZUNIGA'; a search holding '%' or '_' is compared as typed
    (case ignored) instead, and finds only names that hold those characters.
    """
    return "" if WILDCARDS & set(query) else fold(query)
