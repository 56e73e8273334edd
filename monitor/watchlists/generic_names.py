"""Organisations' names made of common words only: compared as whole names, word for word.

Once legal forms, articles and places are set aside, some names have no distinctive word
left: 'DES INTERNATIONAL CO., LTD.' ('des' is read as the French article), 'ADVANCED
TECHNOLOGIES COMPANY OF IRAN' ('technologies' is read as a corporate word), 'NEW FAR
INTERNATIONAL LOGISTICS LIMITED'. Word by word such names share "nothing" a match may rest
on, and common words alone never match: 'X TRADING COMPANY' is not 'Y TRADING COMPANY'.

But two such names that are the same sequence of words are one name, and so is a name
that is the other with a place added, or one more common word: 'ADVANCED TECHNOLOGIES' /
'ADVANCED TECHNOLOGIES COMPANY OF IRAN', 'NEW FAR INTERNATIONAL' / 'NEW FAR INTERNATIONAL
LOGISTICS LIMITED', 'IRAN AIRCRAFT MANUFACTURING COMPANY' / 'IRAN AIRCRAFT MANUFACTURING
INDUSTRIAL COMPANY' (one SDN entry's names each). Here the names are compared with their
common words kept (:func:`generic_words`), in order, every word of the shorter one
paired (:func:`generic_match`):

* the same words (in any order, British and American spellings and plurals as one, as
  before): the same name, 1.0;
* the shorter name's words in order in the longer (a place anywhere, or as its people's
  adjective: 'BELARUSIAN X' / 'X OF BELARUS'), the words left over places, or one other
  common word, articles aside: the same name written fuller, or a branch named after
  it, ``CONTAINED``. The shorter name then has two words at least, one neither a place
  nor a corporate word, and one not frequent on the list: 'NATIONAL BANK' (both words
  frequent) finds no 'NATIONAL BANK OF X'. Nothing known of the list, this does not apply.

A watched name of such words is watchable (:func:`watchable`) when it has two words, one
neither a place nor a corporate word: 'DES INTERNATIONAL', not 'SHENZHEN TECHNOLOGY CO.'.

The index (:mod:`monitor.watchlists.matching`) finds such names by :func:`index_keys`
and :func:`lookup_keys`, which every pair this module matches shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from monitor.watchlists.stems import derived
from monitor.watchlists.tokens import NameForm, is_distinctive, organisation_words, spelling_key
from monitor.watchlists.words import (
    ARABIC_ARTICLES,
    COMMON_WORDS,
    CONNECTORS,
    GENERIC_WORDS,
    LEGAL_FORMS,
    ORGANISATION_FORMS,
    PARTICLES,
)

CORPORATE_WORDS = frozenset({"technology", "technologies", "tech"})
"""Words the legal forms list drops that say what a company does: kept here, as they are
much of what a name of common words says ('ADVANCED TECHNOLOGIES')."""
PLACES = COMMON_WORDS - GENERIC_WORDS
"""Places, countries and peoples ('iran', 'korea', 'kish', 'russian'): common words that
are no generic business word."""
ARTICLES = PARTICLES | ARABIC_ARTICLES | CONNECTORS
"""Articles and connectors ('of', 'the', 'al', 'in', 'e'): left out inside a name, written
or not at will ('ISLAMIC STATE IN EGYPT', 'ISLAMIC STATE EGYPT')."""
NUMBER_WORDS = frozenset({"no", "nr", "num", "number"})
"""'OFFICE NO. 39' is 'OFFICE 39' ('OFFICE #39' folds so already)."""
MIN_WORDS = 2
"""Words the shorter name must have for the longer to be it written fuller."""
MAX_OTHER_EXTRA = 1
"""Words other than places and particles the longer name may add."""
KEY_LENGTH = 6
"""Letters of a word the index keys it by: words of one stem ('industries',
'industrial') agree in six at least (:func:`~monitor.watchlists.stems.derived`)."""


@dataclass(frozen=True, slots=True)
class GenericMatch:
    """How two names of common words are one: ``contained`` says which is the fuller."""

    score: float
    pairs: tuple[tuple[str, str, float], ...]
    extra: tuple[str, ...]  # the fuller name's words left over
    contained: str  # "generic same" | "generic listed" | "generic watched"


def is_generic(form: NameForm) -> bool:
    """An organisation's name with no distinctive word left: judged by this module."""
    return not form.person and not any(is_distinctive(t) for t in form.tokens)


@lru_cache(maxsize=50_000)
def _words(original: str, dropped: tuple[str, ...]) -> tuple[str, ...]:
    written = organisation_words(original)
    legal = (LEGAL_FORMS | ORGANISATION_FORMS | set(dropped)) - CORPORATE_WORDS - PARTICLES
    words: list[str] = []
    for i, word in enumerate(written):
        following = written[i + 1] if i + 1 < len(written) else ""
        if word in legal or not any(c.isalnum() for c in word):
            continue
        if word in NUMBER_WORDS and any(c.isdigit() for c in following):
            continue
        if word in ARTICLES and (words or word == "the"):
            continue  # an article inside the name; one opening it is the name's ('DES ...')
        words.append(word)
    return tuple(words)


def generic_words(form: NameForm) -> tuple[str, ...]:
    """A name's words as written, folded, abbreviations in full, without its legal forms
    ('co', 'ltd', 'joint venture company') nor articles inside it ('of', 'and'), but with
    corporate words ('technologies') and an article that opens it ('DES INTERNATIONAL':
    the name, not the French article)."""
    return _words(form.original, form.dropped)


def usable(form: NameForm) -> bool:
    """Whether a name of common words can be watched by this module: two words at least,
    one neither a place nor a corporate word ('DES INTERNATIONAL'; not 'HONG KONG', 'THE
    BANK', 'SHENZHEN TECHNOLOGY CO., LTD.')."""
    words = generic_words(form)
    return len(words) >= MIN_WORDS and any(_named_by(w) for w in words)


def _named_by(word: str) -> bool:
    """A word a name of common words may be told by: no place, no corporate word
    ('Shenzhen Technology Co., Ltd.' is a place and what companies there do)."""
    return word not in PLACES and word not in CORPORATE_WORDS


def watchable(form: NameForm) -> bool:
    """Whether a name can be matched at all: a distinctive word, two common words
    (:attr:`~monitor.watchlists.tokens.NameForm.usable`), or common words this module
    compares as a whole name (:func:`usable`)."""
    return form.usable or usable(form)


def _same(a: str, b: str) -> bool:
    """One word: the same in spelling (:func:`~monitor.watchlists.tokens.spelling_key`) or
    of one stem (:func:`~monitor.watchlists.stems.derived`: 'industries'/'industrial')."""
    x, y = spelling_key(a), spelling_key(b)
    return x == y or derived(x, y)


def _key(word: str) -> str:
    return spelling_key(word)[:KEY_LENGTH]


def _in_order(short: Sequence[str], long: Sequence[str]) -> list[int] | None:
    """The positions in ``long`` of each word of ``short``, or None: the words in order,
    a place anywhere ('BELARUSIAN STATE SECURITY COMMITTEE' / 'STATE SECURITY COMMITTEE
    OF THE REPUBLIC OF BELARUS', one SDN entry's names)."""
    found: dict[int, int] = {}
    start = 0
    for n, word in enumerate(short):
        if word in PLACES:
            continue
        at = next(
            (i for i in range(start, len(long)) if long[i] not in PLACES and _same(word, long[i])),
            None,
        )
        if at is None:
            return None
        found[n] = at
        start = at + 1
    for n, word in enumerate(short):
        if word not in PLACES:
            continue
        used = set(found.values())
        at = next(
            (i for i in range(len(long)) if i not in used and _same_place(word, long[i])), None
        )
        if at is None:
            return None
        found[n] = at
    return [found[n] for n in range(len(short))]


PLACE_STEM = 4
"""Letters a place's name has in its people's adjective: 'Iran'/'Iranian'."""


def _same_place(a: str, b: str) -> bool:
    """One place: the same word, or a place and its people's adjective ('Belarus'/
    'Belarusian', 'Iran'/'Iranian', 'Korea'/'Korean'), both places (a place pairs with no
    other word: the index keys names by their other words)."""
    if b not in PLACES:
        return False
    short, long = sorted((a, b), key=len)
    return _same(a, b) or (len(short) >= PLACE_STEM and long.startswith(short))


def generic_match(
    watched: NameForm, listed: NameForm, frequent: frozenset[str]
) -> GenericMatch | None:
    """Whether two organisations' names of common words only are one name (see the module)."""
    if not (is_generic(watched) and is_generic(listed)):
        return None
    mine, theirs = generic_words(watched), generic_words(listed)
    if not (mine and theirs):
        return None
    if sorted(map(spelling_key, mine)) == sorted(map(spelling_key, theirs)):
        pairs = tuple((w, w, 1.0) for w in mine)
        return GenericMatch(1.0, pairs, (), "generic same")
    short, long = (mine, theirs) if len(mine) <= len(theirs) else (theirs, mine)
    positions = _in_order(short, long)
    if positions is None or not _telling(short, frequent):
        return None
    extra = tuple(w for i, w in enumerate(long) if i not in positions)
    if not _added(extra):
        return None
    from monitor.watchlists.name_score import CONTAINED  # name_score imports this module

    pairs = tuple(
        (a, b, 1.0) if short is mine else (b, a, 1.0)
        for a, b in zip(short, (long[i] for i in positions), strict=True)
    )
    side = "generic listed" if short is mine else "generic watched"
    return GenericMatch(CONTAINED, pairs, extra, side)


def _added(extra: Sequence[str]) -> bool:
    """Whether the fuller name's words left over are places ('OF IRAN', 'KOREA', 'KISH'),
    or one common word ('LOGISTICS', 'PARTNERS'), articles aside; not both: 'NATIONAL
    IRANIAN RADIO AND TELEVISION' is Iran's broadcaster, not every 'RADIO AND TELEVISION
    CORPORATION' (Syria's, another SDN entry)."""
    other = [w for w in extra if w not in PLACES and w not in ARTICLES]
    if not other:
        return True
    return len(other) <= MAX_OTHER_EXTRA and all(w in ARTICLES for w in extra if w not in other)


def _telling(short: Sequence[str], frequent: frozenset[str]) -> bool:
    """Whether the shorter name is enough of a name for the longer to be it written fuller:
    two words at least, one neither a place nor a corporate word, one not frequent on the
    list (nothing known of the list, none is)."""
    return (
        len(short) >= MIN_WORDS
        and any(_named_by(w) for w in short)
        and bool(frequent)
        and any(w not in frequent for w in short)
    )


def _core(form: NameForm) -> list[str]:
    """The words the index keys a name of common words by: places and particles aside."""
    return [_key(w) for w in generic_words(form) if w not in PLACES and w not in ARTICLES]


def index_keys(form: NameForm) -> set[tuple[str, ...]]:
    """The keys a watched name of common words is indexed by: its words (places and
    particles aside, six letters of each, in any order), and those words but one (the
    watched name may be the fuller)."""
    return _keys_of(_core(form))


def lookup_keys(form: NameForm) -> set[tuple[str, ...]]:
    """The keys a listed name of common words is looked up by: as :func:`index_keys`
    (either name may be the fuller one, by one word)."""
    return _keys_of(_core(form)) if is_generic(form) else set()


def _keys_of(core: list[str]) -> set[tuple[str, ...]]:
    keys = {tuple(sorted(core))}
    keys |= {tuple(sorted(core[:i] + core[i + 1 :])) for i in range(len(core)) if len(core) > 1}
    return keys


GENERIC_WHY = {
    "generic same": "names of common words only, the same words",
    "generic listed": (
        "names of common words only: the listed name is the watched one's words in order "
        "(a place anywhere), with places or one common word more"
    ),
    "generic watched": (
        "names of common words only: the watched name is the listed one's words in order "
        "(a place anywhere), with places or one common word more"
    ),
}
"""What an alert says of a match of names of common words (``GenericMatch.contained``)."""
