"""Records made comparable for fuzzy linking (titles, authors, journals, pages, kinds normalised),
and the link kinds and limits the linking shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from litreview.dedup.normalize import (
    normalize_doi,
)
from litreview.dedup.representative import merit
from litreview.records import Citation, Record

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


def _content_words(title: str) -> set[str]:
    return {w for w in title.split() if len(w) > 3 and w not in _STOP}
