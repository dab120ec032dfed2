"""CSV exports → Citation, streamed: ASReview-style (title, abstract, authors, keywords, doi, ...)
and bib-dedupe-style (ID, title, year, author, pages, volume, number, ENTRYTYPE, journal, ...).

Column names are matched case-insensitively through aliases. Real exports hold rows with authors
and pages but no title, or only an issue number: they are kept (a dropped row is a lost study);
only a row with no bibliographic field at all is an error.
Errors name the file and the CSV line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from litreview.errors import RecordParseError
from litreview.records import Citation, Provenance, compose_record_id
from litreview.sources.common import (
    SHORT_ROW,
    csv_reader,
    find_doi,
    find_ncts,
    find_year,
    malformed_csv,
    not_utf8,
    open_text,
    record_type_of,
    short_row,
    unique_ids,
)

# the names exports give each field, compared as column_key() makes them ("Accession Number" =
# "accession_number"): ASReview, bib-dedupe, Zotero, EndNote, Covidence, Scopus's CSV and Web of
# Science's tab-delimited export (field tags); the first a header holds wins
ALIASES = {
    "id": ("id", "record_id", "recordid", "key", "covidence"),
    "title": ("title", "primary_title", "article_title", "ti"),
    "abstract": ("abstract", "abstract_note", "ab"),
    "authors": ("authors", "author", "au", "first_authors"),
    "year": ("year", "publication_year", "published_year", "py", "date"),
    "journal": (
        "journal",
        "secondary_title",
        "journal_name",
        "source_title",
        "publication_title",
        "source",
        "so",
    ),
    "doi": ("doi", "di"),
    "pmid": ("pmid", "pubmed_id", "pubmedid", "pm"),
    "pmcid": ("pmcid", "pmc", "pmc_id"),
    "accession": ("accession", "accession_number", "an", "ut", "ut_unique_wos_id", "eid", "embase_id"),
    "volume": ("volume", "vl"),
    "issue": ("number", "issue", "is"),
    "pages": ("pages", "pg"),
    "page_start": ("page_start", "start_page", "bp"),
    "page_end": ("page_end", "end_page", "ep"),
    "keywords": ("keywords", "author_keywords", "manual_tags", "kw", "de"),
    "type": ("entrytype", "type_of_reference", "reference_type", "item_type", "document_type", "type", "dt"),
    "language": ("language", "language_of_original_document", "la"),
    "extra": ("extra",),  # Zotero's: "PMID: 28463756" and the like
}
_EXTRA_PMID = re.compile(r"\bPMID:\s*(\d+)")
_SPLIT_AUTHORS = re.compile(r"\s*;\s*|\s+and\s+")  # "A; B" (Scopus, Zotero, ASReview), "A and B" (bibtex)
# Scopus before 2023: "Walter T., Tougeron D.-P.": only when every part is a name and its initials, so
# "Wright Jr., T C" and "Smith, J. W., 2nd" (bibtex) stay one author
_INITIALLED = re.compile(r"[^,;]+?\s(?:[A-Z][a-z]?\.-?\s?)+")
csv.field_size_limit(10_000_000)  # abstracts can be long


def load_csv(path: Path | str, *, source: str = "csv", run_id: str = "") -> Iterator[Citation]:
    path = Path(path)
    with open_text(path, newline="") as handle:
        yield from unique_ids(_rows(handle, source, run_id, str(path)))


def _rows(handle, source: str, run_id: str, payload: str) -> Iterator[Citation]:
    try:
        reader = csv_reader(handle)
        header = reader.fieldnames or []
    except UnicodeDecodeError as exc:
        raise not_utf8(payload, 1) from exc
    except csv.Error as exc:
        raise RecordParseError(f"unreadable CSV header: {exc}", path=payload, line=1) from exc
    columns = columns_of(list(header))
    if "title" not in columns and "doi" not in columns:
        raise RecordParseError(
            f"no title or doi column (found: {', '.join(header) or 'nothing'})", path=payload, line=1
        )
    if not {"id", "pmid", "accession", "doi"} & set(columns):
        # invented ids could not be traced back to the user's rows, nor survive an edited export
        raise RecordParseError(
            "no record id column (one of: " + ", ".join(ALIASES["id"] + ALIASES["pmid"] + ALIASES["accession"] + ALIASES["doi"])
            + f"; found: {', '.join(header) or 'nothing'}): add one so every record can be traced back",
            path=payload, line=1,
        )  # fmt: skip
    index = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except UnicodeDecodeError as exc:
            raise not_utf8(payload, reader.line_num + 1) from exc
        except csv.Error as exc:
            raise malformed_csv(reader, exc, payload) from exc
        index += 1
        if None in row:
            raise RecordParseError("row has more fields than the header", path=payload, index=index,
                                   line=reader.line_num)  # fmt: skip
        if short_row(reader, row):
            raise RecordParseError(SHORT_ROW, path=payload, index=index, line=reader.line_num)
        yield citation_from_row(row, columns, source, run_id, payload, index, reader.line_num)
    if index == 0:
        raise RecordParseError("no rows below the header", path=payload, line=2)


def split_authors(text: str) -> tuple[str, ...]:
    authors = tuple(a.strip() for a in _SPLIT_AUTHORS.split(text) if a.strip())
    if len(authors) == 1:
        initialled = tuple(a.strip() for a in re.split(r"(?<=\.),\s+", text))
        if len(initialled) > 1 and all(_INITIALLED.fullmatch(a) for a in initialled):
            return initialled
    return authors


def pmid_in(extra: str) -> str:
    """The PMID a free-text field such as Zotero's "Extra" names ("PMID: 28463756"), or ""."""
    found = _EXTRA_PMID.search(extra)
    return found.group(1) if found else ""


def column_key(name: str) -> str:
    """A column name as aliases are written: lower case, any run of other characters one "_"."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def columns_of(header: list[str]) -> dict[str, str]:
    """The record fields a CSV header holds, by the names exports give them: field -> column."""
    lowered = {column_key(h): h for h in header if h}
    if {"pt", "ut"} <= lowered.keys():  # Web of Science's field tags: ID there is Keywords Plus, not an id
        lowered.pop("id", None)
    out = {}
    for name, aliases in ALIASES.items():
        for alias in aliases:
            if alias in lowered:
                out[name] = lowered[alias]
                break
    return out


def citation_from_row(row, columns, source, run_id, payload, index, line) -> Citation:
    get = lambda name: " ".join((row.get(columns[name]) or "").split()) if name in columns else ""  # noqa: E731
    title, doi = get("title"), find_doi(get("doi"))
    if not any(get(name) for name in columns if name not in ("id", "type", "extra")):
        raise RecordParseError(
            "row has an id at most: no bibliographic field", path=payload, index=index, line=line
        )
    authors = split_authors(get("authors"))
    year_text = get("year")
    native = get("id") or get("pmid") or get("accession") or doi
    if not native:
        raise RecordParseError(
            "row has no record id (nor a DOI to use as one)", path=payload, index=index, line=line
        )
    kind = get("type").lower()
    abstract = get("abstract")
    return Citation(
        record_id=compose_record_id(source, native),
        source=source,
        native_id=native,
        title=title,
        abstract=abstract,
        authors=authors,
        journal=get("journal"),
        year=find_year(year_text),
        volume=get("volume"),
        issue=get("issue"),
        pages=get("pages") or "-".join(p for p in (get("page_start"), get("page_end")) if p),
        doi=doi,
        pmid=re.sub(r"\D", "", get("pmid") or pmid_in(get("extra"))),
        pmcid=get("pmcid"),
        accession=get("accession"),
        nct_ids=find_ncts(title, abstract),
        keywords=tuple(k.strip() for k in re.split(r";|,", get("keywords")) if k.strip()),
        language=get("language"),
        record_type=record_type_of(kind),
        provenance=Provenance(source=source, native_id=native, run_id=run_id, payload=payload, index=index),
    )
