"""litreview from Python: a review's workspace as pandas DataFrames, for notebooks.

    import litreview
    ws = litreview.Workspace("outputs/ep_pd_nec")
    ws.records()      # every record, its duplicate link, its bibliographic fields
    ws.screening()    # the decision that counts for each record and stage, and who made it
    ws.decisions()    # the whole decision log: every rule's and reviewer's decision
    ws.links()        # duplicate and maybe-duplicate links with the rule that made them
    ws.prisma()       # the PRISMA 2020 counts of the last run, one row per template box
    ws.tables()       # the review's extraction tables (tables.csv of the last run)

Read-only: it takes no lock and changes nothing, so it is safe beside a running review.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from litreview.errors import ConfigError, WorkspaceError

try:
    import pandas as pd
except ImportError as exc:  # an extra: the pipeline, the CLI and the workbench never need pandas
    raise ConfigError("litreview.Workspace needs pandas: pip install 'litreview-sr[notebook]'") from exc
from litreview.report.prisma2020_csv import TEMPLATE, template_values
from litreview.report.record_list import RECORD_COLUMNS, record_row
from litreview.screen.commands import full_text_entrants, policy_of
from litreview.screen.decisions import effective
from litreview.store.workspace import Workspace as Store


class Workspace:
    """A review's workspace folder, read as DataFrames."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with Store.reading(self.path) as store:  # fails now, with a clear message, if it is no workspace
            self.review_id = store.review_id

    def _store(self) -> Store:
        return Store.reading(self.path)

    def records(self) -> pd.DataFrame:
        with self._store() as store:
            duplicates = {link.record_id: (link.linked_to, link.rule) for link in store.links("duplicate")}
            rows = [record_row(r, *duplicates.get(r.record_id, ("", ""))) for r in store.records()]
        frame = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
        frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
        return frame

    def screening(self) -> pd.DataFrame:
        with self._store() as store:
            duplicates = {link.record_id for link in store.links("duplicate")}
            decided = effective(store.decisions(), policy_of(store), full_text_entrants(store))
        rows = [
            {"record_id": r, "stage": s, "decision": d.decision, "reason": d.reason, "decided_by": d.source}
            for (r, s), d in sorted(decided.items())
            if r not in duplicates
        ]
        return pd.DataFrame(rows, columns=["record_id", "stage", "decision", "reason", "decided_by"])

    def decisions(self) -> pd.DataFrame:
        with self._store() as store:
            rows = [asdict(d) for d in store.decisions()]
        columns = ["record_id", "stage", "decision", "reason", "reviewer", "origin", "rule_id", "decided_at"]
        return pd.DataFrame(rows, columns=columns)

    def links(self) -> pd.DataFrame:
        with self._store() as store:
            rows = [asdict(link) for link in store.links()]
        return pd.DataFrame(rows, columns=["record_id", "linked_to", "link_type", "rule", "score"])

    def prisma(self) -> pd.DataFrame:
        """One row per PRISMA2020 template box (``data``, ``description``, ``n``) of the last run."""
        flow = self._last_output("prisma.json", json.loads)
        values = template_values(flow)
        rows = [{"data": key, "description": text, "n": values.get(key, 0)} for key, _, _, text in TEMPLATE
                if key != "NA" and key in values]  # fmt: skip
        return pd.DataFrame(rows, columns=["data", "description", "n"])

    def tables(self) -> pd.DataFrame:
        path = self.path / "tables.csv"
        if not path.exists():
            raise WorkspaceError(f"{path}: no tables yet (run `litreview run` first)")
        return pd.read_csv(path, dtype=str, keep_default_na=False)

    def _last_output(self, name: str, parse):
        path = self.path / name
        if not path.exists():
            raise WorkspaceError(f"{path}: not written yet (run `litreview run` first)")
        return parse(path.read_text(encoding="utf-8"))

    def __repr__(self) -> str:
        return f"litreview.Workspace({str(self.path)!r}, review {self.review_id!r})"
