"""Records made comparable for fuzzy linking (titles, authors, journals, pages, kinds normalised),
and the link kinds and limits the linking shares."""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import resources

from litreview.dedup.registry import entry_ids
from litreview.dedup.representative import merit
from litreview.identifiers import (
    normalise_doi,
    normalise_nct,
)
from litreview.number_words import TENS as _TENS
from litreview.number_words import UNITS as _UNITS
from litreview.records import Citation, Record

# Markup: a tag name right after "<" ("<i>", "</sup>", "<span class=...>"); a comparison sign in a title
# ("<30 and >100 x 10(9)/L", "<or=65 years") is no tag, and text between two of them is title.
_TAGS = re.compile(r"</?[a-zA-Z][\w:.-]*(?:\s[^<>]*)?/?>")


_BRACKETED = re.compile(r"\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*\]")


_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "λ": "lambda", "μ": "mu",
          "ω": "omega", "τ": "tau", "ε": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota",
          "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "υ": "upsilon", "φ": "phi",
          "χ": "chi", "ψ": "psi", "µ": "mu", "Δ": "delta", "Γ": "gamma", "Θ": "theta", "Λ": "lambda",
          "Σ": "sigma", "Φ": "phi", "Ψ": "psi", "Ω": "omega"}  # fmt: skip
# Letters Unicode does not decompose into a base letter and an accent: NFKD would drop them
# ("Sørensen" -> "Srensen", "Strauß" -> "Strau"), where other exports transliterate them.
_LETTERS = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
            "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ı": "i"}  # fmt: skip
# Separators Unicode does not decompose either, as ASCII exports write them (MEDLINE's "2-3", "1.5",
# "30 x 10(9)/L" where Scopus keeps the publisher's "2\u20133", "1\u00b75", "30\u00d710\u2079/L"): dropped,
# they ran numbers together ("2\u20133" read as 23, against 2 and 3).
_SEPARATORS = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
               "\u2212": "-", "\u00b7": ".", "\u2219": ".", "\u00d7": "x", "\u2018": "'", "\u2019": "'",
               "\u2032": "'", "\u201c": '"', "\u201d": '"'}  # fmt: skip
_FOLD = str.maketrans({**_GREEK, **_LETTERS, **_SEPARATORS})


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


# What a record is, when its title says so (read after removing bracketed notes such as
# "[Erratum appears in ...]", which describe the article rather than make it an erratum).
_KINDS = {
    # Springer Nature's "Author Correction: <title>", "Publisher Correction: <title>"
    "erratum": r"^\W*(?:errat\w*|corrigend\w*|correction|(?:author|publisher)s?'?s? correction|addendum)\b",
    "comment": r"^\W*(?:(?:comment\w*|reply|response|letter)\b|re:)|\bletter to the editor\b|\bauthors?'?s? reply\b|\bin reply\b",
    "retraction": r"^\W*(?:notice of retraction|retract\w*|withdrawn)\b",  # IEEE: "Notice of Retraction"
    "concern": r"^\W*(?:editorial )?expressions? of concern\b",
    "protocol": r"\b(?:study protocol|trial protocol|protocol for|protocol of)\b",
}


_STOP = {
    "the",
    "of",
    "and",
    "a",
    "an",
    "in",
    "on",
    "for",
    "to",
    "with",
    "by",
    "at",
    "from",
    "or",
    "as",
    "is",
    "are",
}


MAYBE_DUPLICATE = "maybe-duplicate"


HUMAN = "reviewer"  # the rule of a link a reviewer made


_KIND_GUARD = "erratum, comment, retraction or protocol against the article"


REGISTRATION = "registration"  # a publication reporting a registered trial: linked, not a duplicate


BLOCK_CAP = 400  # a key shared by more records than this is too common to block on


SHARED_DOI = "shared-doi"  # one DOI on records with clearly different content: kept apart, listed


RECURRING_CAP = 50  # a title borne by more records than this names a kind of item, not one item


@dataclass(frozen=True, slots=True)  # slots: one per stored record, a million in a large workspace
class Prepared:
    record_id: str
    title: str  # normalised
    title_raw_kind: frozenset[str]
    numbers: frozenset[str]
    doi: str
    year: int | None
    pages: tuple[str, str]  # (first, last)
    volume: str
    issue: str  # lower-cased, spaces and dots removed ("Suppl. 1" -> "suppl1")
    authors: tuple[str, ...]  # normalised last names
    journal: tuple[str, ...]  # normalised journal tokens
    conference: bool
    merit: tuple[int, int]  # completeness and source, for the representative
    supplement: bool = False  # a conference abstract or in a supplement (pages "A128", issue "Suppl 1")
    locator: str = ""  # the first page as written, lower-cased ("a128", "s417", "e12724", "123")
    generic: bool = (
        False  # made only of generic titles' words ("Remarks from the Editor - Editor's Comments")
    )
    first_author_words: str = ""  # the words of the first author's name, space-separated (one string: memory)
    alt_title: str = ""  # normalised, the other-language title an export gives in brackets
    cut: str = ""  # the last word of a title cut with an ellipsis, left out of ``title`` ("kidney d...")
    work: str = ""  # "thesis" or "book": an item its title and authors name, whoever published or holds it
    report: bool = False  # grey literature: typed a report, or given a report's extent or number
    extent: str = ""  # a report's number of pages ("xii + 93 pp." -> "93")
    report_number: str = ""  # a report's number, letters and digits only ("WHO/NUT/2015.5" -> "whonut20155")
    unpaginated: bool = False  # the pages field says the article has none ("no pagination"), not left empty
    registry_entry: bool = False  # a trial registry's entry (a Trial, or a database's rendering of one)
    registry: tuple[str, ...] = ()  # a registry entry's own ids ("NCT01811703", "CTRI/2012/07/044851")
    preprint: bool = False  # posted on a preprint server (arXiv, medRxiv, SSRN...): see is_preprint
    # a title in letters ASCII folding drops (Chinese, Korean): its own letters, compared only with such titles
    script: bool = False
    tail: str = (
        ""  # normalised, the names in brackets that end the title, left out of it ("fluorocare", "HUS")
    )
    journal_script: bool = False  # the journal named in such letters ("医療薬学"): ``journal`` is empty
    # an author field of two whole names with a comma between, which may also be one name surname first ("Ann
    # Lee, Bo Kim" / "Garcia Lopez, Maria Jose"): its two names, read so where the other record agrees (see
    # :func:`two_names_read`); ``authors`` reads it as one name. Only where both names have a surname every
    # export can agree on (not "Anna Ли, Bo Ким", whose Cyrillic surnames fold to nothing)
    two_names: tuple[str, ...] = ()
    codes: tuple[tuple[str, int], ...] = ()  # the title's study codes (see :func:`title_codes`): ("argo", 7)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _load_generic_titles() -> frozenset[str]:
    text = resources.files("litreview").joinpath("data/generic_titles.txt").read_text("utf-8")
    return frozenset(
        normalise_title(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def ascii_fold(text: str) -> str:
    if text.isascii():  # most text: nothing to fold
        return text
    text = text.translate(_FOLD)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def without_markup(title: str) -> str:
    """A title's text: HTML entities as their characters ("&lt;30" as "<30", one export's "&amp;" as
    another's "&"), tags removed."""
    text = html.unescape(title) if "&" in (title or "") else title or ""
    return _TAGS.sub(" ", text) if "<" in text else text


def normalise_title(title: str) -> str:
    return " ".join(_title_words(title)[0])


def _title_words(title: str) -> tuple[list[str], str, str, bool]:
    """A title's normalised words, the last word of a title cut with an ellipsis, left out of them, the
    names in the brackets that end it, left out too (see :func:`_bracketed_name`), and whether it is written
    in letters ASCII folding drops (see :func:`_in_script`)."""
    text = without_markup(title).strip()
    if text.startswith("[") and "]" in text:  # a translated title: "[The role of ...]. [Polish]"
        text = text[1:].replace("]", " ", 1)
    without_notes = _BRACKETED.sub(" ", text)  # "[Review]", "[33 refs]", "[Erratum appears in ...]"
    without_notes = re.sub(r"\[[^\]]*$", " ", without_notes)  # a note cut off by the export
    if len(without_notes.strip()) > 20:
        text = without_notes
    end = len(text)
    names = []
    while (start := _trailing_note(text, end)) is not None and start > 20:
        names.append(_bracketed_name(text[start:end], acronyms=not text.isupper()))
        end = start  # "(author's transl)"
    tail = " ".join(name for name in reversed(names) if name)
    text = text[:end]
    folded = ascii_fold(text)
    if folded is not text and _in_script(text, folded):
        return _SCRIPT_WORDS.findall(unicodedata.normalize("NFKC", text).lower()), "", tail, True
    words = _NON_ALNUM.sub(" ", folded.lower()).split()
    if len(words) > 3 and text.rstrip().endswith(("\u2026", "...")):
        # a title cut at the field's length: its last word may be cut too ("kidney d..."); kept aside,
        # for where the other title goes on otherwise ("... in Gondar..." is no "... in Bahir Dar")
        return words[:-1], words[-1], tail, False
    return words, "", tail, False


# A study's or trial's code: a name of letters and its number ("ARGO-07", "KEYNOTE-189", "NCT01234567",
# "JCOG1205", "CheckMate 227"). The name is capitalised and joined to the number (by nothing or a hyphen), or
# has two capitals or more where a space parts them ("ARGO 07"): "Phase 2", "Part 2" or "interleukin-6"
# name no study (their numbers are compared as the title's numbers are).
_CODE = re.compile(
    r"(?<![A-Za-z0-9])(?:([A-Z][A-Za-z]+)-?|([A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*) )(\d+)(?![A-Za-z0-9])"
)


def title_codes(title: str) -> tuple[tuple[str, int], ...]:
    """The study codes a title names, wherever they stand (in its words or the brackets that end it), each
    as its name in small letters and its number's value: one code written two ways is one ("ARGO-07",
    "ARGO 07", "ARGO07", "ARGO-7"). Bracketed notes about the record ("[Erratum appears in ...]") are left out."""
    text = ascii_fold(_BRACKETED.sub(" ", without_markup(title)))
    return tuple(sorted({((m[1] or m[2]).lower(), int(m[3])) for m in _CODE.finditer(text)}))


_SCRIPT_WORDS = re.compile(r"[^\W_]+")  # runs of letters and digits in any alphabet


def _in_script(text: str, folded: str) -> bool:
    """Most of a title's letters are in an alphabet ASCII folding drops (Chinese, Japanese, Korean, Cyrillic,
    Arabic...): what folding leaves of it is debris (a number "3", a Latin word "Beers" inside), no title.
    Such a title is compared by its own letters, with titles in such letters only."""
    letters = sum(ch.isalpha() for ch in text)
    return bool(letters) and 2 * sum(ch.isalpha() for ch in folded) < letters


_NAME_WORDS = 3  # words of a name in brackets (a product, a place, a group); a longer bracket is a phrase


def _bracketed_name(bracket: str, acronyms: bool = True) -> str:
    """A bracket that ends a title, normalised, where it names something (a product "(Fluorocare)", a
    place "(Kenya)", an acronym "(HUS)", a trial "(ARGO-07)"): one export may leave it out, but two that
    give different names there name two items (one template's assessment reports of two brands, one
    survey's reports of two countries). '' for a note about the record ("(author's transl)", "(Review)")
    or a longer phrase (a translation, an expansion). An acronym keeps its capitals ("KALI", "ZX"), where the
    title is not all in capitals: no place name spelt two ways (see rules' _spelt_alike)."""
    inner = bracket.strip().rstrip(".").strip()[1:-1]
    words = re.sub(r"[^A-Za-z0-9]+", " ", ascii_fold(inner)).split()
    if not 1 <= len(words) <= _NAME_WORDS or _NOTE.search(inner):
        return ""
    return " ".join(w if acronyms and len(w) > 1 and w.isupper() else w.lower() for w in words)


def _trailing_note(text: str, end: int) -> int | None:
    """Where the bracket that ends ``text[:end]`` starts, with the spaces before it ("Title (author's
    transl)."): from the first "(" or "[" after the closing bracket before the last; None when the text
    ends in no bracket. By hand, not a regex: a pattern for it retried the rest of a title from every
    "(" (a minute on 50,000 hostile characters), and the caller peels brackets off one by one."""
    close = end - 1
    while close >= 0 and text[close].isspace():
        close -= 1
    if close >= 0 and text[close] == ".":
        close -= 1
        while close >= 0 and text[close].isspace():
            close -= 1
    if close < 0 or text[close] not in ")]":
        return None
    after = max(text.rfind("]", 0, close), text.rfind(")", 0, close)) + 1
    opener = _OPENER.search(text, after, close)
    if opener is None:
        return None
    start = opener.start()
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return start


_OPENER = re.compile(r"[\[(]")


def normalise_authors(authors: Iterable[str]) -> tuple[str, ...]:
    out = []
    for author in authors:
        author = ascii_fold(author).strip()
        if not author or author.lower().startswith("et al") or _NO_AUTHOR.match(author):
            continue
        if (
            author.endswith(")") and "," not in author
        ):  # an organisation's acronym after it: "... Africa (WHO)"
            author = author[: author.rfind("(")].strip() or author
        key = surname_key(author)
        if key:
            out.append(sys.intern(key))  # names recur across records: one string each, not one per record
    return tuple(out)  # fmt: skip


# Words that begin a surname in one export and follow the initials, or are left out, in another
# ("van der Berg, A." / "Berg AV"; "da Silva JB" / "Silva, J. B. da").
_PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "da", "das", "do", "dos", "du", "di", "le", "la", "ter",
     "ten", "vom", "zu"]
)  # fmt: skip


def _initials(word: str) -> bool:
    """A word of at most three letters once its dots and hyphens are left out: "ja", "j.a.", "m.-j."."""
    return len(word.replace(".", "").replace("-", "")) <= 3


def surname_key(author: str) -> str:
    """The surname of a name as every export can agree on it: "Surname, Given" or "Surname Initials"
    (MEDLINE: all words before the initials, "Sberro Soussan R" = "Sberro-Soussan, R."), else the last
    word ("A. van der Berg"); leading particles left out; umlauts as one letter ("Mueller" = "Müller")."""
    comma = author.find(",")
    name = (author[:comma] if comma >= 0 else author).split()
    words = [w.lower() for w in name]
    capitalised = _capitalised_surname(name) if comma < 0 else None
    if capitalised is not None:  # "HUANG Guohua", "ZHENG Yi-fan" (CNKI, Wanfang), "Yuki INOUE" (J-STAGE)
        words = [words[capitalised]]
    elif comma < 0 and len(words) > 1:
        # "Smith JA", "Smith J.A." (Scopus), "van der Berg A", "Li Bo": initials end it; not Scholar's "Z Li"
        if _initials(words[-1]) and not _surname_after_initials(name):
            while len(words) > 1 and _initials(words[-1]):
                words.pop()
        else:
            words = words[-1:]
    if len(words) > 1:
        while len(words) > 1 and words[0] in _PARTICLES:
            words.pop(0)
    if len(words) == 1 and words[0].isalpha():
        return _name_folded(words[0])
    # each part of a double surname folded as a name of its own ("Satoh-Kessler" -> "satokessler"), as its
    # parts are among the name's words: one export's "Satoh, K." is then a part of the other's key
    return "".join(_name_folded(part) for part in _NON_ALNUM.split(" ".join(words)) if part)


def _name_folded(word: str) -> str:
    """A (lower-case) name's one word with an umlaut's "e" and a long vowel's letter left out: "mueller" ->
    "muller", "satoh" -> "sato" (see :func:`long_vowels_folded`)."""
    word = _UMLAUT.sub(r"\1\2", word) if ("ae" in word or "oe" in word or "ue" in word) else word
    return long_vowels_folded(word)


def long_vowels_folded(word: str) -> str:
    """A (lower-case) name with a long vowel written as romanisations without macrons write it short: the
    "h" of "oh" before a consonant or at the end, the second "u" of "uu" ("Ohno", "Satoh", "Yuuki" as
    "Ono", "Sato", "Yuki", which other exports, Hepburn without macrons, and folded macrons "Satō" give;
    Korean "Noh" / "No" alike). Not "oh" before a vowel ("Ohashi" is O-hashi), nor the name "Oh" itself, nor
    before a consonant that begins no syllable ("Johnson", "John", "Kohn", "Bohm": the "n" or "m" closes one;
    a long vowel's "h" stands before a syllable, "Oh-no", "Koh-no", "Oh-tsuka"), nor a name the fold would not
    leave a romanised Japanese or Korean syllable chain: "Ohlsson", "Pohl", "Mohr" keep their "h" (an "l", a
    consonant with no vowel), where folding them read two Europeans as one ("Johnson" / "Jonson")."""
    if ("oh" not in word and "uu" not in word) or word == "oh":
        return word
    folded = _LONG_VOWEL.sub("", word)
    return folded if _SYLLABLES.fullmatch(folded) else word


# words that make a name a group's, not a person's ("FLUORKID Trial Group", "DENTAMS Collaborative")
_GROUP = re.compile(r"\b(?:group|trial|study|collaborative|collaboration|investigators|consortium|network|committee)\b",
                    re.IGNORECASE)  # fmt: skip


def _capitalised_surname(name: list[str], least: int = 4) -> int | None:
    """Where the surname stands in a person's name of two or three words that writes it, and only it, in
    capitals: CNKI's and Wanfang's English pages ("ZHENG Yi-fan", "HUANG Guohua": surname first), J-STAGE's
    ("Yuki INOUE": surname last), many a European publisher's ("Jean DUPONT"). ``least`` letters: alone, a
    word of three or fewer in capitals is Scholar's or PubMed's initials ("MJ Kim", "Kim MJ"); in a list
    written so, a short surname with a vowel ("ITO Sayaka", "LI Shuang"). None for other names, and for a
    group's ("FLUORKID Trial Group")."""
    if not 2 <= len(name) <= 3:
        return None
    upper = [i for i, w in enumerate(name) if w.isupper()]
    if len(upper) != 1 or _GROUP.search(" ".join(name)):
        return None
    letters = [ch for ch in name[upper[0]].lower() if ch.isalpha()]
    if len(letters) < max(least, 2) or (len(letters) < 4 and not _VOWEL_LETTERS & set(letters)):
        return None
    return upper[0]


_VOWEL_LETTERS = frozenset("aeiouy")


def _surname_after_initials(name: list[str]) -> bool:
    """Google Scholar's order, initials in capitals (and particles) before a short surname not in capitals
    ("Z Li", "JW Kim", "P van Dam"): the last word is the surname, not the initials of "Li Z"."""
    return not name[-1].isupper() and all(
        (w.isupper() and _initials(w.lower())) or w.lower() in _PARTICLES for w in name[:-1]
    )


# "ae", "oe", "ue" transliterating an umlaut; not the Spanish or French "gue", "que" ("Rodriguez"), nor at
# the name's end, where no umlaut stands and the "e" is a letter of its own: "Xue" / "Xu", "Yue" / "Yu", "Chae" /
# "Cha", "Munroe" / "Munro" are two surnames, "Inoue" is I-no-u-e
_UMLAUT = re.compile(r"(?:([ao])e|(?<![gq])(u)e)(?!$)")
# the "h" after "o" at the end, or before a consonant (a pair: "ts", "sh", "ch") that a vowel or "y" follows
_LONG_VOWEL = re.compile(r"(?<=o)h(?=$|(?:ts|sh|ch|[^aeiouy])[aeiouy])|(?<=u)u")
# a name of romanised Japanese (Hepburn) or Korean syllables: a vowel, a consonant (or "sh", "ch", "ts", a
# consonant with "y") before it, and at most one syllable-closing "n" after it (Korean's "ng", "m", "k" too); no
# "l", no clusters, no two closing consonants ("Hohmann" folded is "homann": ho-ma-n-n, no such chain). Each
# syllable atomic, its closing consonant taken where it can be (what follows then begins a syllable as well):
# a consonant read as closing one syllable or opening the next was retried both ways, doubling the time with
# each syllable of a long name that is no chain ("ohanana...l": a minute at 42 letters)
_SYLLABLES = re.compile(r"(?>(?:[kgsztdnhbpmyrwfjc]h?|ts|[kgnhbpmr]y)?[aeiou](?:ng?|m|k)?)++")


# MEDLINE's qualifier after a journal's name: "BMJ (Clinical research ed.)", "Lancet (London, England)",
# "Revista brasileira de fisioterapia (Sao Carlos (Sao Paulo, Brazil))"; other exports have none
_QUALIFIER = re.compile(r"\((?:[^()]|\([^()]*\))*\)\W*$")  # no leading \s*: retried at every space


def normalise_journal(journal: str) -> tuple[str, ...]:
    name = (_QUALIFIER.sub("", journal).strip() or journal) if ")" in journal else journal
    words = _NON_ALNUM.sub(" ", ascii_fold(name).lower()).split()
    return tuple(sys.intern(t) for t in words if t not in _STOP)  # one string per word, as for names


GENERIC_TITLES = _load_generic_titles()
GENERIC_WORDS = frozenset(
    _singular(w) for title in GENERIC_TITLES for w in title.split() if w not in _STOP and w != "s"
)


# A volume as written: its number first ("35", "Vol. 35", AGRICOLA's "v. 35", "35 (Pt 1)", "10 Suppl 2",
# "45-46"), brackets balanced. Anything else is debris of another field ("1)" from "61(1)", "(2)", "Drug
# Discovery. 9").
_VOLUME = re.compile(r"(?:v(?:ol(?:ume)?)?\.?\s*)?(\d+).*", re.IGNORECASE)
# Page fields a spreadsheet read as dates ("5-9" shown as "9-May" or "01-Jun"): not pages any more.
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
_DATE_PAGES = re.compile(rf"\d{{1,2}}[-–/ ]{_MONTHS}|{_MONTHS}[-–/ ]\d{{1,4}}", re.IGNORECASE)
# Author fields that name nobody: agreement between two of them is no evidence, disagreement no conflict.
# BibTeX's "and others" (Google Scholar's list cut short) is its "et al.".
_NO_AUTHOR = re.compile(
    r"^\W*(?:anonymous|anon|no authors? (?:listed|name available|available)|not available|n/?a|unknown|"
    r"none|et al|others)\W*$",
    re.IGNORECASE,
)


# SPIE's article number (its "CID"): the volume's number and two characters, a letter last ("113142J" is
# paper 2J of volume 11314, "94140A" paper 0A of volume 9414). One export gives it as the pages, another in
# the volume field with no pages: there it is the paper's number, and the volume is the digits before the two.
_SPIE_CID = re.compile(r"\d{5,6}[a-z]", re.IGNORECASE)


def volume_value(volume: str) -> str:
    """The volume number when the field holds a well-formed volume, else '' (not a value: it
    neither conflicts with nor agrees with another record's volume)."""
    text = (volume or "").strip()
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return ""
    match = _VOLUME.fullmatch(text)
    return (match.group(1).lstrip("0") or "0") if match else ""


_ERIC_NUMBER = re.compile(r"e[dj] ?\d{6}")  # an ERIC document's or journal article's accession number


def issue_value(issue: str) -> str:
    """An issue made comparable: its first number, "s" before it in a supplement ("Suppl. 1",
    "1 SUPPL" -> "s1", "4, Sp. Iss. SI" -> "4"); '' when the field holds no issue number
    ("var.pagings", a lone "Suppl", brackets left over from another field, ERIC's accession number
    "ED596966" that EBSCO puts there)."""
    text = (issue or "").strip().lower()
    if text.count("(") != text.count(")") or not re.match(r"[\w(]", text) or _ERIC_NUMBER.fullmatch(text):
        return ""
    number = re.search(r"\d+", text)
    if not number:
        return ""
    supplement = "suppl" in text or bool(re.fullmatch(r"s\d+", text))
    return ("s" if supplement else "") + (number.group(0).lstrip("0") or "0")


_ROMAN = {
    word: n
    for n, word in enumerate(
        ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"], start=1
    )
}
# Words a number follows ("phase II", "type 2", "part III"): there a Roman numeral is a number, elsewhere
# it may be a word ("IV iron" is intravenous, "factor V" a name).
_NUMBERED = frozenset(
    ["type", "phase", "part", "stage", "grade", "class", "step", "level", "series", "trial", "study", "cohort",
     "group", "category", "degree", "chapter", "section", "volume", "tier", "factor", "cin"]
)  # fmt: skip
_NUMBER_WORDS = frozenset([*_UNITS, *_TENS, *_ROMAN])


def title_numbers(norm: str) -> list[str]:
    """The numbers of a normalised title in order, however written: digit runs wherever they stand
    ("HPV16" = "HPV 16"), thousands joined ("10 000" = "10000"), number words ("three-year" = "3-year",
    "twenty-four" = "24") and Roman numerals after a word that numbers ("phase II" = "phase 2", "phase
    I/II" = "phase 1/2") or after characters ("研究（Ⅱ）")."""
    text = re.sub(r"(\d)[ ,](\d{3})\b", r"\1\2", norm)
    words = text.split()
    if _NUMBER_WORDS.isdisjoint(words):  # most titles: digit runs only
        return re.findall(r"\d+", text)
    out: list[str] = []
    previous = ""
    roman = False  # the previous word was a Roman numeral read as a number: "phase I/II" = "phase 1/2"
    for i, word in enumerate(words):
        # a numeral after Chinese or Japanese characters ("...に関する研究（Ⅱ）", "(II)" once normalised) numbers
        # the title's part, as no word in those letters before it says
        numeral = word in _ROMAN and (previous in _NUMBERED or roman or _in_characters(previous))
        if word in _TENS:
            unit = _UNITS.get(words[i + 1], 0) if i + 1 < len(words) else 0
            out.append(str(_TENS[word] + (unit if unit < 10 else 0)))
        elif word in _UNITS and not (previous in _TENS and _UNITS[word] < 10):
            out.append(str(_UNITS[word]))
        elif numeral:
            out.append(str(_ROMAN[word]))
        elif any(ch.isdigit() for ch in word):
            out.extend(re.findall(r"\d+", word))
        previous, roman = word, numeral
    return out


def _in_characters(word: str) -> bool:
    """A word of a title in Chinese, Japanese or Korean characters, or ending in them."""
    return bool(word) and wide(word[-1])


def wide(ch: str) -> bool:
    """A Chinese, Japanese or Korean character (set wide in East Asian text: ideographs, kana, Hangul)."""
    return unicodedata.east_asian_width(ch) == "W"


def real_year(year: int | None) -> int | None:
    """A year a publication can bear, else None (an export's 0, 1 or 9999)."""
    return year if year is not None and 1000 <= year <= 2200 else None


# "pp. 345-352", "p. 12", EBSCO's "p1275-1283" (a page range, "p" in lower case); not "P-12", "P12", "P1-045"
# (abstract numbers: poster 45 of session 1)
_PAGES_WORD = re.compile(r"^pp?\.\s*(?=\d)", re.IGNORECASE)
_EBSCO_PAGES = re.compile(r"^pp?(?=\d+[-–]\d+$)")
_ABSTRACT_NUMBER = re.compile(r"pp?\d+[-–]\d+")  # what is left of "P1-045" once the field is lower-cased
# a meeting abstract's number with a dot, as a neuroscience meeting's planner gives it ("Program No. 445.04",
# "Program#/Poster#: 445.04", BIOSIS and Embase "445.04"): the session and the abstract's place in it
_PROGRAM_NUMBER = re.compile(
    r"(?:(?:program|presentation|abstract|poster|paper)\s*(?:no\.?|number|#)?\s*(?:/\s*poster\s*#?\s*)?:?\s*|#\s*)?"
    r"(\d{1,4}\.\d{1,3})"
)
_PAGE_NOTE = re.compile(r"\s*(?:\[[^\[\]]*\]|\([^()]*\))")
# where a second range or a note begins: "233-8, 230-5, 246-51", "233-238+230-235", "1012-9; discussion 1020-1"
_NEXT_RANGE = re.compile(r"\s*(?:[;+]|,\s)")
_PLAIN_PAGES = re.compile(r"\d+(?:[-–]\d+)?")
_FIRST_NUMBER = re.compile(r"\d{1,9}(?=\s*(?:[-–]\s*\d+)?$)")  # a range of plain page numbers: its first page
# the dash of a range as exports write it: BibTeX's "--" (Google Scholar's "123--145"), Unicode's hyphens and
# dashes (CENTRAL's "1315\u201034", a minus sign)
_DASHES = re.compile(r"[-\u2010-\u2015\u2212]+")


def _page_text(pages: str) -> str:
    """The page range as written, lower-cased: quotes an export put round the field, "pp." and
    bracketed notes ("A1234 [Poster #G123]") left out; a field that is all one bracket ("[E1234]") is
    its content. Of an article printed in parts, the range that starts lowest: exports list the parts
    in different orders ("233-8, 230-5, 246-51" / "230-5, 246-51, 233-8")."""
    if _PLAIN_PAGES.fullmatch(pages or ""):  # most fields ("123-130"): nothing to clean (dedup at scale)
        return pages
    # whitespace runs as one space: a pattern starting with \s* retried at every space of a long run
    # ("1" and 50,000 spaces) takes seconds
    text = _PAGES_WORD.sub(
        "", _EBSCO_PAGES.sub("", _DASHES.sub("-", " ".join((pages or "").split())).strip("\"'").strip())
    ).lower()
    if text.startswith("[") and text.endswith("]") and text.count("[") == 1:
        text = text[1:-1].strip()
    elif "[" in text or "(" in text:
        text = _PAGE_NOTE.sub("", text).strip() or text
    if not text[:1].isalnum():
        return text
    parts = [part.strip() for part in _NEXT_RANGE.split(text)]
    numbered = [part for part in parts if _FIRST_NUMBER.match(part)]
    if len(numbered) < 2:
        return parts[0]
    return min(numbered, key=lambda part: int(_FIRST_NUMBER.match(part).group(0)))  # type: ignore[union-attr]


# A meeting's number for an abstract: a session's letters and number, then the talk's (RSNA's "SSA11-06"; one
# letter and a range is a supplement's pages, "S12-14"), or a letter, a dash and the number (ECR's "B-1040"; not
# "S-" or "e-", a supplement's page and an e-locator written with a dash)
_SESSION_CODE = re.compile(r"[a-z]{2,4}\d{1,3}-\d{1,3}")
_LETTERED_NUMBER = re.compile(r"([a-df-rt-z])-(\d{1,5})")


def page_range(pages: str) -> tuple[str, str]:
    """(first page, last page) as digit strings; '' where an export mangled them ("Suppl-29",
    "t-8"). Electronic locators ("e12724") keep their letter, and a meeting's abstract numbers their
    form ("p1-045", "#445.04"), so they never compare with pages."""
    text = _page_text(pages)
    if not text or _DATE_PAGES.fullmatch(text):
        return "", ""
    if re.fullmatch(r"[a-z]\d+", text) and not text.startswith("s"):  # e-locators, article numbers
        return text, text
    if _SPIE_CID.fullmatch(text):  # "113142j": a proceedings paper's number, compared only as a whole
        return text, text
    if _SESSION_CODE.fullmatch(text):  # "ssa11-06": an abstract's number, not pages 11-16
        return text, text
    if lettered := _LETTERED_NUMBER.fullmatch(text):  # "b-1040" as "b1040", the form of "a128"
        return lettered.group(1) + lettered.group(2), lettered.group(1) + lettered.group(2)
    if _ABSTRACT_NUMBER.fullmatch(text):  # "P1-045": an abstract's number, compared only with its kind
        return text, text
    if program := _PROGRAM_NUMBER.fullmatch(text):  # "445.04": compared only with its kind, as "#445.04"
        return f"#{program.group(1)}", f"#{program.group(1)}"
    parts = re.split(r"\s*[-–]\s*", text, maxsplit=1)
    start = re.sub(r"^[a-z]+", "", parts[0])
    start = start.lstrip("0") if start.isdigit() else ""
    end = re.sub(r"^[a-z]+", "", parts[1]) if len(parts) > 1 else start
    end = end.lstrip("0") if end.isdigit() else ""
    if start and end and len(end) < len(start):  # "123-9" means 123-129
        end = start[: len(start) - len(end)] + end
    return start, end


def pages_conflict(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Pages that cannot belong to one article. Article numbers and e-locators ("e12724", "a1754")
    compare only with their own kind (one letter, other number: two abstracts "A128" / "A129"); a lone
    page may be the other's last page ("488" ~ "487-488"); where a first page is missing, last pages
    must end alike (abbreviated ranges). CINAHL's "1-1" for an article without pages is no page against
    an article number ("1-1" / "162031"): only one of the two is a value."""
    if _page_one(a, b) or _page_one(b, a):
        return False
    if (not a[0][:1].isdigit() and a[0]) or (not b[0][:1].isdigit() and b[0]):
        return bool(a[0] and b[0] and a[0][:1] == b[0][:1] and not a[0][:1].isdigit() and a[0] != b[0])
    if a[0] and b[0]:
        if a[0] == b[0]:
            return False
        lone_a, lone_b = a[0] == a[1], b[0] == b[1]
        if (lone_a and a[0] == b[1]) or (lone_b and b[0] == a[1]):
            return False
        # same last page, first pages one keystroke apart ("2297-2108" / "2097-2108"): a typo
        typo = len(a[0]) == len(b[0]) and sum(x != y for x, y in zip(a[0], b[0], strict=True)) == 1
        return not (not lone_a and not lone_b and a[1] == b[1] and typo)
    if a[1] and b[1]:
        return not (a[1].endswith(b[1]) or b[1].endswith(a[1]))
    return False


_ARTICLE_NUMBER = 5  # digits: an article number, not a page of a printed issue


def _page_one(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """``a`` is page 1 alone (CINAHL's "1-1" placeholder), ``b`` a lone article number."""
    return a == ("1", "1") and b[0] == b[1] and len(b[0]) >= _ARTICLE_NUMBER and b[0].isdigit()


def first_pages_agree(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """The same first page, or an article number one export gives as its e-locator ("e41172" / "41172")."""
    if not a[0] or not b[0]:
        return False
    return a[0] == b[0] or (a[0][1:] == b[0] and a[0][0] == "e") or (b[0][1:] == a[0] and b[0][0] == "e")


# a thesis (a university's record, ProQuest's, Dissertation Abstracts') or a book (its publisher's, its
# series') is one item by its title and authors: the "journal" each export names is only where it is held;
# a book chapter too, at its pages (Scholar names the publisher where others name the book)
_WORKS = frozenset(["thesis", "book", "book-chapter"])
# PsycINFO files a dissertation as an article in "Dissertation Abstracts International" (volume "80",
# issue "3-A", "No Pagination Specified"): a thesis whatever the record's type
_THESIS_VENUE = re.compile(r"\b(?:dissertation|masters) abstracts\b", re.IGNORECASE)

# shared by the many records with no kind or no number in the title (216 bytes per empty set)
_NONE: frozenset[str] = frozenset()


# A report's extent as catalogues give it: its pages counted, front matter in Roman numerals before
# ("93p.", "171 p.", "x + 93 pp.", "xii, 93 p."); not an article's page ("p. 93", "pp. 93-99")
_EXTENT = re.compile(r"(?:[ivxlc]+\s*[+,]\s*)?(\d+)\s*p(?:p|ages)?\.?", re.IGNORECASE)
# A meeting named as the venue of a record in no volume or issue: a paper given there, however the export
# typed it (Google Scholar's "misc" for a paper presented at an "Annual Meeting of ...")
_MEETING = re.compile(r"\b(?:meeting|conference|congress|symposium|convention)\b", re.IGNORECASE)
# Embase's "<Journal>.Conference: <meeting>": an abstract in the journal's supplement, where the volume is
# missing (other renderings place it in the journal)
_JOURNAL_CONFERENCE = re.compile(r"\.\s*conference:", re.IGNORECASE)
# Google Scholar's venue for a document it found in ERIC (a report, a paper given at a meeting): ERIC
# itself, or "Online Submission", ERIC's source for a document its authors sent in
_ERIC_VENUE = re.compile(r"eric|online submission", re.IGNORECASE)
# A report's number in the issue field: an office's letters, "/" or "-" and its running number ("WHO/NUT/2015.5",
# a regulator's "PAR-2022-0117", a service's "TN-Agronomy-74"); "-" only between pieces: allowed inside one as
# well, a field that failed to match tried every split of its "-A-A-A..." (exponential in its length)
_REPORT_NUMBER = re.compile(r"[A-Z]{2,}(?:[/-][A-Z0-9][A-Za-z0-9.]*)+")
# Where an imprint's parts part: "Lima: Ministerio de Salud", "Washington, D.C.; OPS; 2020. 107 p."
_IMPRINT_PARTS = re.compile(r"[;:,]")


def _publisher(imprint: str) -> str:
    """The publisher an imprint names: its longest part without a digit (a place, a year, a page count
    are shorter or numbered: "WHO Regional Office for Africa, Brazzaville", "Lima: Ministerio de Salud")."""
    parts = [part.strip() for part in _IMPRINT_PARTS.split(imprint) if not any(ch.isdigit() for ch in part)]
    return max(parts, key=len, default="") or imprint


def prepare(record: Record) -> Prepared:
    title = record.title or ""
    if isinstance(record, Citation):
        names = _split_authors(record.authors)
        journal = normalise_journal(record.journal or record.journal_abbrev)
        if journal and len(record.authors) == 1 and normalise_journal(record.authors[0]) == journal:
            names = []  # the publisher as author ("Nordic Centre for ..." both): an organisation, no person
        authors = normalise_authors(names)
        doi = normalise_doi(record.doi)
        volume = volume_value(record.volume)  # "35 (Pt 1)", "10 Suppl 2": 35, 10; "1)": none
        cid = record.volume.strip() if _SPIE_CID.fullmatch(record.volume.strip()) else ""
        if cid:
            volume = cid[:-2]
        issue = issue_value(record.issue)
        conference = record.record_type == "conference-abstract" or bool(
            _MEETING.search(record.journal)
            and not _JOURNAL_CONFERENCE.search(record.journal)
            and not (record.volume or record.issue)
        )
        first_words = _name_words(names)
        two_names = tuple(_two_whole_names(names[0])) if len(names) == 1 else ()
        if len(normalise_authors(two_names)) < 2:  # a name ASCII folding empties ("Bo Ким"): no reading
            two_names = ()
        work = record.record_type if record.record_type in _WORKS else ""
        if _THESIS_VENUE.search(record.journal):
            work = "thesis"
        extent_match = _EXTENT.fullmatch(record.pages.strip())
        extent = extent_match.group(1).lstrip("0") if extent_match else ""
        number = record.issue.strip()
        report_number = (
            _NON_ALNUM.sub("", number.lower())
            if _REPORT_NUMBER.fullmatch(number)
            and "SUPPL" not in number.upper()
            and any(map(str.isdigit, number))
            else ""
        )
        unplaced = not (record.volume or record.issue or record.pages)
        eric = bool(_ERIC_VENUE.fullmatch(record.journal.strip())) and unplaced
        report = record.record_type == "report" or bool(extent or report_number) or eric
        if report:  # a report's "journal" is its imprint: the publisher, without its place, year or pages
            journal = normalise_journal(_publisher(record.journal or record.journal_abbrev))
        own_ids = entry_ids(record)
        registry_entry, registry = own_ids is not None, own_ids or ()
    else:
        authors, journal, doi, volume, issue, conference = (), (), "", "", "", False
        first_words = work = extent = report_number = cid = ""
        report = False
        two_names = ()
        nct = normalise_nct(record.nct_id)
        registry_entry, registry = True, ((nct,) if nct else ())
    original, translation = _two_titles(title)
    words, cut, tail, script = _title_words(original)
    norm = " ".join(words)
    bare = re.sub(r"\[[^\]]*(?:\]|$)", " ", without_markup(title))
    kinds = frozenset(k for k, pattern in _KINDS.items() if re.search(pattern, bare, re.IGNORECASE))
    kinds = (kinds | {"erratum"} if _ends_in_erratum(title) else kinds) or _NONE
    numbers = frozenset(title_numbers(norm)) or _NONE
    span = page_range(record.pages) if isinstance(record, Citation) else ("", "")
    if isinstance(record, Citation) and cid and not any(span):  # SPIE's paper number in the volume field
        span = (cid.lower(), cid.lower())
    if report and not extent and span[0].isdigit() and span[0] == span[1]:
        extent = span[0]  # a report's one number of pages is its page count (ERIC's "39")
    page_text = _page_text(record.pages) if isinstance(record, Citation) and any(span) else ""
    locator = (re.split(r"\s*[-–]\s*", page_text, maxsplit=1)[0] if page_text else "") or (
        span[0] if cid else ""
    )
    if span[0] and (_SESSION_CODE.fullmatch(page_text) or _LETTERED_NUMBER.fullmatch(page_text)):
        locator = span[0]  # an abstract's number is its place whole ("ssa11-06", "b1040"), not its start
    # An abstract among many in one supplement: numbered "A128" / "S417" / "P-12" (not e-locators), or a
    # single page of a supplement issue. A supplement *article* (a page span) is identified by its place.
    raw_issue = record.issue.lower() if isinstance(record, Citation) else ""
    in_supplement = "suppl" in raw_issue or (
        isinstance(record, Citation) and "suppl" in record.volume.lower()
    )
    supplement = (
        conference
        or bool(re.match(r"[a-df-z]-?\d", locator) or _SESSION_CODE.fullmatch(locator))  # "A128", "SSA11-06"
        or (in_supplement and span[0] == span[1])
    )
    return Prepared(record.record_id, norm, kinds, numbers, doi, real_year(record.year), span, volume, issue,
                    authors, journal, conference, merit(record), supplement, locator, is_generic_title(norm),
                    first_words, translation or alternative_title(title, norm), cut, work, report, extent,
                    report_number, isinstance(record, Citation) and bool(_UNPAGINATED.search(record.pages)),
                    registry_entry, registry, isinstance(record, Citation) and is_preprint(record),
                    script, tail, isinstance(record, Citation) and _script_name(record.journal, journal),
                    two_names, title_codes(original))  # fmt: skip


def two_names_read(p: Prepared) -> Prepared:
    """The record with its author field read as the two whole names it may be (see ``Prepared.two_names``)."""
    return replace(p, authors=normalise_authors(p.two_names), first_author_words=_name_words(list(p.two_names)),
                   two_names=())  # fmt: skip


# A preprint server as the venue (dblp's "CoRR" is arXiv's computing section), its identifier in the volume
# field (dblp's "abs/2205.19338"), or its DOI (arXiv's, bioRxiv's and medRxiv's dated ones, SSRN's, Research
# Square's, Preprints.org's, OSF's)
_PREPRINT_VENUE = re.compile(
    r"\b(?:arxiv|biorxiv|medrxiv|chemrxiv|psyarxiv|socarxiv|techrxiv|edarxiv|ssrn|research square"
    r"|preprints\.org|osf preprints)\b",
    re.IGNORECASE,
)
_PREPRINT_ID = re.compile(r"^abs/\d{4}\.\d{4,5}")
_PREPRINT_DOI = re.compile(
    r"/arxiv\.|^10\.1101/\d{4}\.\d{2}\.\d{2}\.|^10\.21203/rs\.|^10\.2139/ssrn\.|^10\.20944/preprints"
    r"|^10\.3123[14]/osf\.io|^10\.36227/techrxiv|^10\.26434/chemrxiv"
)


_ARXIV_ID = re.compile(r"(?:arxiv[:.\s]*|\babs/)(\d{4}\.\d{4,5})", re.IGNORECASE)


def arxiv_id(record: Citation) -> str:
    """The arXiv identifier a record gives in its venue, volume, DOI or accession ("arXiv preprint
    arXiv:2304.05512", dblp's "abs/2304.05512", "10.48550/arXiv.2304.05512"): one preprint's renderings
    share it, whatever else each export writes; '' when none."""
    for text in (record.journal, record.journal_abbrev, record.volume, record.doi, record.accession):
        if text and (found := _ARXIV_ID.search(text)):
            return found.group(1)
    return ""


def is_preprint(record: Citation) -> bool:
    """The citation is a preprint: a preprint server is its venue, or its volume or DOI is one's. A preprint
    and the article published from it are two reports (a reviewer may link them), never one record."""
    venue = f"{record.journal} {record.journal_abbrev}"
    return bool(
        _PREPRINT_VENUE.search(venue)
        or record.journal.strip() == "CoRR"
        or _PREPRINT_ID.match(record.volume.strip())
        or _PREPRINT_DOI.search(normalise_doi(record.doi))
    )


# Embase's and CENTRAL's statement that an (online) article has no page numbers
_UNPAGINATED = re.compile(r"\b(?:no pagination|unpaginated|not paginated)\b", re.IGNORECASE)


def is_generic_title(norm: str) -> bool:
    """A normalised title made only of the words of generic titles ("Remarks from the Editor - Editor's Comments",
    "Comments from the Editors", "Editorial: In this issue"), or a listed title of two words or more with
    one word after it ("From the Editor's desk", "From the editors' corner"): it names a kind of item, not
    one item, whatever its length or word order."""
    words = {_singular(w) for w in norm.split() if w not in _STOP and w != "s"}
    return norm in GENERIC_TITLES or (bool(words) and words <= GENERIC_WORDS) or _listed_plus_one_word(norm)


def _listed_plus_one_word(norm: str) -> bool:
    """A listed title of two or more words that begins the title, one other word after it (not a topic
    and its subtitle: "Immunosuppressants: what's new?")."""
    words = norm.split()
    if not 3 <= len(words) <= 8:  # a listed title (at most six words), a possessive "s", one word
        return False
    for cut in range(2, len(words)):
        added = [w for w in words[cut:] if w not in _STOP and w != "s"]
        if len(added) == 1 and " ".join(words[:cut]) in GENERIC_TITLES:
            return True
    return False


# A bracket that ends a title and names only a correction ("... [Erratum]", "... (Corrigendum)."): the
# record is the notice, which one database prints under the article's own title; a longer note ("[Erratum
# appears in ...]") says the article has one
_ERRATUM_NOTE = re.compile(r"errat\w*|corrigend\w*|correction|published erratum")


def _ends_in_erratum(title: str) -> bool:
    text = title.rstrip(" .")
    if not text.endswith(("]", ")")):
        return False
    start = text.rfind("[" if text.endswith("]") else "(")
    return start > 0 and bool(_ERRATUM_NOTE.fullmatch(text[start + 1 : -1].strip(" .").lower()))


# Bracketed notes about the record, not a title: "[Erratum appears in ...]", "[Comment in: ...]",
# "[Article in German]", "[Review]", "[33 refs]", a citation ("2006;37(1):1").
_NOTE = re.compile(
    r"^\W*(?:errat|corrig|comment|correct|retract|withdrawn|update|see\b|publish|review|reprint|article in|"
    r"abstract|original|author|letter|reply|english|translat|\d+ refs)|\d{4}\s*;\s*\d",
    re.IGNORECASE,
)


def alternative_title(title: str, normalised: str) -> str:
    """The other title an export gives in brackets beside the main one: an original-language title
    after its translation ("Effects of ... [Wirkung von ...]", or in parentheses at the end), or a
    translation after the original;
    normalised, '' when there is none (notes about the record are no title)."""
    text = without_markup(title).strip()
    if text.startswith("["):  # "[Translated title]. [German]": the bracket is the title itself
        return ""
    inner = [m.group(0)[1:-1] for m in _BRACKETED.finditer(text)]
    ending = re.search(r"\(([^()]*)\)\W*$", text)  # "English title (Titre original)"
    if ending and not re.search(r"\b\d{4}\b", ending.group(1)):  # "(... (2009) 360 (544))" cites a record
        inner.append(ending.group(1))
    best = max((i for i in inner if not _NOTE.search(i)), key=len, default="")
    alt = " ".join(_NON_ALNUM.sub(" ", ascii_fold(best).lower()).split())
    # a translation is about as long as its original; a formula or study name in brackets is not
    return alt if len(alt.split()) >= 4 and len(alt) >= len(normalised) / 2 and alt != normalised else ""


# Function words that tell a title's language: English's, and those of the languages a thesis or a national
# database's record is written in (Portuguese, Spanish, French, Italian, German, Dutch), none shared
_ENGLISH_WORDS = frozenset(
    ["the", "of", "and", "under", "with", "from", "for", "by", "on", "its", "their", "between", "among", "after",
     "during", "into"]
)  # fmt: skip
_OTHER_WORDS = frozenset(
    ["de", "do", "da", "dos", "das", "em", "na", "nas", "nos", "ao", "aos", "para", "com", "sob", "sobre", "des",
     "du", "la", "le", "les", "et", "sur", "dans", "par", "pour", "aux", "del", "los", "las", "y", "el", "por",
     "con", "und", "der", "mit", "fur", "zur", "zum", "dem", "het", "van", "een", "voor", "met", "nella",
     "della", "degli"]
)  # fmt: skip


def _language(title: str) -> str:
    """'en' where a (normalised) title has more of English's function words than of the others, 'other'
    where fewer, '' where it has none (a title in Vietnamese, or too short to tell)."""
    words = title.split()
    english = sum(w in _ENGLISH_WORDS for w in words)
    other = sum(w in _OTHER_WORDS for w in words)
    return "en" if english > other else "other" if other > english else ""


def _script_name(name: str, normalised: tuple[str, ...]) -> bool:
    """A name (a journal's) given, but in letters ASCII folding drops: nothing left of it to compare."""
    return not normalised and any(ch.isalpha() for ch in name)


def _stems(title: str) -> set[str]:
    """A title's words' first four letters, spelt as the Romance languages spell them ("glyphosate" /
    "glifosato": "glif")."""
    words = (
        w.replace("ph", "f").replace("th", "t").replace("y", "i") for w in title.split() if w not in _STOP
    )
    return {w[:4] for w in words if len(w) >= 4}


def _two_titles(title: str) -> tuple[str, str]:
    """A title and its translation in one field, parted by " / " (LILACS's and a university repository's
    "Título original / English title"): the first as the title, the second normalised as the other title
    (see :func:`alternative_title`); the whole title and '' where the field is no such pair (a slash inside
    one title, "A / B testing", two halves in one language or too short to tell, or halves that share fewer
    than two stems, as a technical title and its translation do: a series' name before its item's title,
    "Serie de informes técnicos / Evaluation of the ... programme", is no translation of it)."""
    if " / " not in title:
        return title, ""
    parts = title.split(" / ")
    if len(parts) != 2:
        return title, ""
    first, second = normalise_title(parts[0]), normalise_title(parts[1])
    la, lb = _language(first), _language(second)
    if min(len(first.split()), len(second.split())) < 4 or not (la and lb and la != lb):
        return title, ""
    if len(_stems(first) & _stems(second)) < 2:
        return title, ""
    return parts[0], second


def _name_words(names: list[str]) -> str:
    """The words of the first author's name ("Altenried, Moritz" -> "altenried moritz"), so a name
    whose order an export flipped ("Moritz, Altenried") is still recognised."""
    for name in names:
        folded = ascii_fold(name).strip()
        if folded and not folded.lower().startswith("et al") and not _NO_AUTHOR.match(folded):
            words = {_name_folded(w) for w in _NON_ALNUM.sub(" ", folded.lower()).split()}
            # a hyphenated name also as the one word its surname key makes of it ("Min-Jun" -> "minjun");
            # MEDLINE's initials run together ("Kim MJ") also one by one, where the name is not all capitals
            mixed = not folded.isupper()
            for token in folded.split():
                parts = _NON_ALNUM.sub(" ", token.lower()).split()
                if len(parts) > 1 and min(map(len, parts)) >= 2:
                    words.add("".join(map(_name_folded, parts)))
                if mixed and 2 <= len(token) <= 3 and token.isalpha() and token.isupper():
                    words.update(token.lower())
            return " ".join(sorted(words))
    return ""


# " and " or ";" between names; the spaces before "and" matched from the first of their run only: from each
# space of a long run, "\s+and" rescanned the rest of it (seconds on 50,000 spaces)
_AND = re.compile(r"(?<!\s)\s+and\s+|;")


# The words that make a name a body's: an "and" before them joins the body's words, not two people ("Food and
# Agriculture Organization of the United Nations", "Pollinator Monitoring and Research Partnership")
_ORGANISATION = re.compile(
    r"\b(?:organi[sz]ation|association|institute|ministry|partnership|council|agency|department|society"
    r"|university|centre|center|office|service|commission|federation|foundation|programme|nations|authority"
    r"|bureau|board)s?\b",
    re.IGNORECASE,
)


def _split_authors(authors: tuple[str, ...]) -> list[str]:
    if authors and authors[0][:1] == "{" and authors[-1][-1:] == "}":  # BibTeX's braces: a corporate name
        joined = " and ".join(a.strip() for a in authors)
        if joined.count("{") == 1:
            return [joined.strip("{} ")]
    out: list[str] = []
    for author in authors:
        out.extend(a for a in _AND.split(author) if a.strip())
    if _organisation_split(out):
        return [" and ".join(a.strip() for a in out)]
    if len(out) == 1 and "," in out[0]:
        return _initials_first(out[0]) or out
    return out


def _organisation_split(parts: list[str]) -> bool:
    """The parts are one organisation's name split at its "and": no comma in any (no "Surname, Given"), the
    last names a body and no other part does ("Food" + "Agriculture Organization of the United Nations";
    not "World Health Organization" + "UNICEF", two bodies), the others whole words, no initials."""
    if not 2 <= len(parts) <= 3 or sum(map(len, parts)) > 120 or any("," in p or ";" in p for p in parts):
        return False
    *first, last = parts
    return bool(
        _ORGANISATION.search(last)
        and not any(_ORGANISATION.search(p) for p in first)
        and all(len(w) >= 3 for p in first for w in p.split())
    )


# One name of Google Scholar's list: initials, then the surname ("MJ Kim", "É Dupont": any capital letter)
_INITIALS_FIRST = re.compile(r"([^\W\d_]{1,3}) +([^\s,][^,]*)")


def _initials_first(text: str) -> list[str]:
    """Authors in one field with commas between, each name with its initials in capitals: Google
    Scholar's, initials first and the list cut with "…" ("J Chen, MJ Kim, W Zhang…"), or PubMed's CSV,
    initials last ("Chen J, Kim MJ, Zhang W"), as "Surname, Initials" names ("Chen, J", "Kim, MJ");
    [] when the field is no such list ("Kaya, Emre" is one name). A list cut with "et al." (CENTRAL's,
    PubMed's past three names) is read up to it."""
    parts = [part.strip() for part in text.strip().rstrip("\u2026.").split(",")]
    cut = parts[-1].lower() == "et al"
    if cut:
        parts.pop()
    parts = _without_suffixes(parts)
    if len(parts) < 2 - cut:  # one name before "et al." is a list too
        return []
    names = [_INITIALS_FIRST.fullmatch(part) for part in parts]
    if all(name and name.group(1).isupper() for name in names):
        return [f"{name.group(2).rstrip()}, {name.group(1)}" for name in names if name]
    last = [part.rsplit(" ", 1) for part in parts]  # by hand: a lazy pattern rescans a run of spaces
    if all(len(n) == 2 and n[0].strip() and _initials_last(n[1]) for n in last):
        return [f"{n[0].strip()}, {n[1]}" for n in last]
    words = [part.split() for part in parts]
    surnames = [_capitalised_surname(name, least=2) for name in words]
    if all(i is not None for i in surnames) and any(_capitalised_surname(name) is not None for name in words):
        # "Yuki INOUE, Ryou GOTOH" (J-STAGE), "LIN Meng-meng, GUO Hui" (CNKI): the capitalised word is the surname
        return [f"{name[i]}, {' '.join(name[:i] + name[i + 1 :])}" for name, i in zip(words, surnames, strict=True)
                if i is not None]  # fmt: skip
    if (
        len(parts) >= 4
        and len(parts) % 2 == 0
        and all(
            _initials_last(given.replace(" ", "")) and not _initials_last(surname.replace(" ", ""))
            for surname, given in zip(parts[::2], parts[1::2], strict=True)
        )
    ):
        # "Lee, A., Kim, B." (a reference list's, some CSV exports'): surnames and initials in turn, one comma
        # between each; "Lee, A." alone is one name
        return [f"{surname}, {given}" for surname, given in zip(parts[::2], parts[1::2], strict=True)]
    if len(parts) >= 3 and all(_given_names_first(name) for name in words):
        # "Rachel Robinson, James Harrington, Laura Reyes" (a meeting's program, arXiv): whole names, given
        # names first; three or more, as "Garcia Lopez, Maria Jose" is one name written surname first. As
        # "Surname, Given": a short surname last ("Wen-Li Chu") would read as initials
        return [f"{name[-1]}, {' '.join(name[:-1])}" for name in words]
    return []


# A name's generational suffix or a degree after it ("Smith, J., Jr., MD", "Chen W Jr"): no author
# (not "Ma", "Do": surnames too)
_SUFFIXES = frozenset(
    ["jr", "sr", "ii", "iii", "iv", "md", "phd", "mph", "rn", "bsn", "msn", "msc", "bsc", "mba", "dphil",
     "frcp", "frcs", "facs", "dds", "dmd", "pharmd", "mbbs"]
)  # fmt: skip


def _without_suffixes(parts: list[str]) -> list[str]:
    """A list's parts without the suffixes and degrees after its names (see _SUFFIXES): a part that is
    one, where it follows a whole "Surname, Given" pair ("Smith, J., Jr., MD": an even count of parts
    kept so far; "Ivanov, IV" is Ivanov I. V.), and one ending a whole name of three or more words ("Smith
    JA Jr", "Chen W III"; "Ivanov IV" keeps its initials)."""
    kept: list[str] = []
    for part in parts:
        words = part.split()
        if kept and len(kept) % 2 == 0 and _suffix(part):
            continue
        if len(words) >= 3 and _suffix(words[-1]):
            part = " ".join(words[:-1])
        kept.append(part)
    return kept


def _suffix(word: str) -> bool:
    return word.replace(".", "").lower() in _SUFFIXES


def _two_whole_names(text: str) -> list[str]:
    """Two whole names with one comma between and nothing else ("Ann Lee, Bo Kim": an arXiv or program list
    of two), as "Surname, Given" names; [] where the field cannot be such a pair. The same field may be one
    name written surname first ("Garcia Lopez, Maria Jose", "Castro Filho, Rafael Augusto"): nothing in the
    field tells which, so the record keeps both readings and the other record's authors choose."""
    parts = [part.split() for part in text.split(",")]
    if len(parts) != 2 or not all(_given_names_first(name) for name in parts):
        return []
    return [f"{name[-1]}, {' '.join(name[:-1])}" for name in parts]


def _given_names_first(words: list[str]) -> bool:
    """A person's whole name of two to four capitalised words (initials among them), the last a surname,
    not in capitals nor initials: "Anil K. Gupta", "Jessica Côté", "Brendan McAllister"."""
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and not words[-1].isupper()
        and not _initials_last(words[-1])
    )


def _initials_last(word: str) -> bool:
    """One to three capital initials, run together or with dots and hyphens: PubMed's "MJ", Embase's and
    Scopus's "M.-J." or "Ş." (any alphabet's capitals)."""
    letters = word.replace(".", "").replace("-", "")
    return 1 <= len(letters) <= 3 and letters.isalpha() and letters.isupper()


def _content_words(title: str) -> set[str]:
    return {w for w in title.split() if len(w) > 3 and w not in _STOP}
