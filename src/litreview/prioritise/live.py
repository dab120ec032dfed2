"""Ranking for a long-running screening server: run in a worker process of its own, which keeps the
fitted vectoriser between retrains. Light to import (the model's libraries load in the worker only),
so the server that submits the work never loads them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litreview.lifetime import end_with

if TYPE_CHECKING:
    from litreview.screen.decisions import Policy

RETRAIN_SHARE = (
    0.01  # retrain after every 1% more decisions (simulation: of those labelled; workbench: of the queue)
)
_LIVE: dict[str, tuple[tuple[str, ...], Any]] = {}  # stage -> (record ids, fitted Ranker), per process


def worker_started(parent: int) -> None:
    """A ranking worker's first act: yield the CPU to the server's requests (on a small machine a
    retrain must not slow a reviewer's next page) and end with the server that started it."""
    os.nice(10)
    end_with(parent)()


def live_order(
    workspace_dir: Path | str, stage: str, record_ids: Sequence[str], policy: Policy | None = None
) -> list[str]:
    """All of ``record_ids``, most likely relevant first on the reviewers' settled decisions so far
    (as ``policy`` counts votes, default the workspace's: a lone vote awaiting its second reviewer
    teaches nothing, so one reviewer's votes never reorder another's queue; settled records stay in:
    a second reviewer screens them blind, in the same order). The vectoriser is fitted once per set
    of records and kept in this process; a retrain fits only the classifier."""
    import numpy as np

    from litreview.prioritise.features import rule_evidence
    from litreview.prioritise.model import Ranker, document
    from litreview.screen.commands import policy_of
    from litreview.screen.decisions import human_labels
    from litreview.store.workspace import Workspace

    ids = tuple(record_ids)
    with Workspace.reading(workspace_dir) as workspace:
        decisions = workspace.decisions()
        policy = policy or policy_of(workspace)
        kept = _LIVE.get(stage)
        if kept is None or kept[0] != ids:
            texts = workspace.texts(ids)
            documents = [document(*texts[r][:2], " ".join(texts[r][2])) if r in texts else "" for r in ids]
            _LIVE[stage] = kept = (ids, Ranker(documents, rule_evidence(ids, decisions, stage)))
    index = {r: i for i, r in enumerate(ids)}
    labels = {index[r]: y for r, y in human_labels(decisions, stage, policy) if r in index}
    scores = kept[1].scores(labels)
    return [ids[i] for i in np.argsort(-scores, kind="stable").tolist()]
