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
