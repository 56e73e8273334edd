"""How common each word is across a list's names, learnt from the list itself.

A company watched by one distinctive word is found in a listed company named
after it ("Cimex" in "CIMEX IBERICA"). That holds for a rare word; a word many
entries share ("Shahid" in 37 entries of the SDN list: "SHAHID BAKERI
INDUSTRIAL GROUP", "SHAHID HEMMAT INDUSTRIAL GROUP"...) tells no company from
another, so a match resting on it alone is no match. Which words are so common
depends on the list, so it is counted on the list, not kept in a word list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.names import fold
from monitor.records import Record
from monitor.watchlists.tokens import INNER_APOSTROPHE

FREQUENT_SHARE = 0.002
"""A word in more than this share of a list's entries is frequent (0.2%: 18 of the SDN's 9,000)."""
FREQUENT_MIN = 10
"""...and in at least this many entries: in a small list every word is in a few entries."""


@dataclass(frozen=True, slots=True)
class WordRarity:
    """The words frequent across a list's entries (each entry counted once per word)."""

    frequent: frozenset[str]
    entries: int

    @classmethod
    def of(cls, records: Iterable[Record]) -> WordRarity:
        """Count the words of every name and alias of these entries.

        Names are only folded here, not analysed (legal forms are single words
        that matching drops anyway): counting a 9,000-entry list takes a fraction
        of matching it.
        """
        counts: Counter[str] = Counter()
        entries = 0
        for record in records:
            entries += 1
            words: set[str] = set()
            for name in (record.name, *record.aliases):
                words.update(fold(INNER_APOSTROPHE.sub("", name)).split())
            counts.update(words)
        floor = max(FREQUENT_MIN, FREQUENT_SHARE * entries)
        return cls(frozenset(w for w, n in counts.items() if n >= floor), entries)


NO_RARITY = WordRarity(frozenset(), 0)
"""Nothing known of the list: every word counts as rare."""
