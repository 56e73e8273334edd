"""Organisations' names written as one word blended from the beginnings of their words.

Latin American and Iranian companies are known by a word made of the first letters or
syllables of their name's words, one of them kept whole: 'COLCERDOS' for 'COLOMBIANA DE
CERDOS', 'INPESCA' for 'INDUSTRIA DE PESCA', 'FUNPORVENIR' for 'FUNDACION PARA EL BIENESTAR
Y EL PORVENIR', 'KHAYBARCO' for 'KHAYBAR COMPANY', 'VALLECOM' for 'VALLE COMUNICACIONES'
(each pair one SDN entry's names). No word of one name is a word of the other, so word by
word they share nothing; read as the other name's beginnings they are one name.

The rule (:func:`blended`) asks for a whole distinctive word of the other name at the
blend's start or end, four letters at least, so that the match rests on a word a name can
be told by; the rest is the beginnings of the other name's words in their order, two
letters or more each, the first from its first word. Initials alone ('ETIM', 'ISGS') are
acronyms (:func:`monitor.watchlists.organisation_rules.acronym`), not blends.
"""

from __future__ import annotations

from functools import lru_cache

from monitor.names import fold
from monitor.watchlists.tokens import INNER_APOSTROPHE, is_distinctive
from monitor.watchlists.words import LEGAL_FORMS, ORGANISATION_FORMS

BLEND_MIN_LENGTH = 6
"""A blended word has six letters at least: shorter ones are acronyms or words."""
WHOLE_MIN_LENGTH = 4
"""The whole word a blend keeps has four letters at least ('GRAN', 'CAFE', 'PESCA')."""
PIECE_MIN_LENGTH = 2
"""Each other piece is two letters of a word's beginning at least ('IN', 'CO', 'COL')."""
_FORMS = LEGAL_FORMS | ORGANISATION_FORMS


@lru_cache(maxsize=50_000)
def blend_keys(word: str) -> tuple[str, ...]:
    """The words a blend may keep whole: its beginnings and endings of four letters or
    more that leave two letters at least, distinctive ('colcerdos': 'cerdos', 'colc'...).
    The index finds a blend's other name by them."""
    if len(word) < BLEND_MIN_LENGTH or not word.isalpha():
        return ()
    ends = {word[:i] for i in range(WHOLE_MIN_LENGTH, len(word) - PIECE_MIN_LENGTH + 1)}
    ends |= {word[i:] for i in range(PIECE_MIN_LENGTH, len(word) - WHOLE_MIN_LENGTH + 1)}
    return tuple(sorted(w for w in ends if is_distinctive(w)))


@lru_cache(maxsize=50_000)
def written_words(name: str) -> tuple[str, ...]:
    """A name's words as written, folded, legal forms and particles kept ('de' is the 'DE'
    of 'CODECAFE'), single letters of a dotted form joined ('S.A.' is 'sa')."""
    words: list[str] = []
    run = ""
    for word in fold(INNER_APOSTROPHE.sub("", name)).split():
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            words.append(run)
            run = ""
        words.append(word)
    if run:
        words.append(run)
    return tuple(words)


def blended(word: str, name: str, tokens: frozenset[str]) -> bool:
    """Whether ``word`` is the other name (``name`` as written, ``tokens`` its words as
    compared) blended into one word (:func:`_segmentations`), keeping whole:

    * its first word, four letters or more, distinctive ('VALLECOM', 'KHAYBARCO'), or
    * its last distinctive word ('COLCERDOS', 'FUNPORVENIR'): 'ALHARAMAIN' is no blend of
      'AL HARAMAIN AL MASJED AL AQSA', nor 'GOKUDO' of 'GODAIME KUDO-KAI' (the names of
      other SDN entries): the words after the one kept whole are another name's.
    """
    if len(word) < BLEND_MIN_LENGTH or not word.isalpha() or word in tokens:
        return False
    words = written_words(name)
    first = next((i for i, w in enumerate(words) if w not in _FORMS), None)
    if first is None or len(words) - first < 2:
        return False
    words = words[first:]
    telling = [i for i, w in enumerate(words) if w in tokens and is_distinctive(w)]
    if not telling:
        return False
    for pieces in _segmentations(word, words, 0):
        kept = [i for i, size in pieces if size == len(words[i])]
        head, tail = pieces[0][0], pieces[-1][0]
        if head in kept and head in telling and len(words[head]) >= WHOLE_MIN_LENGTH:
            return True
        if tail in kept and tail == telling[-1] and len(words[tail]) >= WHOLE_MIN_LENGTH:
            return True
    return False


def _segmentations(rest: str, words: tuple[str, ...], start: int) -> list[list[tuple[int, int]]]:
    """The ways ``rest`` is beginnings of ``words[start:]`` in order, the first piece from
    ``words[start]``: (word index, letters taken) each. A piece is two letters or more and,
    unless the whole word, leaves two letters of it at least: 'CHOLSON' is not 'Chol Song'
    blended ('son' is 'Song' spelt short, a spelling, not a syllable taken)."""
    if not rest:
        return [[]]
    found: list[list[tuple[int, int]]] = []
    for i in range(start, len(words)):
        if i > start and start == 0:
            break  # the first piece is the name's first word's beginning
        other = words[i]
        for size in range(min(len(other), len(rest)), PIECE_MIN_LENGTH - 1, -1):
            if other[:size] != rest[:size]:
                continue
            if size < len(other) and len(other) - size < PIECE_MIN_LENGTH:
                continue
            for more in _segmentations(rest[size:], words, i + 1):
                found.append([(i, size), *more])
    return found
