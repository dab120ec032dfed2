"""The change report of an update: new records, new included studies, and what changed in known ones.

For registry trials the fields a reader of the tables cares about are compared one by one (status,
enrolment, phases, countries, results posted, last update); for citations, every bibliographic field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from litreview.records import Record

TRIAL_FIELDS = ("status", "enrollment", "enrollment_type", "phases", "countries", "has_results",
                "last_update_posted", "title", "interventions", "conditions")  # fmt: skip
_SKIP = {"provenance", "study", "record_id", "source", "native_id"}


def field_changes(old: Record, new: Record) -> dict[str, dict[str, Any]]:
    """{field: {"from": old value, "to": new value}} for every field that differs."""
    names = (
        TRIAL_FIELDS
        if new.kind == "trial"
        else [f.name for f in dataclasses.fields(new) if f.name not in _SKIP]
    )
    out = {}
    for name in names:
        before, after = getattr(old, name, None), getattr(new, name, None)
        if before != after:
            out[name] = {"from": _plain(before), "to": _plain(after)}
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def change_report(
    run_id: str,
    since_run: str,
    windows: Mapping[str, Any],
    new_records: Iterable[Record],
    changed: Iterable[tuple[Record, Record]],
    new_included: Iterable[Record],
    ranks: Mapping[str, Mapping[str, Any]] | None = None,
    ranked_by: str = "",
) -> dict[str, Any]:
    """``ranks``: record id -> {"rank", "score"} of the new records to screen (most likely relevant
    first); the new records are listed in that order, those not ranked (duplicates) last."""
    ranks = ranks or {}
    new_list = sorted(
        new_records,
        key=lambda r: (ranks[r.record_id]["rank"] if r.record_id in ranks else 10**9, r.record_id),
    )
    changes = []
    for old, new in sorted(changed, key=lambda pair: pair[1].record_id):
        fields = field_changes(old, new)
        if fields:
            changes.append({"record_id": new.record_id, "title": new.title, "fields": fields})
    return {
        "run_id": run_id,
        "since_run": since_run,
        "windows": dict(windows),
        "new_records": [
            {
                "record_id": r.record_id,
                "title": r.title,
                "source": r.source,
                **(
                    {"rank": ranks[r.record_id]["rank"], "score": ranks[r.record_id]["score"]}
                    if r.record_id in ranks
                    else {}
                ),
            }
            for r in new_list
        ],
        "ranked_by": ranked_by,
        "new_included_studies": [{"record_id": r.record_id, "title": r.title} for r in new_included],
        "changed_records": changes,
    }


def change_markdown(report: Mapping[str, Any]) -> str:
    out = [f"# Changes in update {report['run_id']} (since run {report['since_run']})", ""]
    out.append("## Search windows")
    out += [f"- {name}: {_window_text(window)}" for name, window in report["windows"].items()] + [""]
    out.append(f"## New records ({len(report['new_records'])})")
    if report.get("ranked_by"):
        out.append(f"Most likely relevant first; the number is the rank among all records awaiting screening, "
                   f"by {report['ranked_by']}.")  # fmt: skip
    out += [f"- {_rank(r)}{r['record_id']} ({r['source']}): {r['title']}" for r in report["new_records"]] + [
        ""
    ]
    out.append(f"## New included studies ({len(report['new_included_studies'])})")
    out += [f"- {r['record_id']}: {r['title']}" for r in report["new_included_studies"]] + [""]
    out.append(f"## Changed records ({len(report['changed_records'])})")
    for change in report["changed_records"]:
        out.append(f"- {change['record_id']}: {change['title']}")
        for name, values in change["fields"].items():
            out.append(f"  - {name}: {values['from']!r} → {values['to']!r}")
    return "\n".join(out) + "\n"


def _window_text(window: Mapping[str, Any]) -> str:
    """``pubmed: 2022/07/18 to 2023/06/30 (Entrez dates since run X)``, never a dict's repr."""
    if window.get("skip"):
        return f"not searched ({window.get('reason', '')})"
    since = window.get("mindate") or window.get("updated_since") or "the start"
    what = "updated or first posted " if "updated_since" in window else ""
    return f"{what}{since} to {window.get('maxdate', 'today')} ({window.get('reason', '')})"


def _rank(row: Mapping[str, Any]) -> str:
    return f"{row['rank']}. " if "rank" in row else ""
