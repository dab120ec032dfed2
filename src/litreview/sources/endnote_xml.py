"""EndNote XML exports (``<xml><records><record>…``) → Citation, streamed with the safe reader."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from litreview.errors import RecordParseError
from litreview.records import Citation, Provenance, compose_record_id
from litreview.sources.common import (
    content_native_id,
    find_doi,
    find_ncts,
    find_year,
    record_type_of,
    unique_ids,
)
from litreview.sources.xmlsafe import iter_elements, open_maybe_gzip, text_of

_PMID_NOTE = re.compile(r"(?:PMID|PUBMED ID)\s*:?\s*(\d{1,9})", re.IGNORECASE)


def load_endnote_xml(path: Path | str, *, source: str = "endnote", run_id: str = "") -> Iterator[Citation]:
    path = Path(path)
    try:
        stream = open_maybe_gzip(path)
    except OSError as exc:
        raise RecordParseError(f"cannot open: {exc.strerror}", path=path) from exc
    with stream:
        yield from unique_ids(parse_endnote_xml(stream, source=source, run_id=run_id, payload=str(path)))


def parse_endnote_xml(stream: IO[bytes], *, source: str, run_id: str, payload: str) -> Iterator[Citation]:
    index = 0
    for record in iter_elements(stream, ("record",), payload):
        index += 1
        yield _citation(record, source, run_id, payload, index)
    if index == 0:
        raise RecordParseError("no EndNote <record> elements found", path=payload)


def _texts(record: etree._Element, path: str) -> list[str]:
    return [t for t in (text_of(e) for e in record.iterfind(path)) if t]


def _citation(record: etree._Element, source: str, run_id: str, payload: str, index: int) -> Citation:
    first = lambda path: next(iter(_texts(record, path)), "")  # noqa: E731
    title = first("titles/title")
    authors = _texts(record, "contributors/authors/author")
    year_text = first("dates/year")
    ref_type = (
        record.find("ref-type").get("name", "") if record.find("ref-type") is not None else ""
    ).lower()
    accession = first("accession-num")
    native = accession or content_native_id(title, year_text, authors[0] if authors else "")
    notes = " ".join(_texts(record, "notes") + _texts(record, "custom2"))
    pmid = _PMID_NOTE.search(notes)
    abstract = first("abstract")
    journal = first("periodical/full-title") or first("titles/secondary-title")
    return Citation(
        record_id=compose_record_id(source, native),
        source=source,
        native_id=native,
        title=title,
        abstract=abstract,
        authors=tuple(authors),
        journal=journal,
        journal_abbrev=first("periodical/abbr-1") or first("titles/alt-title"),
        year=find_year(year_text),
        volume=first("volume"),
        issue=first("number"),
        pages=first("pages"),
        doi=find_doi(first("electronic-resource-num")),
        pmid=pmid.group(1) if pmid else "",
        nct_ids=find_ncts(title, abstract, notes),
        keywords=tuple(_texts(record, "keywords/keyword")),
        language=first("language"),
        record_type=record_type_of(ref_type),
        accession=accession,
        provenance=Provenance(source=source, native_id=native, run_id=run_id, payload=payload, index=index),
    )
