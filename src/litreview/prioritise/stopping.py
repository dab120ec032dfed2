"""When to stop screening: the hypergeometric test of Callaghan & Müller-Hansen (2020), as its
authors implement it in ``buscarpy``. Under H0 "recall is below the target", each run of the most
recently screened records is treated as a sample of what is left; the smallest p-value over those
runs is the test's. Below 1 - confidence, the target recall is reached with that confidence.

The plain test is computed here, not by ``buscarpy``, and agrees with it to 1e-9 (tested): buscarpy
sums each run's whole lower tail through scipy, 1.2 s for 4,000 records screened of 20,000, and
"how many more" repeats the test up to 200 times, which froze the workbench's dashboard for 30 s.
Under H0 the run holds its relevant records plus at most ``c`` more (c = the fewest misses that
break the target), so the upper tail has at most ``c`` terms: one vectorised pass, milliseconds.
Where H0 cannot hold (fewer records left unscreened than the misses it needs) p is 0; buscarpy
gives NaN there, which read as "not reached" at the very end of screening.

``bias`` above 1 is buscarpy's biased urn: it assumes the ranking makes a relevant record ``bias``
times likelier to be screened next than an irrelevant one, and stops sooner. litreview uses 1 (no
assumption about the ranking); the screening benchmark measures what a bias would cost in recall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from litreview.errors import ConfigError


@dataclass(frozen=True)
class StopCheck:
    reached: bool
    p_value: float
    screened: int
    total: int
    relevant_seen: int
    recall_target: float
    confidence: float
    labels: tuple[int, ...] = ()  # the screened records' labels, in the order the test read them

    def sentence(self) -> str:
        target, conf = f"{self.recall_target:.0%}", f"{self.confidence:.0%}"
        if self.reached:
            return f"recall ≥ {target} with {conf} confidence reached (p = {self.p_value:.3g}) after {self.screened} of {self.total} records"
        return f"recall ≥ {target} with {conf} confidence not reached yet (p = {self.p_value:.3g}); {self.total - self.screened} records unscreened"


def check(
    labels: Sequence[int],
    total: int,
    recall_target: float = 0.95,
    confidence: float = 0.95,
    bias: float = 1.0,
) -> StopCheck:
    """``labels``: 1 (relevant) / 0 for each screened record, in the order screened; ``total``: all records."""
    seen = sum(labels)
    if not labels or seen == 0:
        return StopCheck(False, 1.0, len(labels), total, seen, recall_target, confidence, tuple(labels))
    if bias == 1.0:
        p = h0_p_value(labels, total, recall_target)
    else:
        try:
            from buscarpy import calculate_h0
        except ImportError as exc:  # an extra: the default (bias 1) test is computed here
            raise ConfigError(
                "a biased stopping test needs buscarpy: pip install 'litreview-sr[reference]'"
            ) from exc

        p = float(calculate_h0(list(labels), total, recall_target=recall_target, bias=bias))
        p = 1.0 if math.isnan(p) else p
    return StopCheck(
        p < 1 - confidence, p, len(labels), total, seen, recall_target, confidence, tuple(labels)
    )


def h0_p_value(labels: Sequence[int], total: int, recall_target: float = 0.95) -> float:
    """The p-value of H0 "recall is below ``recall_target``" (buscarpy's ``calculate_h0``, bias 1)."""
    import numpy as np
    from scipy.special import gammaln

    screened = np.asarray(labels, dtype=np.int64)
    seen = int(screened.sum())
    run = np.arange(1, len(screened) + 1)  # each run of the most recent records, shortest first
    found = np.cumsum(screened[::-1])  # relevant records in that run
    # H0's smallest number of relevant records in the run plus the unscreened rest, as buscarpy
    relevant = np.floor(seen / recall_target + 1 - (seen - found))
    population = total - (len(screened) - run)  # the run plus the unscreened rest

    def log_choose(n: np.ndarray, k: np.ndarray) -> np.ndarray:
        return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)

    upper = np.zeros(len(run))  # P(more relevant records in the run than were found)
    for extra in range(1, int((relevant - found).max()) + 1):
        k = found + extra
        ok = (k <= np.minimum(relevant, run)) & (run - k <= population - relevant)
        with np.errstate(invalid="ignore"):
            terms = (
                log_choose(relevant, k)
                + log_choose(population - relevant, run - k)
                - log_choose(population, run)
            )
        upper += np.where(ok, np.exp(np.where(ok, terms, 0.0)), 0.0)
    p = np.clip(1.0 - upper, 0.0, 1.0)
    # a run where H0 is impossible: it needs more relevant records than could be left unscreened
    # (this takes in every run with more relevant records than records, where the terms are undefined)
    p[relevant - found > population - run] = 0.0
    return float(p.min())


def more_needed(
    labels: Sequence[int], total: int, recall_target: float = 0.95, confidence: float = 0.95
) -> int | None:
    """How many more irrelevant records in a row would let the test stop (None if none would), on a
    grid of about 200 steps. Each irrelevant record added only lowers every run's p-value (a run
    drawn longer with the same finds; new runs are extra candidates), so the grid is bisected."""
    tail = list(labels)
    grid = list(range(0, total - len(tail) + 1, max(1, (total - len(tail)) // 200)))

    def stops(extra: int) -> bool:
        return check(tail + [0] * extra, total, recall_target, confidence).reached

    if not grid or not stops(grid[-1]):
        return None
    low, high = 0, len(grid) - 1  # the first step that stops lies in grid[low..high]
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if stops(grid[middle]) else (middle + 1, high)
    return grid[low]
