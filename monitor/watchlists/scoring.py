"""How alike a watched name and a listed name are: a score from 0 to 1 and the reason for it.

The score is the share of the watched name's words found in the listed name
(distinctive words weigh more than places and generic words), lowered when
the listed name has distinctive words the watched one lacks. So "DJI" scores
1.0 against "SZ DJI Technology Co., Ltd." (``sz`` is a place; ``technology
co ltd`` are legal forms). Words may stand in any order ("LASTNAME, Firstname"
is "Firstname Lastname"); in a person's name a watched initial stands for a
word it begins ("V. Putin" for "PUTIN, Vladimir").

Containment is a match, capped at ``CONTAINED`` (0.95) so that a name written
the same way still ranks first, and the reason says so:

* a listed company whose name has every word of the watched name, the watched
  words leading its distinctive ones (after what a Latin American company says it
  is: "BANCO BANDES"): a subsidiary or branch named after it ("Cimex" in "CIMEX
  IBERICA", "Gazprom" in "Gazprom Neft");
* a listed person whose name has every word of the watched name and more
  given names, patronymics or middle names ("Yury Kovalchuk" in "KOVALCHUK,
  Yury Valentinovich"), or whose every word is in the watched name ("Pavel
  Yurievich Gubarev" for "GUBAREV, Pavel"). The two names must then share
  two words (or a word and an initial), one of them more than a common part of
  people's names (:data:`~monitor.watchlists.words.COMMON_PERSON_WORDS`): a
  surname alone ("Cortez") is not a person, and "ALI, Mohammad" does not find
  every "ALI, Mohammad X";
* a listed company whose every word is in the watched name, sharing two
  distinctive words with it: a shorter name of the watched company, or the
  company it is named after ("SHAHED PHARM" for "Shahed Pharm Drugstore"), or
  one rare on the list when the words left over are generic words frequent on
  it ("CONGO FUTUR" for "CONGO FUTUR IMPORT").

A person's given name a letter apart from the listed one is the same name beside a
surname that agrees ('DALA, Ghiath' for 'DALA, Ghayth': :mod:`monitor.watchlists.name_parts`
says which words are the surname); the alert says which word is spelt apart.

An organisation written as its initials, five letters at least, scores
``ACRONYM`` (0.92): "IRISL" for "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES"; so does one
written as a word blended from its words' beginnings, one word kept whole (``BLEND``:
"COLCERDOS" for "COLOMBIANA DE CERDOS", :mod:`monitor.watchlists.blends`).

A watched organisation written as its name, its legal form and words describing it
('UNIPAPEL S.A. BOLSAS DE PAPEL PAPELES SOBRES') is the listed name proper ('UNIPAPEL
S.A.'), and the other way round (:mod:`monitor.watchlists.described`); two names that
agree but for the word for the kind of body ('AKHMAD KADYROV FUND' / 'AKHMAT KADYROV
FOUNDATION') are one (:mod:`monitor.watchlists.bodies`); each scores up to ``CONTAINED``.

A match still rests on a distinctive word: common words alone never match.

Words of four letters or fewer, and words with digits, must be equal;
longer words may differ by one edit (two from nine letters on), and then count
for their rapidfuzz ratio (squared below eight letters, where one typo can
make another name: "Maria", "Mariam"; not squared for a letter swapped for one
that sounds alike, as transliterations do: "Sergei", "Sergey"), so "DJI" never
matches "Djibouti", "14th Institute" never matches "15th Institute", and
"Kuybyshev" is not "Novokuybyshev".

This module is the core: how the words of the two names are paired and weighed
(:func:`score_names`), and when one name contains the other. The rules live beside it, one
responsibility each: how alike two words are (:mod:`monitor.watchlists.spellings`,
:mod:`monitor.watchlists.spelt_apart`, :mod:`monitor.watchlists.consonants`,
:mod:`monitor.watchlists.stems`), the rules of persons' names
(:mod:`monitor.watchlists.person_rules`) and of organisations'
(:mod:`monitor.watchlists.organisation_rules`), the score and its reason
(:mod:`monitor.watchlists.name_score`), and what the index asks before scoring
(:mod:`monitor.watchlists.pairable`).
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.watchlists.consonants import vowels_apart
from monitor.watchlists.cyrillic import cyrillic_variant
from monitor.watchlists.described import described_company
from monitor.watchlists.generic_names import generic_match
from monitor.watchlists.name_parts import common_person_word, one_letter_apart
from monitor.watchlists.name_score import CONTAINED, MIN_SHARED_PERSON, NameScore
from monitor.watchlists.ordinals import ordinal
from monitor.watchlists.organisation_rules import (
    acronym,
    blend,
    left_out_kind,
    pair_beside_common_words,
    pair_organisation_apart,
    same_but_one,
    same_but_stem,
    stem_only,
)
from monitor.watchlists.person_rules import (
    COMMON_APART_LENGTH,
    ONE_LETTER,
    common_spelt_apart,
    is_initial,
    pair_common_apart,
    pair_consonants,
    pair_each_apart,
    pair_initials,
    pair_letter_apart,
    pair_only_word_apart,
    pair_short_forms,
    same_parts,
    set_aside_titles,
    spelt_as_one,
    surname_agrees,
    surname_apart,
    telling_pair,
)
from monitor.watchlists.spellings import (
    VARIANT,
    VARIANT_MIN_LENGTH,
    fuzzy_word,
    sounds_only,
    word_similarity,
)
from monitor.watchlists.spelt_apart import (
    APART_CLOSE,
    APART_MIN_LENGTH,
    APART_MIN_RATIO,
    apart_similarity,
    left_over,
)
from monitor.watchlists.stems import (
    DERIVED,
    INFLECTED,
    cut_short,
    derived,
    inflected,
)
from monitor.watchlists.syllables import korean_reading, korean_variant
from monitor.watchlists.tokens import NameForm, common_key, is_distinctive, weight
from monitor.watchlists.words import ARABIC_ARTICLES, CONNECTORS, DESCRIPTORS

EXTRA_WORD_PENALTY = 0.5


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


def _comparable(token: str, person: bool = False) -> bool:
    """Words that may pair with another spelling: typos from five letters, transliterations
    from four ('Adil'/'Adel'), in a person's name a Korean syllable ('To'/'Do')."""
    return (
        fuzzy_word(token)
        or (person and bool(korean_reading(token)))
        or (len(token) >= VARIANT_MIN_LENGTH and token.isalpha())
        or ordinal(token) is not None
    )


def _align(
    watched: Sequence[str], listed: Sequence[str], person: bool = False
) -> list[tuple[str, str, float]]:
    """Pair each watched word with at most one listed word: equal words, then the most alike
    (in a person's name, one Cyrillic name or Korean syllable romanised two ways counts as
    a transliteration: :func:`~monitor.watchlists.person_rules.romanised_apart`; in an
    organisation's name, a word and its plural: :func:`~monitor.watchlists.stems.inflected`, or a
    word of the same stem: :func:`~monitor.watchlists.stems.derived`)."""

    # Read so in names of two words or more: one-word aliases ('IARA', 'YARRAYA'; 'KIO',
    # 'GIO') are nicknames and syllables of many people. Korean syllables only beside a
    # word written the same ('PAK, To Chun' / 'PAK, Do Chun'): Chinese 'Kang' and 'Gang'
    # are Wade-Giles and Pinyin of one sound and of others ('Zhao Gang', 'WEI, Shao-Kang').
    same = set(watched) & set(listed)
    romanised = person and min(len(watched), len(listed)) >= 2

    def alike(a: str, b: str) -> float:
        if romanised and (cyrillic_variant(a, b) or (same and korean_variant(a, b))):
            return max(VARIANT, word_similarity(a, b))  # 'Sergey'/'Sergei', 'To'/'Do'
        if not person and inflected(a, b):
            return INFLECTED
        if not person and derived(a, b):
            return max(DERIVED, word_similarity(a, b))
        return word_similarity(a, b)

    pairs = [(t, t, 1.0) for t in watched if t in same]
    rest_w = [t for t in watched if t not in same and _comparable(t, person)]
    rest_l = [t for t in listed if t not in same and _comparable(t, person)]
    if not (rest_w and rest_l):
        return pairs
    candidates = [(s, a, b) for a in rest_w for b in rest_l if (s := alike(a, b)) > 0]
    candidates.sort(key=lambda c: -c[0])
    used_w: set[str] = set()
    used_l: set[str] = set()
    for similarity, a, b in candidates:
        if a not in used_w and b not in used_l:
            used_w.add(a)
            used_l.add(b)
            pairs.append((a, b, similarity))
    return pairs


def _anchored(
    pairs: list[tuple[str, str, float]],
    watched: Sequence[str],
    listed: Sequence[str],
    person: bool = False,
) -> list[tuple[str, str, float]]:
    """Words paired only because they sound alike count when the names also share a telling
    word ('LOAN, Waseem Raouf' / 'LOAN, Waseem Rauf'), or two common parts of people's names
    with every word of both names paired ('AKIEL, Ibrahim Mohamed' / 'AKIL, Ibrahim
    Mohamed'). With one common name besides ('ASSIRI, Ahmed' / 'VAZIRI, Ahmed'), or words
    left over, they are left unpaired: a loose spelling beside 'Ahmed' or 'Muhammad' finds
    other people. In an organisation's name the word so paired counts when every other word
    is the same in both (:func:`~monitor.watchlists.organisation_rules.same_but_one`)."""
    loose = [p for p in pairs if sounds_only(p[0], p[1]) and not (person and spelt_as_one(*p[:2]))]
    if not loose:
        return pairs
    firm = [
        (a, b)
        for a, b, s in pairs
        if (a, b, s) not in loose and is_distinctive(a) and is_distinctive(b)
    ]
    if any(not common_person_word(a) and not common_person_word(b) for a, b in firm):
        return pairs
    paired_w, paired_l = {a for a, _, _ in pairs}, {b for _, b, _ in pairs}
    every = all(t in paired_w for t in watched if is_distinctive(t)) and all(
        t in paired_l for t in listed if is_distinctive(t)
    )
    if len(firm) >= MIN_SHARED_PERSON and every:
        return pairs
    if not person and same_but_one(loose, watched, listed):
        return pairs
    return [p for p in pairs if p not in loose]


def _shared(pairs: Sequence[tuple[str, str, float]]) -> tuple[int, bool]:
    """Distinctive words paired with distinctive words (an initial for one counts too), and
    whether one of them is more than a common part of people's names ('Mohammad', 'Ali')."""
    shared = [
        (a, b) for a, b, _ in pairs if is_distinctive(b) and (is_distinctive(a) or is_initial(a))
    ]
    rare = any(
        not common_person_word(a) and not common_person_word(b) and not is_initial(a)
        for a, b in shared
    )
    return len(shared), rare


def _fuller_listed(
    listed: Sequence[str], pairs: Sequence[tuple[str, str, float]], person: bool
) -> bool:
    """Whether a listed name with every watched word and more is that name written in full.

    A person: two words shared, one of them more than a common part of people's
    names; the listed name may add given names, patronymics, middle names. A
    company: the watched words lead the listed name's distinctive words, as in a
    subsidiary or branch named after it ('Cubanacan U.K.', 'Gazprom Neft'), not
    a word of another name that happens to include it ('Puya Electro Saman Niru'
    for 'Niru'); or, two distinctive words or more, anywhere in it ('Tamil
    Tigers' in 'LIBERATION TIGERS OF TAMIL EELAM').
    """
    if person:
        shared, rare = _shared(pairs)
        return shared >= MIN_SHARED_PERSON and rare
    found = {b for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)}
    # what a Latin American company says it is may come first: 'BANCO BANDES'
    leading = [t for t in listed if is_distinctive(t) and t not in DESCRIPTORS][: len(found)]
    return len(found) >= MIN_SHARED_PERSON or (bool(found) and set(leading) == found)


def _named(lst: Sequence[str], listed: NameForm, paired: set[str]) -> list[str]:
    """A listed organisation's words without those left over that name a place of its own
    address (``NameForm.places``): 'POLOTSK STEKLOVOLOKNO' at an address in Polotsk is
    'STEKLOVOLOKNO' named after its town, the watched words then leading the rest
    (:func:`_fuller_listed`)."""
    return [t for t in lst if t in paired or t not in listed.places]


def _fuller_watched(listed: Sequence[str], pairs: Sequence[tuple[str, str, float]]) -> bool:
    """Whether a watched name is the listed one with more words: a person's with more names
    (given, middle, patronymic), a company's with more words ('Shahed Pharm Drugstore' for
    'SHAHED PHARM'): every listed word found, two words shared (not initials: 'AWAD, Munir
    A.' is not 'ADANOV, Munir'), one more than a common name part. One word shared is not
    enough: 'Huawei Technologies (Thailand)' is not 'HUAWEI'."""
    paired = {b for _, b, _ in pairs}
    _, rare = _shared(pairs)
    words = sum(1 for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b))
    return words >= MIN_SHARED_PERSON and rare and all(t in paired for t in listed)


def _pair_spelt_apart(
    forms: tuple[NameForm, NameForm],
    watched: Sequence[str],
    listed: Sequence[str],
    pairs: list[tuple[str, str, float]],
    frequent: frozenset[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one word two names spell apart when every other word is the same.

    'KUACH, Gregory Deng' / 'KUAC, Gregory Deng', 'SAYYED AL-HOSEINI, Akbar' / 'SAYED
    ALHOSSEINI, Akbar', 'AL-SAHRAOUI, Adnan Abu Walid' / 'AL-SAHRAWI, Adnan Abu Walid': a
    transliteration or a typo too far for a word on its own is, beside a name that
    agrees, the same word. Only when:

    * the names share two distinctive words or more, each the same word or a
      transliteration (:data:`~monitor.watchlists.spellings.VARIANT` or more), one of them telling:
      neither a common part of people's names ('Mohammad', 'Ali') nor frequent on the list;
    * exactly one distinctive word of each name is left over (unpaired or paired
      loosely), four letters at least, and the two are alike in the loose reading
      (:func:`~monitor.watchlists.spelt_apart.apart_similarity`, ``APART_MIN_RATIO``), or a letter
      apart (:func:`~monitor.watchlists.name_parts.one_letter_apart`, counting
      :data:`~monitor.watchlists.person_rules.ONE_LETTER`), not both common names ('Hassan' and
      'Hossein' are two names).

    The pair counts for that likeness, so the score still falls with each word (a
    three-word name spelt apart on one word at 0.75 scores 0.92); from ``APART_CLOSE``
    it counts :data:`~monitor.watchlists.spellings.VARIANT`, as a transliteration does: 'SHEHADEH,
    Rafik' / 'SHIHADAH, Rafiq' (0.83 alike) scores 0.92 as two words transliterated do, where 0.875
    left it below the threshold beside the transliterated 'Rafiq'. A person's two-word name shares
    one word: a surname and a given name alone are enough for a letter apart when the surname agrees
    (:func:`~monitor.watchlists.person_rules.surname_agrees`: 'DALA, Ghiath' / 'DALA, Ghayth') or,
    longer, the given name (:func:`~monitor.watchlists.person_rules.surname_apart`); for a word read
    loosely (``APART_CLOSE`` alike: 'DOCRATE, Junaid' / 'DOCKRAT, Junaid', 'CHAFFORI, Petit' /
    'CHAPORI, Petit') only when both names show which word is the surname and the words pair part
    for part (:func:`~monitor.watchlists.person_rules.same_parts`). When every word shared is a
    common part of people's names: :func:`~monitor.watchlists.person_rules.pair_common_apart`. Two
    common names left over are one spelt apart only when long and a letter apart in the loose
    reading (:func:`~monitor.watchlists.person_rules.common_spelt_apart`: 'RAGAB, Abdullah' /
    'RAJAB, Abdallah'). With more words left over, as many in each name, all spelt apart part for
    part pair (:func:`~monitor.watchlists.person_rules.pair_each_apart`); otherwise those a letter
    apart pair and the rest is a fuller name or another
    (:func:`~monitor.watchlists.person_rules.pair_letter_apart`).

    When a person's names have one distinctive word each and the rest the same ('Abu'
    is none), that word is judged alone:
    :func:`~monitor.watchlists.person_rules.pair_only_word_apart`.

    Organisations: beside two firm words the one word left over pairs as above, or as a
    word cut short (:func:`~monitor.watchlists.stems.cut_short`: 'AL-AQSA SPANM I STIFTELSE' /
    'AL-AQSA SPANMAL STIFTELSE'); beside one telling word, closer spellings only
    (:func:`~monitor.watchlists.organisation_rules.pair_organisation_apart`).
    """
    firm = [
        (a, b, s) for a, b, s in pairs if s >= VARIANT and is_distinctive(a) and is_distinctive(b)
    ]
    telling = [(a, b) for a, b, _ in firm if telling_pair(a, b, frequent)]
    person = forms[1].person
    if not telling:
        if person and firm:
            return pair_common_apart(forms, firm, pairs, watched, listed)
        if person:
            return pair_only_word_apart(pairs, watched, listed)
        return pair_beside_common_words(watched, listed, pairs)
    one_word = len(firm) < MIN_SHARED_PERSON
    if one_word and not person:
        return pair_organisation_apart(watched, listed, pairs, firm)
    kept, odd_w, odd_l = left_over(pairs, firm, watched, listed)
    if person and (short := pair_short_forms(forms, telling, kept, pairs, odd_w, odd_l)):
        return short
    if len(odd_w) != 1 or len(odd_l) != 1:
        if person and (every := pair_each_apart(forms, telling, odd_w, odd_l)):
            return [*kept, *every], tuple((a, b) for a, b, _ in every)
        if person and (not one_word or surname_agrees(forms, telling)):
            return pair_letter_apart(kept, pairs, odd_w, odd_l)
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if min(len(a), len(b)) < APART_MIN_LENGTH:
        return pairs, ()  # Korean syllables: 'KIM, Sou-kwang' is not 'KIM, Kwang Chun'
    if (
        common_person_word(a)
        and common_person_word(b)
        and not common_spelt_apart(a, b, COMMON_APART_LENGTH - (0 if one_word else 1))
    ):
        return pairs, ()  # 'Hassan' and 'Hossein' are two names
    if one_word and not (surname_agrees(forms, telling) or surname_apart(telling, a, b)):
        return pairs, ()
    loose = apart_similarity(a, b)
    likeness = VARIANT if loose >= APART_CLOSE else loose
    if not person and (cut_short(a, b) or vowels_apart(a, b)):
        # 'AL-AQSA SPANM I STIFTELSE' / 'AL-AQSA SPANMAL STIFTELSE', 'BASHARA' / 'BOSHRA'
        likeness = VARIANT
    if len(firm) < MIN_SHARED_PERSON and (
        likeness < APART_CLOSE or not same_parts(forms, [*telling, (a, b)])
    ):
        likeness = 0.0
    if likeness < ONE_LETTER and one_letter_apart(a, b):
        likeness = ONE_LETTER
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    if likeness < APART_MIN_RATIO or likeness <= before:
        return pairs, ()
    return [*kept, (a, b, likeness)], ((a, b),)


def _common_words_only(
    watched: NameForm, listed: NameForm, frequent: frozenset[str]
) -> NameScore | None:
    """A watched name of common words only: the same words ('DEFENCE INDUSTRIES
    ORGANISATION' is 'DEFENSE ... ORGANIZATION'), or for an organisation's name, the other
    with a place or a common word more (:mod:`monitor.watchlists.generic_names`)."""
    if listed.person:
        if common_key(watched.tokens) != common_key(listed.tokens):
            return None
        return NameScore(1.0, tuple((t, t, 1.0) for t in watched.tokens), (), ())
    found = generic_match(watched, listed, frequent)
    if found is None:
        return None
    if found.contained == "generic watched":  # the words left over are the watched name's
        return NameScore(found.score, found.pairs, found.extra, (), found.contained)
    return NameScore(found.score, found.pairs, (), found.extra, found.contained)


def score_names(
    watched: NameForm, listed: NameForm, frequent: frozenset[str] = frozenset()
) -> NameScore | None:
    """The score of a listed name for a watched name, or None when they share no telling word.

    ``frequent``: words many entries of the list share
    (:class:`~monitor.watchlists.rarity.WordRarity`); a match resting on one of
    them alone is none, unless the two names have the same words.

    When the listed name is a person's (``listed.person``), a fuller name of a person
    must then share two distinctive words with the watched one (a surname
    alone is not a person); a company's fuller name is a subsidiary or branch,
    found from one word. Either's watched name may be the fuller one, sharing
    two distinctive words.
    """
    w, lst = watched.tokens, listed.tokens
    if (initials := acronym(watched, listed)) is not None:
        return initials
    if (blended_name := blend(watched, listed)) is not None:
        return blended_name
    if watched.joined & listed.token_set or listed.joined & watched.token_set:
        w = merge_runs(w, set(lst))
        lst = merge_runs(lst, set(w))
    if not any(is_distinctive(t) for t in w):
        return _common_words_only(watched, listed, frequent)
    pairs = _anchored(_align(w, lst, listed.person), w, lst, listed.person)
    if listed.person and not watched.company:  # 'A AND M MAHAR COMPANY' has no initials
        pairs = pair_initials(w, lst, pairs)
    pairs, consonants = pair_consonants((watched, listed), w, lst, pairs, frequent)
    if not any(is_distinctive(a) and is_distinctive(b) for a, b, _ in pairs):
        return None  # a match never rests on common words alone, nor on a typo of one
    pairs, apart = _pair_spelt_apart((watched, listed), w, lst, pairs, frequent)
    apart = consonants + apart
    if not listed.person and stem_only(pairs) and not same_but_stem(pairs, w, lst):
        return None  # a word of one stem is no name to rest on alone: 'EXPLORER', 'EXPLORATION'
    # A watched word paired with a common word ('Tradig' ~ 'trading') weighs as a common word.
    paired_weights = [min(weight(a), weight(b)) for a, b, _ in pairs]
    found = sum(pw * s for pw, (_, _, s) in zip(paired_weights, pairs, strict=True))
    paired_w = {a for a, _, _ in pairs}
    paired_l = {b for _, b, _ in pairs}
    # The Arabic article ('Abu al Banat' / 'Abu Banat') is written or left out at will, as
    # are the connectors of Persian and Urdu names ('Jaish-e-Mohammed', 'Jaish-i-Mohammed').
    connectors = ARABIC_ARTICLES if listed.person else ARABIC_ARTICLES | CONNECTORS
    unpaired = [t for t in w if t not in paired_w and t not in connectors]
    titles, unpaired = set_aside_titles(watched, listed, pairs, unpaired)
    recall = found / (sum(paired_weights) + sum(weight(t) for t in unpaired))
    extra = tuple(t for t in lst if t not in paired_l and is_distinctive(t))
    matched = sum(1 for b in paired_l if is_distinctive(b)) or 1
    penalty = EXTRA_WORD_PENALTY * len(extra) / (len(extra) + matched)
    missing = tuple(unpaired)
    score, contained = recall * (1 - penalty), ""
    fuller = (
        extra
        and not missing
        and _fuller_listed(_named(lst, listed, paired_l), pairs, listed.person)
    )
    if fuller and min(recall, CONTAINED) > score:
        score, contained = min(recall, CONTAINED), "listed"
    if extra and not missing and not contained:
        flipped = [(b, a, s) for a, b, s in pairs]  # 'UNIPAPEL S.A. BOLSAS DE PAPEL' listed
        if described_company(listed, watched, flipped, extra, frequent) and (
            min(recall, CONTAINED) > score
        ):
            score, contained = min(recall, CONTAINED), "described listed"
    if missing and _fuller_watched(lst, pairs):
        # Every listed word found: the listed name's own recall is how much of it the watch has.
        covered = found / (sum(paired_weights) or 1)
        if min(covered, CONTAINED) > score:
            score = min(covered, CONTAINED)
            contained = "watched" if listed.person else "watched company"
    if missing and not contained:
        covered = min(found / (sum(paired_weights) or 1), CONTAINED)
        kind = left_out_kind((watched, listed), lst, pairs, missing, frequent)
        if kind and covered > score:
            score, contained = covered, kind
    telling = [(a, b) for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)]
    if listed.person and watched.company and len(telling) < 2:
        # A company's name sharing one word with a person's is a coincidence of words, not
        # the person: 'RAHMA CHARITABLE ORGANIZATION' is not 'RAHMAH, Abu'. A company named
        # after its owner shares the owner's names ('... VARGAS GIRALDO S.A.S.').
        return None
    if len(telling) == 1 and ({*telling[0]} & frequent):
        # 'AL-SHAHID CORPORATION' is not every 'SHAHID ... INDUSTRIES', nor 'SHAHID FUND':
        # resting on a word many entries share, the names must have the same words.
        left = [t for t in lst if t not in paired_l and t not in ARABIC_ARTICLES | CONNECTORS]
        if missing or left:
            return None
    return NameScore(round(score, 4), tuple(pairs), missing, extra, contained, apart, titles)
