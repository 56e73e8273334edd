"""Names as words to compare: folded, legal forms dropped, each word weighted by how telling it is.

"SZ DJI TECHNOLOGY CO., LTD." becomes the words ``sz dji`` with ``technology
co ltd`` set aside; ``sz`` is a place (common, light) and ``dji`` is the
distinctive word a match must rest on.

Legal forms come from two sources: the organisation types of the OpenSanctions
``rigour`` package (ISO 20275 and more: "closed joint-stock company",
"zakrytoe aktsionernoe obshchestvo", "S.A. de C.V.", "Pte. Ltd.", "anonim
sirketi"...), removed as whole phrases wherever they stand in the name, and
the word lists of :mod:`monitor.watchlists.words` for single words and the
corporate words rigour does not treat as legal forms ("Technology").
Abbreviations of business words ("INTL", "MFG", "I/E") are read in full
(:mod:`monitor.watchlists.abbreviations`) in organisations' names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from monitor.names import fold
from monitor.watchlists.abbreviations import expand, expand_text
from monitor.watchlists.words import (
    ARABIC_ARTICLES,
    CJK_LEGAL_FORMS,
    COMMON_WORDS,
    DOTTED_FORMS,
    GENERIC_WORDS,
    LEGAL_FORMS,
    ORGANISATION_FORMS,
    PARTICLES,
    SPELT_FORMS,
)

_BRACKETED = re.compile(r"\(([^()]*)\)")
# An apostrophe inside a word marks a sound of the original script ('ain, hamza, a soft
# sign): "SHIVA'I", "QA'IDA", "CH'OE" are one word each, written "Shivai", "Qaida", "Choe".
INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u2018\u02bc\u02bb`\u00b4](?=\w)")
# Letters that transliterations use for one sound, read as one (longest first), and vowels.
_SOUNDS = (
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "s"),
    ("zh", "s"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("z", "s"),
    ("x", "ks"),
    ("w", "v"),
    ("j", "y"),
)
_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLED = re.compile(r"(.)\1+")  # doubled letters: 'Hassan' is 'Hasan'
_ENDINGS = (("iy", "i"), ("yy", "y"), ("ah", "a"))  # 'Yuriy'/'Yuri', 'Shari'ah'/'Sharia'
VOWELS = frozenset("aeiouy")
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")  # S.A., J.S.C., C.V.: one word each
# A dotted legal form closing a name ('HILAL TRAVEL C.A.'), and 'M/S' (messrs) opening one.
_DOTTED_LAST = re.compile(r"(?<![\w.])([^\W\d_])\.([^\W\d_])\.\s*$")
_MESSRS = re.compile(r"^\s*m/s\b\.?")
# 'M & S SYNDICATE', 'M AND S SYNDICATE', 'H&H METALFORM': two letters joined are one word;
# in Spanish too ('A Y S CARRIER INTERNACIONAL' is 'A & S CARRIER INTERNACIONAL').
_LETTERS_AND = re.compile(
    r"(?<![\w.])([^\W\d_])\s*(?:&|\band\b|\by\b)\s*([^\W\d_])(?![\w.])", re.IGNORECASE
)
TYPO_MIN_LENGTH = 6
_KNOWN = LEGAL_FORMS | GENERIC_WORDS


def _by_length(words: frozenset[str]) -> dict[int, list[str]]:
    """Known words by length: a typo changes the length by one at most."""
    found: dict[int, list[str]] = defaultdict(list)
    for word in sorted(words):
        found[len(word)].append(word)
    return found


_BY_LENGTH = _by_length(_KNOWN)
_AS_WRITTEN = _KNOWN | COMMON_WORDS
COMMON_WEIGHT = 0.4
"""A common word counts, but less: 'China Mobile' vs 'Mobile TeleSystems' must differ."""


def is_distinctive(token: str) -> bool:
    """A word a match can rest on: not a place or generic word, and longer than two letters."""
    return len(token) > 2 and token not in COMMON_WORDS


def weight(token: str) -> float:
    return 1.0 if is_distinctive(token) else COMMON_WEIGHT


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name as compared: its core words in order, and the legal-form words left out."""

    original: str
    tokens: tuple[str, ...]
    dropped: tuple[str, ...]
    token_set: frozenset[str]
    joined: frozenset[str]  # adjacent words written together: 'sense time' -> 'sensetime'
    person: bool = False  # the name of a listed individual (watched names: unknown, False)
    company: bool = False  # a legal form was found in it: 'A AND M MAHAR COMPANY LIMITED'
    acronyms: frozenset[str] = frozenset()  # its initials, when long enough: 'irisl'
    places: frozenset[str] = frozenset()  # a listed organisation's words naming a place of
    # its own address: 'polotsk' in 'POLOTSK STEKLOVOLOKNO OAO' (matching.prepare sets them)

    @property
    def distinctive(self) -> tuple[str, ...]:
        return tuple(t for t in self.tokens if is_distinctive(t))

    @property
    def exact_only(self) -> bool:
        """Names of common words only ('Bank of China') match only word for word."""
        return not self.distinctive

    @property
    def usable(self) -> bool:
        """Never a lone common word ('China') or nothing at all ('Technology Co.')."""
        return bool(self.distinctive) or len(self.tokens) >= 2


# Given names the lists write short in a name written 'SURNAME, Given names': the Burmese
# 'Mg' for Maung ('SWE, Khin Mg' / 'SWE, Khin Maung'), the Spanish 'Ma.' for Maria
# ('CHAVEZ MARTINEZ, Ma Isela' / 'CHAVEZ MARTINEZ, Maria Isela'). Only after the comma:
# elsewhere, and in organisations' names ('MG MOTORS'), the letters are no given name.
# Not 'Mohd' for Muhammad: read so, 'BEHZAD, Abdulla Mohd Abdulla' found 'MOHAMMADI,
# Behzad', another SDN person, through a loose 'Muhammad'/'Mohammadi'.
GIVEN_NAMES_SHORT = {"mg": "maung", "ma": "maria"}


def _given_names_in_full(name: str, words: list[str]) -> list[str]:
    """A name's words with given names written short after its comma written in full."""
    if "," not in name:
        return words
    given = len(fold(name.split(",", 1)[1]).split())
    first = len(words) - given
    return [GIVEN_NAMES_SHORT.get(w, w) if i >= first else w for i, w in enumerate(words)]


def _join_letters(tokens: list[str]) -> list[str]:
    """'S.A.' folds to 's a' and 'J.S.C.' to 'j s c': join runs of single letters back."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            out.append("".join(run) if len(run) > 1 else run[0])
            run = []
        if token:
            out.append(token)
    return out


def _is_acronym(candidate: str, words: list[str]) -> bool:
    """'SMIC' after 'Semiconductor Manufacturing International Corporation': its initials,
    or the first letters of its words ('PEDCO': PEtroiran DEvelopment COmpany, 'NICO':
    Naftiran Intertrade CO), each word in order giving a beginning or nothing."""
    if not (2 <= len(candidate) <= 8 and candidate.isalpha() and candidate.isupper()):
        return False
    return _from_beginnings(candidate.lower(), tuple(w for w in words if w))


@lru_cache(maxsize=10_000)
def _from_beginnings(letters: str, words: tuple[str, ...]) -> bool:
    """Whether ``letters`` are beginnings of some of ``words``, in order, one at least each."""
    if not letters:
        return True
    for i, word in enumerate(words):
        for size in range(min(len(word), len(letters)), 0, -1):
            if word[:size] == letters[:size] and _from_beginnings(letters[size:], words[i + 1 :]):
                return True
    return False


ACRONYM_NAME_LENGTH = 4
"""A bracketed acronym is a name of its own from four letters: 'PEDCO', 'NICO', not 'DCB'."""


def variants(name: str, acronym: bool = False) -> list[str]:
    """The name, the name without an acronym in brackets ('X Corporation (XC)' is 'X
    Corp.'), and with ``acronym`` that acronym when it is four letters or more:
    'PETROIRAN DEVELOPMENT COMPANY (PEDCO) LIMITED' is also 'PEDCO', the name it gives
    itself (:func:`monitor.watchlists.matching.name_forms` says whose).

    Only acronyms of the words before them count: '(Thailand)' in 'Huawei
    Technologies (Thailand) Co.' names another company and stays.
    """
    found = [name]
    for match in _BRACKETED.finditer(name):
        before = fold(name[: match.start()]).split()
        short = match.group(1).strip()
        if _is_acronym(short, before):
            found.append(" ".join((name[: match.start()] + name[match.end() :]).split()))
            if acronym and len(short) >= ACRONYM_NAME_LENGTH:
                found.append(short)
    return found


@lru_cache(maxsize=200_000)
def sounds(word: str) -> str:
    """A word with the letters transliterations swap read as one, doubled letters and
    transliterated endings as one: 'khamzat' is 'hamsat', 'yuriy' is 'yuri', 'hajji' is
    'hayi', 'jabbareen' is 'yabaren', a 'y' after the first letter an 'i' ('Faysal').

    A vowel doubled at the end stays: 'Megvii' is not 'Megvi' (a letter added at the
    end may make another name).
    """
    for ending, same in _ENDINGS:
        if word.endswith(ending):
            word = word[: -len(ending)] + same
    word = word[:1] + word[1:].replace("y", "i")
    for letters, sound in _SOUNDS:
        word = word.replace(letters, sound)
    doubled_vowel = len(word) > 2 and word[-1] == word[-2] and word[-1] in VOWELS
    end = len(word) - 2 if doubled_vowel else len(word)
    return _DOUBLED.sub(r"\1", word[:end]) + word[end:]


# 'zh', 'dzh' and 'dj' are also the 'j' of French and older transliterations
# ('Pezhman'/'Pejman', 'Bozhkov'/'Bojkov', 'Djamel'/'Jamel'); read so in a second reading
# only, as Chinese 'zh' is 'ch' ('Zhao'/'Chao') and Serbian 'dj' is 'd' ('Djordjevic').
_AS_J = re.compile(r"dzh|dj|zh")


@lru_cache(maxsize=200_000)
def sounds_as_j(word: str) -> str:
    """:func:`sounds`, reading 'zh' and 'dj' as the 'j' they transliterate in Persian,
    Russian and Arabic names written the French way: 'pezhman' and 'pejman' are 'peyman'."""
    return sounds(_AS_J.sub("j", word))


# The second, looser reading of a transliterated word (:func:`loose_sounds`): Arabic jim
# and qaf ('Katranji'/'Katrangi', 'Qadhafi'/'Gaddafi'), the French 'ou' and 'dj'.
# 'th' is also the 'dh' of Arabic dhal ('Ghathafi'/'Gaddafi').
_LOOSE_LETTERS = (("dzh", "g"), ("dj", "g"), ("j", "g"), ("th", "d"), ("ou", "u"), ("oo", "u"))
# 'b'/'p', 'e'/'i' and 'o'/'u' ('Toseyeh'/'Tosee', 'Sahraoui'/'Sahrawi') read as one; 'k'
# and 'q' stay apart from 'g' ('Kamal' is not 'Jamal', 'Basij' not 'Bashiq'), 'f' from
# 'v' ('Jaddawi' is not 'Gaddafi'), 't' from 'd' inside a word ('Khaldi' is not 'Halti').
_LOOSE_SAME = str.maketrans("bzeo", "psiu")


@lru_cache(maxsize=200_000)
def loose_sounds(word: str) -> str:
    """A second, looser reading than :func:`sounds`, for spellings of one name that
    transliterate one letter of the original script differently: 'j', 'dj', 'g' and
    'gh' as one letter (Arabic jim, Egyptian 'g'), 'th', 'dh', 'dd' as 'd', a 'd'
    beginning a word as 't', 'b' as 'p', 'ou'/'u', 'e'/'i', 'o'/'u', a final 'h' left
    out: 'katranji', 'katrangi' are 'katrangi'; 'ghathafi', 'gaddafi' are 'gadafi'
    ('qadhafi' is 'kadafi': 'q' is also 'k', and read as 'g' too it would make 'Bashiq'
    'Basij'); 'tantoush', 'tantouche' are 'tantus', 'tantusi'.

    Too loose to pair words on its own ('Nafir' and 'Nasir' are close in it too):
    matching uses it only with a gate (:mod:`monitor.watchlists.scoring`).
    """
    if len(word) > 4 and word.endswith("h") and word[-2] not in "cgkpstz":
        word = word[:-1]  # 'Mayaleh'/'Mayala', 'Faqih'/'Faqi', not the 'h' of 'sh', 'kh'
    for letters, sound in _LOOSE_LETTERS:
        word = word.replace(letters, sound)
    if word.startswith("d"):
        word = "t" + word[1:]  # Korean initials written voiced or not: 'Taesong'/'Daesong'
    read = sounds(word).translate(_LOOSE_SAME)
    # as in sounds(), a vowel doubled at the end stays: 'Sanaye' is not 'Sanai'
    tail = read[-1] if len(read) > 2 and read[-1] == read[-2] and read[-1] in VOWELS else ""
    return _DOUBLED.sub(r"\1", read) + tail


_SPELLING_ENDINGS = (("isation", "ization"), ("ence", "ense"), ("tre", "ter"), ("ies", "y"))


@lru_cache(maxsize=100_000)
def spelling_key(token: str) -> str:
    """A word with British and American spellings and the English plural read as one:
    'defence'/'defense', 'organisation'/'organization', 'centre'/'center',
    'electronics'/'electronic', 'industries'/'industry'. For names made of common words
    only ('DEFENCE INDUSTRIES ORGANISATION'), which otherwise match word for word."""
    for ending, same in _SPELLING_ENDINGS:
        if token.endswith(ending):
            token = token[: -len(ending)] + same
            break
    else:
        if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
    return token


def common_key(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a name of common words, in any order and spelling (:func:`spelling_key`)."""
    return tuple(sorted(spelling_key(t) for t in tokens))


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """A word's consonants as :func:`sounds` reads them: 'qasim' and 'qasem' are 'ksm',
    'chaar' and 'shaar' are 'sr', 'abass' and 'abbas' are 'bs'."""
    return _VOWELS.sub("", sounds(word))


@lru_cache(maxsize=100_000)
def _known_word(token: str) -> str:
    """A legal-form or generic word one typo away ('Liited', 'Internaional'), else the token.

    A misspelt 'Limited' must not become the distinctive word a match rests on.
    """
    if len(token) < TYPO_MIN_LENGTH or not token.isalpha() or token in _AS_WRITTEN:
        return token
    pool = [w for size in (len(token) - 1, len(token), len(token) + 1) for w in _BY_LENGTH[size]]
    hit = process.extractOne(token, pool, scorer=Levenshtein.distance, score_cutoff=1)
    return hit[0] if hit else token


def _org_type_phrases(text: str) -> list[str]:
    """Legal-form phrases rigour finds in a case-folded name, longest first.

    Only phrases (several words, or dotted: "s.a. de c.v.") and words of four
    letters or more: rigour also knows two- and three-letter codes ("sad",
    "ong", "pao") that are parts of people's names, and the short codes that
    matter ("ooo", "zao", "llc") are in our own word list, which applies to
    single words only.
    """
    from rigour.names.org_types import extract_org_types  # ~70 ms: only when matching runs

    found = {
        matched.strip()
        for matched, _ in extract_org_types(text)
        if " " in matched.strip() or "." in matched or len(matched.strip()) >= 4
    }
    return sorted(found | spelt_forms(text), key=len, reverse=True)


def spelt_forms(text: str) -> set[str]:
    """The legal forms written out in a case-folded name that rigour does not know
    (:data:`~monitor.watchlists.words.SPELT_FORMS`), as whole words."""
    return {form for form in SPELT_FORMS if re.search(rf"(?<!\w){form}(?!\w)", text)}


def _without_org_types(text: str) -> tuple[str, list[str]]:
    """The name without its legal-form phrases, and those phrases' words."""
    lowered = text.casefold()
    dropped: list[str] = []
    for phrase in _org_type_phrases(lowered):
        # not a dotted form's start: 's.a' in 's.a.l.' is 'S.A.L.', a form of its own (SAL)
        pattern = re.compile(r"(?<![\w.])" + re.escape(phrase) + r"(?!\w)(?!\.\w)")
        lowered, count = pattern.subn(" ", lowered)
        if count:
            dropped += fold(phrase.replace(".", "")).split()  # 's.a. de c.v.': sa de cv
    return lowered, dropped


def _organisation_forms(text: str) -> tuple[str, list[str]]:
    """An organisation's name without a dotted legal form closing it ('HILAL TRAVEL C.A.')
    nor 'M/S' opening it ('M/S. AL ZAROONI EXCHANGE'), and the forms taken out."""
    found: list[str] = []
    last = _DOTTED_LAST.search(text)
    form = "".join(last.groups()) if last else ""
    if last and form in DOTTED_FORMS and text[: last.start()].split():  # never the whole name
        text, found = text[: last.start()], [form]
    if (messrs := _MESSRS.match(text)) and text[messrs.end() :].split():
        text, found = text[messrs.end() :], [*found, "ms"]
    return text, found


def organisation_words(name: str) -> list[str]:
    """An organisation's words as :func:`analyse` reads them (letters joined by '&' as one
    word, abbreviations in full, a typo of a known word read as it), its legal forms
    kept: for :mod:`monitor.watchlists.generic_names`, which sets aside fewer of them."""
    text = _LETTERS_AND.sub(r"\1\2", expand_text(INNER_APOSTROPHE.sub("", name)))
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    return [_known_word(t) for t in expand(_join_letters(fold(text).split()))]


@lru_cache(maxsize=200_000)
def analyse(name: str, person: bool = False) -> NameForm:
    """The comparable form of a name; cached because list names recur across runs.

    ``person``: the name of a listed individual, which the scoring treats as
    a person's name (see :func:`monitor.watchlists.scoring.score_names`).
    """
    text, phrase_words = _without_org_types(INNER_APOSTROPHE.sub("", name))
    for word in CJK_LEGAL_FORMS:
        text = text.replace(word, " ")
    if not person:  # a person's 'IND' or 'ENT' is a name, not an abbreviation
        text = _LETTERS_AND.sub(r"\1\2", expand_text(text))
        text, closing = _organisation_forms(text)
        phrase_words += closing
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    words = _given_names_in_full(name, _join_letters(fold(text).split()))
    tokens = [_known_word(t) for t in (words if person else expand(words))]
    legal = LEGAL_FORMS if person else LEGAL_FORMS | ORGANISATION_FORMS
    kept = tuple(dict.fromkeys(t for t in tokens if t not in legal))
    dropped = tuple(dict.fromkeys([*phrase_words, *(t for t in tokens if t in legal)]))
    joined = frozenset(joined for _, joined in runs(kept))
    return NameForm(
        acronyms=frozenset() if person or "," in name else acronyms(words, kept),
        company=bool(set(dropped) - PARTICLES),
        original=name,
        tokens=kept,
        dropped=dropped,
        token_set=frozenset(kept),
        joined=joined,
        person=person,
    )


ACRONYM_MIN_LENGTH = 5
"""An organisation's initials make an acronym to match from five letters: shorter ones
name many organisations of one list ('ASRC' is an SDN alias of two, 'IRMF' of
'Islamic Revolution Martyrs Foundation' and of another foundation)."""


def acronyms(words: list[str], kept: tuple[str, ...]) -> frozenset[str]:
    """The initials an organisation's name may be written as: 'Ministry of Defense and Armed
    Forces Logistics' is 'MODAFL' (particles included) and 'MDAFL' (skipped), 'Islamic
    Revolutionary Guard Corps Air Force' 'IRGCAF'.

    Only from five words and letters (:data:`ACRONYM_MIN_LENGTH`), and never from a
    name written 'SURNAME, Given names' (a comma in it): a person's initials are no name.

    The Arabic article inside a name gives no letter (:func:`_without_inner_articles`),
    and a company's closing 'Company' may be written 'CO' (:func:`_with_company`).
    """
    found = set()
    skipped = [w for w in words if len(w) > 2 and w not in PARTICLES]
    for sequence in (_without_inner_articles(words), skipped, _without_inner_articles(kept)):
        if len(sequence) >= ACRONYM_MIN_LENGTH and all(w.isalpha() for w in sequence):
            found.add("".join(w[0] for w in sequence))
    found.update(_with_company(words, skipped))
    return frozenset(found)


def _without_inner_articles(words: Sequence[str]) -> list[str]:
    """A name's words without the Arabic article inside it: Arabic initials skip it
    ('JDQS' for 'JAMAAT AL-DAWA AL-QURAN WAL-SUNNA'), so 'HARAKAT AL-SHABAAB AL-MUJAAHIDIIN'
    is no 'HASAM' (another SDN entry's alias). An article opening the name gives its letter:
    'AQAP', 'AL-QAIDA IN THE ARABIAN PENINSULA'."""
    return [w for i, w in enumerate(words) if i == 0 or w not in ARABIC_ARTICLES]


COMPANY_WORDS = frozenset({"company", "co", "corporation", "corp"})
COMPANY_INITIALS = 4
"""Words before a closing 'Company' whose initials, with 'CO', name it: 'MITDCO' for 'MARINE
INFORMATION TECHNOLOGY DEVELOPMENT COMPANY' (one SDN entry's names). From three words
('IAMCO' for 'IRAN AIRCRAFT MANUFACTURING COMPANY') five letters ending 'CO' are the
initials of too many companies: 'SCSCO', 'PASCO', 'SEDCO', 'IASCO' each found another SDN
entry's name (+1 alias found for +7 false positives in benchmarks/matching_eval.py)."""


def _with_company(words: Sequence[str], skipped: Sequence[str]) -> set[str]:
    """The initials of a company's name with its closing 'Company' written 'CO' (four
    words before it at least, letters only, as :func:`acronyms` takes them)."""
    found = set()
    for sequence in (words, skipped):
        if not sequence or sequence[-1] not in COMPANY_WORDS:
            continue
        rest = _without_inner_articles(sequence[:-1])
        if len(rest) >= COMPANY_INITIALS and all(w.isalpha() for w in rest):
            found.add("".join(w[0] for w in rest) + "co")
    return found


def runs(tokens: tuple[str, ...]) -> list[tuple[range, str]]:
    """Runs of two or three adjacent words, and how they read written together."""
    return [
        (range(i, i + size), "".join(tokens[i : i + size]))
        for size in (2, 3)
        for i in range(len(tokens) - size + 1)
    ]
