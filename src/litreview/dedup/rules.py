"""Whether two prepared records are one item: the comparison, its guards, the rules that trust a
DOI or a place, and the titles that recur at different places (too common to name one item)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from litreview.dedup.prepare import (
    _ARTICLE_NUMBER,
    _KIND_GUARD,
    _ORGANISATION,
    _STOP,
    RECURRING_CAP,
    SHARED_DOI,
    Prepared,
    _content_words,
    _language,
    _singular,
    _stems,
    first_pages_agree,
    pages_conflict,
    title_numbers,
    two_names_read,
    wide,
)


def registry_apart(a: Prepared, b: Prepared) -> str:
    """Why a registry entry and another record are two items ('' when nothing says so): a registry entry
    against a publication (an article, abstract or protocol that names the trial reports it), or two
    registry entries that both give ids and share none (a team's second trial under one title, one trial
    registered in two registries). Two entries sharing an id are one entry (an identity key, as a PMID)."""
    if a.registry_entry != b.registry_entry:
        return "a registry entry against a publication (a report of the trial, not the entry)"
    if a.registry and b.registry and not set(a.registry) & set(b.registry):
        return "different registry entries (no registry id in common)"
    return ""


_PREPRINT_GUARD = "a preprint and a published version (two reports of one study)"


def _published(p: Prepared) -> bool:
    """A record placed somewhere (a journal or venue, a volume, a page or a DOI): beside a preprint, the
    published version; a record placed nowhere may be another rendering of the preprint itself."""
    return bool(p.journal or p.volume or p.pages[0] or p.doi)


def guard(a: Prepared, b: Prepared) -> str:
    """Why two records must stay apart ('' when nothing keeps them apart)."""
    if a.doi and b.doi and a.doi != b.doi:
        return "different DOIs"
    if a.preprint != b.preprint and _published(b if a.preprint else a):
        return _PREPRINT_GUARD
    if a.year and b.year and abs(a.year - b.year) > 1:
        return "years more than one apart"
    if pages_conflict(a.pages, b.pages) and not _number_and_own_pages(a, b):
        return "different pages"
    if volumes_conflict(a, b):
        return "different volumes"
    if issues_conflict(a, b):
        return "different issues"
    if a.report_number and b.report_number and a.report_number != b.report_number:
        return "different report numbers"
    if a.extent and b.extent and a.extent != b.extent:  # a report's editions ("52 pp." / "61 pp.")
        return "different page counts"
    if a.title_raw_kind != b.title_raw_kind and not _one_notice(a, b):
        return _KIND_GUARD
    if _cut_goes_on_otherwise(a, b) or _cut_goes_on_otherwise(b, a):
        return "a title cut with an ellipsis that the other title does not go on with"
    if a.numbers and b.numbers and a.numbers != b.numbers and not _numbers_agree(a, b) and not cut_of(a, b):
        return "different numbers in the titles (series parts, phases, years)"
    if _codes_differ(a, b):
        return (
            "different numbers of one study code in the titles (two trials or two reports: ARGO-07 / ARGO-08)"
        )
    if _bracket_names_differ(a, b):
        return "different names in brackets after the titles (two products, places or groups)"
    if _part_unnamed(a.title, b.title) or _part_unnamed(b.title, a.title):
        return "a numbered part of a series against a title that numbers no part"
    if a.script != b.script or _other_languages(a.title, b.title):
        return ""  # a title and its translation: their words and letters are not compared one by one
    if a.script and _characters_differ(a.title, b.title):
        return "a character replaced or added in titles in Chinese, Japanese or Korean (left / right, non-)"
    if _letters_differ(a.title, b.title):
        return "different letters in the titles (hepatitis B / C, haemophilia A / B, type 2A / 2B)"
    if _opposite_words(a.title, b.title):
        return "opposite words in the titles (hyper- / hypo-, inter- / intra-, treated / untreated, with / without)"
    return ""


def _characters_differ(a: str, b: str) -> bool:
    """Two titles in Chinese, Japanese or Korean characters (see prepare's _in_script) that are not one
    title: a character is a word there, so a team's two papers differ in one character and still agree
    closely by their ratio, whether it is replaced ("左心室" / "右心室", left / right ventricle; Hangul's
    "남성" / "여성") or added ("非小细胞" / "小细胞", non-small cell; "研究" / "研究进展", a study / a review of
    the research). Two exports of one article give its characters as printed (spaces aside, which Korean
    databases place differently): one may only leave out a part after a break (a subtitle after "："). A
    title in Cyrillic letters is compared by its words."""
    if not any(map(wide, a + b)):
        return False
    x, y = a.replace(" ", ""), b.replace(" ", "")
    if x == y:
        return False
    (short, _), (long, spaced) = sorted(((x, a), (y, b)), key=lambda t: len(t[0]))
    if not long.startswith(short):
        return True
    # where the shorter title ends in the longer one as spaced: at a break, or inside a word
    seen = 0
    for ch in spaced:
        if seen == len(short):
            return ch != " "
        seen += ch != " "
    return False


def _other_languages(a: str, b: str) -> bool:
    """The two titles are in two languages (each told by its function words, see :func:`_language`): a
    translation's "without" has no "without" in the original ("sin receta" / "without prescription"), and
    its letters are other words ("y", "e", "o" / "a")."""
    if a == b:
        return False
    la, lb = _language(a), _language(b)
    return bool(la and lb and la != lb)


# Prefixes that make a word its opposite: a title is no typo of another that has the opposite word
# ("hypertension" / "hypotension", "interobserver" / "intraobserver", "premenopausal" / "postmenopausal",
# "untreated" / "treated", "non-small cell" / "small cell"); and short opposite words the title rules pass over.
_OPPOSITE_PREFIXES = (("hyper", "hypo"), ("inter", "intra"), ("extra", "intra"), ("post", "pre"), ("post", "ante"),
                      ("supra", "sub"), ("macro", "micro"), ("out", "in"), ("uni", "bi"), ("mono", "poly"),
                      ("hetero", "homo"), ("over", "under"), ("up", "down"), ("non", ""), ("un", ""))  # fmt: skip
_OPPOSITE_WORDS = frozenset(
    [frozenset(("pre", "post")), frozenset(("high", "low")), frozenset(("men", "women")),
     frozenset(("northern", "southern")), frozenset(("eastern", "western")), frozenset(("north", "south")),
     frozenset(("east", "west")),
     # who was studied or which way an effect went: one group's two abstracts at one meeting differ by one
     # such word and nothing else ("... in male rats" / "... in female rats"); near in spelling or short,
     # the title likeness alone reads them as one export's typo
     frozenset(("male", "female")), frozenset(("males", "females")), frozenset(("boys", "girls")),
     frozenset(("mothers", "fathers")), frozenset(("maternal", "paternal")), frozenset(("rat", "mouse")),
     frozenset(("rats", "mice")), frozenset(("left", "right")), frozenset(("acute", "chronic")),
     frozenset(("vitro", "vivo")), frozenset(("benign", "malignant")), frozenset(("wet", "dry")),
     frozenset(("hot", "cold")), frozenset(("increase", "decrease")), frozenset(("increases", "decreases")),
     frozenset(("increased", "decreased")), frozenset(("increasing", "decreasing"))]
)  # fmt: skip
_NEGATIONS = frozenset(["not", "without"])
_NON = re.compile(r"\bnon ")


def _bracket_names_differ(a: Prepared, b: Prepared) -> bool:
    """Both titles end in a name in brackets (a product, a place, a group: see prepare's _bracketed_name)
    and the two names share no word: one template's items ("Public assessment report: ... (Fluorocare)" /
    "... (Duraflor-S)", a survey's "(Kenya)" / "(Ethiopia)"). A name on one record only is one export
    leaving it out; two that share a word are one name written two ways ("(ARGO-07)" / "(ARGO-07 trial)"),
    or spelt two ways (see :func:`_spelt_alike`: "(Brazil)" / "(Brasil)", "(Viet Nam)" / "(Vietnam)"). Nor
    do two names keep apart a translation and its original, where the bracketed original-language title one
    record gives ends in the other's name ("... (Brazil) [... (Brasil)]" / "... (Brasil)"), nor one article at
    one place (year, volume and page span, one first author: "(Germany)" / "(Deutschland)"), where a
    template's items each have their own pages."""
    if not a.tail or not b.tail or a.tail == b.tail:
        return False
    x, y = set(a.tail.split()) - _STOP, set(b.tail.split()) - _STOP
    shared = any(_spelt_alike(u, v) for u in x for v in y if not u.isdigit())  # a number alone names nothing
    if not (x and y) or shared or _spelt_alike(a.tail.replace(" ", ""), b.tail.replace(" ", "")):
        return False
    if (a.alt_title and a.alt_title.endswith(f" {b.tail.lower()}")) or (
        b.alt_title and b.alt_title.endswith(f" {a.tail.lower()}")
    ):
        return False
    return not _one_article(a, b)


def _codes_differ(a: Prepared, b: Prepared) -> bool:
    """Both titles name a study code by one name (see prepare's title_codes) with other numbers: a group's
    two trials or a series' two reports ("... (ARGO-07)" / "... (ARGO-08)", "KEYNOTE-189" / "KEYNOTE-407"),
    whose titles may otherwise be word for word one; wherever the code stands, where the numbers guard does
    not see a bracketed name's number, or lets one digit more pass at one place. A code on one record only
    is one export leaving it out; a title cut short may have lost a code the whole one goes on to name."""
    if not (a.codes and b.codes) or a.codes == b.codes or cut_of(a, b):
        return False
    x, y = defaultdict(set), defaultdict(set)
    for codes, numbers in ((a.codes, x), (b.codes, y)):
        for name, number in codes:
            numbers[name].add(number)
    return any(x[name] != y[name] for name in x.keys() & y.keys())


# letters that languages' spellings of one name trade ("Brazil" / "Brasil", "Korea" / "Corea", "Kenya" /
# "Kenia"), each pair as its second letter; other letters tell names apart ("Gambia" / "Zambia", "Iran" / "Iraq")
_SPELLINGS = (("ph", "f"), ("z", "s"), ("k", "c"), ("y", "i"))


def _spelt_alike(u: str, v: str) -> bool:
    """Two words of bracketed names are one (capitals aside: one title may be all in capitals), or one place
    name spelt as two languages spell it: words of four or more small letters only, the letters of
    _SPELLINGS traded. A code ("ZX12" / "SX12") or an acronym ("KALI" / "CALI": prepare keeps its capitals)
    is compared as it is."""
    if u.lower() == v.lower():
        return True
    if not all(len(w) >= 4 and w.isalpha() and w.islower() for w in (u, v)):
        return False
    for letters, one in _SPELLINGS:
        u, v = u.replace(letters, one), v.replace(letters, one)
    return u == v


def _opposite_words(a: str, b: str) -> bool:
    """A word of one title is the opposite of a word of the other (by its prefix, or a short pair:
    "pre" / "post", "high" / "low"), or only one title negates ("with" / "without", "not")."""
    if a == b:
        return False
    la, lb = _NON.sub("non", a).split(), _NON.sub("non", b).split()  # "non-small" = "nonsmall"
    wa, wb = set(la), set(lb)
    only_a, only_b = wa - wb, wb - wa
    if not only_a and not only_b:
        return False
    if bool(only_a & _NEGATIONS) != bool(only_b & _NEGATIONS) and not _goes_on(la, lb):
        return True
    if any(pair & only_a and pair & only_b for pair in _OPPOSITE_WORDS):  # only_a, only_b: disjoint
        return True
    # a word of one title and a word of the other share a stem after opposite prefixes: each word's
    # stems are worked out once (comparing every word with every other took a third of dedup's time)
    stems_a, stems_b = _prefix_stems(only_a), _prefix_stems(only_b)
    return bool(stems_a[0] & stems_b[1] or stems_b[0] & stems_a[1])


def _cut_goes_on_otherwise(a: Prepared, b: Prepared) -> bool:
    """``a``'s title was cut with an ellipsis and its last word left out; where ``b``'s title has the
    word before the cut, no word after it begins with the one left out ("... hepatitis B..." is no "...
    hepatitis C", "... study in Gondar..." no "... study in Bahir Dar"; "... type 1 d..." is "... type 1
    diabetes")."""
    if not a.cut or not a.title:
        return False
    last = a.title.rsplit(" ", 1)[-1]
    other = b.title.split()
    after = [other[i + 1] for i in range(len(other) - 1) if other[i] == last]
    if b.cut and other and other[-1] == last:
        after.append(b.cut)  # both cut there: one left-out word begins the other
    return bool(after) and not any(_begins(w, a.cut) or (w == b.cut and _begins(a.cut, w)) for w in after)


def _begins(word: str, start: str) -> bool:
    """``word`` begins with ``start``, perhaps spelt another way ("anemia" / "anaem")."""
    if word.startswith(start):
        return True
    return len(start) >= 3 and len(word) >= len(start) - 1 and fuzz.ratio(start, word[: len(start)]) >= 75


# "part 2", "part II", "part two": a report in a series; the first report often numbers no part
_PART = re.compile(r"\bpart (?:\d+|[ivx]+|one|two|three|four|five|six)\b")
_CUT = 200  # a normalised title this long may be one an export cut off, before a part number it had


def _part_unnamed(a: str, b: str) -> bool:
    """Title a numbers a part of a series, title b (whole, not cut off) numbers none: the second
    part of a report ("... Part 2: results") is no subtitle one export dropped from the first."""
    return bool(a and b and len(b) < _CUT and _PART.search(a) and not _PART.search(b))


def _goes_on(a: list[str], b: list[str]) -> bool:
    """One title is the other with words before or after it that are more than a negation: a subtitle
    or an opening one export dropped, a title cut at the field's length ("...: why not?", "...: with or
    without dexamethasone?"); not "Not all ..." against "All ...", nor a "not" inside the title."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    n = len(short)
    if long[:n] == short:
        rest = long[n:]
    elif long[len(long) - n :] == short:
        rest = long[: len(long) - n]
    else:
        return False
    return not set(rest) <= _NEGATIONS


def _prefix_stems(words: set[str]) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """What is left of each word after the first and after the second prefix of each opposite pair
    (at least three letters), tagged by the pair: two words are opposites when one's first-prefix stem
    is the other's second-prefix stem in the same pair."""
    first: set[tuple[int, str]] = set()
    second: set[tuple[int, str]] = set()
    for word in words:
        for pair, (p, q) in enumerate(_OPPOSITE_PREFIXES):
            if word.startswith(p) and len(word) - len(p) >= 3:
                first.add((pair, word[len(p) :]))
            if word.startswith(q) and len(word) - len(q) >= 3:
                second.add((pair, word[len(q) :]))
    return first, second


# a letter standing alone or after a number ("hepatitis b", "type 2a"), not inside a word or code ("d3", "h1n1")
_LETTER = re.compile(r"(?<![a-z])[a-z](?![a-z0-9])")


def _letters_differ(a: str, b: str) -> bool:
    """Both titles name as many letters, and not the same ones: "hepatitis B" / "hepatitis C",
    "haemophilia A" / "haemophilia B" (the article "a" counts; a letter one export adds or drops,
    "Hodgkin's" / "Hodgkin", is no other letter)."""
    if a == b:
        return False
    x, y = _LETTER.findall(a), _LETTER.findall(b)
    return bool(x) and len(x) == len(y) and sorted(x) != sorted(y)


def _numbers_agree(a: Prepared, b: Prepared) -> bool:
    """Numbers that differ only in how they are written: a number with a leading zero or without ("ARGO-07" /
    "ARGO-7"); a power of ten and its exponent, split by
    one export and run together by another that lost the superscript ("10(9)/L" / "109/L"); the same numbers in the titles
    that agree best where an export gave the translation in brackets (a number word is English only);
    and, for one article by its place, the same digits with number words aside or one digit dropped
    from one number ("p6INK4a" / "p16INK4a"), where another number ("part 1" / "part 2") is another article."""
    x, y = title_numbers(a.title), title_numbers(b.title)
    if _valued(_powers_joined(x)) == _valued(_powers_joined(y)):
        return True
    if a.alt_title or b.alt_title:
        p, q = closest_titles(a, b)
        if set(title_numbers(p.title)) == set(title_numbers(q.title)):
            return True
    if not _one_article(a, b):
        return False
    if set(re.findall(r"\d+", a.title)) == set(re.findall(r"\d+", b.title)):
        return True
    differ = [(m, n) for m, n in zip(x, y, strict=True) if m != n] if len(x) == len(y) else []
    return len(differ) == 1 and _one_digit_more(*differ[0])


def _valued(numbers: list[str]) -> list[str]:
    return [n.lstrip("0") or "0" for n in numbers]


def _powers_joined(numbers: list[str]) -> list[str]:
    """The numbers with a power of ten joined to the exponent after it, as an export that lost the
    superscript writes them ("10(9)/L" -> "10 9" -> "109"); other numbers side by side stay apart
    ("at 1 and 2 years", "1-2 years" are not "12 years")."""
    out: list[str] = []
    for n in numbers:
        if out and out[-1] == "10" and len(n) <= 2:
            out[-1] += n
        else:
            out.append(n)
    return out


def _one_digit_more(m: str, n: str) -> bool:
    short, long = sorted((m, n), key=len)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _one_article(a: Prepared, b: Prepared) -> bool:
    """Same year, volume and multi-page span, same first author: one article, whatever else its
    renderings disagree on (a journal name translated or run together, a digit mistyped in the title)."""
    return _one_article_place(a, b) and same_first_author(a, b)


def volumes_conflict(a: Prepared, b: Prepared) -> bool:
    """Two real volumes that differ. A volume that is its record's own year, against a volume number,
    is the year written in the volume field by one export: no conflict (two year-volumes still are); so
    is a volume on a record without an issue that is the other record's issue, in one year (Web of
    Science's issue in the volume field: "2" against volume 35, issue 2)."""
    if not a.volume or not b.volume or a.volume == b.volume:
        return False
    if _issue_as_volume(a, b) or _issue_as_volume(b, a):
        return False
    return (a.volume == str(a.year)) == (b.volume == str(b.year))


def _issue_as_volume(a: Prepared, b: Prepared) -> bool:
    """``a`` gives ``b``'s issue number as its volume and no issue, in ``b``'s year."""
    return bool(not a.issue and b.issue and a.volume == b.issue and a.year and a.year == b.year)


_ISSUE = re.compile(r"\d{1,2}")  # an issue number; an export's record number in the field runs to thousands


def issues_conflict(a: Prepared, b: Prepared) -> bool:
    """Two real issue numbers that differ where no first page says the place is one: the article and a
    notice under its title in a later issue. Agreeing first pages outweigh the issue field, which some
    exports fill with other things ("1" / "25"); a supplement's issue, or a missing one, is no conflict."""
    return bool(
        a.issue != b.issue
        and _ISSUE.fullmatch(a.issue)
        and _ISSUE.fullmatch(b.issue)
        and not first_pages_agree(a.pages, b.pages)
    )


def _journal_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether one journal name abbreviates the other: each word of the shorter name abbreviates a
    word of the longer one, in order ("mol immunol" ~ "molecular immunology", "natl" ~ "national"),
    or runs several together ("bmj" ~ "british medical journal", "jthoraccardiovascsurg"). A name of one
    word is never a one-letter word of the other ("JNCI" is no "J Natl Compr Canc Netw", "JAMA" no
    "J Am Med Inform Assoc"): it runs words together or is a word."""
    if not a or not b:
        return True
    if len(a) == len(b):  # as many words in both names ("dtsch arztebl int"): either may abbreviate
        return _abbreviated_by(a, b) or _abbreviated_by(b, a)
    return _abbreviated_by(*((a, b) if len(a) < len(b) else (b, a)))


def _abbreviated_by(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Each word of ``short`` abbreviates a word of ``long`` or runs several together, in order."""
    position = 0
    for word in short:
        while position < len(long):
            one_letter = len(short) == 1 and len(long[position]) == 1 < len(word)
            if not one_letter and _abbreviates(word, long[position]):
                position += 1
                break
            end = _run_together(word, long, position)
            if end:
                position = end
                break
            position += 1
        else:
            return False
    return True


def _abbreviates(x: str, y: str) -> bool:
    if _starts_alike(x, y) or _contracts(x, y):
        return True
    # British and American spellings ("paediatr" ~ "pediatric", "haematol" ~ "hematology"); an
    # abbreviation cut inside the digraph ("gyna") compares as it is, above
    if "ae" in x or "oe" in x or "ae" in y or "oe" in y:
        return _starts_alike(_american(x), _american(y))
    return False


def _starts_alike(x: str, y: str) -> bool:
    """One word the start of the other ("haematol" haematology), or the same word spelt another way
    ("tumour" / "tumor", "centre" / "center"); not two words that only begin alike ("oncogene" /
    "oncotarget", "haematologica" / "hematology")."""
    k = min(len(x), len(y), 4)
    if x[:k] != y[:k]:
        return False
    return (
        x.startswith(y) or y.startswith(x) or (abs(len(x) - len(y)) <= 1 and Levenshtein.distance(x, y) <= 2)
    )


def _american(word: str) -> str:
    return word.replace("ae", "e").replace("oe", "e")


_VOWELS = frozenset("aeiou")


def _contracts(x: str, y: str) -> bool:
    """x is y with letters left out, the way ISO 4 contracts a word ("natl" national, "jpn" japanese,
    "dtsch" deutsche, "hlth" health), perhaps after writing its start out ("geneeskd" geneeskunde,
    "frauenheilkd" frauenheilkunde): same first letter, the rest in order, no vowel after the first two
    letters or the start written out (and none after the first in three letters: "res" is no contraction
    of "reviews"; "oncogene" none of "oncotarget")."""
    if not 3 <= len(x) < len(y) or x[0] != y[0] or not x.isalpha():
        return False
    if len(x) == 3 and x[1] in _VOWELS:
        return False
    start = 1
    while start < len(x) and x[start] == y[start]:
        start += 1
    if _VOWELS & set(x[max(start, 2) :]):
        return False
    rest = iter(y[start:])
    return all(ch in rest for ch in x[start:])


def _run_together(word: str, long: tuple[str, ...], start: int) -> int:
    """Where a name written as one word ends in the other name's words: the word is the starts of two or
    more words from ``start`` on, run together ("bmj" british medical journal, "ny" new york,
    "jthoraccardiovascsurg" journal thoracic cardiovascular surgery); 0 when it is not."""
    if len(word) < 2 or word[0] != long[start][0] or not word.isalpha():
        return 0
    reach = {0}  # how much of the word the words so far can spell
    for j in range(start, len(long)):
        reach = {i + k for i in reach for k in range(1, len(long[j]) + 1) if word.startswith(long[j][:k], i)}
        if not reach:
            return 0
        if len(word) in reach and j > start:
            return j + 1
    return 0


# words that make an author a group ("ZENITH-05 Trial Investigators", "CASPIAN-11 Study Group"): one
# database credits the group where another names its writers, so under one DOI a group is no conflict
_GROUP_WORDS = frozenset(
    ["investigators", "group", "collaborative", "collaboration", "collaborators", "consortium", "committee",
     "trialists", "network"]
)  # fmt: skip


def _first_authors_differ(a: Prepared, b: Prepared) -> bool:
    return bool(
        a.authors
        and b.authors
        and not _authors_agree(a, b)
        and not (_acronym_of(a, b) or _acronym_of(b, a))  # an organisation named by its acronym
        and not _GROUP_WORDS & set(f"{a.first_author_words} {b.first_author_words}".split())
    )


def comparable_titles(a: Prepared, b: Prepared) -> bool:
    """Both records have a title, in one kind of letters (see prepare's _in_script): titles to compare."""
    return bool(a.title and b.title and a.script == b.script)


def compare_same_doi(a: Prepared, b: Prepared) -> tuple[str, float, str]:
    """Two records with one DOI: 'duplicate' when the content agrees, SHARED_DOI when it clearly
    differs (kept apart), else 'maybe'."""
    checks = (
        (
            "first pages differ",
            pages_conflict(a.pages, b.pages)
            and not (_provisional_pages(a, b) or _number_and_own_pages(a, b)),
        ),
        ("first authors differ", _first_authors_differ(a, b)),
        ("volumes differ", volumes_conflict(a, b)),
        ("years more than one apart", bool(a.year and b.year and abs(a.year - b.year) > 1)),
        # a retraction or correction notice, filed by some databases under its article's DOI, in a
        # later issue (a database's "RETRACTED: <title>" is the article itself, in its own issue)
        ("a notice in another issue", a.title_raw_kind != b.title_raw_kind and issues_conflict(a, b)),
    )
    conflict = ", ".join(what for what, yes in checks if yes)
    if not comparable_titles(a, b):  # no title, or none in the other's letters
        if conflict:
            return "maybe", 1.0, f"same DOI, a title is missing, {conflict}"
        return "duplicate", 1.0, "exact-doi"
    a, b = closest_titles(a, b)
    score = fuzz.ratio(a.title, b.title) / 100
    short, long = sorted((a.title, b.title), key=len)
    # one title cut short or with a subtitle added, not a short title found inside a long one
    contained = len(short) >= 20 and len(short) >= 0.5 * len(long) and fuzz.partial_ratio(short, long) >= 95
    # one export dropped the subtitle: the other title goes on from where this one stops, same first page
    main_title = (
        long.startswith(short + " ")
        and len(_content_words(short)) >= 2
        and bool(a.pages[0])
        and a.pages[0] == b.pages[0]
    )
    if contained or main_title or (score >= 0.6 and not _content_words_differ(a.title, b.title)):
        if conflict:
            return "maybe", score, f"same DOI and title, but {conflict}"
        return "duplicate", 1.0, "exact-doi"
    if not conflict and _one_article(a, b) and _coauthors_agree(a, b):
        # one DOI, one year, volume and page span, one team: a title in another language (the original
        # beside MEDLINE's bracketed translation), not another item
        return "duplicate", 1.0, "exact-doi+same-place"
    disjoint = not (_content_words(a.title) & _content_words(b.title))
    if conflict or (disjoint and not _same_place_and_author(a, b)):
        return SHARED_DOI, score, f"shared DOI: titles differ{', ' + conflict if conflict else ''}"
    return "maybe", score, "same DOI, titles differ (a translation or another item?)"


def _provisional_pages(a: Prepared, b: Prepared) -> bool:
    """One record is the online-first version of the other, paginated on its own from page 1 ("1-34")
    with no volume or issue yet, in the print's year or the year before; the print has its volume. Of
    one kind (a notice filed under its article's DOI is no online-first version of it)."""
    early, printed = (a, b) if a.pages[0] == "1" else (b, a)
    return bool(
        early.pages[0] == "1"
        and early.pages[1].isdigit()
        and int(early.pages[1]) > 1
        and not (early.volume or early.issue)
        and printed.volume
        and early.year
        and printed.year
        and 0 <= printed.year - early.year <= 1
        and early.title_raw_kind == printed.title_raw_kind
    )


def _number_and_own_pages(a: Prepared, b: Prepared) -> bool:
    """One record gives the article number as its page ("968": an online journal's), the other the
    article's own pages from 1 ("1-11": CINAHL's, Scholar's, from the PDF), in one volume (both given) and
    year: the number is past the last of those pages, as an article number is. Not in a supplement: there
    one page is an abstract's, beside the full article of its title in the same volume."""
    number, own = (a, b) if a.pages[0] == a.pages[1] else (b, a)
    return bool(
        not (a.supplement or b.supplement)
        and own.pages[0] == "1"
        and own.pages[1].isdigit()
        and number.pages[0].isdigit()
        and number.pages[0] == number.pages[1]
        and int(number.pages[0]) > int(own.pages[1]) > 1
        and a.volume
        and a.volume == b.volume
        and a.year
        and a.year == b.year
    )


def closest_titles(a: Prepared, b: Prepared) -> tuple[Prepared, Prepared]:
    """The two records with the titles that agree best, where an export gave a second title in
    brackets (the original beside its translation): the rules then compare those."""
    if not a.alt_title and not b.alt_title:
        return a, b
    # one record's main title is in each pair: two records that share only a bracket (one translation,
    # one "(a report from ... group)") are not one item by it
    pairs = [(a.title, b.title)]
    if b.alt_title:
        pairs.append((a.title, b.alt_title))
    if a.alt_title:
        pairs.append((a.alt_title, b.title))
    x, y = max(pairs, key=lambda pair: fuzz.ratio(*pair))
    return (replace(a, title=x) if x != a.title else a), (replace(b, title=y) if y != b.title else b)


def _same_place_and_author(a: Prepared, b: Prepared) -> bool:
    return bool(a.pages[0] and a.pages[0] == b.pages[0] and same_first_author(a, b))


def compare_generic(
    a: Prepared, b: Prepared, score: float, crowded: bool = False, serial: bool = False
) -> tuple[str, float, str]:
    """A generic or recurring title identifies nothing: the place must (same volume and first page,
    same issue where both have one), also for the title inside a longer one; otherwise a reviewer decides.
    A title that only recurs (a review and its update, another team's review) and stands at one place
    in a year (not ``crowded``) is identified by the year and the team, in one journal; a record online
    first, the year before the print, too, unless the journal printed the title twice (``serial``: a
    team's yearly report, whose online record may be last year's)."""
    issue_ok = not a.issue or not b.issue or a.issue == b.issue or _one_supplement(a, b)
    if a.title == b.title or score >= 0.95:
        if a.volume and a.volume == b.volume and a.pages[0] and a.pages[0] == b.pages[0] and issue_ok:
            return "duplicate", score, "generic-title+volume+issue+pages"
        if not crowded and issue_ok and _one_team_in_one_year(a, b):
            return "duplicate", score, "recurring-title+year+team"
        if not crowded and not serial and _one_team_ahead_of_print(a, b):
            return "duplicate", score, "recurring-title+ahead-of-print+team"
        if _one_issue_one_editor(a, b):
            return "duplicate", score, "generic-title+issue+editor"
        if _one_supplement_abstract(a, b):
            return "duplicate", score, "supplement-abstract+issue+team"
        return "maybe", score, "generic or recurring title; volume, issue or pages missing or different"
    if issue_ok and _contained_with_same_bibliography(a, b):  # "MEDICAL PROGRESS <the recurring title>"
        return "duplicate", score, "title-contained+pages+volume"
    return "", score, "titles differ"


def _one_supplement(a: Prepared, b: Prepared) -> bool:
    """One supplement's issue, as "Suppl. 1" and as Web of Science's bare "1", both records on its
    S-pages ("S143-S144" / "S143")."""
    return bool(
        a.locator[:1] == b.locator[:1] == "s"
        and a.supplement
        and b.supplement
        and ("s" + a.issue == b.issue or "s" + b.issue == a.issue)
    )


def _one_supplement_abstract(a: Prepared, b: Prepared) -> bool:
    """One abstract in one journal's supplement (both named, one volume, one supplement issue, one year)
    by one first author and the same co-authors, where one record gives its page ("S243") and the other
    none (CENTRAL's "(no pagination)"): a team's abstract of one title is printed once in a supplement;
    its later paper, or the same abstract at another congress, stands in another issue or journal. Two
    pages (even one missing on both) are for the place rules to judge; a generic title names no abstract."""
    return bool(
        a.supplement
        and b.supplement
        and bool(a.pages[0]) != bool(b.pages[0])
        and not (a.generic or b.generic)
        and a.issue.startswith("s")
        and a.issue == b.issue
        and a.volume
        and a.volume == b.volume
        and _one_journal_year_author(a, b)
        and _coauthors_agree(a, b)
    )


def _one_issue_one_editor(a: Prepared, b: Prepared) -> bool:
    """A column printed once an issue, without pages: one journal (both named), year, volume and issue
    (all real on both, none a supplement's) and one named first author are one column where neither
    gives a page. A page on one record says the item has one, and the other could be any item of that
    title in the issue (the authors' replies to two letters, two editorials); a reply or letter is
    never once an issue."""
    return bool(
        not (a.pages[0] or b.pages[0] or "comment" in a.title_raw_kind or "comment" in b.title_raw_kind)
        and not _an_abstract(a, b)
        and a.issue
        and a.issue == b.issue
        and a.volume
        and a.volume == b.volume
        and _one_journal_year_author(a, b)
    )


def _one_team_in_one_year(a: Prepared, b: Prepared) -> bool:
    """Both records of one year in one journal (both named) by one first author and the same co-authors,
    neither an abstract, and the title not made of generic words (an editorial column's)."""
    return bool(
        not (a.generic or b.generic or _an_abstract(a, b))
        and _one_journal_year_author(a, b)
        and _coauthors_agree(a, b)
    )


def _one_team_ahead_of_print(a: Prepared, b: Prepared) -> bool:
    """One record is the other's online-first version (see :func:`_ahead_of_print`), in one journal (both
    named) by one first author and the same co-authors, the title not made of generic words: a title that
    recurs elsewhere (the conference paper before the article) still names one article in one journal,
    the year before its print."""
    return bool(
        not (a.generic or b.generic)
        and (_ahead_of_print(a, b) or _ahead_of_print(b, a))
        and _one_journal(a, b)
        and same_first_author(a, b)
        and _coauthors_agree(a, b)
    )


def _one_journal_year_author(a: Prepared, b: Prepared) -> bool:
    """One year, one journal (both named) and one first author."""
    return bool(a.year and a.year == b.year and _one_journal(a, b) and same_first_author(a, b))


def _one_journal(a: Prepared, b: Prepared) -> bool:
    """Both records name a journal, and one name abbreviates the other."""
    return bool(a.journal and b.journal and _journal_compatible(a.journal, b.journal))


def _an_abstract(a: Prepared, b: Prepared) -> bool:
    """Either record is a conference abstract or stands in a supplement: its place names no article."""
    return a.conference or b.conference or a.supplement or b.supplement


def compare(
    a: Prepared,
    b: Prepared,
    generic: frozenset[str] | set[str] = frozenset(),
    crowded: frozenset[str] | set[str] = frozenset(),
    ambiguous: frozenset[str] | set[str] = frozenset(),
    serial: frozenset[str] | set[str] = frozenset(),
) -> tuple[str, float, str]:
    """('duplicate' | 'maybe' | SHARED_DOI | '', score, rule or reason). ``generic``: titles that
    identify no item; ``crowded``: those at two places in one year (see compare_generic); ``ambiguous``:
    titles that begin two longer titles (see ambiguous_openings); ``serial``: titles one journal printed at
    two places (see serial_titles)."""
    if a.two_names or b.two_names:
        a, b = _agreeing_readings(a, b)
    apart = registry_apart(a, b)
    if apart:  # under one DOI too: a made-up or a supplement's DOI on a registry entry and an abstract
        if a.doi and a.doi == b.doi:
            return SHARED_DOI, fuzz.ratio(a.title, b.title) / 100, f"shared DOI: {apart}"
        return "", 0.0, apart
    if a.doi and a.doi == b.doi:
        return compare_same_doi(a, b)
    reason = guard(a, b)
    if reason:
        if (
            reason in ("different pages", _KIND_GUARD, _PREPRINT_GUARD)
            and a.title
            and b.title
            and min(len(a.title), len(b.title)) >= 25
        ):
            # the same title elsewhere in the journal (an abstract and its paper), or an erratum that
            # names its article inside a longer title: a reviewer decides; never linked automatically
            same = (
                fuzz.partial_ratio(a.title, b.title)
                if reason == _KIND_GUARD
                else fuzz.ratio(a.title, b.title)
            )
            if same >= 98:
                return "maybe", fuzz.ratio(a.title, b.title) / 100, f"same title, {reason}"
        return "", 0.0, reason
    if not comparable_titles(a, b):
        if _other_script_at_one_place(a, b):  # the original title in Chinese or Korean letters
            return "duplicate", 0.0, "other-script-title+same-place+team"
        return "", 0.0, "a title is missing" if not (a.title and b.title) else "titles in two scripts"
    a, b = closest_titles(a, b)
    score = fuzz.ratio(a.title, b.title) / 100
    # a thesis or book whose title recurs (its later article, another edition) is still named by it
    if a.work and a.work == b.work and not a.generic and _one_work(a, b, score, ambiguous):
        return "duplicate", score, f"{a.work}+title+authors"
    # a thesis catalogued under its title in another language (the original and its English title)
    if a.work == b.work == "thesis" and _one_thesis_by_its_count(a, b):
        return "duplicate", score, "thesis+university+year+page-count+author"
    # a conference paper whose title recurs (its later journal version) is still named at its conference
    if a.conference and b.conference and not a.generic and _one_conference_paper(a, b, score, ambiguous):
        return "duplicate", score, "conference-paper+year+team"
    # a report (grey literature) is named by its title and issuer, wherever it is held
    series = title_key(a) in generic or title_key(b) in generic
    # a catalogue (AGRIS) types an agency's report as a book: beside a report, a book is one
    as_report = (a.report or a.work == "book") and (b.report or b.work == "book") and (a.report or b.report)
    if as_report and not (a.generic or b.generic) and _one_report(a, b, score, series, ambiguous):
        return "duplicate", score, "report+title+issuer"
    if a.generic or b.generic or series:
        x, y = title_key(a), title_key(b)
        return compare_generic(a, b, score, x in crowded or y in crowded, x in serial or y in serial)
    # pages and volumes identify an article, not an abstract among hundreds in one supplement
    place_ok = not ((a.supplement or b.supplement) and _content_words_differ(a.title, b.title))
    if (
        not a.supplement
        and not b.supplement
        and _one_article(a, b)
        and (score >= 0.75 or _opening_score(a.title, b.title) >= 0.75)
        and (
            _journal_compatible(a.journal, b.journal)
            or not _content_words_differ(a.title, b.title)
            or _coauthors_agree(a, b)
        )
    ):
        # a translated or reworded title, a translated journal; both only by one team: two journals'
        # articles at one place by namesakes ("... neutrophil ... ratio" / "... platelet ... ratio") differ
        # in a word
        return "duplicate", score, "same-place+author"
    if cut_of(a, b):
        if (a.title if a.cut else b.title) in ambiguous:
            return "maybe", score, "a cut title that begins two titles"
        if _cut_by_one_team(a, b):
            rule = "cut-title+year+team+journal" if _one_journal_year_author(a, b) else "cut-title+place+team"
            return "duplicate", score, rule
    if _main_title_at_one_place(a, b):
        # one export dropped the subtitle and another field (the DOI, the pages, the print year)
        return "duplicate", score, "main-title+issue+team"
    if _one_team_at_one_place(a, b):
        # a title in another language (the original against MEDLINE's bracketed translation) shares no
        # words; one journal's issue, year, volume and page span, by one team, is still one article
        return "duplicate", score, "same-place+team"
    if _translated_at_one_issue(a, b):
        # the title and the journal's name both in another language (a national database's original, an
        # index's English): one year, volume, issue and page span, one team
        return "duplicate", score, "translated-title+same-issue+team"
    if score < 0.80:
        if place_ok and _contained_with_same_bibliography(a, b):
            return "duplicate", score, "title-contained+pages+volume"
        return "", score, "titles differ"
    authors_ok = not a.authors or not b.authors or _authors_agree(a, b)
    # two conference papers: one conference however exports name its proceedings (see _one_venue)
    journal_ok = _one_venue(a, b)
    same_year = a.year is None or b.year is None or a.year == b.year
    # an article number is each journal's own count: in two journals' records it is no page they share
    same_pages = first_pages_agree(a.pages, b.pages) and not (
        _article_number(a, b) and a.journal and b.journal and not journal_ok
    )
    same_volume = bool(a.volume and a.volume == b.volume)
    same_author = same_first_author(a, b)
    support = same_pages + same_volume + same_author + bool(a.year and a.year == b.year)
    # a record type is only what each export calls it: an abstract printed in a journal's supplement,
    # at one volume and page there by both records' place, is one abstract however each export typed it
    # one record may give no volume (Scholar's): one year and team then
    one_volume = same_volume or (
        not (a.volume and b.volume) and bool(a.year) and a.year == b.year and _one_team(a, b)
    )
    one_abstract = (
        a.supplement and b.supplement and a.locator == b.locator and same_pages and one_volume
        and bool(a.journal and b.journal) and journal_ok
    )  # fmt: skip
    if _one_title(a, b, score) and _one_numbered_abstract(a, b):
        # the society's program or book of abstracts, the journal supplement printing them, a database's
        # conference name: the venue is named every way, the abstract's number in the meeting is one
        return "duplicate", score, "abstract-number+year+team"
    if a.conference != b.conference and not one_abstract:
        return (
            ("maybe", score, "conference abstract and full paper")
            if score >= 0.9
            else ("", score, "titles differ")
        )
    # a field missing on one side or both is no evidence: besides the title, something must agree
    evidence = support + bool(a.journal and b.journal and journal_ok)
    if _one_title(a, b, score):
        if authors_ok and journal_ok and (same_year or support >= 3) and evidence:
            return "duplicate", score, "fuzzy-title"
        if same_pages and same_volume and same_year and journal_ok:  # author names written differently
            return "duplicate", score, "fuzzy-title+pages+volume"
        if _one_place_by_one_team(a, b):  # the journal's name in another language, the volume left out
            return "duplicate", score, "fuzzy-title+span+team"
        if score >= 0.98 and authors_ok and journal_ok and same_volume:  # year off by one, no pages
            return "duplicate", score, "fuzzy-title+volume"
        # year off by one (online first, then in print), no volume: the same article span, first author
        if score >= 0.98 and journal_ok and same_author and a.pages == b.pages and _article_span(a, b):
            return "duplicate", score, "fuzzy-title+page-span"
        # online first, then in print: one team's record in one journal with no place yet, dated the year
        # before the print
        if (
            authors_ok
            and journal_ok
            and a.journal
            and b.journal
            and same_author
            and not _given_names_differ(a, b)  # the title and team are all the evidence: namesakes
            and _coauthors_agree(a, b)
            and (_ahead_of_print(a, b) or _ahead_of_print(b, a))
        ):
            return "duplicate", score, "fuzzy-title+ahead-of-print"
        # online first against a database's terse record that never gives a place (PEDro's: no volume,
        # issue, pages or DOI), dated the print year: one team's article in one journal
        if score >= 0.98 and (_unplaced_ahead_of_print(a, b) or _unplaced_ahead_of_print(b, a)):
            return "duplicate", score, "fuzzy-title+ahead-of-print+team"
    if not place_ok:
        return "maybe", score, "supplement abstracts whose titles differ: the place does not identify them"
    if (
        score >= 0.90
        and support >= 3
        and authors_ok
        and journal_ok
        and not _content_words_differ(a.title, b.title)
    ):
        return "duplicate", score, "fuzzy-title+bibliographic"
    if score >= 0.85 and support >= 4 and (journal_ok or score >= 0.95):  # book series print other names
        return "duplicate", score, "fuzzy-title+bibliographic"
    if _contained_with_same_bibliography(a, b):
        return "duplicate", score, "title-contained+pages+volume"
    if not evidence:
        return "maybe", score, "titles agree, no other field does (missing fields are no evidence)"
    return "maybe", score, "similar titles, too little agreement to link"


def _agreeing_readings(a: Prepared, b: Prepared) -> tuple[Prepared, Prepared]:
    """The readings of two records' author fields that agree best, where a field of two whole names may
    also be one name (see prepare's ``Prepared.two_names``): "Ann Lee, Bo Kim" beside "Lee, A.; Kim, B." is
    two names, "Garcia Lopez, Maria Jose" beside "Garcia-Lopez MJ" one. The best reading has the same first
    author (given names that do not differ: "Lima, Castro" is no "Lima, Beatriz"), then the most co-authors in
    common; where no reading has the same first author, or on a tie, the field stays one name."""

    def agreement(pair: tuple[Prepared, Prepared]) -> int:
        x, y = pair
        if not (x.authors and y.authors and x.authors[0] == y.authors[0]) or _given_names_differ(x, y):
            return 0
        return 1 + len(set(x.authors[1:]) & set(y.authors[1:]))

    readings_a = (a, two_names_read(a)) if a.two_names else (a,)
    readings_b = (b, two_names_read(b)) if b.two_names else (b,)
    return max(((x, y) for x in readings_a for y in readings_b), key=agreement)  # the first of the best


_CUT_MIN = 40  # characters of a cut (normalised) title: a shorter opening may begin many titles


def cut_of(a: Prepared, b: Prepared) -> bool:
    """One title was cut at the field's length ("…") and is the opening of the other, whole one, spaces
    aside ("Ca²⁺-depende …" / "Ca(2+)-dependent"), and long enough to name one item."""
    if bool(a.cut) == bool(b.cut):
        return False
    cut, whole = (a, b) if a.cut else (b, a)
    opening, title = cut.title.replace(" ", ""), whole.title.replace(" ", "")
    if not (len(opening) < len(title) and title.startswith(opening)):
        return False
    # the word at the cut counts where the whole title has it ("... of the ARBOR-HTN trial:…", cut after
    # a whole word): those characters agree too
    agreed = len(cut.title) + (len(cut.cut) + 1 if title.startswith(opening + cut.cut) else 0)
    return agreed >= _CUT_MIN


def _cut_by_one_team(a: Prepared, b: Prepared) -> bool:
    """Beside a cut title (:func:`cut_of`): one year, one journal (both named, one cut or abbreviating the
    other), one first author and, where both name others, the same co-authors; neither an abstract; where
    both give a first page, the same (an article number and another e-locator are not kept apart by the
    guard, which compares only locators of one kind). Google Scholar's terse record may lack the journal
    or be dated a year off: then one place must say it is the same article (:func:`_cut_at_one_place`)."""
    return bool(
        not _an_abstract(a, b)
        and (not a.pages[0] or not b.pages[0] or first_pages_agree(a.pages, b.pages))
        and _one_team(a, b)
        and (_one_journal_year_author(a, b) or _cut_at_one_place(a, b))
    )


def _cut_at_one_place(a: Prepared, b: Prepared) -> bool:
    """One year and one volume (both given), the journal named by one record only; or both journals named
    and one, years one apart, with one volume or one first page (both given): the place pins the article,
    whose year the terse record got wrong (Scholar's year off by one) or whose journal it left out."""
    same_volume = bool(a.volume and a.volume == b.volume)
    if not (a.journal and b.journal):
        return bool(same_volume and a.year and a.year == b.year and (a.journal or b.journal))
    same_page = bool(a.pages[0] and b.pages[0] and first_pages_agree(a.pages, b.pages))
    return bool(
        a.year and b.year and abs(a.year - b.year) == 1 and (same_volume or same_page) and _one_journal(a, b)
    )


def _one_team_at_one_place(a: Prepared, b: Prepared) -> bool:
    """One article's place (year, volume, page span; the issue where both give one) in one journal
    (both named, one abbreviating the other), by one first author and the same co-authors. A record that
    gives no volume (Google Scholar's) is placed by the year and the whole span: one journal does not print
    one team's two articles on one span in one year, unless the span is from page 1 (an online journal's
    articles each have their own pages, "1-8"): then only where one title opens the other (Scholar's cut)."""
    return bool(
        not a.supplement
        and not b.supplement
        and (not a.issue or not b.issue or a.issue == b.issue)
        and _one_journal(a, b)
        and (
            _one_article(a, b)
            or (
                _one_span_one_volume_missing(a, b)
                and (a.pages[0] != "1" or _opening_score(a.title, b.title) >= _OPENING_AGREES)
            )
        )
        and _coauthors_agree(a, b)
    )


# one title's opening is the other's (see _opening_score), a letter or two written otherwise
_OPENING_AGREES = 0.9


def _other_script_at_one_place(a: Prepared, b: Prepared) -> bool:
    """A title in letters ASCII folding drops (Chinese, Korean: the original beside another database's
    English) has no words to compare, and its journal's name may be in those letters too: one article's
    place (year, volume, page span, the issue where both give one), in one journal where both names are in
    Latin letters, by one first author and the same co-authors, is the article. The journal's name may be
    translated too ("Chinese Journal of Antibiotics" / "Zhongguo Kangshengsu Zazhi") where both records give
    the issue. Google Scholar's record may give no volume: then the year and the whole span place it (see
    :func:`_one_span_one_volume_missing`) where both records name the journal, in whatever letters (a record
    that names no venue is placed by no span, as for a title in Latin letters), and the span is not from
    page 1 (J-STAGE's and online journals' own pages, "1-8": every article's)."""
    named = all(p.journal or p.journal_script for p in (a, b))
    return bool(
        (a.script or b.script)
        and (not a.issue or not b.issue or a.issue == b.issue)
        and (_journal_compatible(a.journal, b.journal) or (_ISSUE.fullmatch(a.issue) and a.issue == b.issue))
        and (_one_article(a, b) or (named and a.pages[0] != "1" and _one_span_one_volume_missing(a, b)))
        and _coauthors_agree(a, b)
    )


def _translated_at_one_issue(a: Prepared, b: Prepared) -> bool:
    """One article's place, its issue given on both (year, volume, issue, a multi-page span), by one first
    author and the same co-authors, neither in a supplement, whatever the title and the journal's name say:
    an article translated with its journal's name ("Tap chi Khoa hoc Ky thuat Thu y" / "Vietnam Journal of
    Veterinary Science and Technology"). One team's two articles never share a span in one issue; a
    namesake's article at the same place in another journal has another team."""
    return bool(
        not a.supplement
        and not b.supplement
        and a.issue
        and a.issue == b.issue
        and a.pages[0] != "1"  # an article's own pages from 1 (an online journal's) are no place in the issue
        and _one_article(a, b)
        and _coauthors_agree(a, b)
    )


def _one_place_by_one_team(a: Prepared, b: Prepared) -> bool:
    """One year and one place in it, the whole span of pages or the article number (both given), by one first
    author and the same co-authors (both naming some), whatever each record calls the journal and though one
    gives no volume: a national journal under its own name and under its English or romanised one ("Revista
    Brasileira de Geriatria" / "Brazilian Journal of Geriatrics", "Iryo Yakugaku" / "Japanese Journal of
    Pharmaceutical Health Care"), Google Scholar's record without volume. For one title (the caller's): a
    team's one title at one span in one year is one article; its dual publication is another year's, its
    meeting abstract in a supplement (no article's span). Not pages from 1: an online journal's articles
    each begin at 1 (Scopus's "1-9"), and so do a meeting's papers, a book's first chapter and the same
    statement co-published in a second journal: their span is their length, not their place."""
    return bool(
        a.year
        and a.year == b.year
        and a.pages == b.pages
        and a.pages[0] != "1"
        and (_article_span(a, b) or _article_number(a, b))
        and same_first_author(a, b)
        and _coauthors_agree(a, b)
    )


def _one_span_one_volume_missing(a: Prepared, b: Prepared) -> bool:
    """One record gives a volume and the other none; one year, one multi-page span, one first author."""
    return bool(
        bool(a.volume) != bool(b.volume)
        and _article_span(a, b)
        and a.pages == b.pages
        and a.year
        and a.year == b.year
        and same_first_author(a, b)
    )


# what a subtitle says of a companion report, not of the study a title names: its design paper, its secondary,
# subgroup, economic or later analyses, a replication; a system's demonstration; a book's workbook or manual.
# The main title alone then names the study's main report, not this one ("...: a randomised trial" is dropped)
_COMPANION = re.compile(
    r"\b(?:replicat\w*|secondary (?:analys\w*|outcomes?|end ?points?)|post hoc|rationale|design and methods"
    r"|baseline (?:characteristics|data|results|findings)|update[ds]?|extended (?:results|version|analys\w*)"
    r"|(?:interim|final) (?:results|report|analys\w*)|long term (?:results|outcomes)|follow up|results (?:at|after)"
    r"|sub ?stud\w*|subgroups?|(?:sex|gender) differences|(?:sensitivity|pooled) analys\w*|cost effective\w*"
    r"|cost utility|economic (?:evaluation|analys\w*)|process evaluation|demonstration|workbook"
    r"|(?:instructor|teacher|student)s?(?: s)? (?:manual|guide)|companion)\b"
)


def _subtitle_dropped(a: str, b: str) -> bool:
    """One (normalised) title is the other's opening, at least three content words, and the words after it
    are a subtitle an export could drop, not one that names a companion report (see _COMPANION)."""
    short, long = sorted((a, b), key=len)
    return (
        long.startswith(short + " ")
        and len(_content_words(short)) >= 3
        and not _COMPANION.search(long, len(short))
    )


def _unambiguous_opening(a: Prepared, b: Prepared, ambiguous: frozenset[str] | set[str]) -> bool:
    """One title is the other with a subtitle dropped (:func:`_subtitle_dropped`), and the shorter begins
    no other title (``ambiguous``: see :func:`ambiguous_openings`)."""
    return _subtitle_dropped(a.title, b.title) and min(a.title, b.title, key=len) not in ambiguous


def _one_numbered_abstract(a: Prepared, b: Prepared) -> bool:
    """Two records of one meeting abstract by its number there, with a letter in it (RSNA's session code
    "SSA11-06", ECR's "B-1040", a poster's "A128"; a plain page recurs in every supplement), the same on
    both, in one year, by one first author and the same co-authors (both naming some). One meeting's two
    abstracts have two numbers (the guard keeps them apart), and a team's abstract given again at another
    meeting is not given the same number there."""
    return bool(
        a.supplement
        and b.supplement
        and a.locator[:1].isalpha()
        and a.locator == b.locator
        and a.pages == b.pages
        and a.year
        and a.year == b.year
        and same_first_author(a, b)
        and _coauthors_agree(a, b)
    )


def _one_title(a: Prepared, b: Prepared, score: float) -> bool:
    """The titles agree (``score``, their ratio, at least 0.95) and neither has a word the other lacks
    that is no typo of it."""
    return score >= 0.95 and not _content_words_differ(a.title, b.title)


def _one_team(a: Prepared, b: Prepared) -> bool:
    """One first author and, where both records name others, the same co-authors."""
    return same_first_author(a, b) and (len(a.authors) < 2 or len(b.authors) < 2 or _coauthors_agree(a, b))


def _main_title_at_one_place(a: Prepared, b: Prepared) -> bool:
    """One title is the other's opening, a subtitle dropped after it, in one journal's issue (both named,
    one volume and one issue on both) by one first author and the same co-authors, neither an abstract.
    The pages agree, or one record says the article has none ("no pagination": Embase's and CENTRAL's
    online articles; an empty field says nothing, and the same team's companion paper in the issue,
    "X" / "X: secondary outcomes", would pass); a print year one apart (online first) only where both give
    the same first page. A dropped subtitle alone is weak (a trial's update keeps its main title), so the
    issue and the team must say one article."""
    if not _subtitle_dropped(a.title, b.title):
        return False
    pages = a.pages[0] and b.pages[0]
    return bool(
        not _an_abstract(a, b)
        and a.volume
        and a.volume == b.volume
        and _ISSUE.fullmatch(a.issue)
        and a.issue == b.issue
        and (
            first_pages_agree(a.pages, b.pages)
            if pages
            else a.year == b.year and (a.unpaginated or b.unpaginated)
        )
        and a.year
        and b.year
        and _one_journal(a, b)
        and same_first_author(a, b)
        and _coauthors_agree(a, b)
    )


def _one_work(
    a: Prepared, b: Prepared, score: float, ambiguous: frozenset[str] | set[str] = frozenset()
) -> bool:
    """Two records of one thesis, book or book chapter (both typed so): one title (or one cut short of the
    other, or one whose subtitle an export dropped, where that opening begins no other title), both dated,
    a year apart at most (the guard), by one first author and, where both name others, the same
    co-authors; the university against ProQuest, the publisher against the series or the book, do not
    matter. A chapter also at one page span in both records: an author gives a chapter of one title to
    two books. A later edition is years apart; a thesis's later article is not typed a thesis. A dropped
    subtitle only in one year: a year on, one author's work whose title goes on from the other's is the
    next one (the master's thesis, then the doctoral one; the book, then its workbook)."""
    opening = _unambiguous_opening(a, b, ambiguous) and a.year == b.year
    same_title = _one_title(a, b, score) or cut_of(a, b) or opening
    return bool(
        same_title
        and a.year
        and b.year
        and (a.work != "book-chapter" or (a.pages[0] and a.pages == b.pages))
        and _one_team(a, b)
        and not _given_names_differ(a, b)
    )


def _one_thesis_by_its_count(a: Prepared, b: Prepared) -> bool:
    """Two records of one thesis whatever language each gives its title in (a university's record of the
    original, a database's of its English title): one university (both named, one name abbreviating the
    other), one year, one first author whose given names do not differ, and one page count (both given:
    "175 pp." / "175"). An author's master's and doctoral theses, or a namesake's, differ in year or count."""
    count_a, count_b = _page_count(a), _page_count(b)
    return bool(
        count_a
        and count_a == count_b
        and a.year
        and a.year == b.year
        and _one_journal(a, b)
        and same_first_author(a, b)
        and not _given_names_differ(a, b)
        and _a_translation(a.title, b.title)
    )


def _a_translation(a: str, b: str) -> bool:
    """Two titles that could be one title in two languages: not both in one language (a translation is in
    another; two titles in one language that differ are two works), and sharing two stems (a word's first
    four letters: "carbono" / "carbon", "orgânico" / "organic"), as a translation of a technical title
    does: two namesakes' theses on other subjects share a place's name at most."""
    la, lb = _language(a), _language(b)
    if la and la == lb:
        return False
    return len(_stems(a) & _stems(b)) >= 2


def _page_count(p: Prepared) -> str:
    """A thesis's or report's number of pages: its extent ("175 pp."), or a lone number in the pages field."""
    first, last = p.pages
    return p.extent or (first if first == last and first.isdigit() else "")


def _one_report(
    a: Prepared,
    b: Prepared,
    score: float,
    series: bool = False,
    ambiguous: frozenset[str] | set[str] = frozenset(),
) -> bool:
    """Two records of one report (grey literature: see :class:`Prepared`), as its organisation's repository,
    a catalogue, a bibliographic database and a ministry's web page give it: no journal's place and no DOI on
    either (a page count is no place), one title (or one Scholar cut short, beginning no other title), and one
    issuer: the same first author (a person, or the organisation however its name is ordered: "Perú.
    Ministerio de Salud" / "Ministerio de Salud del Perú") with the same co-authors where both name others, or
    one publisher (one name abbreviating the other: "World Health Organization. Regional Office for Africa" /
    "WHO Regional Office for Africa, Brazzaville"), or one report number. Two report numbers or page counts
    that differ are two reports (the guard: an annual report's editions, one template's reports); a database
    that dates a report a year late is followed only where both give the same page count: the next year's
    edition of a report under one title is otherwise the same record. A title that names a series
    (``series``: reports of that title with two numbers or page counts, see :func:`recurring_titles`) names an
    edition only with its number or page count."""
    paged = any(p.pages[0] and p.pages[0] != p.extent for p in (a, b))
    if a.doi or b.doi or a.volume or b.volume or paged or a.conference or b.conference:
        return False
    cut = cut_of(a, b) and (a.title if a.cut else b.title) not in ambiguous
    if not (_one_title(a, b, score) or cut) or not (a.year and b.year):
        return False
    if a.year != b.year and not (a.extent and a.extent == b.extent):
        return False
    number = bool(a.report_number and a.report_number == b.report_number)
    if series and not (number or (a.extent and a.extent == b.extent)):
        return False
    one_name = _one_organisation(a, b)
    if a.authors and b.authors and not (_authors_agree(a, b) or one_name):
        return False  # two named authors who differ
    published = _published_by_acronym(a, b) or _published_by_acronym(b, a)
    return _one_team(a, b) or one_name or number or _one_journal(a, b) or published


def _published_by_acronym(short: Prepared, long: Prepared) -> bool:
    """``short`` names no author and its publisher by one word, the acronym of ``long``'s only author, an
    organisation (see :func:`_acronym_of`): a catalogue's record of an agency's report under the agency's
    acronym as publisher ("TGRA"), beside the agency's page with its name as author in full."""
    if short.authors or len(short.journal) != 1:
        return False
    return _acronym_of(replace(short, authors=short.journal, first_author_words=short.journal[0]), long)


def _one_organisation(a: Prepared, b: Prepared) -> bool:
    """The first authors' names are the same words (of four letters or more, at least two), in any order:
    an organisation whose name one export writes from the top of its hierarchy ("Perú. Ministerio de
    Salud") and another as a phrase ("Ministerio de Salud del Perú")."""
    x = {w for w in a.first_author_words.split() if len(w) >= 4}
    y = {w for w in b.first_author_words.split() if len(w) >= 4}
    return (len(x) >= 2 and x == y) or _acronym_of(a, b) or _acronym_of(b, a)


# words that make a name a body's where an acronym stands for it, beside those that join a name split at its
# "and" (prepare's _ORGANISATION): "International Union for Conservation of Nature" (IUCN), "Consultative
# Group on International Agricultural Research" (CGIAR), "International Bank for Reconstruction and
# Development" (IBRD), "International Fund for Agricultural Development" (IFAD), "Intergovernmental Panel on
# Climate Change" (IPCC), "United States Geological Survey" (USGS), "Food and Drug Administration" (FDA)
_BODY_WORDS = frozenset(
    ["union", "group", "bank", "fund", "program", "institution", "laboratory", "alliance", "panel",
     "administration", "survey", "secretariat", "convention", "corporation", "academy", "college", "school",
     "hospital", "trust", "facility", "network", "consortium", "committee", "directorate", "forum"]
)  # fmt: skip


def _acronym_of(short: Prepared, long: Prepared) -> bool:
    """``short``'s only author is an organisation's acronym, as AGRIS writes a corporate author with its
    place ("FAO, Rome (Italy)", "UNEP, Nairobi (Kenya)"), and ``long``'s only author an organisation whose
    name's words begin with its letters ("Food and Agriculture Organization of the United Nations"): each
    letter the initial of another word of at least three words, and the letters half the words at least
    (an acronym names the organisation's main words, not two of ten). Letters and words alone match two
    people too ("Lee, J." / "Lopez Esteban, E.": l, e, e), so ``long`` must name a body (a word such as
    "organization", "institute", "union", "fund") and ``short`` must not be named as a person is."""
    if len(short.authors) != 1 or len(long.authors) != 1:
        return False
    letters = short.authors[0]
    words = [w for w in long.first_author_words.split() if w not in _STOP]
    if not (3 <= len(letters) <= 6 and letters.isalpha() and len(letters) <= len(words) <= 2 * len(letters)):
        return False
    if not _a_body(long) or _a_persons_name(short):
        return False
    initials = Counter(w[0] for w in words)
    return all(initials[ch] >= n for ch, n in Counter(letters).items())


def _a_body(p: Prepared) -> bool:
    """The first author's name has a word that names a body: an organisation, not a person."""
    words = p.first_author_words
    return bool(_ORGANISATION.search(words)) or any(_singular(w) in _BODY_WORDS for w in words.split())


def _a_persons_name(p: Prepared) -> bool:
    """The first author is named as a person is, by the surname and initials ("Lee, J.", "Kim SH", "LEE,
    JH", "Ito, K. A."): every other word of the name of at most three letters, one of them an initial (a
    letter, or two or three without a vowel). An acronym stands alone ("WHO") or before its place ("FAO,
    Rome (Italy)"), whose words are longer, or a country's code ("ODI (UK)", "USDA (USA)"). A person under
    a full given name ("Lee, Jennifer") is not told apart here: the other name must still name a body."""
    others = [w for w in p.first_author_words.split() if w != p.authors[0]]
    return (
        bool(others)
        and all(len(w) <= 3 for w in others)
        and any(len(w) == 1 or not _VOWELS & set(w) for w in others)
    )


def _given_names_differ(a: Prepared, b: Prepared) -> bool:
    """The first authors' given names (their initials: "Wang, Yan" / "Wang, L.") differ where both records
    give them: namesakes. A thesis or book has no journal, issue or pages to tell namesakes' works of a
    common title apart ("Essays on health economics"). Words that are either record's surname are no
    given name (a name an export gave in the other order); an initial one export adds is no conflict."""
    surnames = {a.authors[0], b.authors[0]}
    x = {w[0] for w in a.first_author_words.split() if w not in surnames}
    y = {w[0] for w in b.first_author_words.split() if w not in surnames}
    return bool(x and y and not (x <= y or y <= x))


# words of a conference's name that do not say which conference: "Proceedings of the 37th ...",
# "ICISS 2017 Proceedings", "2021 IEEE International Conference on ... (DSP)"
_PROCEEDINGS = frozenset(["proceedings", "proc"])
# the "International Conference on" Google Scholar puts before a name its publisher gives bare ("Medical Image
# Computing and Computer Assisted Intervention – MICCAI 2022"); kept where an acronym spells them ("ICISS")
_CONFERENCE_WORDS = frozenset(["international", "conference"])
_EDITION = re.compile(r"\d+(?:st|nd|rd|th)?")


def _conference_name(journal: tuple[str, ...]) -> tuple[str, ...]:
    """A proceedings' name without "Proceedings", the year and the edition number, which exports put
    in different places or leave out."""
    return tuple(w for w in journal if w not in _PROCEEDINGS and not _EDITION.fullmatch(w))


def _in_proceedings(p: Prepared) -> bool:
    """A paper in a conference's proceedings: typed a conference paper, in no journal's volume or issue
    (an abstract printed in a journal's supplement is placed by its journal, and may be given again at
    another meeting)."""
    return p.conference and not (p.volume or p.issue)


def _one_conference_paper(
    a: Prepared, b: Prepared, score: float, ambiguous: frozenset[str] | set[str]
) -> bool:
    """Two records of one paper in a conference's proceedings: one conference (its name however
    exports write it: with or without "Proceedings", the year and the edition, the acronym for its
    words, a place after it), one year, one first author and, where both name others, the same
    co-authors; the same paper number (page) where both give one. The title is the same, or one export
    cut it or dropped its subtitle (at least three content words left) and it begins no other title:
    a team presents a paper once at a conference, its journal version is published elsewhere, later. A
    dropped subtitle needs both records paginated alike (one paper number, or none on either): beside a
    numbered paper, a record without a number may be the team's other paper there ("X" / "X: a
    demonstration", "X: extended results")."""
    opening = _unambiguous_opening(a, b, ambiguous) and bool(a.pages[0]) == bool(b.pages[0])
    same_title = _one_title(a, b, score) or opening
    if cut_of(a, b):
        same_title = (a.title if a.cut else b.title) not in ambiguous
    return bool(
        same_title
        and _in_proceedings(a)
        and _in_proceedings(b)
        and _conference_name(a.journal)
        and _conference_name(b.journal)
        and _one_venue(a, b)
        and a.year
        and a.year == b.year
        and (not a.pages[0] or not b.pages[0] or first_pages_agree(a.pages, b.pages))
        and _one_team(a, b)
    )


def _ahead_of_print(early: Prepared, printed: Prepared) -> bool:
    """``early`` is an online-first record of ``printed``: dated the year before it, with no volume,
    issue or pages yet, neither an abstract; the print has its volume."""
    return bool(
        early.year
        and printed.year == early.year + 1
        and not (early.volume or early.issue or early.pages[0])
        and printed.volume
        and not _an_abstract(early, printed)
    )


def _unplaced_ahead_of_print(early: Prepared, late: Prepared) -> bool:
    """``early`` is an online-first record (its DOI, no volume, issue or pages yet) dated the year before
    ``late``, which gives no place either (nothing there to disagree), neither an abstract, in one journal
    (both named), by one first author and the same co-authors, the title not made of generic words."""
    return bool(
        early.doi
        and early.year
        and late.year == early.year + 1
        and not (early.volume or early.issue or early.pages[0] or late.volume or late.issue or late.pages[0])
        and not (early.generic or late.generic or _an_abstract(early, late))
        and _one_journal(early, late)
        and same_first_author(early, late)
        and _coauthors_agree(early, late)
    )


def _coauthors_agree(a: Prepared, b: Prepared) -> bool:
    """Beside the first author, both records name co-authors, and at least half of the fewer (two where
    there are two or more) are named on both: one team, not a namesake's."""
    x, y = set(a.authors[1:]), set(b.authors[1:])
    fewer = min(len(x), len(y))
    need = max(min(2, fewer), (fewer + 1) // 2)
    shared = len(x & y)
    if fewer and shared < need and max(len(x), len(y)) <= _SPLIT_LOOKS:  # a double surname one export split
        shared += len({m for m in x - y for n in y - x if _surname_part(m, n) or _surname_part(n, m)})
    return bool(fewer) and shared >= need


_SPLIT_LOOKS = 50  # co-authors beyond which no split surname is looked for: each name is compared with each


def _surname_part(part: str, whole: str) -> bool:
    """``part`` is one of the two surnames run together in ``whole``: an export split a double surname
    and kept one as the surname ("Márquez, J.G." for "García-Márquez, Javier"), each part a name of its
    own, at least five letters: "Berg" is no part of "Lindberg", nor "Brown" of "Browning", "Green" of
    "Greenberg", "Costa" of "Costanzo", "White" of "Whitehead" (a surname's ending is no name of its own)."""
    return len(part) >= 5 and len(whole) - len(part) >= 5 and (whole.endswith(part) or whole.startswith(part))


def _opening_score(a: str, b: str) -> float:
    """How well the shorter title agrees with as much of the longer one's opening: a title that an
    export followed with the original-language title ("...: a randomized study. <ORIGINAL> ETUDE ...")."""
    short, long = sorted((a, b), key=len)
    return fuzz.ratio(short, long[: len(short)]) / 100 if len(short) >= 25 else 0.0


def _contained_with_same_bibliography(a: Prepared, b: Prepared) -> bool:
    """A title with a prefix or suffix added ("MEDICAL PROGRESS ...", "... N Engl J Med. 2009;360:544"),
    in the same journal and year, same volume, on the same pages."""
    same = (
        first_pages_agree(a.pages, b.pages)
        and a.volume
        and a.volume == b.volume
        and a.year
        and a.year == b.year
    )
    return bool(same and min(len(a.title), len(b.title)) >= 25
                and (_journal_compatible(a.journal, b.journal) or _one_article(a, b))
                and fuzz.partial_ratio(a.title, b.title) >= 97)  # fmt: skip


def _same_place(a: Prepared, b: Prepared) -> bool:
    """Same year and volume, same first and last page."""
    return bool(
        a.pages[0]
        and a.pages == b.pages
        and a.volume
        and a.volume == b.volume
        and a.year
        and a.year == b.year
    )


def _one_notice(a: Prepared, b: Prepared) -> bool:
    """One item that only one database labels by what became of it: a correction notice "Erratum:",
    or a retracted article whose title one database marks "RETRACTED:". Both records sit in the same
    year, volume and issue on the same pages, where an article and its later correction or retraction
    notice never can."""
    return bool(
        a.title_raw_kind ^ b.title_raw_kind in ({"erratum"}, {"retraction"})
        and a.issue
        and a.issue == b.issue
        and _same_place(a, b)
    )


def _one_article_place(a: Prepared, b: Prepared) -> bool:
    """Same year, volume and multi-page span (an article's own span, not a whole supplement's), or the
    same article number there (an online journal's e-locator "e20210109", "e13412", a six-digit number):
    the place identifies the article even when its title was translated or reworded. An article number is
    one journal's own count, a span two printed pages: in two journals (both named, neither abbreviating the
    other) one team's two articles of a year in one language may bear one number in volumes that run alike
    ("Asthma control ..." / "Rhinitis control ...", both "e0312"); a translation is in another language."""
    if _article_span(a, b):
        return _same_place(a, b)
    return _article_number(a, b) and _same_place(a, b) and not _numbered_in_two_journals(a, b)


def _numbered_in_two_journals(a: Prepared, b: Prepared) -> bool:
    """Two journals named that neither abbreviates, and two titles in one language (both told, see
    :func:`_language`) each with a word the other lacks: two articles that one number cannot make one."""
    language = _language(a.title)
    return bool(
        a.journal
        and b.journal
        and not _journal_compatible(a.journal, b.journal)
        and language
        and language == _language(b.title)
        and _content_words_differ(a.title, b.title)
    )


def _article_number(a: Prepared, b: Prepared) -> bool:
    """Neither record an abstract, and the first gives an article number as its only page: an e-locator
    (see prepare's page_range: "e" and digits) or a number of five digits or more, which names one article
    in a volume as a span of pages does (not a printed page, nor an abstract's number in a supplement)."""
    first, last = a.pages
    if _an_abstract(a, b) or first != last:
        return False
    digits = first[1:] if first[:1] == "e" else first
    return digits.isdigit() and len(digits) >= (3 if first[:1] == "e" else _ARTICLE_NUMBER)


def _article_span(a: Prepared, b: Prepared) -> bool:
    """Neither record an abstract, and the first has an article's own span of pages (not one page,
    not a whole supplement's)."""
    first, last = a.pages
    return not _an_abstract(a, b) and first.isdigit() and last.isdigit() and 0 < int(last) - int(first) <= 50


def _content_words_differ(a: str, b: str) -> bool:
    """True when each title has a word the other lacks that is no typo of it ("adult" / "pediatric")."""
    wa, wb = set(a.split()) - set(b.split()), set(b.split()) - set(a.split())
    wa = {w for w in wa if len(w) > 3 and w not in _STOP}
    wb = {w for w in wb if len(w) > 3 and w not in _STOP}
    if not wa or not wb:
        return False  # one title only adds or drops words (truncation, subtitle)

    joined_a, joined_b = a.replace(" ", ""), b.replace(" ", "")

    def near(word: str, others: set[str]) -> bool:
        if word in (joined_b if others is wb else joined_a):  # "p16ink4a" = "p16 ink4a"
            return True
        return any(Levenshtein.normalized_similarity(word, o) >= 0.75 or o.startswith(word) or word.startswith(o)
                   for o in others)  # fmt: skip

    return any(not near(w, wb) for w in wa) and any(not near(w, wa) for w in wb)


def _authors_agree(a: Prepared, b: Prepared) -> bool:
    if Levenshtein.normalized_similarity(a.authors[0], b.authors[0]) >= 0.8 or _flipped(a, b):
        return True
    if _surname_cut(a, b) or _surname_cut(b, a):
        return True
    shared = set(a.authors) & set(b.authors)
    return len(shared) >= max(1, min(len(a.authors), len(b.authors)) // 2)


def same_first_author(a: Prepared, b: Prepared) -> bool:
    """One first author on both (both named): the same last name, or one name whose parts an
    export gave in the other order ("Altenried, Moritz" / "Moritz, Altenried")."""
    return bool(
        a.authors
        and b.authors
        and (a.authors[0] == b.authors[0] or _flipped(a, b) or _surname_cut(a, b) or _surname_cut(b, a))
    )


def _surname_cut(whole: Prepared, cut: Prepared) -> bool:
    """``cut``'s first author is ``whole``'s with a double surname cut to one of its parts, the other part
    left out or moved among the initials ("Zuniga A.F.M.", "Oliveira F.S.", "Rocha JPA" for "Muñoz Zúñiga,
    Andrés Felipe", "Souza Oliveira, Fernanda", "Almeida Rocha, João Pedro"): the part kept is a whole word
    of the double surname, each given name of ``whole`` is there (written out or as its initial), and every
    other word or initial of ``cut`` is a given name or the part left out; where ``whole`` gives only
    initials ("Fontana Bortolini, P." / AGRICOLA's "Bortolini, P.F."), those. A surname inside another one
    ("Berg" / "Lindberg") is no part; initials that name someone else ("Oliveira M.") are someone else."""
    long, short = whole.authors[0], cut.authors[0]
    if len(short) < 3 or len(long) <= len(short) or not (long.endswith(short) or long.startswith(short)):
        return False
    words = set(whole.first_author_words.split())
    if short not in words:
        return False
    left_out = long[: len(long) - len(short)] if long.endswith(short) else long[len(short) :]
    surname = {w for w in words if w in long}
    given = {w for w in words - surname if len(w) > 1} or words - surname  # initials where no name is written
    if not given or not any(w in left_out for w in surname):
        return False
    other = _Name(cut.first_author_words)
    named = given | {w for w in surname if w in left_out}  # what ``cut`` may name besides its surname
    initials = {w[0] for w in named}
    for w in other.words:
        if w == short or (len(w) > 1 and all(ch in other.single for ch in w)):
            continue  # the surname kept; MEDLINE's initials run together ("jpa"), each also a word
        if not (w in named or (len(w) == 1 and w in initials)):
            return False
    return all(other.has(w) for w in given)


def _flipped(a: Prepared, b: Prepared) -> bool:
    """The two first-author names are the same words, and each record's last name is in the other's name
    (a word, its initial, or words run together: "Thi Lan" -> "thilan"): the parts were swapped, not two
    people sharing a surname. Where neither last name is a whole word of the other name ("Nguyen, T. L." /
    "Thi Lan, N"), three words must agree: two initials each ("Li, C." / "Chen, L.") are two people."""
    if not a.authors or not b.authors or a.authors[0] == b.authors[0]:
        return False
    wa, wb = _Name(a.first_author_words), _Name(b.first_author_words)
    if len(wa.words) < 2 or not _same_name_words(wa, wb):
        return False
    whole = a.authors[0] in wb.words or b.authors[0] in wa.words
    return (
        (whole or min(len(wa.words), len(wb.words)) >= 3)
        and _name_in(a.authors[0], wa, wb, b.authors[0])
        and _name_in(b.authors[0], wb, wa, a.authors[0])
    )


class _Name:
    """A name's words, with their initials and the words that are initials: each word is then looked up,
    not compared with every other (a hostile name of 50,000 words stays linear)."""

    __slots__ = ("initials", "single", "words")

    def __init__(self, words: str) -> None:
        self.words = frozenset(words.split())
        self.initials = {w[0] for w in self.words}
        self.single = {w for w in self.words if len(w) == 1}

    def has(self, word: str) -> bool:
        """A word of the name, or the initial of one, or a word an initial of the name starts."""
        return word in self.words or (len(word) == 1 and word in self.initials) or word[0] in self.single


def _name_in(surname: str, own: _Name, other: _Name, other_surname: str) -> bool:
    """The surname is in the other name: a word of it, or its own name's words (one, or several run
    together) each a word or an initial there, where the other name's given part is all this surname
    (an export that swapped the parts put the surname there and nothing else). Initials that only
    permute ("Nguyen, T. L." / "Tran, N. L.", "Wang, X. L." / "Li, X. W.") are two people."""
    if surname in other.words:
        return True
    if len(surname) > 40 or len(other_surname) > 40:  # no name: not worth spelling out of words
        return False
    parts = [w for w in own.words if len(w) >= 2 and w in surname]
    for w in other.words:
        if len(w) >= 2 and w in other_surname:
            continue  # a word of the other record's own surname
        if len(w) > 1 and all(ch in other.single for ch in w):
            continue  # MEDLINE's initials run together ("mj"), each also a word of its own
        if not any(p == w or (p[0] == w[0] and min(len(p), len(w)) == 1) for p in parts):
            return False
    words = [w for w in own.words if w in surname and other.has(w)]
    reach = [False] * (len(surname) + 1)  # how much of the surname those words spell, left to right
    reach[0] = True
    for i in range(len(surname)):
        if reach[i]:
            for w in words:
                if surname.startswith(w, i):
                    reach[i + len(w)] = True
    return reach[-1]


def _same_name_words(wa: _Name, wb: _Name) -> bool:
    """The words of two names agree: every word of one is a word of the other, or one is the initial of
    the other ("moritz altenried" ~ "altenried m", "nguyen l t" ~ "lan n thi"); both ways round, so the
    order the records come in does not matter."""
    return all(wb.has(w) for w in wa.words) or all(wa.has(w) for w in wb.words)


def by_title(prepared: Iterable[Prepared]) -> dict[str, list[Prepared]]:
    """The records bearing each (normalised, non-empty) title: what recurring_titles and crowded_titles
    read, grouped once for both."""
    by_title: dict[str, list[Prepared]] = defaultdict(list)
    for p in prepared:
        if p.title:
            by_title[title_key(p)].append(p)
    return by_title


def title_key(p: Prepared) -> str:
    """The title that names a record's item: its normalised title with the names in brackets that end it
    ("... dental suspension (fluorocare)"), which tell one template's items apart (see prepare's
    _bracketed_name). The rules compare ``title``; which titles recur is counted by this."""
    return f"{p.title} ({p.tail})" if p.tail else p.title


def recurring_titles(titled: Mapping[str, list[Prepared]]) -> set[str]:
    """Titles (of :func:`by_title`) that recur in one journal at different places (a column, a notice),
    on so many records that they cannot name one item, or on reports of two numbers or page counts (a
    series' editions: an annual report under one title)."""
    out = set()
    for title, group in titled.items():
        if len(group) > RECURRING_CAP or _editions(group):
            out.add(title)
            continue
        places = _places(group)
        # two places are often one article with a slip in one database (or an abstract and its
        # paper, which the rules already ask about); a short title at two places, or any at three, recurs
        if len(places) >= 3 or (len(places) == 2 and len(group[0].title.split()) <= 4):
            out.add(title)
    return out


def _editions(group: list[Prepared]) -> bool:
    """Reports of one title with two report numbers or two page counts."""
    numbers = {p.report_number for p in group if p.report_number}
    extents = {p.extent for p in group if p.extent}
    return len(numbers) > 1 or len(extents) > 1


def crowded_titles(titled: Mapping[str, list[Prepared]]) -> set[str]:
    """Titles (of :func:`by_title`) at two places in one year (a column in two issues), both conference
    papers or neither: the year and the team do not tell their items apart."""
    out = set()
    for title, group in titled.items():
        if len(group) > RECURRING_CAP:  # too many for a year and a team to tell apart (nor a square cost)
            out.add(title)
            continue
        # placed records first: a record without a place would otherwise stand for every place of its year;
        # a conference paper and a journal's article of one year are told apart by what they are
        years = [
            (p.conference, p.year)
            for p in _places(sorted(group, key=lambda p: (not p.pages[0], not p.volume)))
            if p.year
        ]
        if len(years) != len(set(years)):
            out.add(title)
    return out


def serial_titles(titled: Mapping[str, list[Prepared]]) -> set[str]:
    """Titles (of :func:`by_title`) that one journal (named) printed at two places, neither a conference's
    (a team's yearly report, a column): an online-first record of the title may be any year's."""
    out = set()
    for title, group in titled.items():
        if len(group) > RECURRING_CAP:
            continue  # recurring_titles: already identifies nothing
        printed = [p for p in group if p.journal and not p.conference and (p.volume or p.pages[0])]
        if any(_other_place(p, q) and _journal_compatible(p.journal, q.journal)
               for i, p in enumerate(printed) for q in printed[i + 1 :]):  # fmt: skip
            out.add(title)
    return out


def ambiguous_openings(prepared: Iterable[Prepared]) -> set[str]:
    """Cut titles (see :func:`cut_of`) that begin two different whole titles ("... in lymphoedema" /
    "... in lymphoedema in women", "...: a randomised controlled trial" / "...: a feasibility study"): the
    cut is where they part, so the opening names neither. So too the whole title of a conference paper,
    thesis or book that begins two longer titles: a subtitle dropped from which? Only titles the opening
    could be linked to count: of its kind (a reply under the article's title is kept apart by its kind) and
    year, or the next or the one before, and for a cut title by its first author in its journal (where both
    name one: Scholar's cut design paper begins the team's results paper in another journal, and another
    team's updated review). Sorted once, each opening looked up by bisection; past _CUT_LOOKS titles it
    begins, it is ambiguous."""
    records = list(prepared)
    titles: dict[frozenset[str], set[tuple[str, int]]] = defaultdict(set)
    holders: dict[tuple[str, int], list[Prepared]] = defaultdict(list)  # the records of a whole title
    for p in records:
        if p.title and not p.cut:
            key = (p.title.replace(" ", ""), p.year or 0)
            titles[p.title_raw_kind].add(key)
            holders[key].append(p)
    whole = {kind: sorted(group) for kind, group in titles.items()}
    out = set()
    for p in records:
        if not (p.title and (p.cut or p.work or _in_proceedings(p))):
            continue
        opening, group = p.title.replace(" ", ""), whole.get(p.title_raw_kind, [])
        begun: set[str] = set()  # the whole titles the opening begins, in reach of the cut's year
        crowded = False  # more than _CUT_LOOKS begin with it: ambiguous without looking further
        i = bisect_left(group, (opening, 0))
        for looked, (title, year) in enumerate(group[i : i + _CUT_LOOKS + 1]):
            if not title.startswith(opening):
                break
            crowded = looked == _CUT_LOOKS
            if (
                not crowded
                and not (p.year and year and abs(p.year - year) > 1)
                and (p.cut or title != opening)
                and (not p.cut or any(_team_and_journal_may_agree(p, q) for q in holders[title, year]))
            ):
                begun.add(title)
        if crowded or len(begun) > 1:
            out.add(p.title)
    return out


_CUT_LOOKS = 50  # whole titles looked at for one cut: the cost stays linear however many begin alike


def _team_and_journal_may_agree(cut: Prepared, whole: Prepared) -> bool:
    """Nothing given on both says the cut record is not the whole one: one first author (where both name
    one) and one journal (where both name one). Only such a whole title could be the cut one's."""
    return (not cut.authors or not whole.authors or same_first_author(cut, whole)) and (
        not cut.journal or not whole.journal or _journal_compatible(cut.journal, whole.journal)
    )


def _places(group: list[Prepared]) -> list[Prepared]:
    """One record for each place the title is known to stand at. A preprint is at none: it bears the title
    of the paper it became (arXiv's before MICCAI's), and the guard keeps it apart from that paper already,
    so the title does not recur by it."""
    places: list[Prepared] = []
    for p in group:
        if not p.preprint and all(_other_place(p, q) or not _one_venue(p, q) for q in places):
            places.append(p)
    return places


def _one_venue(a: Prepared, b: Prepared) -> bool:
    """One journal (one name abbreviating the other, or either unnamed), or one conference however exports
    name its proceedings (see :func:`_conference_name`); its workshops, companion or extended-abstract volume
    are another place ("MICCAI 2020" / "MICCAI 2020 Workshops": a team's paper at each, of one title)."""
    if _sister_events(a, b):
        return False
    if _journal_compatible(a.journal, b.journal):
        return True
    if not (a.conference and b.conference):
        return False
    x, y = _conference_name(a.journal), _conference_name(b.journal)
    return _journal_compatible(x, y) or _journal_compatible(
        tuple(w for w in x if w not in _CONFERENCE_WORDS), tuple(w for w in y if w not in _CONFERENCE_WORDS)
    )


# words naming the events held beside a conference, with proceedings of their own
_SISTER_EVENTS = frozenset(["workshop", "workshops", "companion", "adjunct", "satellite", "extended", "ea", "posters",
                            "demos", "consortium"])  # fmt: skip


def _sister_events(a: Prepared, b: Prepared) -> bool:
    """Two conference papers, one in a conference's proceedings, the other in those of an event beside it."""
    return (
        a.conference
        and b.conference
        and _SISTER_EVENTS.isdisjoint(a.journal) != _SISTER_EVENTS.isdisjoint(b.journal)
    )


def _other_place(a: Prepared, b: Prepared) -> bool:
    """Known to stand elsewhere: another year, volume or first page (issue fields are too often
    something else in exports, a running number, to say so)."""
    return bool((a.year and b.year and a.year != b.year) or volumes_conflict(a, b)
                or pages_conflict(a.pages, b.pages))  # fmt: skip
