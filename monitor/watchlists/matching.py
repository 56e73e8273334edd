"""Matching listed entries against a watchlist: identifiers first, then names, through an index.

10,000 watch entries against a 20,000-entry list are 200 million pairs, far
too many to score. The index maps every distinctive word of every watched name
(and adjacent words joined, for "Sense Time" / "SenseTime") to the names that
have it, and groups long words by their first and last three letters, so a
listed name is scored only against watched names sharing a word with it, or a
word one typo away. An exact identifier (USCC, registration number, ISIN)
settles a match outright and wins over any name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from monitor.records import Record
from monitor.watchlists.blends import blend_keys
from monitor.watchlists.consonants import consonant_key, consonants_alike
from monitor.watchlists.cyrillic import cyrillic_reading
from monitor.watchlists.described import described
from monitor.watchlists.entry import WatchEntry, WatchIdentifier, normalise_identifier
from monitor.watchlists.generic_names import index_keys, lookup_keys, watchable
from monitor.watchlists.honorifics import leading_honorific
from monitor.watchlists.name_score import CONTAINED, MIN_SHARED_PERSON
from monitor.watchlists.organisation_rules import blend
from monitor.watchlists.pairable import could_pair
from monitor.watchlists.person_rules import person_titles
from monitor.watchlists.places import country_key, in_place, places_text
from monitor.watchlists.rarity import NO_RARITY, WordRarity
from monitor.watchlists.scoring import score_names
from monitor.watchlists.spellings import (
    VARIANT,
    fuzzy_word,
    phonetic_key,
    sound_alike,
    transliteration_variant,
    word_similarity,
    written_article,
)
from monitor.watchlists.stems import STEM_MIN_LENGTH, cut_short, derived, inflected
from monitor.watchlists.syllables import korean_reading
from monitor.watchlists.tokens import (
    COMMON_WEIGHT,
    NameForm,
    analyse,
    common_key,
    is_distinctive,
    loose_sounds,
    runs,
    skeleton,
    variants,
    weight,
)

_NOT_IDENTIFYING = ("date", "target type", "issuer name")
_CODE = re.compile(r"[A-Za-z0-9]+(?:[-./][A-Za-z0-9]+)*")
_MAX_EDITS = 2


@dataclass(frozen=True, kw_only=True, slots=True)
class Match:
    """Which watch entry matched which listed name or identifier, how well, and why."""

    entry: WatchEntry
    field: str  # identifier | remarks | name | alias
    value: str  # the listed name or identifier that matched
    watch_value: str  # the watch entry's name, alias or identifier
    score: float
    why: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ListedEntry:
    """A listed record prepared once (names folded, ids normalised), then matched many times."""

    record: Record
    names: tuple[tuple[str, str, NameForm], ...]  # (field, name as listed, its form)
    identifiers: tuple[tuple[str, str], ...]  # (normalised value, label)
    remark_codes: tuple[tuple[str, str], ...]  # (normalised value, as written)
    places: str


def name_forms(
    named: Iterable[tuple[str, str]], *, person: bool = False, listed: bool = False
) -> tuple[tuple[str, str, NameForm], ...]:
    """Each name's forms (with and without an acronym in brackets), blanks and repeats left out.

    ``person``: the names of a listed individual. ``listed``: a listed organisation's
    names, whose bracketed acronym is a name of its own (a watched 'PEDCO' finds 'PETROIRAN
    DEVELOPMENT COMPANY (PEDCO) LIMITED'); a watched name's is not, or a watched
    'NAFTIRAN INTERTRADE COMPANY (NICO)' would find every company named 'NICO ...'.
    """
    found: dict[tuple[str, ...], tuple[str, str, NameForm]] = {}
    for field, name in named:
        for variant in variants(name, acronym=listed and not person):
            form = analyse(variant, person)
            if form.tokens and form.tokens not in found:
                found[form.tokens] = (field, name, form)
    return tuple(found.values())


def prepare(record: Record) -> ListedEntry:
    """Fold a record's names and normalise its identifiers once, for every watchlist."""
    names = [("name", record.name)] + [("alias", alias) for alias in record.aliases]
    identifiers = tuple(
        (normalise_identifier(i.value), i.label())
        for i in record.identifiers
        if not any(word in i.type.lower() for word in _NOT_IDENTIFYING)
    )
    codes = tuple(
        (normalise_identifier(code), code)
        for code in _CODE.findall(record.remarks)
        if any(c.isdigit() for c in code)
    )
    places = places_text(record)
    forms = name_forms(names, person=record.entry_type == "individual", listed=True)
    return ListedEntry(
        record=record,
        names=tuple((field, name, _with_places(form, places)) for field, name, form in forms),
        identifiers=identifiers,
        remark_codes=codes,
        places=places,
    )


PLACE_MIN_LENGTH = 4
"""A place's name has four letters at least: shorter words of an address are parts of
other names ('JUI CHENG SHIPPING' at an address naming 'Jui' is no company of a town Jui
named 'CHENG')."""


def _with_places(form: NameForm, places: str) -> NameForm:
    """An organisation's name with its words that name a place of its own address marked
    ('POLOTSK STEKLOVOLOKNO OAO', at an address in Polotsk): a company named after its town
    is still the company watched without it (:func:`~monitor.watchlists.scoring.
    score_names`). A person's name is left as it is: a surname may be a town's name."""
    if form.person:
        return form
    found = frozenset(
        t
        for t in form.tokens
        if is_distinctive(t) and len(t) >= PLACE_MIN_LENGTH and f" {t} " in places
    )
    return replace(form, places=found) if found else form


def _keys(form: NameForm) -> dict[str, int]:
    """Index keys of a name (its distinctive words, and runs of words written together),
    each with the bit mask of the words it stands for."""
    keys = {t: 1 << i for i, t in enumerate(form.tokens) if is_distinctive(t)}
    for positions, joined in runs(form.tokens):
        keys[joined] = keys.get(joined, 0) | sum(1 << i for i in positions)
    return keys


def _acronym_keys(form: NameForm) -> dict[str, int]:
    """Index keys of a name's initials ('IRGCAF' for 'Islamic Revolutionary Guard Corps Air
    Force'), each standing for every word; looked up as written, never one typo away."""
    every = (1 << len(form.tokens)) - 1
    return dict.fromkeys(form.acronyms, every)


def _blend_keys(form: NameForm) -> tuple[str, ...]:
    """Index keys of a one-word name that may blend another name's words ('colcerdos':
    'cerdos'): the words it may keep whole (:func:`~monitor.watchlists.blends.blend_keys`);
    none for a name of more words, or one written 'SURNAME, Given names'."""
    if len(form.tokens) != 1 or form.person or "," in form.original:
        return ()
    return blend_keys(form.tokens[0])


def _beside_one_word(form: NameForm) -> tuple[str, ...]:
    """An organisation's name of one distinctive word and common words: those other words
    (in any order), which the names it may be spelt apart from share
    (:func:`~monitor.watchlists.organisation_rules.pair_beside_common_words`); () otherwise."""
    distinctive = set(form.distinctive)
    if form.person or len(distinctive) != 1:
        return ()
    return tuple(sorted(form.token_set - distinctive))


def _readings(word: str) -> list[str]:
    """Index keys of a word's Cyrillic and Korean readings, each marked with its system."""
    found = []
    if cyrillic := cyrillic_reading(word):
        found.append("c:" + cyrillic)
    if korean := korean_reading(word):
        found.append("k:" + korean)
    return found


@dataclass(frozen=True, slots=True)
class _WatchedName:
    """A watched name, with what bounds its score: its common words' mask and weights."""

    entry: int
    field: str
    value: str
    form: NameForm
    common_mask: int
    common_weight: float
    total_weight: float
    set_aside: int  # the mask of titles scoring may set aside ('Dr', 'Colonel')
    every: int  # the mask of all its words
    named: int = 0  # an organisation's name written 'NAME <legal form> DESCRIPTION': the
    # mask of its name's distinctive words (:mod:`monitor.watchlists.described`)

    def bound(self, found_mask: int) -> float:
        """The best score this name could reach with these distinctive words found.

        Common words are not indexed, so they count as found, as do titles a person's
        name may set aside ('Dr', 'Colonel': :func:`~monitor.watchlists.person_rules.
        person_titles`); a distinctive word not found pairs with no listed word. Scores
        never exceed this bound, so names below the threshold are skipped without being
        scored. A listed name sharing two distinctive words may be one the watched name
        contains (a watch with a patronymic the list leaves out), which scores up to
        ``CONTAINED`` whatever the watched words not found, as does an organisation's
        name proper found without the words describing it after its legal form.
        """
        found = ((found_mask | self.set_aside) & ~self.common_mask).bit_count()
        if found >= MIN_SHARED_PERSON or (self.named and found_mask & self.named == self.named):
            return max(CONTAINED, (found + self.common_weight) / self.total_weight)
        return (found + self.common_weight) / self.total_weight

    def could_reach(
        self,
        found_mask: int,
        listed: NameForm,
        threshold: float,
        pairable: dict[str, bool],
        paired: dict[tuple[str, str], bool],
    ) -> bool:
        """Whether the words the index did not find may still lift this name to the
        threshold: the index finds words equal, a typo or a spelling apart, but scoring
        also pairs words a letter apart or spelt apart beside others that agree ('Abdu'
        for 'Abdul', 'Gadet' for 'Gatdeet'), and once two words pair, a watched name
        with given names the list leaves out scores up to ``CONTAINED``.

        Each watched word not found that any rule of scoring could pair with a listed
        word (:func:`~monitor.watchlists.pairable.could_pair`; in an organisation's name a
        plural or a word of one stem too) counts as found: then the bound is a true one.
        First the cheap test, every such word counted, as many as the listed name has.
        Words written together in one name and apart in the other ('Sense Time') are
        paired as one word by the scoring: such names are always scored.

        ``pairable``: what is known of the watched words against this listed name (many
        watched names share words: 'Mohammad', 'Ali'), filled here; ``paired``: of watched
        and listed words, against every name of the listed entry (its aliases share words:
        a third of the pairs asked in the screening benchmark were asked before for the
        same entry).
        """
        form = self.form
        if form.joined & listed.token_set or listed.joined & form.token_set:
            return True
        unfound = ~(found_mask | self.common_mask | self.set_aside) & self.every
        most = min(unfound.bit_count(), len(listed.tokens))
        if most == 0 or self.bound(found_mask | _lowest(unfound, most)) < threshold:
            return False
        for i, word in enumerate(form.tokens):
            if not unfound >> i & 1:
                continue
            if (may := pairable.get(word)) is None:
                may = pairable[word] = any(
                    _pairs(word, other, listed.person, paired) for other in listed.tokens
                )
            if may:
                found_mask |= 1 << i
                if self.bound(found_mask) >= threshold:
                    return True
        return False


def _named_mask(form: NameForm) -> int:
    """The mask of the distinctive words of an organisation's name proper when the name
    goes on after its legal form with words describing it (:func:`~monitor.watchlists.
    described.described`: 'UNIPAPEL S.A. BOLSAS DE PAPEL'); 0 otherwise. Found alone,
    they may score up to ``CONTAINED`` (:func:`~monitor.watchlists.described.
    described_company`)."""
    name = described(form).name
    return sum(1 << i for i, t in enumerate(form.tokens) if t in name and is_distinctive(t))


def _set_aside(form: NameForm, titles: frozenset[str]) -> int:
    """The mask of a watched name's words scoring may set aside: titles ('Dr', 'Colonel'),
    and a Burmese honorific it leads with ('U', 'Daw': :mod:`~monitor.watchlists.
    honorifics`)."""
    honorific = leading_honorific(form.original)
    return sum(1 << i for i, t in enumerate(form.tokens) if t in titles or t == honorific)


def _lowest(mask: int, count: int) -> int:
    """The ``count`` lowest bits set in ``mask`` (any ``count`` of them bound alike)."""
    picked = 0
    while count and mask:
        bit = mask & -mask
        picked |= bit
        mask ^= bit
        count -= 1
    return picked


def _pairs(a: str, b: str, person: bool, paired: dict[tuple[str, str], bool]) -> bool:
    """:func:`_may_pair`, remembered in ``paired`` (a listed entry's names are of one
    kind, a person's or not, so the two words say it all)."""
    if (may := paired.get((a, b))) is None:
        may = paired[a, b] = _may_pair(a, b, person)
    return may


def _may_pair(a: str, b: str, person: bool) -> bool:
    """Whether scoring could pair these words: :func:`~monitor.watchlists.pairable.could_pair`,
    and in an organisation's name a plural, a word of one stem ('Industries',
    'Revolutionary') or a word cut short ('Spanm', 'Spanmal')."""
    return could_pair(a, b) or (
        not person and (inflected(a, b) or derived(a, b) or cut_short(a, b))
    )


class WatchIndex:
    """The watch entries of one watchlist, indexed by identifier and by name word."""

    def __init__(self, entries: Iterable[WatchEntry]) -> None:
        self.entries = tuple(entries)
        self._names: list[_WatchedName] = []
        self._by_word: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self._by_common: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self._by_identifier: dict[str, list[tuple[int, WatchIdentifier]]] = defaultdict(list)
        self._by_acronym: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._by_blend_part: dict[str, list[int]] = defaultdict(list)
        self._by_other_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self._blocks: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._by_skeleton: dict[str, list[str]] = defaultdict(list)
        self._by_sound: dict[str, list[str]] = defaultdict(list)
        self._by_loose: dict[str, list[str]] = defaultdict(list)
        self._by_stem: dict[str, list[str]] = defaultdict(list)
        self._by_reading: dict[str, list[str]] = defaultdict(list)
        self._by_consonants: dict[str, list[str]] = defaultdict(list)
        self._near_cache: dict[str, tuple[str, ...]] = {}
        self.pairs_scored = 0  # name pairs compared: the index keeps this far below all pairs
        self._countries = [country_key(e.country) if e.country else "" for e in self.entries]
        for position, entry in enumerate(self.entries):
            self._add(position, entry)
        for word in self._by_word:
            if fuzzy_word(word):
                self._blocks["<" + word[:3], len(word)].append(word)
                self._blocks[">" + word[-3:], len(word)].append(word)
            if word.isalpha():
                self._by_skeleton[skeleton(word) or word].append(word)
                self._by_sound[phonetic_key(word)].append(word)
                self._by_loose[loose_sounds(written_article(word) or word)].append(word)
                self._by_consonants[consonant_key(word).rstrip("-")].append(word)
                if len(word) >= STEM_MIN_LENGTH:
                    self._by_stem[word[:STEM_MIN_LENGTH]].append(word)
            for reading in _readings(word):
                self._by_reading[reading].append(word)

    def _add(self, position: int, entry: WatchEntry) -> None:
        titles = person_titles()
        for identifier in entry.identifiers:
            self._by_identifier[identifier.normalised].append((position, identifier))
        for field, value, form in name_forms(entry.names()):
            if not watchable(form):
                continue
            number = len(self._names)
            common = [i for i, t in enumerate(form.tokens) if not is_distinctive(t)]
            self._names.append(
                _WatchedName(
                    entry=position,
                    field=field,
                    value=value,
                    form=form,
                    common_mask=sum(1 << i for i in common),
                    common_weight=COMMON_WEIGHT * len(common),
                    total_weight=sum(weight(t) for t in form.tokens),
                    set_aside=_set_aside(form, titles),
                    every=(1 << len(form.tokens)) - 1,
                    named=_named_mask(form),
                )
            )
            if form.exact_only:
                # common words only: found by its words, as a whole (generic_names)
                for generic_key in index_keys(form):
                    self._by_words[generic_key].append(number)
                self._by_common[common_key(form.tokens)].append(number)
            else:
                for key, mask in _keys(form).items():
                    self._by_word[key].append((number, mask))
            for key, mask in _acronym_keys(form).items():  # 'NATIONAL IRANIAN OIL CO.' too
                self._by_acronym[key].append((number, mask))
            for key in _blend_keys(form):
                self._by_blend_part[key].append(number)
            if other_words := _beside_one_word(form):
                self._by_other_words[other_words].append(number)

    def _near(self, word: str) -> tuple[str, ...]:
        """Indexed words equal to this one or one typo away; cached, lists repeat words."""
        if (cached := self._near_cache.get(word)) is not None:
            return cached
        found = {word} if word in self._by_word else set()
        if fuzzy_word(word):
            pool: set[str] = set()
            for size in range(len(word) - _MAX_EDITS, len(word) + _MAX_EDITS + 1):
                pool.update(self._blocks.get(("<" + word[:3], size), ()))
                pool.update(self._blocks.get((">" + word[-3:], size), ()))
            hits = process.extract(
                word, list(pool), scorer=Levenshtein.distance, score_cutoff=_MAX_EDITS, limit=None
            )
            found.update(hit for hit, _, _ in hits if word_similarity(word, hit) > 0)
        if word.isalpha():  # transliterations: 'Abass' for 'Abbas', 'Chaar' for 'Shaar'
            found.update(
                w
                for w in self._by_skeleton.get(skeleton(word) or word, ())
                if transliteration_variant(word, w)
            )
            # Spellings beyond a vowel or a letter: 'Oleksandr' for 'Aleksandr', 'Rauf', 'Raouf'.
            found.update(
                w for w in self._by_sound.get(phonetic_key(word), ()) if sound_alike(word, w)
            )
            # The looser reading, an Arabic article written onto either word set aside:
            # 'Gaddafi' for 'Ghathafi', 'Qadhafi' for 'Elkaddafi'.
            found.update(
                w
                for w in self._by_loose.get(loose_sounds(written_article(word) or word), ())
                if w not in found and word_similarity(word, w) >= VARIANT
            )
            # One Cyrillic name or Korean syllable romanised two ways (scored so in persons'
            # names): 'Serhiy' for 'Sergey', 'Cheol' for 'Chol'.
            for reading in _readings(word):
                found.update(self._by_reading.get(reading, ()))
            # Persons' names written with other vowels, read so beside a surname and a
            # given name alike ('Zomor' for 'Zumar', 'Saqr' for 'Saqar').
            found.update(
                w
                for w in self._by_consonants.get(consonant_key(word).rstrip("-"), ())
                if w not in found and consonants_alike(word, w, final_vowel=True)
            )
            # Words of one stem, read so in organisations' names: 'Revolutionary'.
            found.update(
                w
                for w in self._by_stem.get(word[:STEM_MIN_LENGTH], ())
                if w not in found and derived(word, w)
            )
        result = tuple(found)
        self._near_cache[word] = result
        return result

    def _candidates(
        self, form: NameForm, threshold: float, paired: dict[tuple[str, str], bool] | None = None
    ) -> list[int]:
        """Watched names sharing words with this one, enough of them to reach the threshold.

        The bound lets a listed "Mohammad Reza" skip the hundreds of watched
        names that share only "Mohammad" with it, without scoring them. ``paired``:
        what is known of word pairs for this listed entry (:meth:`_WatchedName.could_reach`).
        """
        found: dict[int, int] = defaultdict(int)
        by_word = self._by_word
        # Common listed words too, for the watched words that are typos of them ('Tradig').
        keys = _keys(form)
        lookups = [*keys, *(t for t in form.tokens if not is_distinctive(t))]
        for key in lookups:
            for word in self._near(key):
                for number, mask in by_word[word]:
                    found[number] |= mask
        # A one-word name may be a watched name's initials, a name's initials a watched word.
        if len(form.tokens) == 1:
            for number, mask in self._by_acronym.get(form.tokens[0], ()):
                found[number] |= mask
        for acronym in form.acronyms:
            for number, mask in by_word.get(acronym, ()):
                found[number] |= mask
        self._blend_candidates(form, keys, found)
        # One distinctive word beside the same common words: the word may be spelt apart
        # ('LEBANESE HEZBOLLAH' / 'LEBANESE HIZBALLAH'); the bound then asks if it may pair.
        if other_words := _beside_one_word(form):
            for number in self._by_other_words.get(other_words, ()):
                found[number] |= 0
        names = self._names
        pairable: dict[str, bool] = {}
        paired = {} if paired is None else paired
        numbers = [
            n
            for n, mask in found.items()
            if names[n].bound(mask) >= threshold
            or names[n].could_reach(mask, form, threshold, pairable, paired)
        ]
        return numbers + self._generic_candidates(form)

    def _generic_candidates(self, form: NameForm) -> list[int]:
        """Watched names of common words only that this listed name may be, written as it
        or with a word more or less (:mod:`monitor.watchlists.generic_names`); each once."""
        if form.distinctive:
            return []
        by_words = self._by_words
        if form.person:  # a person's name of common words: the same words, as scoring reads
            return list(self._by_common.get(common_key(form.tokens), ()))
        return list(dict.fromkeys(n for key in lookup_keys(form) for n in by_words.get(key, ())))

    def _blend_candidates(
        self, form: NameForm, keys: dict[str, int], found: dict[int, int]
    ) -> None:
        """Watched names one word blended from this name's words ('COLCERDOS' for
        'COLOMBIANA DE CERDOS'), found by the word the blend keeps whole, and, this name one
        word, watched names whose words it blends; each with every word found, as an
        acronym is, when they are one (:func:`~monitor.watchlists.organisation_rules.blend`): the
        blend's word kept whole is in many names that are no blend of it."""
        names = self._names
        numbers = {n for key in keys for n in self._by_blend_part.get(key, ())}
        numbers.update(n for key in _blend_keys(form) for n, _ in self._by_word.get(key, ()))
        for number in numbers:
            if blend(names[number].form, form) is not None:  # as scoring reads it
                found[number] |= names[number].every

    def match(
        self, listed: ListedEntry, *, threshold: float, rarity: WordRarity = NO_RARITY
    ) -> list[Match]:
        """The best match of each watch entry at or above the threshold, best first.

        ``rarity``: the words frequent across the list the entry is on, which
        alone match nothing (:mod:`monitor.watchlists.rarity`).
        """
        best = self._identifier_matches(listed)
        rank: dict[int, tuple[float, bool, bool]] = {}
        paired: dict[tuple[str, str], bool] = {}
        for field, value, form in listed.names:
            for number in self._candidates(form, threshold, paired):
                watched = self._names[number]
                if watched.entry in best and watched.entry not in rank:
                    continue  # an identifier matched: it wins over any name
                found = self._score(watched, (field, value, form), listed, threshold, rarity)
                if found is None:
                    continue
                # Best score; on a tie, primary names before aliases (watched, then listed).
                key = (found.score, watched.field == "name", field == "name")
                if key > rank.get(watched.entry, (-1.0, False, False)):
                    best[watched.entry], rank[watched.entry] = found, key
        return sorted(best.values(), key=lambda m: (-m.score, m.entry.key))

    def _score(
        self,
        watched: _WatchedName,
        name: tuple[str, str, NameForm],
        listed: ListedEntry,
        threshold: float,
        rarity: WordRarity,
    ) -> Match | None:
        field, value, form = name
        country = self._countries[watched.entry]
        if country and listed.places.strip() and not in_place(listed.places, country):
            return None
        self.pairs_scored += 1
        scored = score_names(watched.form, form, rarity.frequent)
        if scored is None or scored.score < threshold:
            return None
        return Match(
            entry=self.entries[watched.entry],
            field=field,
            value=value,
            watch_value=watched.value,
            score=scored.score,
            why=(
                f"watch {watched.field} {watched.value!r} ~ listed {field} {value!r}: "
                + scored.explain(watched.form, form)
            ),
        )

    def _identifier_matches(self, listed: ListedEntry) -> dict[int, Match]:
        found: dict[int, Match] = {}
        sources = [("identifier", code, label) for code, label in listed.identifiers]
        sources += [("remarks", code, written) for code, written in listed.remark_codes]
        for field, code, shown in sources:
            for position, identifier in self._by_identifier.get(code, ()):
                if position in found:
                    continue
                where = "in the remarks" if field == "remarks" else "on the list"
                found[position] = Match(
                    entry=self.entries[position],
                    field=field,
                    value=shown,
                    watch_value=identifier.label(),
                    score=1.0,
                    why=f"identifier {identifier.label()} found {where} as {shown}",
                )
        return found
