"""The score of a listed name for a watched name, what it rests on, and the reason given.

A module of its own so that the rules that score a whole name (an organisation's initials or
blend, :mod:`monitor.watchlists.organisation_rules`) return a :class:`NameScore` without
importing :mod:`monitor.watchlists.scoring`, which imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.watchlists.generic_names import GENERIC_WHY
from monitor.watchlists.tokens import NameForm

CONTAINED = 0.95
"""The score of a name contained in the other (fuller names, subsidiaries): below an exact 1.0."""
MIN_SHARED_PERSON = 2  # words a person's fuller or shorter name must share with the other


@dataclass(frozen=True, slots=True)
class NameScore:
    """A score and what it rests on: the paired words, the missing and the extra ones."""

    score: float
    pairs: tuple[tuple[str, str, float], ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    contained: str = ""  # "listed": the listed name has all the watched words; "watched"
    # (a person) or "watched company": the watched name has all the listed words;
    # "described" ("described listed"): the watched (listed) name is the other, its legal
    # form and words describing it (:mod:`monitor.watchlists.described`); "bodies": the
    # word for the kind of body translated otherwise (:mod:`monitor.watchlists.bodies`)
    apart: tuple[tuple[str, str], ...] = ()  # words paired as one spelt apart (see
    # :func:`~monitor.watchlists.scoring._pair_spelt_apart`), the rest of the name the same
    titles: tuple[str, ...] = ()  # watched titles set aside ('dr', 'colonel')

    def explain(self, watched: NameForm, listed: NameForm) -> str:
        words = ", ".join(a if a == b else f"{a}~{b} ({s:.2f})" for a, b, s in self.pairs)
        parts = [f"words {words}"]
        if self.contained == "listed":
            parts.append(
                "the listed name contains every word of the watched name (a fuller name, "
                "or a subsidiary or branch named after it)"
            )
        elif self.contained == "watched":
            parts.append(
                "the watched name contains every word of the listed name (with given names, "
                "a patronymic or middle name the list leaves out)"
            )
        elif self.contained.startswith("acronym"):
            short = "watched" if "listed" in self.contained else "listed"
            parts.append(f"the {short} name is the initials of the other")
        elif self.contained.startswith("blend"):
            short = "watched" if "watched" in self.contained else "listed"
            parts.append(f"the {short} name is the other's words blended into one")
        elif self.contained == "watched company":
            parts.append(
                "the watched name contains every word of the listed name (a shorter name of "
                "the watched company, or of the company it is named after)"
            )
        elif self.contained in GENERIC_WHY:
            parts.append(GENERIC_WHY[self.contained])
        elif self.contained == "bodies":
            parts.append(
                "the two names agree but for the word for the kind of body, translated otherwise"
            )
        elif self.contained.startswith("described"):
            one, other = (
                ("listed", "watched") if "listed" in self.contained else ("watched", "listed")
            )
            parts.append(
                f"the {one} name is the {other} name, its legal form and words that "
                "describe it (a trade, a seat, what it is for)"
            )
        if self.apart:
            spelt = ", ".join(f"{a}~{b}" for a, b in self.apart)
            parts.append(
                f"{spelt}: one word spelt apart, read as one beside the other words "
                "the two names share"
            )
        if self.missing:
            parts.append("not in the listed name: " + ", ".join(self.missing))
        if self.extra:
            parts.append("listed name also has: " + ", ".join(self.extra))
        if self.titles:
            parts.append("titles set aside: " + ", ".join(self.titles))
        ignored = sorted({*watched.dropped, *listed.dropped})
        if ignored:
            parts.append("legal forms ignored: " + ", ".join(ignored))
        return "; ".join(parts)
