"""What the ranking reads from a record and from the screening rules: its text, and one evidence column per rule."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from litreview.prioritise.model import document
from litreview.records import Decision, Record


def record_text(record: Record) -> str:
    return document(
        record.title, getattr(record, "abstract", "") or "", " ".join(getattr(record, "keywords", ()) or ())
    )


def rule_evidence(record_ids: Sequence[str], decisions: Sequence[Decision], stage: str) -> np.ndarray:
    """One column per screening rule: +1 where an include rule matched the record, -1 where an exclude rule did."""
    rules = sorted({d.rule_id for d in decisions if d.origin == "auto" and d.rule_id and d.stage == stage})
    column = {rule: j for j, rule in enumerate(rules)}
    row = {r: i for i, r in enumerate(record_ids)}
    out = np.zeros((len(record_ids), len(rules)), dtype=np.float32)
    for d in decisions:
        if d.origin == "auto" and d.rule_id in column and d.stage == stage and d.record_id in row:
            out[row[d.record_id], column[d.rule_id]] = {"include": 1.0, "exclude": -1.0}.get(d.decision, 0.0)
    return out
