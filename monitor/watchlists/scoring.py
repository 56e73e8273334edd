"""How alike a watched name and a listed name are: a score from 0 to 1 and the reason for it.

The score is the share of the watched name's words found in the listed name
(distinctive words weigh more than places and generic words), lowered when
the listed name has distinctive words the watched one lacks. So "DJI" scores
1.0 against "SZ DJI Technology Co., Ltd." (``sz`` is a place; ``technology co
ltd`` are legal forms) but only 0.75 against "Golden Star" when watching
"Golden". Words of four letters or fewer, and words with digits, must be equal;
longer words may differ by one edit (two from nine letters on), and then count
for their rapidfuzz ratio (squared below eight letters, where one typo can make
another name: "Maria", "Mariam"), so "DJI" never matches "Djibouti", "14th
Institute" never matches "15th Institute", and "Kuybyshev" is not "Novokuybyshev".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from monitor.watchlists.tokens import NameForm, is_distinctive, weight

FUZZY_MIN_LENGTH = 5
LONG_WORD = 8  # one typo in a shorter word may be another name: 'Maria' and 'Mariam'
TWO_EDITS_LENGTH = 9
EXTRA_WORD_PENALTY = 0.5


def fuzzy_word(token: str) -> bool:
    """Words that may match with a typo: long enough, and no digits (numbers must be exact)."""
    return len(token) >= FUZZY_MIN_LENGTH and token.isalpha()


def max_edits(a: str, b: str) -> int:
    """Typos allowed between two words: none for short words, one, two for long words."""
    if not (fuzzy_word(a) and fuzzy_word(b)):
        return 0
    return 2 if min(len(a), len(b)) >= TWO_EDITS_LENGTH else 1


def word_similarity(a: str, b: str) -> float:
    """1 for equal words; their rapidfuzz ratio for a typo, squared below eight letters."""
    if a == b:
        return 1.0
    edits = max_edits(a, b)
    if edits == 0 or Levenshtein.distance(a, b, score_cutoff=edits) > edits:
        return 0.0
    ratio = fuzz.ratio(a, b) / 100
    return ratio if min(len(a), len(b)) >= LONG_WORD else ratio * ratio


def merge_runs(tokens: Sequence[str], other: set[str]) -> tuple[str, ...]:
    """Join adjacent words that the other name writes as one ('Sense Time' / 'SenseTime')."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in (3, 2):
            joined = "".join(tokens[i : i + size])
            if i + size <= len(tokens) and joined in other:
                out.append(joined)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


@dataclass(frozen=True, slots=True)
class NameScore:
    """A score and what it rests on: the paired words, the missing and the extra ones."""

    score: float
    pairs: tuple[tuple[str, str, float], ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    def explain(self, watched: NameForm, listed: NameForm) -> str:
        words = ", ".join(a if a == b else f"{a}~{b} ({s:.2f})" for a, b, s in self.pairs)
        parts = [f"words {words}"]
        if self.missing:
            parts.append("not in the listed name: " + ", ".join(self.missing))
        if self.extra:
            parts.append("listed name also has: " + ", ".join(self.extra))
        ignored = sorted({*watched.dropped, *listed.dropped})
        if ignored:
            parts.append("legal forms ignored: " + ", ".join(ignored))
        return "; ".join(parts)


def _align(watched: Sequence[str], listed: Sequence[str]) -> list[tuple[str, str, float]]:
    """Pair each watched word with at most one listed word: equal words, then the most alike."""
    same = set(watched) & set(listed)
    pairs = [(t, t, 1.0) for t in watched if t in same]
    rest_w = [t for t in watched if t not in same and fuzzy_word(t)]
    rest_l = [t for t in listed if t not in same and fuzzy_word(t)]
    if not (rest_w and rest_l):
        return pairs
    candidates = [(s, a, b) for a in rest_w for b in rest_l if (s := word_similarity(a, b)) > 0]
    candidates.sort(key=lambda c: -c[0])
    used_w: set[str] = set()
    used_l: set[str] = set()
    for similarity, a, b in candidates:
        if a not in used_w and b not in used_l:
            used_w.add(a)
            used_l.add(b)
            pairs.append((a, b, similarity))
    return pairs


def score_names(watched: NameForm, listed: NameForm) -> NameScore | None:
    """The score of a listed name for a watched name, or None when they share no telling word."""
    w, lst = watched.tokens, listed.tokens
    if watched.joined & listed.token_set or listed.joined & watched.token_set:
        w = merge_runs(w, set(lst))
        lst = merge_runs(lst, set(w))
    if not any(is_distinctive(t) for t in w):
        if sorted(w) != sorted(lst):
            return None
        return NameScore(1.0, tuple((t, t, 1.0) for t in w), (), ())
    pairs = _align(w, lst)
    if not any(is_distinctive(a) and is_distinctive(b) for a, b, _ in pairs):
        return None  # a match never rests on common words alone, nor on a typo of one
    # A watched word paired with a common word ('Tradig' ~ 'trading') weighs as a common word.
    paired_weights = [min(weight(a), weight(b)) for a, b, _ in pairs]
    found = sum(pw * s for pw, (_, _, s) in zip(paired_weights, pairs, strict=True))
    paired_w = {a for a, _, _ in pairs}
    recall = found / (sum(paired_weights) + sum(weight(t) for t in w if t not in paired_w))
    paired_l = {b for _, b, _ in pairs}
    extra = tuple(t for t in lst if t not in paired_l and is_distinctive(t))
    matched = sum(1 for b in paired_l if is_distinctive(b)) or 1
    penalty = EXTRA_WORD_PENALTY * len(extra) / (len(extra) + matched)
    missing = tuple(t for t in w if t not in paired_w)
    return NameScore(round(recall * (1 - penalty), 4), tuple(pairs), missing, extra)
