"""The index's bound skips only names that cannot reach the threshold: screening at a
threshold finds exactly what scoring every name that shares a word finds, on real names.

Persons' names spelt a letter apart are where the bound is tightest (a watched name
reaching the threshold only by a word a letter apart is scored only when that word may
pair with a listed one: :meth:`monitor.watchlists.matching._WatchedName.could_reach`),
so the watched names here are real SDN persons' names with one short word spelt a letter apart,
beside the CSL's own writing of listed names.
"""

from __future__ import annotations

from functools import cache

import pytest

from monitor.records import Record
from monitor.watchlists import matching
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.matching import ListedEntry, Match, WatchIndex, prepare
from monitor.watchlists.pairable import could_pair
from monitor.watchlists.scoring import score_names
from monitor.watchlists.tokens import is_distinctive
from tests.conftest import SNAPSHOTS
from tests.watchlists.conftest import records

SDN = SNAPSHOTS / "us-ofac-sdn" / "2021-12-30T1850Z"
CSL = SNAPSHOTS / "us-csl" / "2022-05-06T0000Z"


def letter_apart(name: str, number: int) -> str:
    """A real name with one word of four or five letters spelt a letter apart (a letter of
    a five-letter word left out, one of a four-letter word changed), the word and the
    letter chosen by the entry's number: words too short for the index to find one typo
    away, which only the letter-apart rule pairs ('DALA, Ghiath' / 'DALA, Ghayth')."""
    words = name.split()
    short = [i for i, w in enumerate(words) if w.isalpha() and len(w) in (4, 5)]
    if not short:
        return name
    i = short[number % len(short)]
    word = words[i]
    j = 1 + number % (len(word) - 1)
    if len(word) == 5:
        words[i] = word[:j] + word[j + 1 :]
    else:
        kind = "aeiou" if word[j].lower() in "aeiou" else "rstnl"
        other = next(c for c in kind[number % 5 :] + kind if c != word[j].lower())
        words[i] = word[:j] + other + word[j + 1 :]
    return " ".join(words)


def _entry(key: str, name: str) -> WatchEntry | None:
    try:
        return WatchEntry(id=key, name=name)
    except ValueError:  # only common words: refused, as the configuration would
        return None


@cache
def screening() -> tuple[tuple[Record, ...], WatchIndex]:
    """Watched: SDN persons' aliases (every second person's, each alias an entry of its
    own, the list's own spellings of one name: 'DALA, Ghiath' / 'DALA, Ghayth'), every
    twelfth person's name a letter apart, every sixtieth CSL name. Listed: the SDN list
    of 2021-12-30, every fourth entry, and those persons under their primary names only
    (an alias is never matched against itself)."""
    sdn = records(SDN)
    persons = [r for r in sdn if r.entry_type == "individual"]
    entries = [
        _entry(f"a{n}-{m}", alias)
        for n, r in enumerate(persons[::2])
        for m, alias in enumerate(r.aliases)
    ]
    entries += [_entry(f"p{n}", letter_apart(r.name, n)) for n, r in enumerate(persons[::12])]
    entries += [_entry(f"c{n}", r.name) for n, r in enumerate(records(CSL)[::60])]
    primary = [Record.from_dict({**r.to_dict(), "aliases": []}) for r in persons[::2]]
    listed = {r.key: r for r in [*sdn[::4], *persons[::12], *primary]}
    return tuple(listed.values()), WatchIndex(e for e in entries if e is not None)


def every_admitted(
    index: WatchIndex, entry: ListedEntry, threshold: float, monkeypatch: pytest.MonkeyPatch
) -> list[Match]:
    """The reference: the same screening scoring every name the bound admits, the word a
    letter apart counted whether or not it may pair (as screening did before the check)."""
    with monkeypatch.context() as patch:
        patch.setattr(matching, "_may_pair", lambda *_: True)
        return index.match(entry, threshold=threshold)


@pytest.mark.parametrize("threshold", [0.9, 0.85])
def test_screening_skips_only_names_that_cannot_reach_the_threshold(
    threshold: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed, index = screening()
    found: list[Match] = []
    scored = skipped = 0
    for record in listed:
        entry = prepare(record)
        start = index.pairs_scored
        bounded = index.match(entry, threshold=threshold)
        fast = index.pairs_scored - start
        # the same entries, names, scores and reasons
        assert bounded == every_admitted(index, entry, threshold, monkeypatch), record.name
        scored += fast
        skipped += index.pairs_scored - start - 2 * fast
        found += bounded
    apart = [m for m in found if "one word spelt apart" in m.why]
    print(len(found), len(apart), scored, skipped)
    assert len(found) > 300
    assert len(apart) > 90  # the letter-apart rule is exercised, not only exact names
    assert skipped > 0.1 * scored  # and names it cannot pair are skipped


def test_every_pair_scored_in_a_persons_name_is_one_could_pair_foresees() -> None:
    """:func:`~monitor.watchlists.scoring.could_pair` is what the bound asks of a word not
    found; a rule of :func:`~monitor.watchlists.scoring.score_names` pairing words it does
    not know would be skipped by the index."""
    listed, index = screening()
    checked = 0
    for record in listed:
        for _, _, form in prepare(record).names:
            if not form.person:
                continue
            for number in index._candidates(form, 0.0):
                scored = score_names(index._names[number].form, form)
                for a, b, _ in scored.pairs if scored else ():
                    if is_distinctive(a):
                        assert could_pair(a, b), (a, b, form.original)
                        checked += 1
    assert checked > 10_000
