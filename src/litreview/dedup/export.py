"""Deduplication of one export file: read it, link its duplicates, write the three link tables.

The review flow links records in the workspace (:mod:`litreview.dedup.relink`); this is the same
linking for a file on its own (`litreview dedup`), its ids written back as the input named them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from litreview.dedup.cluster import link_fuzzy
from litreview.files import refuse_overwriting, write_csv
from litreview.records import Record, split_record_id
from litreview.sources.importers import detect_format, load_jsonl, load_records, source_name

OUTPUT_NAMES = ("duplicates.csv", "maybe.csv", "shared_doi.csv")
PAIR_COLUMNS = ("record_id_a", "record_id_b", "score", "reason")


@dataclass(frozen=True)
class DedupSummary:
    records: int
    linked: int
    maybe: int
    shared_doi: int


def read_export(path: Path) -> Iterable[Record]:
    """The records of an export in any format litreview imports (JSONL: litreview's own records)."""
    if path.suffix == ".jsonl":
        return load_jsonl(path)
    fmt = detect_format(path)
    return load_records(path, fmt, source=source_name(fmt, path))


def native(record_id: str) -> str:
    """An id as the input named it: PMIDs and NCT ids keep their source, an export's "ID" stands alone."""
    source, rest = split_record_id(record_id)
    return record_id if source in ("pubmed", "ctgov") else rest


def dedup_export(path: Path, out: Path, progress: Callable[[int, int], None] | None = None) -> DedupSummary:
    """Link the duplicates in ``path`` (never delete) and write ``duplicates.csv``
    (record_id,duplicate_of,rule,score), ``maybe.csv`` and ``shared_doi.csv`` into ``out``; an
    existing output is never overwritten, nor the input."""
    refuse_overwriting([out / name for name in OUTPUT_NAMES], [path])
    ids: list[str] = []

    def remember(stream: Iterable[Record]) -> Iterator[Record]:
        for record in stream:  # streamed: only the ids are kept beside the comparison data
            ids.append(record.record_id)
            yield record

    links, maybes, shared = link_fuzzy(remember(read_export(path)), progress=progress)
    linked = {link.record_id: link for link in links}
    rows = (
        {"record_id": native(i), "duplicate_of": native(linked[i].linked_to) if i in linked else "",
         "rule": linked[i].rule if i in linked else "", "score": linked[i].score if i in linked else ""}
        for i in ids
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "duplicates.csv", ("record_id", "duplicate_of", "rule", "score"), rows)
    for name, pairs in (("maybe.csv", maybes), ("shared_doi.csv", shared)):
        write_csv(out / name, PAIR_COLUMNS,
                  ({"record_id_a": native(m.a), "record_id_b": native(m.b), "score": m.score, "reason": m.reason}
                   for m in pairs))  # fmt: skip
    return DedupSummary(len(ids), len(links), len(maybes), len(shared))
