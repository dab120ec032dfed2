"""RIS exports (Embase, Ovid, Web of Science, reference managers) → Citation, streamed.

The file is split into ``TY``…``ER`` records here, line by line, so each record's line number is
known, a missing ``ER`` (a truncated export) is an error rather than a silently dropped record,
and memory stays bounded; each record's tags are then mapped by rispy's maintained RIS parser.
Tolerated quirks: ``A1`` vs ``AU`` authors, ``T1``/``TI``/``CT`` titles, ``JF``/``JO``/``T2``/``JA``
journals, ``N2`` abstracts, ``Y1``/``PY`` dates, "Link to …" lines, ``DB``/``AN``, BOM and CRLF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import rispy

from litreview.errors import RecordParseError
from litreview.records import REGISTRY_RECORD, Citation, Provenance, compose_record_id
from litreview.sources.common import (
    content_native_id,
    find_doi,
    find_ncts,
    find_year,
    not_utf8,
    open_text,
    record_type_of,
    squeeze,
    unique_ids,
)

_PMID_NOTE = re.compile(r"(?:PMID|PUBMED ID)\s*:?\s*(\d{1,9})", re.IGNORECASE)
_CONFERENCE_TYPES = {"CONF", "CPAPER", "ABST"}


def load_ris(path: Path | str, *, source: str = "ris", run_id: str = "") -> Iterator[Citation]:
    """Stream citations from a RIS file; errors name the file, line and record index."""
    path = Path(path)
    with open_text(path) as handle:
        yield from parse_ris(handle, source=source, run_id=run_id, payload=str(path))


def parse_ris(
    lines: TextIO | list[str], *, source: str = "ris", run_id: str = "", payload: str = "<ris>"
) -> Iterator[Citation]:
    """Stream citations from RIS text lines (ids made unique within the file)."""
    return unique_ids(_parse_ris(lines, source, run_id, payload))


def _parse_ris(lines: TextIO | list[str], source: str, run_id: str, payload: str) -> Iterator[Citation]:
    index = 0
    for index, (_line, entry) in enumerate(read_records(lines, payload), 1):
        yield citation_from_entry(entry, source, run_id, payload, index)
    if index == 0:
        raise RecordParseError("no RIS records found (expected lines like 'TY  - JOUR')", path=payload)


_BLOCK = 1 << 20  # characters read at a time


class _StreamingRisParser(rispy.RisParser):
    """rispy's RIS parser (its tag names, list tags, delimiters, continuation lines), handing out
    each record as its ``ER`` line is read, with the record's first line number. rispy's own
    ``parse_lines`` returns a list only at the end of the file, so streaming a 100,000-record
    export through it means a call per record; this loop is its loop, with the line numbers and
    structure checks that loop lacks (it skips any text outside a record without a word)."""

    def _continue(self, record: dict[str, Any], tag: str | None, content: str) -> None:
        """A wrapped line: rispy's rule, except after a repeated single-value tag (two ``T1``
        lines, then more text), where it continues the last value; rispy 0.10 raises a TypeError
        there, which lost the whole file."""
        name = self.mapping.get(tag) if tag else None
        current = record.get(name) if name else None
        if (
            isinstance(current, list)
            and current
            and tag not in self.list_tags
            and tag not in self.delimiter_map
        ):
            current[-1] = f"{current[-1]} {content}"
        else:
            self._add_tag(record, tag, content, extend_multiline=True)

    def records(self, stream: TextIO, payload: str) -> Iterator[tuple[int, dict[str, Any]]]:
        parse_line, add_tag, continue_tag, ignore = (
            self.parse_line,
            self._add_tag,
            self._continue,
            self.ignore,
        )
        record: dict[str, Any] | None = None
        start, last_tag = 0, None
        number, pending, index = 0, "", 0
        while True:
            try:
                block = stream.read(_BLOCK)
            except UnicodeDecodeError as exc:
                raise not_utf8(payload, number + 1) from exc
            text = pending + block
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            if "\ufeff" in text:
                text = text.replace("\ufeff", "")
            lines = text.split("\n")
            pending = lines.pop() if block else ""  # a line may go on in the next block
            for number, line in enumerate(lines, number + 1):  # noqa: B020 - the count runs on
                if record is None:
                    if line.startswith("TY  -"):
                        record, start, last_tag = {self.mapping["TY"]: parse_line(line)[1]}, number, None
                        index += 1
                    elif line.startswith("ER  -"):
                        raise RecordParseError("'ER  -' without a record", path=payload, line=number)
                    elif line.strip():
                        raise RecordParseError(
                            f"text outside a record: {line.strip()[:40]!r}", path=payload, line=number
                        )
                    continue
                if not line or line.isspace():
                    continue
                try:
                    tag, content = parse_line(line)
                    if tag is None:
                        continue_tag(record, last_tag, content)
                    elif tag == "ER":
                        yield start, record
                        record = None
                    elif tag == "TY":
                        raise RecordParseError(
                            "record starts before the previous one ended (no 'ER  -')",
                            path=payload,
                            line=number,
                        )
                    elif tag not in ignore:
                        add_tag(record, tag, content)
                        last_tag = tag
                except RecordParseError:
                    raise
                except Exception as exc:  # rispy raises bare exceptions on odd input
                    raise RecordParseError(
                        f"unreadable RIS record: {exc!r}", path=payload, index=index, line=number
                    ) from exc
            if not block:
                break
        if record is not None:
            raise RecordParseError(
                "file ends inside a record (missing 'ER  -'): truncated export?", path=payload, line=start
            )


def read_records(lines: TextIO | list[str], payload: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(first line number, rispy's dict) for each ``TY``…``ER`` record, streamed; errors name the line."""
    stream = io.StringIO("\n".join(x.rstrip("\r\n") for x in lines)) if isinstance(lines, list) else lines
    return _StreamingRisParser(enforce_list_tags=False).records(stream, payload)


def _text(value: Any) -> str:
    """A tag's value as clean text: rispy gives a string, or a list when a tag repeats."""
    if not value:
        return ""
    if value.__class__ is list:
        value = next(filter(None, value), "")
    return squeeze(value if value.__class__ is str else str(value)) if value else ""


def _all(entry: dict[str, Any], *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = entry.get(key)
        for item in value if isinstance(value, list) else [value] if value else []:
            text = squeeze(str(item)) if item else ""
            if text and text not in out:
                out.append(text)
    return out


def citation_from_entry(
    entry: dict[str, Any], source: str, run_id: str, payload: str, index: int
) -> Citation:
    get = entry.get
    unknown = get("unknown_tag") or {}
    title = _text(get("primary_title")) or _text(get("title")) or " ".join(unknown.get("CT", []))
    authors = _all(entry, "authors", "first_authors")
    year_text = _text(get("year")) or _text(get("publication_year")) or _text(get("date"))
    notes = " ".join(_all(entry, "notes", "note", "custom5", "custom2"))
    pmid_match = _PMID_NOTE.search(notes)
    abstract = _text(get("abstract")) or _text(get("notes_abstract"))
    accession = _text(get("accession_number"))
    ref_type = _text(get("type_of_reference")).upper()
    work_type = _text(get("type_of_work")).lower()
    record_type = record_type_of(ref_type)
    if ref_type in _CONFERENCE_TYPES or "conference" in work_type:
        record_type = "conference-abstract"
    elif work_type and record_type_of(work_type) == REGISTRY_RECORD:  # "M3  - Trial registry record"
        record_type = REGISTRY_RECORD
    start = _text(get("start_page"))
    end = _text(get("end_page"))
    pages = f"{start}-{end}" if start and end and end != start else start
    native = accession or content_native_id(title, year_text, authors[0] if authors else "")
    return Citation(
        record_id=compose_record_id(source, native),
        source=source,
        native_id=native,
        title=title,
        abstract=abstract,
        authors=tuple(authors),
        journal=(
            _text(get("journal_name"))
            or _text(get("alternate_title3"))
            or _text(get("secondary_title"))
            or _text(get("alternate_title1"))
            or _text(get("alternate_title2"))
        ),
        journal_abbrev=_text(get("alternate_title2")) or _text(get("alternate_title1")),
        year=find_year(year_text),
        volume=_text(get("volume")),
        issue=_text(get("number")),
        pages=pages,
        doi=find_doi(_text(get("doi"))),
        pmid=pmid_match.group(1) if pmid_match else "",
        nct_ids=find_ncts(title, abstract, notes),
        keywords=tuple(_all(entry, "keywords")),
        language=_text(get("language")),
        record_type=record_type,
        accession=accession,
        provenance=Provenance(source=source, native_id=native, run_id=run_id, payload=payload, index=index),
    )
