"""Fuzzy duplicate linking: normalise, block, compare with rapidfuzz, guard, cluster.

Never all pairs: candidate pairs come from blocking keys (DOI, title prefix, rare title words,
title word initials, first author + year, year + first page). A pair is linked only when the titles agree closely and
nothing keeps the records apart; guards keep distinct things apart however similar the titles
are: different DOIs, years more than one apart, different first pages or volumes, an erratum /
comment / reply / retraction / protocol against the article, different numbers in the titles
(parts of a series, phases), a conference abstract against a full paper (those go to "maybe").
A place identifies an item where titles cannot: one correction notice that only one database labels
"Erratum:" (same volume, issue and pages), or a translated title at the same year, volume and
multi-page span by the same first author.
Near misses go to a "maybe" queue for a human; nothing there is linked. Clusters never join two
different DOIs, even transitively; the most complete record represents each cluster.

A DOI is evidence, not proof: supplements and abstract books give one DOI to hundreds of abstracts.
An equal DOI links only when the content agrees (titles compatible, no conflicting first page or
first author). Equal DOIs with clearly different content are a *shared DOI*: kept apart, even through
a chain, and listed; unclear ones go to the maybe queue (and are kept apart from chains too).
Generic or recurring titles ("Editor's Comments", errata, "In this issue"; a list kept as data plus
titles that recur in one journal at different places) link only when volume, issue and pages agree.
Rules that trust the place (pages, volume) never fire between supplement or conference abstracts
whose titles differ in content words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from litreview.dedup.normalize import (
    normalize_accession,
    normalize_doi,
    normalize_nct,
    normalize_pmcid,
    normalize_pmid,
)
from litreview.dedup.representative import DUPLICATE, merit, rank
from litreview.records import SAME, Citation, Link, Record, Trial

_TAGS = re.compile(r"<[^>]+>")
_BRACKETED = re.compile(r"\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*\]")
_TRAILING_BRACKETS = re.compile(r"\s*[\[(][^\])]*[\])]\s*\.?\s*$")
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "λ": "lambda", "μ": "mu",
          "ω": "omega", "τ": "tau", "ε": "epsilon"}  # fmt: skip
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# What a record is, when its title says so (read after removing bracketed notes such as
# "[Erratum appears in ...]", which describe the article rather than make it an erratum).
_KINDS = {
    "erratum": r"^\W*(?:errat\w*|corrigend\w*|correction)\b",
    "comment": r"^\W*(?:comment\w*|reply|response|re:|letter)\b|\bletter to the editor\b|\bauthors?'?s? reply\b|\bin reply\b",
    "retraction": r"^\W*(?:retract\w*|withdrawn)\b",
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Maybe:
    a: str
    b: str
    score: float
    reason: str


def _load_generic_titles() -> frozenset[str]:
    text = resources.files("litreview").joinpath("data/generic_titles.txt").read_text("utf-8")
    return frozenset(
        normalise_title(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def ascii_fold(text: str) -> str:
    text = "".join(_GREEK.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def normalise_title(title: str) -> str:
    text = _TAGS.sub(" ", title or "").strip()
    if text.startswith("[") and "]" in text:  # a translated title: "[The role of ...]. [Polish]"
        text = text[1:].replace("]", " ", 1)
    without_notes = _BRACKETED.sub(" ", text)  # "[Review]", "[33 refs]", "[Erratum appears in ...]"
    without_notes = re.sub(r"\[[^\]]*$", " ", without_notes)  # a note cut off by the export
    if len(without_notes.strip()) > 20:
        text = without_notes
    while _TRAILING_BRACKETS.search(text) and len(_TRAILING_BRACKETS.sub("", text)) > 20:
        text = _TRAILING_BRACKETS.sub("", text)  # "(author's transl)"
    return " ".join(_NON_ALNUM.sub(" ", ascii_fold(text).lower()).split())


def normalise_authors(authors: Iterable[str]) -> tuple[str, ...]:
    out = []
    for author in authors:
        author = ascii_fold(author).strip()
        if not author or author.lower().startswith("et al"):
            continue
        last = (
            author.split(",")[0]
            if "," in author
            else author.split()[0]
            if len(author.split()) > 1 and len(author.split()[-1]) <= 3
            else author.split()[-1]
        )
        key = _NON_ALNUM.sub("", last.lower())
        if key:
            out.append(key)
    return tuple(out)  # fmt: skip


def normalise_journal(journal: str) -> tuple[str, ...]:
    return tuple(t for t in _NON_ALNUM.sub(" ", ascii_fold(journal).lower()).split() if t not in _STOP)


GENERIC_TITLES = _load_generic_titles()


def page_range(pages: str) -> tuple[str, str]:
    """(first page, last page) as digit strings; '' where an export mangled them ("Suppl-29",
    "t-8"). Electronic locators ("e12724") keep their letter so they never compare with pages."""
    text = (pages or "").strip().lower()
    if not text:
        return "", ""
    if re.fullmatch(r"[a-z]\d+", text) and not text.startswith("s"):  # e-locators, article numbers
        return text, text
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
    must end alike (abbreviated ranges)."""
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


def prepare(record: Record) -> Prepared:
    title = record.title or ""
    if isinstance(record, Citation):
        authors = normalise_authors(_split_authors(record.authors))
        journal = normalise_journal(record.journal or record.journal_abbrev)
        doi = normalize_doi(record.doi)
        volume = (re.search(r"\d+", record.volume) or [""])[0]  # "35 (Pt 1)", "10 Suppl 2": 35, 10
        issue = re.sub(r"[\s.]", "", record.issue.lower())
        conference = record.record_type == "conference-abstract"
    else:
        authors, journal, doi, volume, issue, conference = (), (), "", "", "", False
    norm = normalise_title(title)
    bare = re.sub(r"\[[^\]]*(?:\]|$)", " ", _TAGS.sub(" ", title))
    kinds = frozenset(k for k, pattern in _KINDS.items() if re.search(pattern, bare, re.IGNORECASE))
    # digit runs wherever they stand ("HPV16" = "HPV 16"), thousands joined ("10 000" = "10000")
    numbers = frozenset(re.findall(r"\d+", re.sub(r"(\d)[ ,](\d{3})\b", r"\1\2", norm)))
    span = page_range(record.pages) if isinstance(record, Citation) else ("", "")
    locator = (
        re.split(r"\s*[-–]\s*", record.pages.strip().lower(), maxsplit=1)[0]
        if isinstance(record, Citation)
        else ""
    )
    # An abstract among many in one supplement: numbered "A128" / "S417" / "P-12" (not e-locators), or a
    # single page of a supplement issue. A supplement *article* (a page span) is identified by its place.
    in_supplement = "suppl" in issue or (isinstance(record, Citation) and "suppl" in record.volume.lower())
    supplement = (
        conference or bool(re.match(r"[a-df-z]-?\d", locator)) or (in_supplement and span[0] == span[1])
    )
    return Prepared(record.record_id, norm, kinds, numbers, doi, record.year, span, volume, issue, authors,
                    journal, conference, merit(record), supplement, locator)  # fmt: skip


def _split_authors(authors: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for author in authors:
        out.extend(a for a in re.split(r"\s+and\s+|;", author) if a.strip())
    return out


def blocking_keys(p: Prepared) -> list[tuple[str, str]]:
    keys = []
    if p.doi:
        keys.append(("doi", p.doi))
    words = p.title.split()
    if len(p.title) >= 12:
        keys.append(("title", p.title.replace(" ", "")[:24]))
        rare = sorted((w for w in words if len(w) > 3 and w not in _STOP), key=lambda w: (-len(w), w))[:3]
        if len(rare) >= 2:
            keys.append(("words", " ".join(sorted(rare))))
    if len(words) >= 6:  # word initials survive typos inside words ("eculizamab" / "eculizumab")
        keys.append(("initials", "".join(w[0] for w in words[:12])))
    if p.authors and p.year:
        keys.append(("author-year", f"{p.authors[0]}|{p.year}"))
    if p.pages[0] and p.year:
        keys.append(("year-page", f"{p.year}|{p.pages[0]}"))
    return keys


def guard(a: Prepared, b: Prepared) -> str:
    """Why two records must stay apart ('' when nothing keeps them apart)."""
    if a.doi and b.doi and a.doi != b.doi:
        return "different DOIs"
    if a.year and b.year and abs(a.year - b.year) > 1:
        return "years more than one apart"
    if pages_conflict(a.pages, b.pages):
        return "different pages"
    if a.volume and b.volume and a.volume != b.volume:
        return "different volumes"
    if a.title_raw_kind != b.title_raw_kind and not _one_notice(a, b):
        return _KIND_GUARD
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return "different numbers in the titles (series parts, phases, years)"
    return ""


def _journal_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether one journal name abbreviates the other: each word of the shorter name starts like a
    word of the longer one, in order ("mol immunol" ~ "molecular immunology")."""
    if not a or not b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    position = 0
    for word in short:
        while position < len(long) and not _abbreviates(word, long[position]):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


def _abbreviates(x: str, y: str) -> bool:
    k = min(len(x), len(y), 4)
    return x[:k] == y[:k] and (x.startswith(y) or y.startswith(x) or x[0] == y[0])


def _content_words(title: str) -> set[str]:
    return {w for w in title.split() if len(w) > 3 and w not in _STOP}


def _first_authors_differ(a: Prepared, b: Prepared) -> bool:
    return bool(a.authors and b.authors and not _authors_agree(a.authors, b.authors))


def compare_same_doi(a: Prepared, b: Prepared) -> tuple[str, float, str]:
    """Two records with one DOI: 'duplicate' when the content agrees, SHARED_DOI when it clearly
    differs (kept apart), else 'maybe'."""
    checks = (
        ("first pages differ", pages_conflict(a.pages, b.pages)),
        ("first authors differ", _first_authors_differ(a, b)),
        ("volumes differ", bool(a.volume and b.volume and a.volume != b.volume)),
        ("years more than one apart", bool(a.year and b.year and abs(a.year - b.year) > 1)),
    )
    conflict = ", ".join(what for what, yes in checks if yes)
    if not a.title or not b.title:
        if conflict:
            return "maybe", 1.0, f"same DOI, a title is missing, {conflict}"
        return "duplicate", 1.0, "exact-doi"
    score = fuzz.ratio(a.title, b.title) / 100
    short, long = sorted((a.title, b.title), key=len)
    # one title cut short or with a subtitle added, not a short title found inside a long one
    contained = len(short) >= 20 and len(short) >= 0.5 * len(long) and fuzz.partial_ratio(short, long) >= 95
    if contained or (score >= 0.6 and not _content_words_differ(a.title, b.title)):
        if conflict:
            return "maybe", score, f"same DOI and title, but {conflict}"
        return "duplicate", 1.0, "exact-doi"
    disjoint = not (_content_words(a.title) & _content_words(b.title))
    if conflict or (disjoint and not _same_place_and_author(a, b)):
        return SHARED_DOI, score, f"shared DOI: titles differ{', ' + conflict if conflict else ''}"
    return "maybe", score, "same DOI, titles differ (a translation or another item?)"


def _same_place_and_author(a: Prepared, b: Prepared) -> bool:
    return bool(
        a.pages[0] and a.pages[0] == b.pages[0] and a.authors and b.authors and a.authors[0] == b.authors[0]
    )


def compare_generic(a: Prepared, b: Prepared, score: float) -> tuple[str, float, str]:
    """A generic or recurring title identifies nothing: the place must (same volume and first page,
    same issue where both have one); otherwise a reviewer decides."""
    issue_ok = not a.issue or not b.issue or a.issue == b.issue
    if a.title == b.title or score >= 0.95:
        if a.volume and a.volume == b.volume and a.pages[0] and a.pages[0] == b.pages[0] and issue_ok:
            return "duplicate", score, "generic-title+volume+issue+pages"
        return "maybe", score, "generic or recurring title; volume, issue or pages missing or different"
    return "", score, "titles differ"


def compare(
    a: Prepared, b: Prepared, generic: frozenset[str] | set[str] = frozenset()
) -> tuple[str, float, str]:
    """('duplicate' | 'maybe' | SHARED_DOI | '', score, rule or reason). ``generic``: titles that
    identify no item (see compare_generic)."""
    if a.doi and a.doi == b.doi:
        return compare_same_doi(a, b)
    reason = guard(a, b)
    if reason:
        if (
            reason in ("different pages", _KIND_GUARD)
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
    if not a.title or not b.title:
        return "", 0.0, "a title is missing"
    score = fuzz.ratio(a.title, b.title) / 100
    if a.title in GENERIC_TITLES or b.title in GENERIC_TITLES or a.title in generic or b.title in generic:
        return compare_generic(a, b, score)
    # pages and volumes identify an article, not an abstract among hundreds in one supplement
    place_ok = not ((a.supplement or b.supplement) and _content_words_differ(a.title, b.title))
    if (
        score >= 0.75
        and not a.supplement
        and not b.supplement
        and _one_article_place(a, b)
        and a.authors
        and b.authors
        and a.authors[0] == b.authors[0]
        and _journal_compatible(a.journal, b.journal)
    ):
        return "duplicate", score, "same-place+author"  # a translated or reworded title
    if score < 0.80:
        if place_ok and _contained_with_same_bibliography(a, b):
            return "duplicate", score, "title-contained+pages+volume"
        return "", score, "titles differ"
    authors_ok = not a.authors or not b.authors or _authors_agree(a.authors, b.authors)
    journal_ok = _journal_compatible(a.journal, b.journal)
    same_year = a.year is None or b.year is None or a.year == b.year
    same_pages = bool(a.pages[0] and a.pages[0] == b.pages[0])
    same_volume = bool(a.volume and a.volume == b.volume)
    same_author = bool(a.authors and b.authors and a.authors[0] == b.authors[0])
    support = same_pages + same_volume + same_author + bool(a.year and a.year == b.year)
    if a.conference != b.conference:
        return (
            ("maybe", score, "conference abstract and full paper")
            if score >= 0.9
            else ("", score, "titles differ")
        )
    if score >= 0.95 and not _content_words_differ(a.title, b.title):
        if authors_ok and journal_ok and (same_year or support >= 3):
            return "duplicate", score, "fuzzy-title"
        if same_pages and same_volume and same_year and journal_ok:  # author names written differently
            return "duplicate", score, "fuzzy-title+pages+volume"
        if score >= 0.98 and authors_ok and journal_ok and same_volume:  # year off by one, no pages
            return "duplicate", score, "fuzzy-title+volume"
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
    return "maybe", score, "similar titles, too little agreement to link"


def _contained_with_same_bibliography(a: Prepared, b: Prepared) -> bool:
    """A title with a prefix or suffix added ("MEDICAL PROGRESS ...", "... N Engl J Med. 2009;360:544"),
    in the same journal and year, same volume, on the same pages."""
    same = (
        a.pages[0]
        and a.pages[0] == b.pages[0]
        and a.volume
        and a.volume == b.volume
        and a.year
        and a.year == b.year
    )
    return bool(same and min(len(a.title), len(b.title)) >= 25 and _journal_compatible(a.journal, b.journal)
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
    """One correction notice that only one database labels "Erratum:": both records sit in the same
    year, volume and issue on the same pages, where an article and its later correction never can."""
    return bool(
        a.title_raw_kind ^ b.title_raw_kind == {"erratum"}
        and a.issue
        and a.issue == b.issue
        and _same_place(a, b)
    )


def _one_article_place(a: Prepared, b: Prepared) -> bool:
    """Same year, volume and multi-page span (an article's own span, not a whole supplement's):
    the place identifies the article even when its title was translated or reworded."""
    first, last = a.pages
    return (
        not a.conference
        and not b.conference
        and first.isdigit()
        and last.isdigit()
        and 0 < int(last) - int(first) <= 50
        and _same_place(a, b)
    )


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


def _authors_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if Levenshtein.normalized_similarity(a[0], b[0]) >= 0.8:
        return True
    shared = set(a) & set(b)
    return len(shared) >= max(1, min(len(a), len(b)) // 2)


class Linkage(NamedTuple):
    links: list[Link]  # duplicate -> representative
    maybes: list[Maybe]  # pairs a reviewer must settle
    shared_doi: list[Maybe]  # records that share a DOI but are different items (one pair a record)


def recurring_titles(prepared: Iterable[Prepared]) -> set[str]:
    """Titles that recur in one journal at different places (a column, a notice), or on so many
    records that they cannot name one item."""
    by_title: dict[str, list[Prepared]] = defaultdict(list)
    for p in prepared:
        if p.title:
            by_title[p.title].append(p)
    out = set()
    for title, group in by_title.items():
        if len(group) > RECURRING_CAP:
            out.add(title)
            continue
        places: list[Prepared] = []  # one record for each place the title is known to stand at
        for p in group:
            if all(_other_place(p, q) or not _journal_compatible(p.journal, q.journal) for q in places):
                places.append(p)
        # two places are often one article with a slip in one database (or an abstract and its
        # paper, which the rules already ask about); a short title at two places, or any at three, recurs
        if len(places) >= 3 or (len(places) == 2 and len(title.split()) <= 4):
            out.add(title)
    return out


def _other_place(a: Prepared, b: Prepared) -> bool:
    """Known to stand elsewhere: another year, volume or first page (issue fields are too often
    something else in exports, a running number, to say so)."""
    return bool((a.year and b.year and a.year != b.year) or (a.volume and b.volume and a.volume != b.volume)
                or pages_conflict(a.pages, b.pages))  # fmt: skip


# A DOI block larger than BLOCK_CAP (one DOI on a whole abstract book) is compared in a window
# of this many neighbours in title order: its cost grows linearly, not with the square.
DOI_WINDOW = 50
Progress = Callable[[int, int], None]  # (blocks done, blocks in all)


def link_fuzzy(records: Iterable[Record], preferred: set[str] | frozenset[str] = frozenset(),
               verdicts: Mapping[tuple[str, str], str] | None = None,
               progress: Progress | None = None) -> Linkage:  # fmt: skip
    """Duplicate links (including exact DOI/PMID/NCT ones), the 'maybe' pairs and the shared-DOI
    pairs, for any records.

    ``verdicts`` are a reviewer's word on pairs (sorted ids -> "same" | "distinct") and overrule
    every rule: a "same" pair is linked (even across DOIs: a preprint and its paper), a "distinct"
    pair never ends up in one cluster, not even through a chain, and a decided pair is no "maybe".

    Records identical after normalisation are grouped by hashing first: the rules see only what
    is normalised, so one comparison decides for a whole group and every pair of groups is
    compared once, whatever the number of copies (an export repeated 2,000 times costs one)."""
    prepared: dict[str, Prepared] = {}
    ids_by_exact: dict[tuple[str, str], list[str]] = defaultdict(list)
    copies: dict[Prepared, list[str]] = defaultdict(list)  # normalised content -> ids bearing it
    for record in records:
        p = prepare(record)
        prepared[record.record_id] = p
        copies[replace(p, record_id="", merit=(0, 0))].append(record.record_id)
        for key in _exact_keys(record):
            ids_by_exact[key].append(record.record_id)
    for ids in copies.values():
        ids.sort()  # the first of a group is the same whatever the input order
    distinct = [ids[0] for ids in copies.values()]  # one record for each normalised content
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record_id in distinct:
        for key in blocking_keys(prepared[record_id]):
            blocks[key].append(record_id)
    generic = recurring_titles(prepared[i] for i in distinct)
    pairs: dict[tuple[str, str], tuple[str, float, str]] = {}
    for key, ids in ids_by_exact.items():  # PMID / NCT ids: identity, unless DOIs disagree
        for other in ids[1:]:
            pair = tuple(sorted((ids[0], other)))
            a, b = prepared[pair[0]], prepared[pair[1]]
            if not (a.doi and b.doi and a.doi != b.doi):
                pairs[pair] = ("duplicate", 1.0, f"exact-{key[0]}")  # type: ignore[index]
    apart_copies = []  # groups of copies the rules do not link (identical notices)
    for ids in copies.values():  # copies: what the rules say of two records with this content
        if len(ids) > 1 and blocking_keys(prepared[ids[0]]):  # two records sharing no key are never compared
            result = compare(prepared[ids[0]], prepared[ids[1]], generic)
            if result[0] != "duplicate":
                apart_copies.append(ids)
            if result[0]:
                for other in ids[1:]:
                    pair = (ids[0], other) if ids[0] < other else (other, ids[0])
                    pairs.setdefault(pair, result)
    for done, (key, ids) in enumerate(blocks.items(), start=1):
        if progress is not None and (done % 1000 == 0 or done == len(blocks)):
            progress(done, len(blocks))
        if len(ids) < 2 or (len(ids) > BLOCK_CAP and key[0] != "doi"):
            continue
        if len(ids) > BLOCK_CAP:
            ids = sorted(ids, key=lambda i: prepared[i].title)
        window = DOI_WINDOW if len(ids) > BLOCK_CAP else len(ids)
        for i, first in enumerate(ids):
            for second in ids[i + 1 : i + 1 + window]:
                pair = (first, second) if first < second else (second, first)
                if pair not in pairs:  # only links and maybes are kept: memory stays linear
                    result = compare(prepared[pair[0]], prepared[pair[1]], generic)
                    if result[0]:
                        pairs[pair] = result
    pairs = _spread_to_copies(pairs, apart_copies)
    # A DOI the data shows on different items identifies nothing: a record without a title cannot
    # be linked by that DOI alone.
    shared_dois = {prepared[pair[0]].doi for pair, value in pairs.items() if value[0] == SHARED_DOI}
    for pair, (_kind, score, rule) in list(pairs.items()):
        a, b = prepared[pair[0]], prepared[pair[1]]
        if rule == "exact-doi" and a.doi in shared_dois and not (a.title and b.title):
            pairs[pair] = ("maybe", score, "same DOI, a title is missing, and this DOI is on different items")
    apart: dict[str, set[str]] = defaultdict(set)  # never in one cluster, not even through a chain
    reviewed: set[frozenset[str]] = set()  # the apart pairs a reviewer called distinct
    for decided, verdict in (verdicts or {}).items():
        if decided[0] in prepared and decided[1] in prepared:
            pairs.pop(decided, None)
            if verdict == SAME:
                pairs[decided] = ("duplicate", 1.0, HUMAN)
            else:
                apart[decided[0]].add(decided[1])
                apart[decided[1]].add(decided[0])
                reviewed.add(frozenset(decided))
    shared: dict[str, tuple[str, float, str]] = {}
    for (ida, idb), (kind, score, reason) in pairs.items():
        # one DOI that did not link by itself must not link through a chain either
        if kind != "duplicate" and prepared[ida].doi and prepared[ida].doi == prepared[idb].doi:
            apart[ida].add(idb)
            apart[idb].add(ida)
            if kind == SHARED_DOI:
                for x, y in ((ida, idb), (idb, ida)):
                    if x not in shared or y < shared[x][0]:
                        shared[x] = (y, score, reason)
    shared_pairs = sorted({(min(x, y), max(x, y)): Maybe(min(x, y), max(x, y), round(s, 4), r)
                           for x, (y, s, r) in shared.items()}.values(), key=lambda m: (m.a, m.b))  # fmt: skip
    linkable = {pair: value for pair, value in pairs.items() if value[0] != SHARED_DOI}
    links, maybes = _cluster(prepared, linkable, preferred, apart, reviewed)
    return Linkage(links, maybes, shared_pairs)


def _spread_to_copies(pairs: dict[tuple[str, str], tuple[str, float, str]],
                      apart_copies: list[list[str]]) -> dict[tuple[str, str], tuple[str, float, str]]:  # fmt: skip
    """Copies the rules do not link to their group's first record (two identical "Editorial"
    notices) are items of their own: each gets what its first has with other groups."""
    if not apart_copies:
        return pairs
    first_of = {ids[0]: ids[1:] for ids in apart_copies}
    out = dict(pairs)
    for (a, b), value in pairs.items():
        for x, y in ((a, b), (b, a)):
            for copy in first_of.get(x, ()):
                if copy != y:
                    out.setdefault((copy, y) if copy < y else (y, copy), value)
    return out


def _exact_keys(record: Record) -> list[tuple[str, str]]:
    if isinstance(record, Trial):
        nct = normalize_nct(record.nct_id)
        return [("nct", nct)] if nct else []
    keys = [
        ("pmid", normalize_pmid(record.pmid)),
        ("pmcid", normalize_pmcid(record.pmcid)),
        ("accession", normalize_accession(record.accession, record.source)),
    ]
    return [(kind, value) for kind, value in keys if value]


def _cluster(prepared: dict[str, Prepared], pairs: dict[tuple[str, str], tuple[str, float, str]],
             preferred: set[str] | frozenset[str], apart: Mapping[str, set[str]],
             reviewed: set[frozenset[str]]) -> tuple[list[Link], list[Maybe]]:  # fmt: skip
    parent = {i: i for i in prepared}
    dois: dict[str, set[str]] = {i: ({p.doi} if p.doi else set()) for i, p in prepared.items()}
    cluster: dict[str, list[str]] = {}  # root -> members, only for clusters holding a kept-apart record
    for i in apart:
        cluster[i] = [i]

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = sorted(((s, r, pair) for pair, (kind, s, r) in pairs.items() if kind == "duplicate"),
                   key=lambda e: (e[1] != HUMAN, -e[0], e[2]))  # a reviewer's links, then strongest first  # fmt: skip
    accepted: dict[tuple[str, str], tuple[float, str]] = {}
    maybes = [
        Maybe(a, b, round(s, 4), r) for (a, b), (kind, s, r) in sorted(pairs.items()) if kind == "maybe"
    ]
    for score, rule, (a, b) in edges:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if ra in cluster and rb in cluster:
            small, other = (ra, rb) if len(cluster[ra]) <= len(cluster[rb]) else (rb, ra)
            blocked = [(x, y) for x in cluster[small] for y in apart.get(x, ()) if find(y) == other]
            if blocked:
                # a reviewer said distinct (silently kept), or one DOI that did not link (a reviewer decides)
                if rule != HUMAN and not all(frozenset(pair) in reviewed for pair in blocked):
                    maybes.append(Maybe(a, b, round(score, 4), "linking would join records that share a "
                                        "DOI but not their content"))  # fmt: skip
                continue
        if rule != HUMAN and len(dois[ra] | dois[rb]) > 1:  # would join two DOIs: ask a human instead
            maybes.append(Maybe(a, b, round(score, 4), "linking would join records with different DOIs"))
            continue
        root, gone = min(ra, rb), max(ra, rb)
        parent[gone] = root
        dois[root] = dois[ra] | dois[rb]
        if gone in cluster or root in cluster:
            cluster[root] = cluster.get(root, [root]) + cluster.pop(gone, [gone])
        accepted[(a, b)] = (score, rule)
    members: dict[str, list[str]] = defaultdict(list)
    for record_id in prepared:
        members[find(record_id)].append(record_id)
    best_rule: dict[str, tuple[float, str]] = {}
    for (a, b), value in accepted.items():
        for x in (a, b):
            if x not in best_rule or value[0] > best_rule[x][0]:
                best_rule[x] = value
    links = []
    for group in members.values():
        if len(group) < 2:
            continue
        rep = max(group, key=lambda i: rank(i in preferred, prepared[i].merit, i))
        for member in group:
            if member != rep:
                score, rule = best_rule.get(member, (1.0, "transitive"))
                links.append(Link(member, rep, DUPLICATE, rule, round(score, 4)))
    return sorted(links, key=lambda link: link.record_id), maybes


def link_registrations(records: Sequence[Record]) -> list[Link]:
    """Publication → trial links by NCT id (PubMed DataBank, secondary ids, abstract text)."""
    trials = {normalize_nct(r.nct_id): r.record_id for r in records if isinstance(r, Trial)}
    links = []
    for record in records:
        if isinstance(record, Citation):
            for nct in record.nct_ids:
                trial = trials.get(normalize_nct(nct))
                if trial:
                    links.append(Link(record.record_id, trial, REGISTRATION, "nct-id", 1.0))
    return links
