"""What ``litreview screen rank | status | simulate`` do, as plain functions over files and a workspace."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from litreview.errors import ConfigError, RecordParseError
from litreview.files import atomic_write_bytes, refuse_overwriting, write_csv, write_json
from litreview.prioritise.features import record_text, rule_evidence
from litreview.prioritise.model import BLANK_BASIS, DESCRIPTION, Ranker, document
from litreview.prioritise.simulation import metrics, simulate, summary
from litreview.prioritise.stopping import StopCheck, check
from litreview.records import STAGES, Decision, Record, Stage
from litreview.screen.decisions import Policy, human_labels
from litreview.sources.common import read_csv_table
from litreview.sources.csv_records import columns_of

RANK_COLUMNS = ("rank", "record_id", "score", "title", "basis")


def rank_records(
    records: Sequence[Record],
    decisions: Sequence[Decision],
    stage: str = Stage.TITLE_ABSTRACT,
    policy: Policy | None = None,
) -> tuple[list[dict[str, Any]], str, dict[str, int]]:
    """The records no reviewer has settled at ``stage``, most likely relevant first (rank, record_id,
    score, title, basis), the basis in words, and the reviewers' labels it learned from (settled as
    ``policy`` counts votes: a lone vote awaiting its second reviewer is no label)."""
    labelled = dict(human_labels(decisions, stage, policy))
    index = {r.record_id: i for i, r in enumerate(records)}
    ranker = Ranker(
        [record_text(r) for r in records], rule_evidence([r.record_id for r in records], decisions, stage)
    )
    labels = {index[r]: y for r, y in labelled.items() if r in index}
    scores = ranker.scores(labels)
    learned = len(set(labels.values())) == 2
    basis = (
        f"model trained on {len(labels)} decisions" if learned else "protocol evidence (rules), no model yet"
    )
    rows = [{"rank": k + 1, "record_id": records[i].record_id, "score": round(float(scores[i]), 4),
             "title": records[i].title, "basis": BLANK_BASIS if learned and ranker.blind[i] else basis}
            for k, i in enumerate(ranker.order(labels, scores))]  # fmt: skip
    return rows, basis, {r: y for r, y in labelled.items() if r in index}


def rank_workspace(
    workspace_dir: Path, stage: str = Stage.TITLE_ABSTRACT, out: Path | None = None
) -> dict[str, Any]:
    """Rank the records still to screen at ``stage``; write ``out`` (rank, record_id, score, title, basis)."""
    from litreview.screen.commands import policy_of, to_screen
    from litreview.store.workspace import Workspace

    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")
    with Workspace.reading(workspace_dir) as workspace:
        records = to_screen(workspace, stage)  # full text: only what passed title/abstract
        decisions = workspace.decisions()
        database = workspace.db_path
        policy = policy_of(workspace)
    rows, basis, labelled = rank_records(records, decisions, stage, policy)
    if out is not None:
        refuse_overwriting([out], [database])
        write_csv(out, RANK_COLUMNS, rows)
    return {"ranked": rows, "basis": basis, "stop": stop_status(labelled, len(records))}


def check_target(recall: float, confidence: float) -> None:
    if not (0 < recall < 1 and 0 < confidence < 1):
        raise ConfigError("--recall and --confidence are fractions between 0 and 1")


def stop_status(
    labelled: dict[str, int], total: int, recall: float = 0.95, confidence: float = 0.95
) -> StopCheck:
    return check(list(labelled.values()), total, recall, confidence)


def workspace_status(workspace_dir: Path, stage: str = Stage.TITLE_ABSTRACT, recall: float = 0.95,
                     confidence: float = 0.95, record: bool = False) -> StopCheck:  # fmt: skip
    """The stopping rule on the reviewers' decisions; ``record`` keeps the outcome in the workspace,
    where the next run's search log (PRISMA-S) reports method, parameters and outcome."""
    check_target(recall, confidence)
    from datetime import UTC, datetime

    from litreview.screen.commands import policy_of, to_screen
    from litreview.store.workspace import Workspace

    with Workspace.reading(workspace_dir) as workspace:
        records = to_screen(workspace, stage)  # full text: only what passed title/abstract
        decisions = workspace.decisions()
        policy = policy_of(workspace)
    ids = {r.record_id for r in records}
    labelled = {r: y for r, y in human_labels(decisions, stage, policy) if r in ids}
    status = stop_status(labelled, len(records), recall, confidence)
    if record:
        with Workspace.existing(workspace_dir) as workspace:
            workspace.lock()
            with workspace.transaction():
                workspace.set_meta("stopping_rule", {
                    "method": "hypergeometric test of Callaghan & Müller-Hansen 2020 (as buscarpy computes it)",
                    "ranking": f"litreview screen rank: {DESCRIPTION}; protocol rules as features",
                    "recall_target": recall, "confidence": confidence, "p_value": status.p_value,
                    "reached": status.reached, "screened": status.screened, "total": status.total,
                    "relevant_seen": status.relevant_seen, "stage": stage,
                    "checked_at": datetime.now(UTC).strftime("%Y-%m-%d"),
                })  # fmt: skip
    return status


def read_labelled(path: Path, label_column: str) -> tuple[list[str], list[int]]:
    """Texts (title, abstract, keywords) and 0/1 labels of a labelled review (CSV)."""
    names, rows = read_csv_table(path)
    header = {h.lower(): h for h in names}
    fields = columns_of(names)  # "Article Title", "primary_title", "TI"... as the CSV importer reads them
    if label_column.lower() not in header or "title" not in fields:
        found = ", ".join(repr(n) for n in names[:12]) or "none"
        raise RecordParseError(
            f"needs a title and a {label_column!r} column (columns found: {found})", path=path, line=1
        )
    texts, labels = [], []
    for line, row in rows:
        value = row.get(header[label_column.lower()], "").strip()
        if value not in ("0", "1", "0.0", "1.0"):
            raise RecordParseError(f"{label_column} {value!r} is not 0 or 1", path=path, line=line)
        labels.append(int(float(value)))
        title, abstract, keywords = (
            row.get(fields[c], "") if c in fields else "" for c in ("title", "abstract", "keywords")
        )
        texts.append(document(title, abstract, keywords))
    if sum(labels) == 0:
        raise RecordParseError(f"no record is labelled 1 in {label_column}", path=path)
    return texts, labels


def simulate_file(path: Path, out: Path, label_column: str = "label_included", prior_included: int = 1,
                  prior_excluded: int = 1, seeds: int = 3, recall: float = 0.95, confidence: float = 0.95) -> dict:  # fmt: skip
    """Replay a labelled review with ``seeds`` seeds; write metrics.json and the recall curves."""
    if seeds < 1:
        raise ConfigError("--seeds must be at least 1")
    check_target(recall, confidence)
    if prior_included < 0 or prior_excluded < 0:
        raise ConfigError("--prior-included and --prior-excluded cannot be negative")
    texts, labels = read_labelled(path, label_column)
    relevant, irrelevant = sum(labels), len(labels) - sum(labels)
    if prior_included > relevant or prior_excluded > irrelevant:
        raise RecordParseError(
            f"{relevant} records labelled 1 and {irrelevant} labelled 0 in {label_column}: fewer than the "
            f"priors asked for (--prior-included {prior_included}, --prior-excluded {prior_excluded})",
            path=path,
        )
    out.mkdir(parents=True, exist_ok=True)
    ranker = Ranker(texts)
    measured, curves = [], []
    for seed in range(seeds):
        run = simulate(texts, labels, seed, prior_included, prior_excluded, recall, confidence, ranker)
        measured.append(metrics(run, labels))
        curves.append((seed, np.cumsum([labels[i] for i in run.order]) / relevant, run.stop_at))
    result = {"dataset": path.name, "records": len(labels), "relevant": relevant, "label_column": label_column,
              "prior_included": prior_included, "prior_excluded": prior_excluded, "recall_target": recall,
              "confidence": confidence, "model": DESCRIPTION,
              "runs": [{"seed": seed, **m} for seed, m in enumerate(measured)], "mean": summary(measured)}  # fmt: skip
    write_json(out / "metrics.json", result)
    _plot(out, curves, len(labels), path.name)
    return result


def _plot(out: Path, curves: list, n: int, title: str) -> None:
    import io

    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "litreview-recall"}):
        fig = Figure(figsize=(6, 4.5))
        ax = fig.add_subplot()
        x = np.arange(1, n + 1) / n
        for seed, curve, stop in curves:
            line = ax.plot(x, curve, linewidth=1.2, label=f"seed {seed}")[0]
            if stop:
                ax.plot([stop / n], [curve[stop - 1]], "o", color=line.get_color())
        ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=0.8, label="random")
        ax.set_xlabel("fraction of records screened")
        ax.set_ylabel("recall")
        ax.set_title(f"{title}: recall curves (dots: stopping rule)")
        ax.legend(loc="lower right", fontsize=8)
        for name, fmt in (("recall.png", "png"), ("recall.svg", "svg")):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=120, metadata={"Date": None} if fmt == "svg" else None)
            atomic_write_bytes(out / name, buffer.getvalue())
