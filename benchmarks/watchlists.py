"""Watchlist matching at scale: 10,000 watch entries against a 20,000-entry list.

    python benchmarks/watchlists.py                 # 10,000 watch entries, 20,000 listed
    python benchmarks/watchlists.py --watch 2000 --listed 5000

The listed entries are real: the trade.gov CSL of 2022-05-06 and the OFAC SDN
list of 2021-12-30 from the shipped archive (names, aliases, identifiers).
Half of the watch entries are real listed names with noise a user's file has
(case, punctuation, another legal form, a typo in a long word, words in
another order); the other half are decoys, real words of listed names put
together in new combinations. Every listed entry is matched, as in the
baseline of a 20,000-entry list. Prints a table and appends it to
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from monitor.files import SourceFile  # noqa: E402
from monitor.formats import resolve_format  # noqa: E402
from monitor.records import Record  # noqa: E402
from monitor.watchlists.entry import WatchEntry  # noqa: E402
from monitor.watchlists.matching import WatchIndex, prepare  # noqa: E402

SOURCES = (
    ROOT / "snapshots" / "us-csl" / "2022-05-06T0000Z",
    ROOT / "snapshots" / "us-ofac-sdn" / "2021-12-30T1850Z",
)
LEGAL_FORMS = ("Ltd.", "Limited", "Co., Ltd.", "LLC", "Inc.", "GmbH", "S.A.", "")
THRESHOLD = 0.9


def listed_records(count: int) -> list[Record]:
    """Real records from the shipped archive, keys made unique across the two lists."""
    found: list[Record] = []
    for number, folder in enumerate(SOURCES):
        files = [SourceFile.from_path(p) for p in sorted(folder.iterdir())]
        for record in resolve_format("auto", files).parse(files):
            found.append(Record.from_dict({**record.to_dict(), "key": f"{number}:{record.key}"}))
    return found[:count]


def noisy(name: str, rng: random.Random) -> str:
    """A listed name as a user might have typed it."""
    words = name.replace(",", " ").split()
    if len(words) > 1 and rng.random() < 0.2:
        words = words[1:] + words[:1]
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if long_words and rng.random() < 0.3:
        i = rng.choice(long_words)
        j = rng.randrange(1, len(words[i]) - 1)
        words[i] = words[i][:j] + words[i][j + 1 :]
    text = " ".join(words)
    text = text.title() if rng.random() < 0.5 else text.lower()
    return f"{text} {rng.choice(LEGAL_FORMS)}".strip()


def watch_entries(records: list[Record], count: int, rng: random.Random) -> list[WatchEntry]:
    """Half noisy real names (expected to match), half decoys made of real words."""
    entries: list[WatchEntry] = []
    sources = rng.sample(records, count // 2)
    for number, record in enumerate(sources):
        entries.append(_entry(f"real-{number}", noisy(record.name, rng)))
    words = [w for r in records for w in r.name.split() if len(w) > 3 and w.isalpha()]
    while len(entries) < count:
        name = " ".join(rng.sample(words, rng.choice((2, 3))))
        entries.append(_entry(f"decoy-{len(entries)}", name))
    return [e for e in entries if e.id]


def _entry(key: str, name: str) -> WatchEntry:
    try:
        return WatchEntry(id=key, name=name)
    except ValueError:  # only common words: refused, as the configuration would
        return WatchEntry.model_construct(id="", name=name)


def run(watch_count: int, listed_count: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    started = time.perf_counter()
    records = listed_records(listed_count)
    parsed = time.perf_counter() - started
    entries = watch_entries(records, watch_count, rng)

    started = time.perf_counter()
    index = WatchIndex(entries)
    built = time.perf_counter() - started

    started = time.perf_counter()
    prepared = [prepare(r) for r in records]
    prepare_time = time.perf_counter() - started

    started = time.perf_counter()
    hits = [
        (r, m)
        for r, listed in zip(records, prepared, strict=True)
        for m in index.match(listed, threshold=THRESHOLD)
    ]
    matched = time.perf_counter() - started

    real = {m.entry.key for _, m in hits if m.entry.key.startswith("real-")}
    decoys = {m.entry.key for _, m in hits if m.entry.key.startswith("decoy-")}
    real_total = sum(1 for e in entries if e.key.startswith("real-"))
    decoy_total = len(entries) - real_total
    names = sum(1 + len(r.aliases) for r in records)
    all_pairs = names * sum(1 + len(e.aliases) for e in entries)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        (
            "watch entries (refused as too common)",
            f"{len(entries)}",
            f"{watch_count - len(entries)}",
        ),
        (
            "listed entries / names incl. aliases",
            f"{len(records)} / {names}",
            f"parsed in {parsed:.1f} s",
        ),
        ("index build", f"{built:.2f} s", ""),
        ("prepare listed entries (fold, ids)", f"{prepare_time:.2f} s", ""),
        (
            "match every listed entry",
            f"{matched:.2f} s",
            f"{len(records) / matched:,.0f} entries/s; peak RSS {rss:.0f} MiB",
        ),
        (
            "name pairs scored / all pairs",
            f"{index.pairs_scored:,} / {all_pairs:,}",
            f"{index.pairs_scored / all_pairs:.5%} of all pairs",
        ),
        (
            f"noisy real names matched at {THRESHOLD}",
            f"{len(real)} / {real_total}",
            f"{len(real) / real_total:.1%}",
        ),
        (
            f"decoys (real words recombined) matched at {THRESHOLD}",
            f"{len(decoys)} / {decoy_total}",
            f"{len(decoys) / max(decoy_total, 1):.1%}: real words, e.g. SDN aliases 'Muhammad'",
        ),
        ("alerts (entry x listed pairs)", f"{len(hits)}", ""),
    ]


def table(rows: list[tuple[str, str, str]], command: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    head = (
        f"\n## {now}; watchlist matching; {os.cpu_count()} cores, {memory:.0f} GiB; "
        f"{platform.processor() or platform.machine()}; Python {platform.python_version()}; "
        f"rapidfuzz {metadata.version('rapidfuzz')}\n\nCommand: `{command}`\n\n"
        "| measure | figure | notes |\n|---|---|---|\n"
    )
    return head + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watch", type=int, default=10_000, help="watch entries")
    parser.add_argument("--listed", type=int, default=20_000, help="listed entries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-save", action="store_true", help="print only")
    options = parser.parse_args()
    command = "python benchmarks/watchlists.py " + " ".join(sys.argv[1:])
    text = table(run(options.watch, options.listed, options.seed), command.strip())
    print(text)
    if not options.no_save:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write(text)


if __name__ == "__main__":
    main()
