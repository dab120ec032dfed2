"""PRISMA 2020 counts, derived from what the workspace holds (never typed in by hand)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def count_flow(
    *,
    identified: Mapping[str, Sequence[str]],
    groups: Mapping[str, str],
    duplicates: Mapping[str, str],
    reported: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """PRISMA counts per stage and per source.

    ``identified`` maps source name → record ids found this run; ``groups`` maps source name →
    PRISMA column (databases | registers | other); ``duplicates`` maps a duplicate's record id →
    its representative's id.
    """
    by_group: dict[str, dict[str, int]] = {"databases": {}, "registers": {}, "other": {}}
    dup_by_source: dict[str, int] = {}
    all_ids: set[str] = set()
    for source, ids in identified.items():
        unique_ids = set(ids)
        by_group.setdefault(groups.get(source, "databases"), {})[source] = len(unique_ids)
        dup_by_source[source] = sum(1 for i in unique_ids if i in duplicates)
        all_ids |= unique_ids
    identified_total = sum(len(set(ids)) for ids in identified.values())
    removed = sum(1 for i in all_ids if i in duplicates)
    after = len(all_ids) - removed
    flow: dict[str, Any] = {
        "identification": {
            group: {"total": sum(counts.values()), "by_source": dict(sorted(counts.items()))}
            for group, counts in by_group.items()
        },
        "identified_total": identified_total,
        "duplicates_removed": {"total": removed, "by_source": dict(sorted(dup_by_source.items()))},
        "records_after_duplicates_removed": after,
        "screening": {"status": "not yet screened", "records_screened": None},
    }
    _check_arithmetic(flow)
    if reported:
        flow["reported"] = dict(reported)
    return flow


def _check_arithmetic(flow: dict[str, Any]) -> None:
    total = sum(g["total"] for g in flow["identification"].values())
    if total != flow["identified_total"]:
        raise AssertionError(f"PRISMA identification does not add up: {total} != {flow['identified_total']}")
    if (
        flow["identified_total"] - flow["duplicates_removed"]["total"]
        != flow["records_after_duplicates_removed"]
    ):
        raise AssertionError("PRISMA duplicates arithmetic does not add up")
