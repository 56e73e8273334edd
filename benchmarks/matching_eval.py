"""Precision and recall of watchlist matching at the default threshold, on real published lists.

    python benchmarks/matching_eval.py              # prints the figures and the misses
    python benchmarks/matching_eval.py --save       # and appends them to benchmarks/RESULTS.md
    python benchmarks/matching_eval.py --dump misses.tsv  # and every miss and false positive

The labelled set is built from ../shared/realdata, never by hand:

* positives, the same party written another way (each one a watch name and
  the entry it must find):
  - an OFAC SDN entry's own aliases (alt.csv of 2021-07-07), each against the
    entry's other names one by one (never against itself), labelled by how the
    alias relates to the entry's closest other name. Words are compared
    loosely here (equal, or a rapidfuzz ratio of 75 or more from four letters:
    'Yevgenyevich'/'Evgenevich', 'Karital'/'Kapital'), legal forms set aside
    with rigour's organisation types for non-persons, articles ("the", "and",
    "for", "del"...) left out, an apostrophe inside a word no word break
    ("QA'IDA"), and a *telling* word is
    one of three letters or more outside the list's 300 most frequent words:
    . in scope: the same words (order, spelling, transliteration, legal form:
      "HAWATMAH, Nayif" / "HAWATMA, Nayif"); a fuller or shorter name sharing
      two telling words ("SHOFESO, Olatude I." / "SHOFESO, Olatunde
      Irewole"); a company alias contained in another of its names, the
      subsidiary-or-branch rule of the issue ("COPROVA" / "COPROVA SARL");
    . out of scope, still measured and reported: names that each have words the
      other lacks ("RAZAVI BROKERAGE HOUSE" / "RAZAVI BROKERAGE FIRM",
      "CARDENAS GUILLEN, Oscar" / "CARDENAS GUILLEN, Osiel"), where matching
      would equally match distinct parties that share words; a person's alias
      sharing one telling word (a nickname or a surname: "EL MELLADO" for
      "MELLADO CRUZ, Galdino": a surname alone is not a person); aliases
      sharing no telling word ("REAL IRA", "SHINING PATH": another name, which
      no matcher finds from the name alone). Until 2026-12-01 the first of
      these was counted in scope; it is the labelling change RESULTS.md records;
  - an OFAC entry as republished in the trade.gov CSL of 2022-05-06 (the CSL
    carries OFAC's entity number) whose name differs from the SDN's;
  - a UN entry and the UK entry that gives its "UN Ref" (UN 2022-10-21, UK
    2020-04-27), both ways: UN "FIRST SECOND THIRD" against UK "Given
    SURNAME" with aliases; not a reference that several UK entries give, nor a UK
    person's reference to a UN entity (the group's, given in a member's remarks);
    until 2026-12-02 these 12 pairs were counted as positives;
  - a UK person (many designated for Russia's actions in Ukraine) and the SDN
    person with the same full date of birth and the UK surname, both ways:
    "Firstname Patronymic SURNAME" against "SURNAME, Firstname Patronymic".
* negatives: every other entry of the searched list. A watch name that
  reaches the threshold against an entry that is not its own is a false
  positive, except two cases counted apart (and the strict precision, which
  counts them false, is reported too):
  - the other entry has a name with the same words as one of the watched
    entry's names (loosely, in any order): the list's own ambiguity ("KIM,
    Chol Nam" on two entries), which no name matcher can resolve;
  - the other entry's name contains every word of the watch name and more
    (a branch or subsidiary named after the watched company, "AL-HARAMAIN :
    ALBANIA BRANCH" for "AL-HARAMAIN"; a person with a fuller name), or the
    watch name every word of the other entry's name, two at least ("AL-DARI,
    Muthanna Harith Sulayman" / "AL-DARI, Harith Sulayman": the son's name
    holds the father's): the relations the positives above are labelled by,
    which the issue asks to be matches that say so; a name matcher cannot
    tell a party from another with such a name, only report why it matched.
  The entries sharing a telling word with the watch name are counted, as the
  negatives that could plausibly be confused.

Precision = true positives / (true positives + false positives); recall = true
positives / positives in scope. Nothing is tuned to this set: the matcher's
rules are classes (word order, legal forms, initials, fuller names), and this
script only counts.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from rapidfuzz import fuzz
from rigour.names.org_types import remove_org_types

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from monitor.files import SourceFile  # noqa: E402
from monitor.formats import resolve_format  # noqa: E402
from monitor.names import fold  # noqa: E402
from monitor.records import Record  # noqa: E402
from monitor.watchlists.config import WatchlistConfig  # noqa: E402
from monitor.watchlists.entry import WatchEntry  # noqa: E402
from monitor.watchlists.matching import Match, WatchIndex, prepare  # noqa: E402
from monitor.watchlists.rarity import WordRarity  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"
SDN = "ofac-sdn/2021-07-07_moov-bench"
CSL = "trade-gov-csl/2022-05-06_moov"
UK = "uk-hmt-conlist/2020-04-27"
UN = "un-consolidated/2022-10-21"
THRESHOLD = WatchlistConfig.model_fields["threshold"].default
FREQUENT = 300  # the list's most frequent words are not telling enough to pair names
SAME_WORDS = "SDN alias: the same words written another way"
FULLER = "SDN alias: a fuller or shorter name (two telling words shared)"
BRANCH = "SDN alias of a company contained in another of its names"
DIFFERENT = "SDN alias: each name has words the other lacks (out of scope)"
PARENT = "SDN alias of a company containing another of its names on one word (out of scope)"
ONE_WORD = "SDN alias of a person sharing one telling word (out of scope)"
NO_WORD = "SDN alias sharing no telling word (out of scope)"
ALIASES = (SAME_WORDS, FULLER, BRANCH, PARENT, DIFFERENT, ONE_WORD, NO_WORD)
OUT_OF_SCOPE = (PARENT, DIFFERENT, ONE_WORD, NO_WORD)
LOOSE_RATIO = 75  # words this alike (rapidfuzz ratio, four letters or more) count as one
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u2018\u02bc\u02bb`](?=\w)")
_ARTICLES = frozenset({"the", "and", "for", "del", "los", "las", "des", "les"})
_UN_REF = re.compile(r"UN Ref\s*([A-Za-z]{2,4}\.\d+)")


def load(folder: str) -> list[Record]:
    path = REALDATA / folder
    files = [SourceFile.from_path(p) for p in sorted(path.iterdir()) if p.is_file()]
    return list(resolve_format("auto", files).parse(files))


def words(name: str) -> set[str]:
    return set(fold(name).split())


def _text(name: str, person: bool) -> str:
    """A name without apostrophes inside words ("AL-QA'IDA" is one word, as in 'Qaida') and,
    for non-persons, without rigour's organisation types (never our matcher's own lists)."""
    name = _INNER_APOSTROPHE.sub("", name)
    return name if person else remove_org_types(name.casefold())


def content_words(name: str, person: bool) -> set[str]:
    """The words that make a name: three letters or more, articles left out."""
    return {w for w in words(_text(name, person)) if len(w) >= 3 and w not in _ARTICLES}


def joined(name: str, person: bool) -> str:
    """A name's letters without spaces, legal forms set aside: 'SMILE WALLET' / 'SMILEWALLET'."""
    return fold(_text(name, person)).replace(" ", "")


def same_word(a: str, b: str) -> bool:
    """Equal, or alike enough to be one word spelt two ways ('Evgenevich', 'Yevgenyevich')."""
    return a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= LOOSE_RATIO)


def covers(big: set[str], small: set[str]) -> bool:
    """Whether every word of ``small`` is, loosely, in ``big``."""
    return all(any(same_word(w, b) for b in big) for w in small)


@dataclass(frozen=True)
class Query:
    """A watch name and the entry (list, key) it must find."""

    source: str  # which kind of positive
    name: str
    list_id: str
    key: str


class Telling:
    """Words of three letters or more outside a list's most frequent ones."""

    def __init__(self, records: Iterable[Record]) -> None:
        counts: Counter[str] = Counter()
        for record in records:
            for name in (record.name, *record.aliases):
                counts.update(words(name))
        self.frequent = {w for w, _ in counts.most_common(FREQUENT)}

    def __call__(self, name: str) -> set[str]:
        return {w for w in words(name) if len(w) >= 3 and w not in self.frequent}


def iso_date(value: str) -> str | None:
    for pattern in ("%d %b %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    return None


def surname(name: str) -> str:
    """The UK list writes people 'Given Names SURNAME': the upper-case words."""
    upper = [w for w in name.split() if w.isupper() and len(w) > 1]
    return " ".join(upper)


def alias_kind(record: Record, alias: str, telling: Telling) -> str:
    """How an alias relates to the entry's closest other name: the label of the positive."""
    person = record.entry_type == "individual"
    mine, mine_telling = content_words(alias, person), telling(alias)
    kinds = set()
    for name in (record.name, *record.aliases):
        if fold(name) == fold(alias):
            continue  # the same name written with other punctuation is not another name
        other = content_words(name, person)
        shared = sum(1 for w in mine_telling if any(same_word(w, o) for o in telling(name)))
        inside, around = covers(other, mine), covers(mine, other)
        if shared and inside and around:
            kinds.add(SAME_WORDS)
        elif shared >= 2 and (inside or around):
            kinds.add(FULLER)
        elif shared and inside and not person:
            kinds.add(BRANCH)
        elif shared and around and not person:
            kinds.add(PARENT)
        elif shared >= 2 or (shared and not person):
            kinds.add(DIFFERENT)
        elif shared:
            kinds.add(ONE_WORD)
    return next((kind for kind in ALIASES if kind in kinds), NO_WORD)


def uk_entries_of_un_entries(
    uk: list[Record], un_by_ref: dict[str, Record]
) -> list[tuple[Record, Record]]:
    """Each UK entry with the UN entry whose "UN Ref" its remarks give, where that can be
    the same party: a reference that several UK entries give (KPe.023 in four companies'
    remarks) names none of them for sure, and a person never is a UN entity (the UK list
    gives the group's reference, QDe.004, in some members' remarks)."""
    refs = {row.key: set(_UN_REF.findall(row.remarks)) & set(un_by_ref) for row in uk}
    givers = Counter(ref for found in refs.values() for ref in found)
    return [
        (row, un_by_ref[ref])
        for row in uk
        for ref in sorted(refs[row.key])
        if givers[ref] == 1
        and (row.entry_type == "individual") == (un_by_ref[ref].entry_type == "individual")
    ]


def build_queries(lists: dict[str, list[Record]]) -> list[Query]:
    telling = {list_id: Telling(records) for list_id, records in lists.items()}
    queries: list[Query] = []
    sdn = {r.key: r for r in lists["sdn"]}
    for record in lists["sdn"]:
        for alias in record.aliases:
            if all(fold(n) == fold(alias) for n in (record.name, *record.aliases)):
                continue  # no other name to find
            queries.append(
                Query(alias_kind(record, alias, telling["sdn"]), alias, "sdn", record.key)
            )
    for row in lists["csl"]:
        key = row.key.partition(":")[2] if row.key.startswith("SDN:") else ""
        if key in sdn and fold(row.name) != fold(sdn[key].name):
            queries.append(Query("CSL name of an SDN entry", row.name, "sdn", key))
    un_by_ref = {
        i.value: r for r in lists["un"] for i in r.identifiers if i.type == "UN Reference Number"
    }
    for row, un_entry in uk_entries_of_un_entries(lists["uk"], un_by_ref):
        queries.append(Query("UK name of a UN entry", row.name, "un", un_entry.key))
        queries.append(Query("UN name of a UK entry", un_entry.name, "uk", row.key))
    by_birth: dict[str, list[Record]] = defaultdict(list)
    for record in lists["sdn"]:
        if record.entry_type == "individual":
            for value in record.birth_dates:
                if (day := iso_date(value)) is not None:
                    by_birth[day].append(record)
    for row in lists["uk"]:
        last = fold(surname(row.name))
        if row.entry_type != "individual" or not last or _UN_REF.search(row.remarks):
            continue
        days = {d for v in row.birth_dates if (d := iso_date(v)) is not None}
        found = {
            r.key: r
            for day in days
            for r in by_birth.get(day, ())
            if any(last in fold(n) for n in (r.name, *r.aliases))
        }
        if len(found) == 1:
            [key] = found
            queries.append(Query("UK person on the SDN list", row.name, "sdn", key))
            queries.append(Query("SDN person on the UK list", found[key].name, "uk", row.key))
    unique: dict[tuple[str, str, str], Query] = {}
    for query in queries:
        unique.setdefault((fold(query.name), query.list_id, query.key), query)
    return list(unique.values())


@dataclass
class Outcome:
    positives: Counter[str]
    found: Counter[str]
    false: list[tuple[Query, Record, Match]]
    misses: list[tuple[Query, Record, float, str]]
    plausible_negatives: int
    seconds: float
    ambiguous: int = 0
    related: list[tuple[Query, Record, Match]] = field(default_factory=list)
    kinds: dict[Query, str] = field(default_factory=dict)  # person, entity, vessel...


def other_entry(query: Query, record: Record, own: tuple[str, ...]) -> str:
    """How another entry relates to a watch name it matched, as the positives are labelled:
    "same name" when it has a name with the same words as one of the watched entry's
    names (or the same letters: "SMILE WALLET" / "SMILEWALLET"); "contains" when one of
    its names has every word of the watch name, or the watch name every word of one of its
    names, two at least (a branch, a parent, a fuller name); else "" (a false positive)."""
    person = record.entry_type == "individual"
    names = (record.name, *record.aliases)
    theirs = [content_words(n, person) for n in names]
    letters = {joined(n, person) for n in names}
    for name in own:
        mine = content_words(name, person)
        if joined(name, person) in letters:
            return "same name"
        if any(covers(t, mine) and covers(mine, t) for t in theirs if t):
            return "same name"
    mine = content_words(query.name, person)
    if mine and any(covers(t, mine) or (len(t) >= 2 and covers(mine, t)) for t in theirs):
        return "contains"
    return ""


def evaluate(lists: dict[str, list[Record]], queries: list[Query]) -> Outcome:
    started = time.perf_counter()
    outcome = Outcome(Counter(), Counter(), [], [], 0, 0.0)
    for list_id, records in lists.items():
        mine = [q for q in queries if q.list_id == list_id]
        if not mine:
            continue
        entries = [WatchEntry.model_construct(id=str(n), name=q.name) for n, q in enumerate(mine)]
        index = WatchIndex(entries)
        rarity = WordRarity.of(records)  # as screening and alerts count it, on the list
        by_key: dict[str, list[int]] = defaultdict(list)
        types = {r.key: r.entry_type for r in records}
        for number, query in enumerate(mine):
            outcome.kinds[query] = types.get(query.key, "")
            by_key[query.key].append(number)
            outcome.positives[query.source] += 1
        own_names = {(list_id, r.key): (r.name, *r.aliases) for r in records}
        telling = Telling(records)
        word_owners: dict[str, set[str]] = defaultdict(set)
        for record in records:
            for name in (record.name, *record.aliases):
                for word in telling(name):
                    word_owners[word].add(record.key)
        for query in mine:
            sharing = set().union(*(word_owners.get(w, set()) for w in telling(query.name)))
            outcome.plausible_negatives += len(sharing - {query.key})
        for record in records:
            own = by_key.get(record.key, [])
            hits = {
                int(m.entry.id): m
                for m in index.match(prepare(record), threshold=0.0, rarity=rarity)
            }
            # An alias against the entry's other names (each name matched on its own, once).
            by_name: list[tuple[str, dict[int, Match]]] = []
            if any(mine[n].source in ALIASES for n in own):
                for name in (record.name, *record.aliases):
                    one = prepare(replace(record, name=name, aliases=()))
                    found = {
                        int(m.entry.id): m for m in index.match(one, threshold=0.0, rarity=rarity)
                    }
                    by_name.append((fold(name), found))
            for number in own:
                query = mine[number]
                match = hits.get(number)
                if query.source in ALIASES:
                    others = [
                        f[number] for n, f in by_name if n != fold(query.name) and number in f
                    ]
                    match = max(others, key=lambda m: m.score, default=None)
                if match is not None and match.score >= THRESHOLD:
                    outcome.found[query.source] += 1
                else:
                    score = match.score if match else 0.0
                    why = match.why if match else "no word in common"
                    outcome.misses.append((query, record, score, why))
            for number, match in hits.items():
                query = mine[number]
                if match.score < THRESHOLD or query.key == record.key:
                    continue
                relation = other_entry(query, record, own_names[(list_id, query.key)])
                if relation == "same name":
                    outcome.ambiguous += 1  # the list gives two entries the same name
                elif relation == "contains":
                    outcome.related.append((query, record, match))
                else:
                    outcome.false.append((query, record, match))
    outcome.seconds = time.perf_counter() - started
    return outcome


def miss_class(record: Record, why: str) -> str:
    """A rough class of a miss, from what the reason says."""
    more = "not in the listed name" in why
    less = "listed name also has" in why
    kind = "person" if record.entry_type == "individual" else record.entry_type
    if why == "no word in common" or not why:
        return f"{kind}: no word in common once folded"
    if more and less:
        return f"{kind}: each name has words the other lacks"
    if more:
        return f"{kind}: the watch name has more words"
    if less:
        return f"{kind}: the listed name has more words, below the containment rules"
    return f"{kind}: all words paired, spelling too far apart"


def report(outcome: Outcome, queries: list[Query], command: str) -> str:
    tp = sum(outcome.found.values())
    fp, related = len(outcome.false), len(outcome.related)
    precision = tp / (tp + fp) if tp + fp else 1.0
    strict = tp / (tp + fp + related + outcome.ambiguous)
    scope = [s for s in outcome.positives if s not in OUT_OF_SCOPE]
    in_scope = sum(outcome.positives[s] for s in scope)
    found_in_scope = sum(outcome.found[s] for s in scope)
    recall = found_in_scope / in_scope if in_scope else 0.0
    everything = sum(outcome.positives.values())
    kinds = Counter(outcome.kinds[q] for q in queries if q.source in scope)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    lines = [
        f"\n## {now}; watchlist matching precision and recall; {os.cpu_count()} cores, "
        f"{memory:.0f} GiB; Python {platform.python_version()}; "
        f"rapidfuzz {metadata.version('rapidfuzz')}, rigour {metadata.version('rigour')}\n",
        f"Command: `{command}`\n",
        f"Real data: SDN {SDN}, CSL {CSL}, UK {UK}, UN {UN} (../shared/realdata). "
        f"Default threshold {THRESHOLD}.\n",
        "| measure | figure | notes |",
        "|---|---|---|",
        f"| precision | {precision:.4f} | {tp} true of {tp + fp} matches at the threshold, "
        "not counting the two kinds below |",
        f"| precision, strict | {strict:.4f} | every match of another entry counted false |",
        f"| another entry whose name contains the watch name | {related} | a branch, subsidiary "
        "or fuller name, which the issue asks to match (the alert says so) |",
        f"| same name on two entries | {outcome.ambiguous} | an entry with the same words as "
        "one of the watched entry's names: the list's ambiguity |",
        f"| recall | {recall:.4f} | {found_in_scope} of {in_scope} positives in scope |",
        f"| recall incl. out of scope | {tp / everything:.4f} | {tp} of {everything} |",
        f"| positives in scope by kind | {dict(sorted(kinds.items()))} | |",
        f"| false positives | {fp} | among {outcome.plausible_negatives:,} negative pairs "
        "sharing a telling word |",
        f"| time | {outcome.seconds:.1f} s | {len(queries)} watch names against every entry |",
    ]
    for source, count in sorted(outcome.positives.items()):
        found = outcome.found[source]
        lines.append(f"| recall: {source} | {found / count:.4f} | {found} of {count} |")
    classes = Counter(miss_class(r, why) for q, r, _, why in outcome.misses if q.source in scope)
    lines.append("\nMisses in scope by class:\n")
    lines += [f"- {name}: {count}" for name, count in classes.most_common()]
    lines.append("\nClosest misses in scope (watch name -> listed entry: best score, why):\n")
    closest = sorted((m for m in outcome.misses if m[0].source in scope), key=lambda m: -m[2])
    for query, record, score, why in closest[:12]:
        lines.append(f"- {query.name!r} -> {record.name!r}: {score:.4f}, {why}")
    lines.append("\nOther misses in scope, a sample:\n")
    for query, record, score, why in closest[12 :: max(1, len(closest) // 12)][:12]:
        lines.append(f"- {query.name!r} -> {record.name!r}: {score:.4f}, {why}")
    lines.append("\nFalse positives (watch name of one entry -> another entry):\n")
    for query, record, match in outcome.false[:: max(1, len(outcome.false) // 30)][:30]:
        lines.append(
            f"- {query.name!r} ({query.key}) -> {record.name!r} ({record.key}): {match.why}"
        )
    lines.append("\nAnother entry containing the watch name, a sample:\n")
    for query, record, match in outcome.related[:: max(1, len(outcome.related) // 6)][:6]:
        lines.append(
            f"- {query.name!r} ({query.key}) -> {record.name!r} ({record.key}): {match.why}"
        )
    return "\n".join(lines) + "\n"


def dump(outcome: Outcome, path: Path) -> None:
    """Every miss in scope and every false positive, one per line, for working through a
    class of them: what, class, source, watch name, entry key, entry name, score, why."""
    rows = [
        ("miss", miss_class(r, why), q.source, q.name, r.key, r.name, f"{score:.4f}", why)
        for q, r, score, why in outcome.misses
        if q.source not in OUT_OF_SCOPE
    ]
    rows += [
        ("false", f"watched {q.key}", q.source, q.name, r.key, r.name, f"{m.score:.4f}", m.why)
        for q, r, m in outcome.false
    ]
    with path.open("w", encoding="utf-8") as out:
        for row in sorted(rows):
            out.write("\t".join(field.replace("\t", " ") for field in row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save", action="store_true", help="append to benchmarks/RESULTS.md")
    parser.add_argument(
        "--dump",
        type=Path,
        metavar="FILE",
        help="also write every miss in scope and every false positive to FILE (tab-separated)",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="K",
        help="a quick run on every K-th watch name (deterministic); the recorded run uses all",
    )
    options = parser.parse_args()
    if not REALDATA.is_dir():
        sys.exit(f"error: {REALDATA} is missing: this evaluation reads the real lists there")
    lists = {"sdn": load(SDN), "csl": load(CSL), "uk": load(UK), "un": load(UN)}
    queries = build_queries(lists)[:: options.every]
    searched = {k: v for k, v in lists.items() if k != "csl"}
    outcome = evaluate(searched, queries)
    command = "python benchmarks/matching_eval.py " + " ".join(sys.argv[1:])
    text = report(outcome, queries, command.strip())
    print(text)
    if options.dump:
        dump(outcome, options.dump)
    if options.save:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write(text)


if __name__ == "__main__":
    main()
