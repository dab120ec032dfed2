"""When to stop screening: the hypergeometric test of Callaghan & Müller-Hansen (2020), as its
authors implement it in ``buscarpy``. Under H0 "recall is below the target", each run of the most
recently screened records is treated as a sample of what is left; the smallest p-value over those
runs is the test's. Below 1 - confidence, the target recall is reached with that confidence.

``bias`` above 1 is buscarpy's biased urn: it assumes the ranking makes a relevant record ``bias``
times likelier to be screened next than an irrelevant one, and stops sooner. litreview uses 1 (no
assumption about the ranking); the screening benchmark measures what a bias would cost in recall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


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
    from buscarpy import calculate_h0

    seen = sum(labels)
    if not labels or seen == 0:
        return StopCheck(False, 1.0, len(labels), total, seen, recall_target, confidence, tuple(labels))
    p = float(calculate_h0(list(labels), total, recall_target=recall_target, bias=bias))
    p = 1.0 if math.isnan(p) else p
    return StopCheck(
        p < 1 - confidence, p, len(labels), total, seen, recall_target, confidence, tuple(labels)
    )


def more_needed(
    labels: Sequence[int], total: int, recall_target: float = 0.95, confidence: float = 0.95
) -> int | None:
    """How many more irrelevant records in a row would let the test stop (None if none would)."""
    tail = list(labels)
    for extra in range(0, total - len(tail) + 1, max(1, (total - len(tail)) // 200 or 1)):
        if check(tail + [0] * extra, total, recall_target, confidence).reached:
            return extra
    return None
