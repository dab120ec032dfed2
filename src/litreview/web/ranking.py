"""The background re-ranking: a worker process ranks each stage's queue, and ranks again as
decisions come in, so the model's work never holds up a reviewer's request.

Until a ranking arrives, and if one fails, the queue keeps protocol order.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from litreview.prioritise.live import RETRAIN_SHARE, live_order, worker_started
from litreview.records import STAGES
from litreview.screen.decisions import Policy

RERANK_EVERY = 25  # at least this many new decisions between two background re-rankings (and 1% of the queue)


class RankingWorker:
    """Ranks a workspace's queues in a process of its own; each ranking arrives through ``arrived``
    (called under ``guard``, the lock the queue's users take)."""

    def __init__(
        self,
        location: Path | str,
        guard: AbstractContextManager[Any],
        screenable: Callable[[str], list[str]],
        arrived: Callable[[str, list[str]], None],
        policy: Callable[[], Policy] | None = None,
    ):
        """``screenable``: a stage's records to rank (asked under ``guard``); ``arrived``: takes a
        stage's new order; ``policy``: how votes count (the workbench's; default the workspace's), so
        the ranking learns only from settled decisions, never from one reviewer's lone votes."""
        self.location = location
        self.guard = guard
        self.screenable = screenable
        self.arrived = arrived
        self.policy = policy
        self.retrain = False  # rank again as decisions come in (set by the workbench's start_ranking)
        self.error = ""  # the last ranking's failure, if any
        self._since = 0  # decisions since the last ranking was started
        self._pool: ProcessPoolExecutor | None = None
        self._running: dict[str, Future[list[str]]] = {}

    def start(self) -> None:
        """Rank every stage not being ranked already (the caller holds ``guard``)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=worker_started, initargs=(os.getpid(),))  # fmt: skip
        for stage in STAGES:
            running = self._running.get(stage)
            ids = self.screenable(stage)
            if (running is not None and not running.done()) or not ids:
                continue
            future = self._pool.submit(live_order, self.location, stage, ids, self._policy())
            future.add_done_callback(functools.partial(self._ranked, stage))
            self._running[stage] = future

    def due(self, queue_size: int) -> bool:
        """Count one decision written; whether a re-ranking is due now (retraining on, and enough
        new decisions: a 20,000-record queue re-ranks every 200)."""
        self._since += 1
        if self.retrain and self._since >= max(RERANK_EVERY, RETRAIN_SHARE * queue_size):
            self._since = 0
            return True
        return False

    def rank_now(self, stage: str) -> list[str]:
        """Rank in this process and wait (tests, and a server without a worker process)."""
        with self.guard:
            ids, policy = self.screenable(stage), self._policy()
        order = live_order(self.location, stage, ids, policy) if ids else []
        with self.guard:
            self.arrived(stage, order)
        return order

    def _policy(self) -> Policy | None:
        return self.policy() if self.policy is not None else None

    def _ranked(self, stage: str, future: Future[list[str]]) -> None:
        if future.cancelled() or future.exception() is not None:
            self.error = str(future.exception()) if not future.cancelled() else "cancelled"
            return
        with self.guard:
            self.arrived(stage, future.result())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
