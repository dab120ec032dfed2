"""The workbench's queue follows the prioritisation model, retrained in a worker process."""

from __future__ import annotations

import time

from litreview.web.workbench import Workbench


def test_the_protocols_evidence_orders_the_queue_before_any_decision(bench):
    wb = Workbench(bench.root)
    try:
        assert wb.queue("title_abstract") == bench.ids  # protocol order until a ranking exists
        order = wb.rank_now("title_abstract")
        queue = wb.queue("title_abstract")
        assert queue == order and sorted(queue) == sorted(bench.ids)
        assert queue[0] == bench.suggested and queue[-1] == bench.excluded_by_rule
    finally:
        wb.close()


def test_reviewers_decisions_retrain_the_order(bench):
    wb = Workbench(bench.root)
    try:
        texts = {
            r.record_id: (r.title + " " + getattr(r, "abstract", "")).lower() for r in wb.workspace.records()
        }
        topic = [r for r in bench.ids if "cetirizine" in texts[r]]
        other = [
            r
            for r in bench.ids
            if "cetirizine" not in texts[r] and r not in (bench.suggested, bench.excluded_by_rule)
        ]
        assert len(topic) >= 4 and len(other) >= 4
        for record_id in topic[:2]:
            wb.decide("ana", record_id, "title_abstract", "include")
        for record_id in other[:4]:
            wb.decide("ana", record_id, "title_abstract", "exclude")
        order = wb.rank_now("title_abstract")
        undecided = [r for r in order if r not in topic[:2] + other[:4]]
        # the records about what the reviewer included come before those like what they excluded
        first = {r for r in undecided[: len(topic) - 2]}
        assert len(first & set(topic[2:])) >= (len(topic) - 2) // 2
    finally:
        wb.close()


def test_ranking_in_the_worker_process_reaches_the_queue(bench):
    wb = Workbench(bench.root)
    try:
        wb.start_ranking()
        deadline = time.monotonic() + 60
        while wb.queue("title_abstract") == bench.ids:
            assert time.monotonic() < deadline, wb.ranker.error or "no ranking arrived"
            time.sleep(0.1)
        assert wb.queue("title_abstract")[0] == bench.suggested and wb.ranker.error == ""
    finally:
        wb.close()


def test_one_reviewers_lone_votes_never_reorder_another_reviewers_queue(bench):
    """Two votes needed (as review.toml says, before any run stored it): ana's votes await ben, so
    the ranking ben's queue follows learns nothing from them until ben has voted too."""
    from litreview.screen.decisions import Policy

    wb = Workbench(bench.root)
    # as _load_protocol sets it from review.toml
    wb.protocol_policy = Policy(required=(("title_abstract", 2), ("full_text", 2)))
    try:
        before = wb.rank_now("title_abstract")
        voted = [r for r in bench.ids if r not in (bench.suggested, bench.excluded_by_rule)][:8]
        for k, record_id in enumerate(voted):
            wb.decide("ana", record_id, "title_abstract", "include" if k < 3 else "exclude", "wrong design")
        assert wb.rank_now("title_abstract") == before
        for k, record_id in enumerate(voted):
            wb.decide("ben", record_id, "title_abstract", "include" if k < 3 else "exclude", "wrong design")
        assert wb.rank_now("title_abstract") != before  # settled: now it learns
    finally:
        wb.close()
