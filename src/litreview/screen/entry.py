"""Where each record enters screening: a record found only by PRISMA 2020's other methods (citation
searching, websites: sources with ``group = "other"``) enters at full text, every other at
title/abstract.

PRISMA 2020's other-methods column has no title/abstract box: its records go straight to "reports
sought for retrieval". A record a database or register found too belongs to that column's path and
is screened at title/abstract like the rest. Every view (the run's screening, the decision that
counts, the queues, the fetch, the PRISMA counts) asks here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from litreview.records import Stage
from litreview.screen.decisions import Effective, passed

OTHER = "other"


def prisma_columns(identified: Mapping[str, Iterable[str]], groups: Mapping[str, str]) -> dict[str, str]:
    """Each record's PRISMA column (databases | registers | other), from the ids each source found
    (``identified``: source → record ids) and each source's group (a source not named: databases).
    A record found by a database or register and by other methods belongs to the first."""
    column: dict[str, str] = {}
    for source, ids in identified.items():
        group = groups.get(source, "databases")
        for record_id in set(ids):
            if column.get(record_id) in (None, OTHER):
                column[record_id] = group
    return column


def home_sources(identified: Mapping[str, Iterable[str]], groups: Mapping[str, str]) -> dict[str, str]:
    """The one source each record counts for: the first, by name, of those that found it in its
    column (:func:`prisma_columns`); any other source that found it found a duplicate."""
    column = prisma_columns(identified, groups)
    home: dict[str, str] = {}
    for source in sorted(identified):
        for record_id in identified[source]:
            if record_id not in home and groups.get(source, "databases") == column[record_id]:
                home[record_id] = source
    return home


def full_text_entry(identified: Mapping[str, Iterable[str]], groups: Mapping[str, str]) -> frozenset[str]:
    """The records that enter screening at full text: those found only by other methods."""
    return frozenset(r for r, group in prisma_columns(identified, groups).items() if group == OTHER)


def at_full_text(
    decided: Mapping[tuple[str, str], Effective], record_id: str, entry: Collection[str]
) -> bool:
    """Whether the record is screened at full text: it entered there, or passed title/abstract."""
    return record_id in entry or passed(decided, record_id, Stage.TITLE_ABSTRACT)
