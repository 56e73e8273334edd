"""The index finds exactly what comparing every pair finds, while scoring only a few pairs."""

from __future__ import annotations

import random

import pytest

from monitor.records import Record
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.generic_names import watchable
from monitor.watchlists.matching import WatchIndex, name_forms, prepare
from monitor.watchlists.scoring import score_names
from tests.watchlists.conftest import CONS_2021, CONS_2025, records

LEGAL_FORMS = ("Ltd.", "Limited", "Co., Ltd.", "LLC", "")


def noisy(name: str, rng: random.Random) -> str:
    """A real name as a user's file might have it: case, a dropped letter, another legal form."""
    words = name.replace(",", " ").split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if long_words and rng.random() < 0.5:
        i = rng.choice(long_words)
        j = rng.randrange(1, len(words[i]) - 1)
        words[i] = words[i][:j] + words[i][j + 1 :]
    return f"{' '.join(words).title()} {rng.choice(LEGAL_FORMS)}".strip()


def watch_entries(listed: list[Record], count: int, seed: int) -> list[WatchEntry]:
    """Noisy real names and decoys made of real words (entries refused by validation left out)."""
    rng = random.Random(seed)
    names = [noisy(r.name, rng) for r in rng.sample(listed, count // 2)]
    words = [w for r in listed for w in r.name.split() if len(w) > 3 and w.isalpha()]
    names += [" ".join(rng.sample(words, 2)) for _ in range(count - len(names))]
    entries = []
    for number, name in enumerate(names):
        try:
            entries.append(WatchEntry(id=f"w{number}", name=name))
        except ValueError:
            continue
    return entries


def every_pair(entries: list[WatchEntry], record: Record, threshold: float) -> set[str]:
    """The watch entries a brute-force comparison of every name pair finds for one record."""
    listed = prepare(record).names
    found = set()
    for entry in entries:
        for _, _, watched in name_forms(entry.names()):
            scores = [score_names(watched, form) for _, _, form in listed]
            if watchable(watched) and any(s and s.score >= threshold for s in scores):
                found.add(entry.key)
    return found


@pytest.mark.parametrize("threshold", [0.9, 0.7])
def test_the_index_misses_nothing_that_comparing_every_pair_finds(threshold: float) -> None:
    listed = list(records(CONS_2021) + records(CONS_2025))
    entries = watch_entries(listed, 80, seed=11)
    index = WatchIndex(entries)
    found_any = 0
    for record in listed:
        by_index = {m.entry.key for m in index.match(prepare(record), threshold=threshold)}
        assert by_index == every_pair(entries, record, threshold), record.name
        found_any += bool(by_index)
    assert found_any > 30
    all_pairs = sum(len(prepare(r).names) for r in listed) * len(entries)
    assert index.pairs_scored < 0.05 * all_pairs
