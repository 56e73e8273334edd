"""The cheap test before the pairing rules (:func:`~monitor.watchlists.pairable.may_be_alike`)
is a necessary condition of every rule: where it says no, no rule pairs the two words, so
screening skips exactly the names it skipped before, only sooner.

Checked on every pair of words of real names: SDN persons' names with their aliases (the
list's own spellings of one name, where the rules pair words: 'Ghiath'/'Ghayth',
'Qadhafi'/'Elkaddafi'), and CSL names of organisations and people.
"""

from __future__ import annotations

from monitor.watchlists.matching import prepare
from monitor.watchlists.pairable import _pairs_by_a_rule, could_pair, may_be_alike
from tests.conftest import SNAPSHOTS
from tests.watchlists.conftest import records

SDN = SNAPSHOTS / "us-ofac-sdn" / "2021-12-30T1850Z"
CSL = SNAPSHOTS / "us-csl" / "2022-05-06T0000Z"


def real_words() -> list[str]:
    """The words of every name and alias of a sample of real entries, once each."""
    persons = [r for r in records(SDN) if r.entry_type == "individual" and r.aliases]
    sample = [*persons[::25], *records(CSL)[::250]]
    words = {t for r in sample for _, _, form in prepare(r).names for t in form.tokens}
    return sorted(words)


def test_where_the_cheap_test_says_no_no_rule_pairs_the_words() -> None:
    words = real_words()
    rejected = paired = 0
    for a in words:
        for b in words:
            if may_be_alike(a, b):
                paired += could_pair(a, b) and a != b
                continue
            rejected += 1
            assert not _pairs_by_a_rule(a, b), (a, b)
            assert not could_pair(a, b), (a, b)
    pairs = len(words) ** 2
    print(len(words), pairs, rejected, paired)
    assert len(words) > 300
    assert paired > 100  # the rules do pair words of these names: spellings of one name
    assert rejected > 0.9 * pairs  # and the cheap test leaves them few pairs to look at
