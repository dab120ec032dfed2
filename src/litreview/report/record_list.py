"""``records.csv``: every stored record, one row each, with its duplicate link if any."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from litreview.files import write_csv
from litreview.records import Citation, Record, Trial

RECORD_COLUMNS = (
    "record_id",
    "source",
    "kind",
    "duplicate_of",
    "duplicate_rule",
    "title",
    "authors",
    "journal",
    "year",
    "volume",
    "pages",
    "doi",
    "pmid",
    "nct_id",
    "record_type",
    "payload",
)


def record_row(record: Record, duplicate_of: str = "", rule: str = "") -> dict[str, object]:
    row: dict[str, object] = {
        "record_id": record.record_id,
        "source": record.source,
        "kind": record.kind,
        "duplicate_of": duplicate_of,
        "duplicate_rule": rule,
        "title": record.title,
        "year": record.year or "",
        "payload": record.provenance.payload if record.provenance else "",
    }
    if isinstance(record, Citation):
        row.update(
            authors="; ".join(record.authors),
            journal=record.journal,
            volume=record.volume,
            pages=record.pages,
            doi=record.doi,
            pmid=record.pmid,
            nct_id="; ".join(record.nct_ids),
            record_type=record.record_type,
        )
    elif isinstance(record, Trial):
        row.update(authors=record.sponsor, nct_id=record.nct_id, record_type="registry-record")
    return row


def write_records_csv(
    path: Path, records: Iterable[Record], duplicates: Mapping[str, tuple[str, str]]
) -> int:
    """``duplicates`` maps record id → (representative id, rule)."""
    rows = (record_row(r, *duplicates.get(r.record_id, ("", ""))) for r in records)
    return write_csv(path, RECORD_COLUMNS, rows)
