"""Replaying a labelled review as if screened with the ranking: how early the relevant records come.

Metrics, all fractions in 0..1 so other tools can read them (``metrics.json``):
- ``wss95``: work saved over random at 95% recall, (N - screened at 95% recall) / N - 0.05;
- ``recall10``: recall after screening 10% of the records;
- ``atd``: average time to discovery, the mean screening position of the relevant records / N;
- ``loss``: the area between the ideal recall curve (every relevant record first) and the one
  reached, over the area between the ideal and the worst (every relevant record last);
- ``stop_screened`` and ``stop_recall``: where the stopping rule fired and the recall reached then
  (1.0 and the final recall when it never fired);
- ``stop_bound_share``: the screening the rule cut, over what it would cut if every relevant record
  came first (no ranking lets it stop sooner; 1.0 where even that cuts nothing);
- ``estimate_screened`` and ``estimate_recall``: where the point-process estimate (no guarantee,
  ``estimate.py``) said the target was reached, and the recall there (1.0 and the final recall when
  it never did).
Priors (``prior_included`` relevant and ``prior_excluded`` irrelevant records, drawn with the seed)
are screened first and count as screened.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from litreview.prioritise.estimate import estimate
from litreview.prioritise.live import RETRAIN_SHARE
from litreview.prioritise.model import Ranker
from litreview.prioritise.stopping import check

STOP_EVERY = 0.005  # test the stopping rule after each 0.5% of the records (and at least every 10)


@dataclass(frozen=True)
class Run:
    seed: int
    order: list[int]  # rows in the order screened
    stop_at: int | None  # records screened when the stopping rule fired
    retrain_seconds: float  # mean wall time of one retrain
    estimate_at: int | None = None  # records screened when the estimate said the target was reached
    bound_at: int | None = None  # where the stopping rule fires if every relevant record came first


def prior_rows(
    labels: Sequence[int], seed: int, prior_included: int = 1, prior_excluded: int = 1
) -> list[int]:
    """The rows known at the start of a simulated run: drawn with the seed, relevant ones first."""
    rng = random.Random(seed)
    relevant = [i for i, y in enumerate(labels) if y]
    irrelevant = [i for i, y in enumerate(labels) if not y]
    if len(relevant) < prior_included or len(irrelevant) < prior_excluded:
        raise ValueError("fewer labelled records than priors asked for")
    return rng.sample(relevant, prior_included) + rng.sample(irrelevant, prior_excluded)


def simulate(texts: Sequence[str], labels: Sequence[int], seed: int, prior_included: int = 1,
             prior_excluded: int = 1, recall_target: float = 0.95, confidence: float = 0.95,
             ranker: Ranker | None = None) -> Run:  # fmt: skip
    import time

    n = len(labels)
    order = prior_rows(labels, seed, prior_included, prior_excluded)
    known = {i: labels[i] for i in order}
    ranker = ranker or Ranker(texts)
    # the seed draws the priors, the order the SVM's coordinate descent visits the records in, and
    # which of two equally scored records comes first (file order would favour wherever a source
    # sorted its relevant records), as ASReview's seed does
    tiebreak = np.random.default_rng(seed).permutation(n)
    spent, fits = 0.0, 0
    queue: list[int] = []
    while len(order) < n:
        if not queue:  # retrain: after every record at first, then after every 1% of those labelled
            started = time.perf_counter()
            scores = ranker.scores(known, seed)
            spent, fits = spent + time.perf_counter() - started, fits + 1
            scores[order] = -np.inf
            batch = max(1, int(len(known) * RETRAIN_SHARE))
            queue = [int(i) for i in np.lexsort((tiebreak, -scores))[:batch] if scores[i] > -np.inf]
        pick = queue.pop(0)
        order.append(pick)
        known[pick] = labels[pick]
    return replay(seed, order, labels, spent / max(fits, 1), recall_target, confidence)


def replay(seed: int, order: list[int], labels: Sequence[int], retrain_seconds: float = 0.0,
           recall_target: float = 0.95, confidence: float = 0.95) -> Run:  # fmt: skip
    """A screening order (any ranker's) with where the stopping rule and the estimate stop on it."""
    screened = [labels[i] for i in order]
    return Run(seed, order, stopping_point(screened, recall_target, confidence), retrain_seconds,
               estimate_point(screened, recall_target, confidence),
               stopping_point(sorted(labels, reverse=True), recall_target, confidence))  # fmt: skip


def checkpoints(n: int) -> range:
    """Where a reviewer looks at the stopping rule: after every 0.5% of the records (every 10 at most)."""
    every = max(1, min(10, math.ceil(STOP_EVERY * n)))
    return range(every, n + 1, every)


def stopping_point(
    screened: Sequence[int], recall_target: float = 0.95, confidence: float = 0.95, bias: float = 1.0
) -> int | None:
    """Where the stopping rule first fires on labels in the order screened (all records), tested
    after every 0.5% of them as a reviewer would: the number screened then, or None."""
    for k in checkpoints(len(screened)):
        if check(screened[:k], len(screened), recall_target, confidence, bias).reached:
            return k
    return None


def estimate_point(
    screened: Sequence[int], recall_target: float = 0.95, confidence: float = 0.95
) -> int | None:
    """Where the point-process estimate first says the target is reached, checked as the rule is."""
    for k in checkpoints(len(screened)):
        guess = estimate(screened[:k], len(screened), recall_target, confidence)
        if guess is not None and guess.reached:
            return k
    return None


def metrics(run: Run, labels: Sequence[int]) -> dict[str, float]:
    n, total = len(labels), sum(labels)
    found = np.cumsum([labels[i] for i in run.order])  # relevant found after k+1 records
    at95 = int(np.searchsorted(found, math.ceil(0.95 * total))) + 1
    positions = [k + 1 for k, i in enumerate(run.order) if labels[i]]
    area = float(found.sum())
    ideal = float(np.minimum(np.arange(1, n + 1), total).sum())
    worst = float(np.maximum(np.arange(1, n + 1) - (n - total), 0).sum())
    stop, guess, bound = run.stop_at or n, run.estimate_at or n, run.bound_at or n
    return {
        "wss95": (n - at95) / n - 0.05,
        "recall10": float(found[max(0, math.ceil(0.10 * n) - 1)]) / total,
        "atd": float(np.mean(positions)) / n,
        "loss": (ideal - area) / (ideal - worst) if ideal > worst else 0.0,
        "stop_screened": stop / n,
        "stop_recall": float(found[stop - 1]) / total,
        "stop_bound_share": (n - stop) / (n - bound) if bound < n else 1.0,
        "estimate_screened": guess / n,
        "estimate_recall": float(found[guess - 1]) / total,
        "retrain_seconds": run.retrain_seconds,
    }


def summary(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    return {key: float(np.mean([r[key] for r in runs])) for key in runs[0]} if runs else {}


def as_dict(run: Run) -> dict:
    return asdict(run)
