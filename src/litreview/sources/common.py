"""Small pieces every bibliographic importer shares: patterns, fallback ids, unique ids."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from litreview.errors import RecordParseError
from litreview.records import REGISTRY_RECORD, Citation, compose_record_id, short_hash

YEAR = re.compile(r"(1[89]\d\d|2[01]\d\d)")
DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
NCT = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)


def squeeze(text: str) -> str:
    """Every whitespace run (Unicode's too: no-break and thin spaces are common in abstracts)
    collapsed to one space, ends trimmed. In printable ASCII the only whitespace is the space, so
    such a value (most values; a quarter of PubMed abstracts end in a space) is only stripped
    unless it holds a double space: splitting and joining is the import hot paths' costliest step."""
    if text.isascii() and text.isprintable():
        text = text.strip()
        if "  " not in text:
            return text
    return " ".join(text.split())


def find_doi(text: str) -> str:
    match = DOI.search(text or "")
    return match.group(0).rstrip(".,;") if match else ""


def find_year(text: str) -> int | None:
    match = YEAR.search(text or "")
    return int(match.group(1)) if match else None


# What an export calls the kind of item, in any of the vocabularies the readers meet: BibTeX entry types
# ("phdthesis", "incollection"), RIS codes ("THES", "CHAP"), Scopus and Web of Science document types
# ("Book Chapter", "Proceedings Paper", "Book Review"), Zotero's ("bookSection") and EndNote's ("Book
# Section"). The first kind whose words the label holds wins: a book review is a journal item.
_RECORD_TYPES = (
    # a trial registry's entry as a database labels it ("Trial registry record", "Clinical trial registration")
    (REGISTRY_RECORD, re.compile(r"regist(?:ry|ration)\s+(?:record|entry)|trials?\s+regist(?:ry|ration)")),
    ("conference-abstract", re.compile(r"inproceedings|conf|proceedings|meeting|cpaper")),
    ("journal-article", re.compile(r"review|article|journal")),
    # BibTeX's "techreport", RIS's "RPRT", EndNote's "Report": grey literature, not a "Case Report"
    ("report", re.compile(r"techreport|^rprt$|^report$|technical report|working paper")),
    ("book-chapter", re.compile(r"incollection|inbook|chap|section")),
    ("thesis", re.compile(r"thes[ie]s|^thes$|dissertation")),
    ("book", re.compile(r"book|monograph")),
)


def record_type_of(label: str) -> str:
    """The record type ("journal-article", "conference-abstract", "report", "book", "book-chapter",
    "thesis", "registry-record") that an export's type label names; a label naming none of them is a
    journal article."""
    label = label.lower()
    return next((kind for kind, pattern in _RECORD_TYPES if pattern.search(label)), "journal-article")


def find_ncts(*texts: str) -> tuple[str, ...]:
    text = " ".join(t for t in texts if t)
    if "NCT" not in text and "nct" not in text and "Nct" not in text:  # the regex only where it can match
        return ()
    return tuple(sorted({m.upper() for m in NCT.findall(text)}))


def content_native_id(title: str, year: str, first_author: str) -> str:
    """An id for a record that has none: a short hash of what identifies it."""
    return "h" + short_hash(" ".join(title.lower().split()), year[:4], first_author.lower())


def unique_ids(citations: Iterable[Citation]) -> Iterator[Citation]:
    """Two records with the same id in one file are kept apart (``-2``, ``-3``), never merged."""
    seen: dict[str, int] = {}
    for citation in citations:
        count = seen.get(citation.record_id, 0) + 1
        seen[citation.record_id] = count
        if count > 1:
            native = f"{citation.native_id}-{count}"
            prov = citation.provenance
            citation = replace(
                citation,
                record_id=compose_record_id(citation.source, native),
                native_id=native,
                provenance=replace(prov, native_id=native) if prov else None,
            )
        yield citation


def open_text(path: Path, newline: str | None = None) -> TextIO:
    """A UTF-8 export (BOM tolerated) opened for streaming; a RecordParseError names the file."""
    try:
        return open(path, encoding="utf-8-sig", errors="strict", newline=newline)
    except OSError as exc:
        raise RecordParseError(f"cannot open: {exc.strerror}", path=path) from exc


CSV_DELIMITERS = (",", ";", "\t")


def csv_delimiter(header_line: str) -> str:
    """The delimiter of a CSV export, read from its header line: the commonest of comma, semicolon
    (Excel in locales with a decimal comma) and tab outside quotes; comma when none or a tie.
    The header alone decides because titles and abstracts are full of commas and semicolons, which
    is what misleads csv.Sniffer on a sample of rows."""
    unquoted = re.sub(r'"[^"]*"?', "", header_line)
    return max(CSV_DELIMITERS, key=unquoted.count)  # max keeps the first (comma) on a tie


def csv_reader(handle: TextIO) -> csv.DictReader:
    """A DictReader over a CSV export in the delimiter its header line shows. Tab-delimited exports
    (Web of Science's) never quote: a title that opens with a quoted phrase is text there, so they are
    read unquoted, and a row short of the header's fields is an error (see ``short_row``)."""
    first = handle.readline()
    delimiter = csv_delimiter(first)
    lines = itertools.chain([first], handle)
    if delimiter == "\t":
        return csv.DictReader(lines, delimiter=delimiter, quoting=csv.QUOTE_NONE, strict=True)
    return csv.DictReader(lines, delimiter=delimiter, strict=True)


def malformed_csv(reader: csv.DictReader, exc: csv.Error, path: Path | str) -> RecordParseError:
    """The error for a CSV the reader broke on, at the line a person should look at: for a quoted
    field never closed (the reader runs to the end of the file) the line the row began on, for
    anything else the line the reader stopped in."""
    if "unexpected end of data" in str(exc):  # the csv module's only words for an unclosed quote
        start = reader.line_num + 1  # DictReader's line_num: the last line of the last whole row
        return RecordParseError(
            f"malformed CSV: a quoted field opened in this row is never closed ({exc})", path=path, line=start
        )
    return RecordParseError(f"malformed CSV: {exc}", path=path, line=reader.reader.line_num)


SHORT_ROW = (
    "row has fewer fields than the header (a tab-delimited file is read unquoted: no field may span lines)"
)


def short_row(reader: csv.DictReader, row: dict) -> bool:
    """Whether an unquoted (tab-delimited) row lacks some of the header's fields: a quoted field that
    spans lines, as Excel writes, which an unquoted read would otherwise split without a word."""
    return reader.reader.dialect.quoting == csv.QUOTE_NONE and None in row.values()


def numbered_lines(lines: Iterable[str], payload: str) -> Iterator[tuple[int, str]]:
    """(line number, line without its end and any BOM); bytes that are not UTF-8 stop with the
    line number and the file named."""
    number = 0
    try:
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip("\r\n")
            yield number, line.replace("\ufeff", "") if "\ufeff" in line else line
    except UnicodeDecodeError as exc:
        raise not_utf8(payload, number + 1) from exc


def not_utf8(payload: Path | str, line: int | None = None) -> RecordParseError:
    """The error for bytes that are not UTF-8. A text stream decodes a block ahead of the line it
    hands out, so for a file the first bad byte is found again by a binary read: its exact line and
    offset are named. Otherwise ``line`` (the line reached) is."""
    where = first_invalid_utf8(Path(payload)) if Path(payload).is_file() else None
    if where is None:
        return RecordParseError("not UTF-8 text; export the file again as UTF-8", path=payload, line=line)
    number, offset, byte = where
    return RecordParseError(
        f"not UTF-8 text: byte 0x{byte:02X} at byte {offset} of the line; export the file again as UTF-8",
        path=payload,
        line=number,
    )


def first_invalid_utf8(path: Path) -> tuple[int, int, int] | None:
    """(line, 1-based byte offset in the line, the byte) of the first byte that is not UTF-8."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):  # b"\n" never occurs inside a UTF-8 sequence
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, exc.start + 1, raw[exc.start]
    return None


def read_csv_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """A CSV file's header (trimmed) and its rows with their line numbers; not UTF-8, malformed or
    unreadable files are one RecordParseError naming the file (and the line, where known)."""
    csv.field_size_limit(10_000_000)  # abstracts can be long
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv_reader(handle)
            try:
                header = [h.strip() for h in reader.fieldnames or []]
                reader.fieldnames = header
                rows = []
                for row in reader:
                    if short_row(reader, row):
                        raise RecordParseError(SHORT_ROW, path=path, line=reader.line_num)
                    rows.append((reader.line_num, {k: v or "" for k, v in row.items() if k}))
                return header, rows
            except csv.Error as exc:
                raise malformed_csv(reader, exc, path) from exc
    except UnicodeDecodeError as exc:
        raise not_utf8(path) from exc
    except OSError as exc:
        raise RecordParseError(f"cannot read: {exc.strerror}", path=path) from exc
