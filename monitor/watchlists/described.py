"""An organisation's name written as its name, its legal form, then words that describe it.

Registers and lists write a company's name, its legal form, and after it its seat or its
trade: 'ARANEKS DOO BEOGRAD-VOZDOVAC' (its seat, a Belgrade municipality), 'CILINDER SISTEM
D.O.O. ZA PROIZVODNJU I USLUGE' (Serbian: for production and services), 'UNIPAPEL S.A.
BOLSAS DE PAPEL PAPELES SOBRES' (paper bags, envelopes), 'BANCO DE VENEZUELA SA, BANCO
UNIVERSAL' (the kind of bank); English names say what a body is for after 'for': 'WAAD
PROJECT FOR RECONSTRUCTION'. The SDN list gives each of these as an alias of the entry named
'ARANEKS DOO', 'CILINDER SISTEM D.O.O.', 'UNIPAPEL S.A.', 'WAAD PROJECT'.

The name proper is then the words before the legal form (or 'for'); the words after it
are no other company's name, so a listed name with exactly those words is the watched
company (:func:`monitor.watchlists.scoring.score_names` asks the rest: every word paired, a
telling word rare on the list). A legal form opening the name ('OOO VESNA') or closing it
says nothing of the kind. Corporate words that are no legal form ('Technologies') are no
such boundary: 'HUAWEI TECHNOLOGIES (THAILAND)' is another company than 'HUAWEI', and a
country after the form names a subsidiary, not a trade.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from monitor.countries import ISO_3166_ALPHA2
from monitor.names import fold
from monitor.watchlists.ordinals import ordinal
from monitor.watchlists.tokens import NameForm, analyse, is_distinctive
from monitor.watchlists.words import ARABIC_ARTICLES, CONNECTORS, GENERIC_WORDS, PARTICLES

PURPOSE = frozenset({"for"})
"""Particles after which an organisation's name says what it is for: 'WAAD PROJECT FOR
RECONSTRUCTION'. Other particles ('de', 'of', 'and') join the words of one name."""
CORPORATE = frozenset({"technology", "technologies", "tech"})
"""Words dropped with the legal forms that are no legal form: what follows them is still
the name ('HUAWEI TECHNOLOGIES (THAILAND)')."""
_COUNTRIES = frozenset(
    token
    for country in ISO_3166_ALPHA2.values()
    for token in fold(country).split()
    if len(token) >= 4 and token not in GENERIC_WORDS
)


@dataclass(frozen=True, slots=True)
class Described:
    """The words of an organisation's name before its legal form, and those after it."""

    name: frozenset[str]
    description: frozenset[str]


NOT_DESCRIBED = Described(frozenset(), frozenset())


def _boundary(dropped: tuple[str, ...]) -> bool:
    """Whether words dropped from a name's beginning include a legal form or 'for'."""
    kept = set(dropped) - PARTICLES - ARABIC_ARTICLES - CORPORATE
    return bool(kept or PURPOSE & set(dropped))


_UNITS = """
    academy institute factory plant works department branch office bureau center centre
    laboratory laboratories division unit subsidiary directorate school college university
    hospital station
"""
UNITS = frozenset(_UNITS.split())
"""Words naming a part of an organisation: after the parent's name and legal form they
name that part, another entry ('CHINA AEROSPACE SCIENCE AND INDUSTRY CORPORATION (CASIC)
3RD ACADEMY', '... SECOND ACADEMY', '... 159 FACTORY' are Entity List parties apart from
the corporation on the OFAC list)."""


def _names_a_part(word: str) -> bool:
    """Whether a word after the legal form names a part of the organisation or another
    one, not a trade or a seat: a unit (:data:`UNITS`), a number or ordinal ('3rd',
    'Second', '159'), a country (a subsidiary's: 'HUAWEI ... (THAILAND)')."""
    return (
        word in UNITS
        or word in _COUNTRIES
        or any(c.isdigit() for c in word)
        or ordinal(word) is not None
    )


def described(form: NameForm) -> Described:
    """The name proper and the description of a watched organisation's name written 'NAME
    <legal form> DESCRIPTION' (:data:`NOT_DESCRIBED` when it is not so written): cut at
    the first legal form or 'for' with words on both sides, no word of the description
    naming a part of it or another organisation (:func:`_names_a_part`)."""
    if form.person or not _boundary(form.dropped):
        return NOT_DESCRIBED  # the cheap test first: most names have no such word
    return _described(form.original)


@lru_cache(maxsize=20_000)
def _described(name: str) -> Described:
    words = name.split()
    for cut in range(1, len(words)):
        head = analyse(" ".join(words[:cut]))
        if not _boundary(head.dropped):
            continue
        tail = analyse(" ".join(words[cut:])).tokens
        if not head.tokens or not tail or any(_names_a_part(t) for t in tail):
            return NOT_DESCRIBED
        return Described(frozenset(head.tokens), frozenset(tail))
    return NOT_DESCRIBED


def described_company(
    described_form: NameForm,
    other: NameForm,
    pairs: Sequence[tuple[str, str, float]],
    left_over: Sequence[str],
    frequent: frozenset[str],
) -> bool:
    """Whether ``other`` names the organisation ``described_form`` names without the words
    describing it after its legal form (:func:`described`): 'UNIPAPEL S.A.' and 'UNIPAPEL
    S.A. BOLSAS DE PAPEL PAPELES SOBRES', whichever is watched. ``pairs``: the words paired,
    the described name's first; ``left_over``: its words the other lacks.

    Every word of the other name and of the name proper is paired, the words left over
    are all of the description, and a paired word is telling and rare on the list
    (``frequent``), as when a generic word is left out (:func:`monitor.watchlists.scoring.
    score_names`): a company named 'SHAHID' is no 'SHAHID ... LLC' of many. Nothing known
    of the list, the rule does not apply. The other name is a company's name
    (:func:`company_name`): 'PARTIZAN TECH DOO BEOGRAD' is not every 'PARTIZAN', nor 'AL-HODA
    FOR RELIGIOUS TOURISM COMPANY' an alias 'HODA' (SDN entries of others)."""
    if described_form.person or other.person or not frequent or not left_over:
        return False
    if not company_name(other):
        return False
    parts = described(described_form)
    if not parts.name or not set(left_over) <= parts.description:
        return False
    mine, theirs = {a for a, _, _ in pairs}, {b for _, b, _ in pairs}
    if not all(t in theirs or t in SET_ASIDE for t in other.tokens):
        return False
    if not all(t in mine or t in SET_ASIDE for t in parts.name):
        return False
    return any(
        is_distinctive(a) and is_distinctive(b) and a not in frequent and b not in frequent
        for a, b, _ in pairs
        if a in parts.name
    )


SET_ASIDE = ARABIC_ARTICLES | CONNECTORS
"""Words a name may write or leave out ('AL-BUSTAN', 'BUSTAN'; 'WA', 'I')."""


def company_name(listed: NameForm) -> bool:
    """Whether a listed name names a company on its own: a legal form written with it
    ('UNIPAPEL S.A.', 'ARANEKS DOO') or two words at least, the Arabic article aside
    ('WAAD PROJECT'). One bare word ('CHAM', 'PARTIZAN') is a name many companies take,
    and the alias of a person or vessel as often."""
    return listed.company or sum(1 for t in listed.tokens if t not in ARABIC_ARTICLES) >= 2
