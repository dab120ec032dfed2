"""Atomic writers for the rendered outputs (CSV, JSON): a reader never sees half a file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from litreview.sources.transport import atomic_open, atomic_write_bytes


def write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
        count += 1
    atomic_write_bytes(path, buffer.getvalue().encode("utf-8"))
    return count


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """Records as JSON lines, streamed to a temporary sibling and renamed when complete.

    Every line carries ``record_id``, ``pmid`` or ``nct_id``, ``doi``, ``title``, ``authors``,
    ``journal`` and ``year`` (empty when a record has none), then the record's other fields.
    """
    from litreview.records import to_dict

    count = 0
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            data = to_dict(record)
            head = {k: data.get(k, "") for k in ("record_id", "pmid", "nct_id", "doi", "title")}
            head["authors"] = data.get("authors", [])
            head["journal"] = data.get("journal", "")
            head["year"] = data.get("year", getattr(record, "year", None))
            handle.write(json.dumps({**head, **data}, ensure_ascii=False) + "\n")
            count += 1
    return count
