"""The rules of scoring that apply only to persons' names.

A person's name is read as parts, not as a bag of words: a surname and given names
(:mod:`monitor.watchlists.name_parts`), a given name written short
(:mod:`monitor.watchlists.short_forms`), titles set aside, an initial for a name it begins,
one word spelt apart beside a surname that agrees, one name read by its consonants
(:mod:`monitor.watchlists.consonants`). A family shares its surname and people share given
names, so each rule asks what else of the two names agrees before it pairs a word.
:func:`~monitor.watchlists.scoring.score_names` asks them when the listed name is a person's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from monitor.names import fold
from monitor.watchlists.consonants import consonants_alike, vowels_only
from monitor.watchlists.cyrillic import cyrillic_variant
from monitor.watchlists.honorifics import leading_honorific
from monitor.watchlists.name_parts import common_person_word, one_letter_apart, surname_words
from monitor.watchlists.name_score import MIN_SHARED_PERSON
from monitor.watchlists.short_forms import short_form
from monitor.watchlists.spellings import VARIANT, article_variant
from monitor.watchlists.spelt_apart import (
    APART_CLOSE,
    APART_MIN_LENGTH,
    APART_MIN_RATIO,
    apart_similarity,
    left_over,
    loosely_a_letter_apart,
)
from monitor.watchlists.syllables import korean_variant
from monitor.watchlists.tokens import VOWELS, NameForm, is_distinctive


def romanised_apart(a: str, b: str) -> bool:
    """Two words of a person's name that are one Cyrillic name or one Korean syllable
    romanised by two systems (:mod:`monitor.watchlists.cyrillic`,
    :mod:`monitor.watchlists.syllables`): a transliteration, counted ``VARIANT``."""
    return cyrillic_variant(a, b) or korean_variant(a, b)


def spelt_as_one(a: str, b: str) -> bool:
    """Whether two words of a person's name are one name by a rule of its own, not only
    because they sound alike: one Cyrillic name or Korean syllable romanised two ways
    (:func:`romanised_apart`), or one written with the Arabic article and the other without
    (:func:`~monitor.watchlists.spellings.article_variant`: 'ELKADDAFI, Muammar' / 'QADHAFI,
    Muammar', one SDN entry's names). Such a pair needs no other telling word beside it."""
    return romanised_apart(a, b) or article_variant(a, b)


def is_initial(token: str) -> bool:
    """A word of one letter: an initial, which stands for a word it begins ('V.' for
    'Vladimir', :func:`pair_initials`)."""
    return len(token) == 1 and token.isalpha()


def pair_initials(
    watched: Sequence[str], listed: Sequence[str], pairs: list[tuple[str, str, float]]
) -> list[tuple[str, str, float]]:
    """A watched initial left unpaired stands for an unpaired listed word it begins: 'V.' for
    'Vladimir' (a listed initial is not the watched full name: 'AHMED, A.' is not 'Assiri')."""
    used_w = {a for a, _, _ in pairs}
    used_l = {b for _, b, _ in pairs}
    for a in watched:
        for b in listed:
            if a in used_w or b in used_l or not is_initial(a) or len(b) < 3 or a != b[0]:
                continue
            used_w.add(a)
            used_l.add(b)
            pairs.append((a, b, 1.0))
    return pairs


@cache
def person_titles() -> frozenset[str]:
    """Titles written before people's names, one word each: rigour's person-name prefixes
    (a maintained list: 'Dr', 'Colonel', 'Mrs', 'Professor').

    Not the religious titles and honorifics of the lists' Arabic, Persian and Afghan
    names ('Haji', 'Sheikh', 'Mullah'): there they are as often a surname ('HAJI, Ali
    Khatib', 'SHEIKH, Mohammad Nayeem'), and set aside they made another person's
    fuller name out of the rest.
    """
    # The list rigour's public remove_person_prefixes is built on (its docstring names
    # it); the words are needed one by one, which that function does not give. rigour is
    # pinned below 3 in pyproject.toml, and test_matching_classes fails if it moves.
    from rigour._core import person_name_prefixes_list  # only when matching runs

    words = {fold(p).strip(".") for p in person_name_prefixes_list() if " " not in p.strip()}
    return frozenset(w for w in words if w.isalpha())


def _named_apart(pairs: Sequence[tuple[str, str, float]]) -> bool:
    """Whether two names agree on two distinctive words or more: enough of a person's name
    for a title beside it to be set aside ('ZUMAR, Colonel Abbud' / 'AL-ZUMAR, Abbud'),
    not a title and one name ('Queen Rania' is not every 'RANIA')."""
    return sum(1 for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)) >= 2


def set_aside_titles(
    watched: NameForm,
    listed: NameForm,
    pairs: Sequence[tuple[str, str, float]],
    unpaired: list[str],
) -> tuple[tuple[str, ...], list[str]]:
    """The watched words left unpaired that are titles a listed person's name leaves out, and
    the words still unpaired: a title (:func:`person_titles`) beside two distinctive words
    that agree (:func:`_named_apart`), a Burmese honorific leading the name
    (:func:`~monitor.watchlists.honorifics.leading_honorific`). Set aside, they neither count
    as missing nor make the watched name a fuller one."""
    titles: tuple[str, ...] = ()
    if not listed.person:
        return titles, unpaired
    if _named_apart(pairs):
        # 'HAQQANI, Dr. Naseer' is 'HAQQANI, Naseer': a title the list leaves out
        titles = tuple(t for t in unpaired if t in person_titles())
        unpaired = [t for t in unpaired if t not in titles]
    if (honorific := leading_honorific(watched.original)) in unpaired:
        titles, unpaired = (*titles, honorific), [t for t in unpaired if t != honorific]
    return titles, unpaired


def pair_each_apart(
    forms: tuple[NameForm, NameForm],
    telling: list[tuple[str, str]],
    odd_w: Sequence[str],
    odd_l: Sequence[str],
) -> list[tuple[str, str, float]]:
    """Beside a telling word that agrees, pair every word left over in either person's
    name, as many in each, with one spelt apart (``APART_CLOSE`` alike in the loose reading,
    four letters at least, not both common names), each counting
    :data:`~monitor.watchlists.spellings.VARIANT`, when both names show their surname and every pair
    is of the same part ('GUMAN LOERAL, Joaquin' / 'GUZMAN LOERA, Joaquin'); [] otherwise."""
    if len(odd_w) != len(odd_l):
        return []
    found: list[tuple[str, str, float]] = []
    used: set[str] = set()
    for a in odd_w:
        b = next(
            (
                b
                for b in odd_l
                if b not in used
                and min(len(a), len(b)) >= APART_MIN_LENGTH
                and not (common_person_word(a) and common_person_word(b))
                and apart_similarity(a, b) >= APART_CLOSE
            ),
            "",
        )
        if not b:
            return []
        found.append((a, b, VARIANT))
        used.add(b)
    if not same_parts(forms, [*telling, *((a, b) for a, b, _ in found)]):
        return []
    return found


COMMON_APART_LENGTH = 6
"""Letters two common names must have for one to be the other spelt apart beside one word
that agrees: 'Abdullah' and 'Abdallah' are one name, 'Hamid' and 'Hamad' two; beside two
words or more, a letter less ('ZLEITNI, Abdel-Hafez' / 'ZLITNI, Abdul Hafiz')."""


def common_spelt_apart(a: str, b: str, length: int = COMMON_APART_LENGTH) -> bool:
    """Whether two common parts of people's names are one name spelt apart: ``length``
    letters at least, ``APART_CLOSE`` alike and a letter apart in the loose reading
    (:func:`~monitor.watchlists.spelt_apart.loosely_a_letter_apart`): 'Abdullah'/'Abdallah' ('RAGAB,
    Abdullah' / 'RAJAB, Abdallah'), where 'Hassan'/'Hossein' are two names."""
    return (
        min(len(a), len(b)) >= length
        and apart_similarity(a, b) >= APART_CLOSE
        and loosely_a_letter_apart(a, b)
    )


def pair_letter_apart(
    kept: list[tuple[str, str, float]],
    pairs: list[tuple[str, str, float]],
    odd_w: Sequence[str],
    odd_l: Sequence[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Beside two words of a person's name that agree, one telling, or a surname that
    agrees, pair the words of the rest a letter apart
    (:func:`~monitor.watchlists.name_parts.one_letter_apart`), not both common names;
    the words left are then a fuller or shorter name, or another ('MEJIA MAGNANI, Jhon'
    / 'MEJIA MAGNANI, John Yvan', 'ZDRYLYUK, Serhiy' / 'ZDRILIUK, Serhii
    Anatoliyovych')."""
    found: list[tuple[str, str, float]] = []
    used: set[str] = set()
    for a in odd_w:
        for b in odd_l:
            if b in used or (common_person_word(a) and common_person_word(b)):
                continue
            if one_letter_apart(a, b):
                found.append((a, b, ONE_LETTER))
                used.add(b)
                break
    if not found:
        return pairs, ()
    paired = {a for a, _, _ in found} | used
    rest = [p for p in pairs if p not in kept and p[0] not in paired and p[1] not in paired]
    return [*kept, *rest, *found], tuple((a, b) for a, b, _ in found)


def pair_short_forms(
    forms: tuple[NameForm, NameForm],
    telling: list[tuple[str, str]],
    kept: list[tuple[str, str, float]],
    pairs: list[tuple[str, str, float]],
    odd_w: Sequence[str],
    odd_l: Sequence[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]] | None:
    """Pair the words left over in two persons' names that are one name written short
    (:func:`~monitor.watchlists.short_forms.short_form`), each counting :data:`ONE_LETTER`
    as a given name a letter apart does: 'KRIVORUCHKO, Alex' / 'KRIVORUCHKO, Aleksey',
    'SHUSHANASHVILI, Kakha' / 'SHUSHANASHVILI, Kakhaber Pavlovich' (then a fuller name),
    'VILLA DIAZ, Oscar Domingo' / 'Oscar Dominguez'. None when no such pair is found.

    Beside one telling word, that word is the surname of both names and the short form a
    given name of both (:func:`_short_given_name`): a family shares its surname, and a
    given name cut short beside another family's surname, or a surname cut short
    ('KALASH' / 'KALASHOV', 'Ivan' / 'Ivanov'), is as likely another person's."""
    found: list[tuple[str, str, float]] = []
    used: set[str] = set()
    for a in odd_w:
        left = [b for b in odd_l if b not in used]
        if b := next((b for b in left if _short_given_name(forms, telling, a, b)), ""):
            found.append((a, b, ONE_LETTER))
            used.add(b)
    if not found:
        return None
    paired = {a for a, _, _ in found} | used
    rest = [p for p in pairs if p not in kept and p[0] not in paired and p[1] not in paired]
    return [*kept, *rest, *found], tuple((a, b) for a, b, _ in found)


def _short_given_name(
    forms: tuple[NameForm, NameForm], telling: list[tuple[str, str]], a: str, b: str
) -> bool:
    """Whether ``a`` and ``b`` may be read as one name written short in two persons' names
    that share ``telling`` words: a short form, not of a common part of people's names (a
    common name is a name of its own: 'Amin' is not 'Aminullah', 'Hamid' not
    'Hamidullah'); beside one telling word only, that word the surname of both names and
    the short form a given name of both (:func:`~monitor.watchlists.name_parts.
    surname_words`)."""
    if not short_form(a, b) or common_person_word(min(a, b, key=len)):
        return False
    if len(telling) >= MIN_SHARED_PERSON:
        return True
    mine, theirs = surname_words(forms[0].original), surname_words(forms[1].original)
    if not (mine and theirs) or a in mine or b in theirs:
        return False
    return all(x in mine and y in theirs for x, y in telling)


COMMON_APART_SHARED = 2
"""Common parts of people's names ('Abd', 'Rahim', 'Adnan', 'Walid') two persons' names must
share for the one word left over in each to be read loosely as one spelling; beside one
such word alone the word left over must be the surname, a letter apart in the loose reading
(:func:`pair_common_apart`)."""


def pair_common_apart(
    forms: tuple[NameForm, NameForm],
    firm: list[tuple[str, str, float]],
    pairs: list[tuple[str, str, float]],
    watched: Sequence[str],
    listed: Sequence[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one word two persons' names spell apart when the words they share are all
    common parts of people's names (:data:`~monitor.watchlists.words.COMMON_PERSON_WORDS`),
    which :func:`~monitor.watchlists.scoring._pair_spelt_apart`
    alone does not rest on: 'AL-TALHI, Abd al-Rahim' / 'AL TAHLI, Abd Al-Rahim',
    'AL-SAHRAOUI, Adnan Abu Walid' / 'AL-SAHRAWI, Adnan Abu Walid', 'ESAH, Wali Adam' /
    'ISAH, Wali Adam'.

    Every other distinctive word of both names must agree (as written or transliterated),
    and the two words left over must not be common names themselves ('Hassan' and
    'Hossein' are two names). With two common words shared or more, the two are
    :func:`~monitor.watchlists.spelt_apart.apart_similarity` ``APART_MIN_RATIO`` alike, as when a
    telling word is shared. Beside one common name alone ('KASSIR, Ali' / 'QASIR, Ali', 'MOQISEH,
    Mohammad' / 'MOGHISSEH, Mohammad'), far more names are a letter or two apart from each other
    ('ASSIRI, Ahmed' / 'VAZIRI, Ahmed'), so the word is the surname in both names
    (:func:`same_parts`), five letters at least, ``APART_CLOSE`` alike and a letter apart in the
    loose reading (:func:`~monitor.watchlists.spelt_apart.loosely_a_letter_apart`): 'AHSAN,
    Muhammad' and 'AKHWAN, Muhammad' are two SDN entries.
    """
    kept, odd_w, odd_l = left_over(pairs, firm, watched, listed)
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if min(len(a), len(b)) < APART_MIN_LENGTH:
        return pairs, ()
    if (common_person_word(a) or common_person_word(b)) and not _common_left_apart(firm, a, b):
        return pairs, ()
    loose = apart_similarity(a, b)
    likeness = VARIANT if loose >= APART_CLOSE else loose
    if len(firm) < COMMON_APART_SHARED:
        shown = [(x, y) for x, y, _ in firm] + [(a, b)]
        if min(len(a), len(b)) < SURNAME_APART_LENGTH or not same_parts(forms, shown):
            return pairs, ()
        if likeness < APART_CLOSE or not loosely_a_letter_apart(a, b):
            likeness = ONE_LETTER if _surname_a_letter_apart(forms, a, b) else 0.0
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    if likeness < APART_MIN_RATIO or likeness <= before:
        return pairs, ()
    return [*kept, (a, b, likeness)], ((a, b),)


def _common_left_apart(firm: Sequence[tuple[str, str, float]], a: str, b: str) -> bool:
    """Whether a common name left over beside common names that agree is one spelt apart:
    beside two of them at least (:data:`COMMON_APART_SHARED`), long and a letter apart in the
    loose reading (:func:`common_spelt_apart`, as beside a telling word): 'QADHAFI,
    Mohammed Muammar' / 'GADHAFFI, Mohammad Moammar' (one SDN entry's names). Beside one
    common name, or with 'Hassan' and 'Hossein' left over, never."""
    return len(firm) >= COMMON_APART_SHARED and common_spelt_apart(a, b, COMMON_APART_LENGTH - 1)


def _surname_a_letter_apart(forms: tuple[NameForm, NameForm], a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the watched and the listed surname, a letter apart as
    written (:func:`~monitor.watchlists.name_parts.one_letter_apart`), neither the other
    with letters added at its end: 'TVITO, Daniel' / 'TUITO, Daniel', 'MPANO, Douglas' /
    'MPAMO, Douglas' beside a common given name that agrees ('Uzbek' and 'Uzbeki' name
    other families)."""
    return (
        a in surname_words(forms[0].original)
        and b in surname_words(forms[1].original)
        and not (a.startswith(b) or b.startswith(a))
        and one_letter_apart(a, b)
    )


ONE_LETTER = 0.88
"""How a given name a letter apart (:func:`~monitor.watchlists.name_parts.one_letter_apart`)
counts beside a surname that agrees: 'DALA, Ghiath' / 'DALA, Ghayth' scores 0.94, and
0.90 beside a surname transliterated ('ELMABRUK, Mustah' / 'AL MABROOK, Muftah')."""
SURNAME_MIN_LENGTH = 4


def telling_pair(a: str, b: str, frequent: frozenset[str]) -> bool:
    """A pair of words a name can be told by: neither a common part of people's names
    ('Mohammad', 'Ali') nor frequent on the list."""
    return not (common_person_word(a) or common_person_word(b) or a in frequent or b in frequent)


def surname_agrees(forms: tuple[NameForm, NameForm], telling: list[tuple[str, str]]) -> bool:
    """Whether the one telling word two names share is a surname: four letters at least,
    and the surname of either name (:func:`~monitor.watchlists.name_parts.surname_words`)
    when either shows which words that is ('KRUNIC, Savko' / 'KRUNIC, Savo'; 'ABIB,
    Soussou' / 'SOUSSOU, Habib'). A given name that agrees beside a surname a letter
    apart is weaker evidence (a family shares its surname, people share given names):
    :func:`surname_apart`."""
    watched, listed = forms
    mine, theirs = surname_words(watched.original), surname_words(listed.original)
    return any(
        min(len(a), len(b)) >= SURNAME_MIN_LENGTH
        and (a in mine or b in theirs or not (mine or theirs))
        for a, b in telling
    )


SURNAME_APART_LENGTH = 5


def same_parts(forms: tuple[NameForm, NameForm], words: list[tuple[str, str]]) -> bool:
    """Whether both names show their surname (:func:`~monitor.watchlists.name_parts.
    surname_words`: 'SURNAME, Given' or 'Given SURNAME') and each pair of ``words`` is of the
    same part in both: surname with surname, given name with given name. 'DOCRATE, Junaid'
    / 'DOCKRAT, Junaid' are; 'SUTHIT, Samsaeng' / 'SAMSAENG, Suthep' and 'CHEYO ANTRAX' /
    'CHINO ANTRAX' (no parts shown) are not: a name loosely alike in another part is as
    likely another person's."""
    mine, theirs = surname_words(forms[0].original), surname_words(forms[1].original)
    return bool(mine and theirs) and all((a in mine) == (b in theirs) for a, b in words)


def surname_apart(telling: list[tuple[str, str]], a: str, b: str) -> bool:
    """Whether a given name that agrees may stand beside a surname a letter apart ('TVITO,
    Daniel' / 'TUITO, Daniel', 'MAYALA, Adib' / 'MAYALEH, Adib'): weaker evidence than
    the other way round, so the given name and the surnames are five letters at least
    ('CENG, Guowei' / 'ZENG, Guowei' begin with other sounds anyway), and neither
    surname is the other with letters added at its end: 'Ahmad' and 'Ahmadi',
    'Uzbek' and 'Uzbeki' name other families."""
    if min(len(a), len(b)) < SURNAME_APART_LENGTH or a.startswith(b) or b.startswith(a):
        return False
    return any(min(len(x), len(y)) >= SURNAME_APART_LENGTH for x, y in telling)


def pair_only_word_apart(
    pairs: list[tuple[str, str, float]], watched: Sequence[str], listed: Sequence[str]
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one distinctive word of two persons' names when it is spelt a letter apart
    and the rest of both names is the same: an alias of one word ('Kalume' / 'Karume',
    'Mukade' / 'Mukake', 'BIGARUKA' / 'BIGARURA') or a kunya ('THERAB, Abu' / 'THURAB,
    Abu': 'Abu' is no word to tell a person by), the SDN list's own spellings of one
    person. Not beside another word that agrees:
    :func:`~monitor.watchlists.scoring._pair_spelt_apart` and :func:`pair_common_apart` judge those.

    The word is five letters at least, ``APART_CLOSE`` alike and a letter apart in the
    loose reading (:func:`~monitor.watchlists.spelt_apart.loosely_a_letter_apart`), not a common
    name in both ('Hassan' and 'Hossein' are two names), and not the other with its last vowel
    changed: 'Patricia' and 'Patricio', 'Maria' and 'Mario' are a woman's and a man's names.
    """
    odd_w = [t for t in watched if is_distinctive(t)]
    odd_l = [t for t in listed if is_distinctive(t)]
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if set(watched) - {a} != set(listed) - {b} or min(len(a), len(b)) < SURNAME_APART_LENGTH:
        return pairs, ()
    if common_person_word(a) or common_person_word(b):
        return pairs, ()
    if a[:-1] == b[:-1] and {a[-1], b[-1]} <= VOWELS:
        return pairs, ()
    if apart_similarity(a, b) < APART_CLOSE or not loosely_a_letter_apart(a, b):
        return pairs, ()
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    if before >= VARIANT:
        return pairs, ()
    kept = [p for p in pairs if p[0] != a and p[1] != b]
    return [*kept, (a, b, VARIANT)], ((a, b),)


def pair_consonants(
    forms: tuple[NameForm, NameForm],
    watched: Sequence[str],
    listed: Sequence[str],
    pairs: list[tuple[str, str, float]],
    frequent: frozenset[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the words of two persons' names that differ only in their vowels when both the
    surname and a given name agree so: 'AL-ZOMOR, Abboud' / 'AL-ZUMAR, Abbud', 'BADJI,
    Yankouba' / 'BADJIE, Yankuba', "AL-FAQIH, Sa'd" / 'AL FAQIH, Saad' (one SDN entry's
    names each). Beside a telling given name, a surname's closing vowel may differ too
    ('AL-UZBEK, Jaffar' / 'AL-UZBEKI, Jafar', 'AL-JADAWI, Saqar' / 'AL-JADDAW, Saqr').
    Each such pair counts :data:`~monitor.watchlists.spellings.VARIANT`, as a transliteration.

    Only when both names show their surname (:func:`~monitor.watchlists.name_parts.
    surname_words`) and each pair is of one part in both, a surname pair and a given-name
    pair among them (the same, transliterated, or alike by
    :func:`~monitor.watchlists.consonants.consonant_key`), both telling (no common part of people's
    names, not frequent on the list): a surname alike alone is another member of a family, a given
    name alike alone another person, and beside 'Muhammad' a surname alike by its consonants is
    anyone's ('FIAZ, Muhammad' / 'FAIZ, Mohammed'). Every other telling word of both names must pair
    too (words left over are common names or titles): 'AL-DURI, Harith' is not 'AL-DARI, Muthanna
    Harith', his son. Beside a common given name written the same, only a surname a vowel apart as
    written, nothing left over: 'AL-KARD, Ahmad' / 'AL-KURD, Ahmad'
    (:func:`~monitor.watchlists.consonants.vowels_only`, :func:`_surname_and_given`)."""
    watched_form, listed_form = forms
    if not listed_form.person:
        return pairs, ()
    mine, theirs = surname_words(watched_form.original), surname_words(listed_form.original)
    if not (mine and theirs):
        return pairs, ()
    firm = [p for p in pairs if p[2] >= VARIANT and is_distinctive(p[0]) and is_distinctive(p[1])]
    _, odd_w, odd_l = left_over(pairs, firm, watched, listed)
    found: list[tuple[str, str, float]] = []
    for a in odd_w:
        b = next(
            (
                b
                for b in odd_l
                if (a in mine) == (b in theirs)
                and all(b != y for _, y, _ in found)
                and consonants_alike(a, b, final_vowel=a in mine)
            ),
            "",
        )
        if b:
            found.append((a, b, VARIANT))
    left = [t for t in odd_w if t not in {a for a, _, _ in found}]
    left += [t for t in odd_l if t not in {b for _, b, _ in found}]
    if not found or not _surname_and_given(mine, theirs, firm, found, frequent, left):
        return pairs, ()
    paired = {a for a, _, _ in found} | {b for _, b, _ in found}
    kept = [p for p in pairs if p[0] not in paired and p[1] not in paired]
    return [*kept, *found], tuple((a, b) for a, b, _ in found)


def _surname_and_given(
    mine: frozenset[str],
    theirs: frozenset[str],
    firm: Sequence[tuple[str, str, float]],
    found: Sequence[tuple[str, str, float]],
    frequent: frozenset[str],
    left: Sequence[str],
) -> bool:
    """Whether the ``firm`` pairs and those ``found`` by their consonants pair a telling
    surname and a given name part for part (:func:`pair_consonants`), ``left`` the
    telling words neither pairs. Beside a telling given name, the words left over are
    common names or titles; beside a common given name written the same, none is left over
    and the words found differ only in a vowel written or not
    (:func:`~monitor.watchlists.consonants.vowels_only`)."""
    surnames = [(a, b) for a, b, _ in [*firm, *found] if a in mine and b in theirs]
    given = [(a, b) for a, b, _ in [*firm, *found] if a not in mine and b not in theirs]
    if not any(telling_pair(a, b, frequent) for a, b in surnames):
        return False
    if any(telling_pair(a, b, frequent) for a, b in given):
        # 'AL-DURI, Harith' is not 'AL-DARI, Muthanna Harith' (his son)
        return all(common_person_word(t) or t in person_titles() for t in left)
    # 'AL-KARD, Ahmad' / 'AL-KURD, Ahmad', 'SHRI, Amin' / 'SHERRI, Amin'
    same = any(a == b for a, b in given)
    return (
        same and not left and all(vowels_only(a, b) and consonants_alike(a, b) for a, b, _ in found)
    )
