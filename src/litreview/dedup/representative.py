"""Which member represents a duplicate cluster: the most complete, then a curated source, then the
smallest id (so the choice is stable however the records arrive)."""

from __future__ import annotations

import dataclasses

from litreview.records import Record

DUPLICATE = "duplicate"
# Prefer records from curated databases as representatives when equally complete.
_SOURCE_RANK = {"pubmed": 3, "ctgov": 3, "embase": 2}


def completeness(record: Record) -> int:
    """How many fields a record fills: the most complete member represents a cluster."""
    filled = 0
    for field in dataclasses.fields(record):
        if field.name in {"provenance", "study"}:
            continue
        value = getattr(record, field.name)
        if value not in ("", None, (), 0, False):
            filled += 1
    return filled


def merit(record: Record) -> tuple[int, int]:
    """Higher is a better representative (used with :func:`rank`)."""
    return completeness(record), _SOURCE_RANK.get(record.source, 1)


def rank(preferred: bool, record_merit: tuple[int, int], record_id: str) -> tuple:
    """The key ``max`` takes the representative by: records a workspace already held first, then
    merit, then the smallest id (characters negated, since max picks the highest key)."""
    return preferred, record_merit, tuple(-ord(c) for c in record_id)
