"""Burmese honorifics: 'U' (Mr) and 'Daw' (Mrs) before a person's name.

Burmese names have no surname; the lists write a man's name with the honorific 'U' and a
woman's with 'Daw' in one name and without it in another: 'U LI MYINT' / 'MYINT, Li',
'HLAING, U Ko Ko' / 'HLAING, Ko Ko', 'U OO OO KHINE' / 'KHINE, Oo Oo' (one SDN entry's
names each). Only where it leads the name, or its given names after the comma: a
Korean name ends with the syllable 'U' ('KIM, Hyon U' / 'KIM, Hyon Wu'), which is a name.
"""

from __future__ import annotations

from functools import lru_cache

from monitor.names import fold
from monitor.watchlists.tokens import INNER_APOSTROPHE

BURMESE_HONORIFICS = frozenset({"u", "daw"})


@lru_cache(maxsize=100_000)
def leading_honorific(name: str) -> str:
    """The folded Burmese honorific a name leads with ('U LI MYINT': 'u'; 'HLAING, U Ko
    Ko': 'u'), before one word at least, or '' ('KIM, Hyon U', 'U')."""
    given = name.split(",", 1)[1] if "," in name else name
    words = fold(INNER_APOSTROPHE.sub("", given)).split()
    return words[0] if len(words) > 1 and words[0] in BURMESE_HONORIFICS else ""
