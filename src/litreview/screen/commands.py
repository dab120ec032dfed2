"""What the ``litreview screen`` commands do, as plain functions over a workspace and files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litreview.config import load_protocol
from litreview.errors import ConfigError
from litreview.importers import detect_format, load_records, source_name
from litreview.records import Record
from litreview.report.files import write_csv
from litreview.screen.decisions import Effective, agreement, conflicts, effective, passed, validate_rows
from litreview.screen.rules import STAGES, load_rules
from litreview.screen.sheets import read_decision_file, sheet_rows, write_asreview_csv, write_ris, write_sheet
from litreview.workspace import Workspace

APPLY_COLUMNS = ("record_id", "title", "decision", "rule_id", "reason")


def screening_state(workspace: Workspace) -> tuple[list[Record], dict[tuple[str, str], Effective]]:
    """The records that are screened (duplicates are not) and the decision that counts for each."""
    duplicates = {link.record_id for link in workspace.links("duplicate")}
    records = [r for r in workspace.records() if r.record_id not in duplicates]
    return records, effective(workspace.decisions())


def _to_screen(workspace: Workspace, stage: str):
    records, decided = screening_state(workspace)
    if stage == "full_text":  # only what passed title/abstract screening
        records = [r for r in records if passed(decided, r.record_id, "title_abstract")]
    return records, decided


def export_decisions(workspace_dir: Path, out: Path, stage: str = "title_abstract", fmt: str = "auto") -> int:
    """Write the records to screen with their automatic decisions (sheet CSV/XLSX, RIS or ASReview CSV)."""
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")
    with Workspace.existing(workspace_dir) as workspace:
        records, decided = _to_screen(workspace, stage)
    fmt = fmt if fmt != "auto" else {".ris": "ris"}.get(out.suffix.lower(), "sheet")
    if fmt == "ris":
        return write_ris(out, records, decided, stage)
    if fmt == "asreview":
        return write_asreview_csv(out, records, decided, stage)
    if fmt != "sheet":
        raise ConfigError(f"unknown export format {fmt!r} (sheet, ris, asreview)")
    return write_sheet(out, sheet_rows(records, decided, stage))


def import_decisions(path: Path, workspace_dir: Path, reviewer: str = "") -> dict[str, Any]:
    """Validate a filled sheet / labelled RIS and store its human decisions in one transaction.

    Any problem (unknown id, unknown decision word, duplicate row) rejects the whole file with
    row numbers, and nothing is stored.
    """
    rows = read_decision_file(path)
    with Workspace.existing(workspace_dir) as workspace:
        workspace.lock()
        decisions = validate_rows(rows, workspace.record_ids(), str(path), default_reviewer=reviewer)
        batch = f"import:{path.name}:{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
        with workspace.transaction():
            stored = workspace.add_human_decisions(batch, decisions)
        everything = workspace.decisions()
    return {
        "file": str(path),
        "stored": stored,
        "skipped_blank": sum(1 for r in rows if not r.decision.strip()),
        "conflicts": [{"record_id": r, "stage": s, "votes": v} for r, s, v in conflicts(everything)],
        "agreement": [agreement(everything, stage) for stage in STAGES],
    }


def apply_rules(
    records_file: Path, protocol_path: Path, out: Path, stage: str = "title_abstract"
) -> dict[str, int]:
    """Apply a protocol's screening rules to any importable file; write record_id,title,decision,rule_id,reason."""
    protocol = load_protocol(protocol_path)
    rules = load_rules(protocol.screening, where=str(protocol.path))
    fmt = detect_format(records_file)
    source = source_name(fmt, records_file)
    counts: dict[str, int] = {}
    rows = []
    for record in load_records(records_file, fmt, source=source):
        verdict = rules.decide(record, stage)
        counts[verdict.decision] = counts.get(verdict.decision, 0) + 1
        rows.append({"record_id": record.record_id, "title": record.title, "decision": verdict.decision,
                     "rule_id": verdict.rule_id, "reason": verdict.reason})  # fmt: skip
    write_csv(out, APPLY_COLUMNS, rows)
    return counts
