"""The rules of scoring that apply only to organisations' names.

An organisation's name may be written as its initials (:func:`acronym`) or as one word
blended from its words (:func:`blend`); without a generic word or a place, without the legal
form and words describing it, or with the word for its kind of body translated otherwise
(:func:`left_out_kind`); with a word of one stem ending otherwise
(:mod:`monitor.watchlists.stems`), or one word spelt apart beside words that agree.
:func:`~monitor.watchlists.scoring.score_names` asks them when the listed name is not a
person's: in a person's name a word ending otherwise, or left out, may be another person.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.watchlists.blends import blended
from monitor.watchlists.bodies import bodies_swapped
from monitor.watchlists.consonants import vowels_apart
from monitor.watchlists.described import described_company
from monitor.watchlists.name_score import MIN_SHARED_PERSON, NameScore
from monitor.watchlists.spellings import VARIANT, word_similarity
from monitor.watchlists.spelt_apart import APART_CLOSE, apart_similarity, left_over
from monitor.watchlists.stems import DERIVED, derived
from monitor.watchlists.tokens import NameForm, is_distinctive
from monitor.watchlists.words import ARABIC_ARTICLES, GENERIC_WORDS


def stem_only(pairs: Sequence[tuple[str, str, float]]) -> bool:
    """Whether every distinctive word two organisations' names share pairs only as a word
    of one stem (:func:`~monitor.watchlists.stems.derived`), not as the same word or a spelling of
    it."""
    telling = [(a, b) for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)]
    return bool(telling) and all(
        a != b and derived(a, b) and word_similarity(a, b) < DERIVED for a, b in telling
    )


def same_but_stem(
    pairs: Sequence[tuple[str, str, float]], watched: Sequence[str], listed: Sequence[str]
) -> bool:
    """Whether two organisations' names are the same words but for the one distinctive word
    each writes with another ending of one stem, beside one word or more that agree:
    'BENEVOLENT INTERNATIONAL FUND' / 'BENEVOLENCE INTERNATIONAL FUND', 'STATE
    ADMINISTRATION COUNCIL' / 'STATE ADMINISTRATIVE COUNCIL' (one SDN entry's names each).
    The word of one stem is then no other name's word, as it may be alone ('EXPLORER' is
    not 'KOREA OIL EXPLORATION CORPORATION')."""
    telling = [(a, b) for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)]
    if len(telling) != 1:
        return False
    a, b = telling[0]
    rest = set(watched) - {a}
    return bool(rest) and rest == set(listed) - {b}


def same_but_one(
    loose: Sequence[tuple[str, str, float]], watched: Sequence[str], listed: Sequence[str]
) -> bool:
    """Whether two organisations' names are the same words but for the one pair spelt as it
    sounds: 'IRAN POUYA' / 'IRAN POOYA', 'KHEITI HOLDING GROUP' / 'KHITI HOLDING GROUP'
    (one SDN entry's names each). The name is that word, written two ways; beside other
    words that differ it stays unpaired, as in a person's name."""
    if len(loose) != 1:
        return False
    a, b, _ = loose[0]
    return set(watched) - {a} == set(listed) - {b}


def _generic_dropped(
    listed: NameForm,
    lst: Sequence[str],
    pairs: Sequence[tuple[str, str, float]],
    missing: Sequence[str],
    frequent: frozenset[str],
) -> bool:
    """Whether a listed company is the watched one written without a generic word or a
    place: 'CONGO FUTUR' for 'CONGO FUTUR IMPORT', 'ARIAN BANK' for 'ARIAN BANK
    CORPORATION', 'BOYLE CHEMICAL' for 'SHANGHAI BOYLE CHEMICAL', 'DART AIRLINES' for
    'DART UKRAINIAN AIRLINES', 'MASHHAD PRISON' for 'MASHHAD CENTRAL PRISON'.

    Every listed word is paired, each watched word left over is a common word of
    companies' names, in letters (a generic business word or a place,
    :data:`~monitor.watchlists.words.COMMON_WORDS`; a number is not: 'VALFAJR 8'
    may be another company than 'VALFAJR'), one only unless each is a generic word
    many of the list's entries share ('KOREA GENERAL COMPANY FOR EXTERNAL
    CONSTRUCTION' is not 'EXTERNAL TECHNOLOGY GENERAL CORPORATION'), and a paired
    word is telling and rare on the list (``frequent``, counted on the list):
    'SHAHID INDUSTRIES' is not 'SHAHID'.
    Nothing known of the list, the rule does not apply. The listed name has two
    words at least (the Arabic article aside): 'CHAM BANK' is not 'CHAM HOLDING' (alias
    'CHAM'), 'SINA BANK' is not a vessel 'SINA'; nor is one word and its legal form
    enough: 'SOVFRACHT MANAGEMENT COMPANY' is not 'OJSC SOVFRACHT', 'AL-AQSA AL-ISLAMI
    BANK' not 'AL-AQSA FOUNDATION' (SDN entries of others each).
    """
    if listed.person or not frequent:
        return False
    if not all(t.isalpha() and not is_distinctive(t) for t in missing):
        return False
    if len(missing) > 1 and not all(t in GENERIC_WORDS and t in frequent for t in missing):
        return False  # 'KOREA ... EXTERNAL CONSTRUCTION' is not 'EXTERNAL GENERAL'
    paired = {b for _, b, _ in pairs}
    if not all(t in paired for t in lst):
        return False
    if sum(1 for t in lst if t not in ARABIC_ARTICLES) < MIN_SHARED_PERSON:
        return False  # 'CHAM' for 'CHAM BANK': one word is a name many companies take
    return any(
        is_distinctive(a) and is_distinctive(b) and a not in frequent and b not in frequent
        for a, b, _ in pairs
    )


ACRONYM = 0.92
"""The score of an organisation's name against its initials: as two spellings of one word."""


def acronym(watched: NameForm, listed: NameForm) -> NameScore | None:
    """An organisation written as its initials on one side: 'ISGS' for 'ISIS IN THE GREATER
    SAHARA' (:func:`~monitor.watchlists.tokens.acronyms`: four words and letters at least).

    The one word must be a telling one ('Bank' is no acronym), and neither name a
    listed person's: people's initials are no name.
    """
    if listed.person:
        return None
    for one, many, watched_short in ((watched, listed, True), (listed, watched, False)):
        if len(one.tokens) != 1 or len(many.tokens) < 2:
            continue
        word = one.tokens[0]
        if is_distinctive(word) and word in many.acronyms:
            initials = "initials of the listed name" if watched_short else "initials of it"
            why = (word, " ".join(many.tokens), ACRONYM)
            pair = why if watched_short else (why[1], word, ACRONYM)
            return NameScore(ACRONYM, (pair,), (), (), f"acronym: {initials}")
    return None


BLEND = ACRONYM
"""The score of an organisation's name against the one word blended from its words'
beginnings (:mod:`monitor.watchlists.blends`): as its initials."""


def blend(watched: NameForm, listed: NameForm) -> NameScore | None:
    """An organisation written as one word blended from its words on one side: 'COLCERDOS'
    for 'COLOMBIANA DE CERDOS', 'KHAYBARCO' for 'KHAYBAR COMPANY'
    (:func:`~monitor.watchlists.blends.blended`). Never a listed person's name, nor a
    name written 'SURNAME, Given names' on either side: people's names are no blends."""
    if listed.person or "," in watched.original or "," in listed.original:
        return None
    for one, many, watched_short in ((watched, listed, True), (listed, watched, False)):
        if len(one.tokens) != 1 or not is_distinctive(word := one.tokens[0]):
            continue
        if blended(word, many.original, many.token_set):
            why = (word, " ".join(many.tokens), BLEND)
            pair = why if watched_short else (why[1], word, BLEND)
            side = "watched" if watched_short else "listed"
            return NameScore(BLEND, (pair,), (), (), f"blend: {side}")
    return None


def left_out_kind(
    forms: tuple[NameForm, NameForm],
    lst: Sequence[str],
    pairs: Sequence[tuple[str, str, float]],
    missing: Sequence[str],
    frequent: frozenset[str],
) -> str:
    """Why an organisation's watched words left over (``missing``) may be left out, as the
    reason :class:`~monitor.watchlists.name_score.NameScore` gives, or '' when no rule reads them
    so: a generic word or a place ('CONGO FUTUR IMPORT' / 'CONGO FUTUR'), the word for the kind of
    body translated ('ORGANIZATION' for 'COMMITTEE'), the legal form and a description of the trade
    ('UNIPAPEL S.A. BOLSAS DE PAPEL'). The first rule that applies names it; each is scored alike,
    by how much of the listed name the watch has."""
    watched, listed = forms
    if _generic_dropped(listed, lst, pairs, missing, frequent):
        return "watched company"
    if bodies_swapped(listed, lst, pairs, missing, frequent):
        return "bodies"
    if described_company(watched, listed, pairs, missing, frequent):
        return "described"
    return ""


def pair_organisation_apart(
    watched: Sequence[str],
    listed: Sequence[str],
    pairs: list[tuple[str, str, float]],
    firm: list[tuple[str, str, float]],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one word two organisations' names spell apart when they share one telling
    word and nothing else distinctive is left over: 'ANCAR DINE' / 'ANSAR AL-DINE', 'SILSILET
    AL THAHAB' / 'SELSELAT AL THAHAB', 'WILAYAH QAWKAZ' / 'WILAYAT QAWQAZ', 'MODABERAN
    EGHTESAD' / 'MODABBERAN EQTESAD' (the same names on the SDN list).

    With one word to rest on, the word spelt apart is held closer than beside two: five
    letters at least, ``APART_CLOSE`` alike in the loose reading
    (:func:`~monitor.watchlists.spelt_apart.apart_similarity`) and beginning with the same letter as
    written. The loose reading makes Arabic jim 'g', but 'JEMAAH ISLAMIYAH' (Indonesian) and 'GAMA'A
    AL-ISLAMIYYA' (Egyptian) are two groups; Korean 'Taedong' and 'Daesong' two banks' names."""
    kept, odd_w, odd_l = left_over(pairs, firm, watched, listed)
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if not _organisation_word_apart(a, b, pairs):
        return pairs, ()
    return [*kept, (a, b, VARIANT)], ((a, b),)


def _organisation_word_apart(a: str, b: str, pairs: list[tuple[str, str, float]]) -> bool:
    """Whether an organisation's word ``a`` is ``b`` spelt apart, held close: the same first
    letter as written, not paired as a variant already, and five letters at least,
    ``APART_CLOSE`` alike in the loose reading, or only its vowels written otherwise
    (:func:`~monitor.watchlists.consonants.vowels_apart`: 'NOOR HOLDING' / 'NOUR HOLDING', 'AJNAD
    MASR' / 'AJNAD MISR')."""
    if not a or not b or a[0] != b[0]:
        return False
    if not vowels_apart(a, b) and (
        min(len(a), len(b)) < ORGANISATION_APART_LENGTH or apart_similarity(a, b) < APART_CLOSE
    ):
        return False
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    return before < VARIANT


def pair_beside_common_words(
    watched: Sequence[str], listed: Sequence[str], pairs: list[tuple[str, str, float]]
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one distinctive word of two organisations' names spelt apart when every
    other word is the same in both, common words each ('ARVADA PETROLEUM' / 'ARFADA
    PETROLEUM', 'LEBANESE HEZBOLLAH' / 'LEBANESE HIZBALLAH': one SDN entry's names each):
    held as :func:`pair_organisation_apart` holds a word beside one telling word (five
    letters at least, ``APART_CLOSE`` alike in the loose reading, the same first letter as
    written). A name of that one word alone is not read so ('MARIA' and 'MARAYA' are two
    vessels): the words that agree tie the two to one name."""
    odd_w = [t for t in watched if is_distinctive(t)]
    odd_l = [t for t in listed if is_distinctive(t)]
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    rest = set(watched) - {a}
    if not rest or rest != set(listed) - {b}:
        return pairs, ()
    if not _organisation_word_apart(a, b, pairs):
        return pairs, ()
    kept = [p for p in pairs if p[0] != a and p[1] != b]
    return [*kept, (a, b, VARIANT)], ((a, b),)


ORGANISATION_APART_LENGTH = 5
"""Letters the word two organisations' names spell apart must have when they share one
telling word only (:func:`pair_organisation_apart`)."""
