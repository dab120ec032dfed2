"""The screening workbench's work, as plain methods over one open workspace (the web app only
parses requests and renders what these return).

Every write goes through the same workspace calls as the CLI's imports (``add_human_decisions``,
``decide_pair``), so a web decision counts in the next run exactly like an imported one. Blind
screening: a reviewer is shown the rules' suggestion and their own decisions and notes, never
another reviewer's; only a lead sees the votes of a conflict, to record the consensus.

The queue is cached in memory: what another process or server writes is caught up from the decision
history (rows past the last one read), and the whole cache is reloaded only when a run or a
duplicate verdict changes the records or links. So deciding and loading the next record reads one
record, not the workspace, on SQLite and on PostgreSQL, with one server process or several.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from litreview.config import load_protocol
from litreview.dedup.prepare import MAYBE_DUPLICATE
from litreview.dedup.relink import decide_pair
from litreview.errors import ConfigError, LitreviewError, ScreeningRuleError
from litreview.prioritise.live import RETRAIN_SHARE, live_order, worker_started
from litreview.query.evaluate import compile_query
from litreview.query.parser import parse_strategy
from litreview.records import PAIR_VERDICTS, STAGES, VOTES, Citation, Decision, Record, Stage, Vote, to_dict
from litreview.report.prisma import count_flow
from litreview.screen.commands import VOTES_COLUMNS, load_reasons, policy_of, votes_rows
from litreview.screen.decisions import (
    AWAITING,
    CONSENSUS,
    Policy,
    SheetRow,
    agreement,
    agreement_report,
    check_decisions,
    conflicts,
    effective,
    human_labels,
    in_conflict,
    is_vote,
    passed,
    published_agreement,
    suggestions,
    validate_rows,
)
from litreview.screen.highlight import (
    WORD_KINDS,
    Segment,
    Source,
    WordList,
    clean_words,
    marked_parts,
    protocol_sources,
)
from litreview.screen.listing import CONFLICT_CHOICES, list_records
from litreview.store.database import is_database_url
from litreview.store.workspace import Workspace

WRITE_WAIT = 10.0  # seconds a decision waits for another writer (a CLI import, a verdict) to finish
RERANK_EVERY = 25  # at least this many new decisions between two background re-rankings (and 1% of the queue)
LIVE_DOWNLOADS = ("screening.csv", "agreement.json", "votes.csv")  # made from the workspace at request time
OUTPUT_SUFFIXES = {".json", ".csv", ".svg", ".png", ".pdf", ".md", ".ris", ".xlsx", ".txt", ".html"}


T = TypeVar("T")


class WorkbenchError(LitreviewError):
    """A request the workbench refuses (shown to the reviewer as it is)."""


@dataclass
class RecordView:
    """What the screening page shows of one record, for one reviewer at one stage."""

    record: Record
    stage: str
    fields: dict[str, Any]
    parts: dict[str, list[list[Segment]]]  # title/abstract/...: each value's marked segments
    suggestion: Decision | None
    own: Decision | None
    notes: list[tuple[str, str]]
    duplicates: list[dict[str, str]]
    decisions: tuple[str, ...]
    screenable: bool
    # a lead's view only: every reviewer's notes, (reviewer, when, note)
    team_notes: list[tuple[str, str, str]] = field(default_factory=list)
    others: list[dict[str, str]] = field(
        default_factory=list
    )  # others' votes: only once a stage is unblinded


@dataclass
class _Cache:
    version: tuple[int, ...] = ()  # what a full reload depends on (Workspace.change_marks)
    history: int = -1  # decision history read up to this row
    order: list[str] = field(default_factory=list)  # every screenable id, protocol order (as exported)
    representative: dict[str, str] = field(default_factory=dict)
    passed_ta: set[str] = field(default_factory=set)
    decided: dict[tuple[str, str], dict[str, None]] = field(default_factory=dict)  # (reviewer, stage) -> ids
    queues: dict[str, tuple[list[str], dict[str, int]]] = field(
        default_factory=dict
    )  # stage -> (ids, position)


def serialised(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def wrapped(self: Workbench, *args: Any, **kwargs: Any) -> T:
        with self.guard:
            return method(self, *args, **kwargs)

    return wrapped


class Workbench:
    """One workspace opened for the web app. Its methods take turns (``guard``): the server's
    threads share one connection and one cache."""

    def __init__(self, workspace: Path | str, review_dir: Path | None = None, out: Path | None = None):
        """``workspace``: a folder or a PostgreSQL URL; ``out``: where its rendered outputs are
        (default: the workspace folder; ``outputs/<review id>`` for a URL)."""
        self.location: Path | str = str(workspace) if is_database_url(workspace) else Path(workspace)
        self.workspace = Workspace.existing(self.location, threads=True)
        self.outputs = Path(out) if out else self.workspace.root
        self.guard = threading.RLock()  # one request at a time uses the connection and the cache
        self.review_id = self.workspace.review_id
        self.sources: list[Source] = []  # the protocol's search and rule queries, whose terms are marked
        self.highlight_problems: list[str] = []
        self.title = self.review_id
        if review_dir is not None:
            self._load_protocol(Path(review_dir))
        self._cache = _Cache()
        self._order: dict[str, list[str]] = {}  # stage -> the latest ranking
        self._settings: dict[str, Any] = {}
        self.look_each_call = True  # False: the caller calls look() itself (once per web request)
        self._since_rank = 0
        self.ranking = False  # retrain as decisions come in (start_ranking)
        self.ranking_error = ""
        self._pool: ProcessPoolExecutor | None = None  # ranking runs in a process of its own
        self._ranking: dict[str, Future[list[str]]] = {}

    def _load_protocol(self, review_dir: Path) -> None:
        protocol = load_protocol(review_dir / "review.toml" if review_dir.is_dir() else review_dir)
        if protocol.review_id != self.review_id:
            raise ConfigError(
                f"{protocol.path}: review {protocol.review_id!r}, but the workspace belongs to {self.review_id!r}"
            )
        self.title = protocol.title or protocol.review_id
        self.sources, self.highlight_problems = protocol_sources(protocol)

    @serialised
    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self.workspace.close()

    @serialised
    def account(self, name: str) -> tuple[str, str] | None:
        """(role, password hash) of a sign-in name, or None."""
        return self.workspace.user(name)

    @serialised
    def session(self, name: str) -> tuple[str, int] | None:
        """(role, session version) of an account, or None: checked on every signed-in request."""
        return self.workspace.session(name)

    @serialised
    def end_sessions(self, name: str) -> None:
        """Sign ``name`` out everywhere (every cookie carrying the old session version stops working)."""
        self._write(lambda w: w.end_sessions(name))

    @serialised
    def accounts(self) -> dict[str, str]:
        return self.workspace.users()

    @serialised
    def policy(self) -> Policy:
        """How votes count (``[screening] reviewers_per_record``, published decisions), as the last run stored it."""
        if "policy" not in self._settings:
            self._settings["policy"] = policy_of(self.workspace)
        policy: Policy = self._settings["policy"]
        return policy

    @serialised
    def reasons(self) -> list[str]:
        """The protocol's exclusion reasons (as the last run stored them)."""
        if "reasons" not in self._settings:
            self._settings["reasons"] = load_reasons(self.workspace)
        return list(self._settings["reasons"])

    # -- the cached queue ------------------------------------------------------------------------
    def _state(self) -> _Cache:
        if self.look_each_call:
            self.look()
        return self._cache

    @serialised
    def look(self) -> None:
        """Catch up with what others wrote (the web app looks once per request, not once per call)."""
        self._settings = {}  # protocol reasons and highlight words: read again, once, when next asked
        structure, history = self.workspace.change_marks()
        if structure != self._cache.version:
            self._reload(structure, history)
        elif history > self._cache.history:
            self._catch_up(history)

    def _reload(self, structure: tuple[int, ...], history: int) -> None:
        conn = self.workspace.conn
        representative = {link.record_id: link.linked_to for link in self.workspace.links("duplicate")}
        order = [
            r
            for (r,) in conn.execute("SELECT record_id FROM records ORDER BY record_id")
            if r not in representative
        ]
        decisions = self.workspace.decisions()
        decided = effective(decisions, self.policy())
        cache = _Cache(structure, history, order, representative)
        cache.passed_ta = {r for r in order if passed(decided, r, Stage.TITLE_ABSTRACT)}
        for d in decisions:
            if d.origin == "human":
                cache.decided.setdefault((d.reviewer, d.stage), {})[d.record_id] = None
        self._cache = cache

    def _catch_up(self, history: int) -> None:
        """Apply the decisions written since the cache last looked (by anyone, this server included)."""
        cache, touched = self._cache, set()
        for record_id, stage, reviewer, decision in self.workspace.history_since(cache.history, history):
            mine = cache.decided.setdefault((reviewer, stage), {})
            if decision == "withdrawn":
                mine.pop(record_id, None)
            else:
                mine[record_id] = None
            touched.add(record_id)
        cache.history = history
        self._recheck(touched)

    def _screenable(self, stage: str) -> list[str]:
        cache = self._state()
        return (
            cache.order if stage == Stage.TITLE_ABSTRACT else [r for r in cache.order if r in cache.passed_ta]
        )

    def _queue(self, stage: str) -> tuple[list[str], dict[str, int]]:
        cache = self._state()
        found = cache.queues.get(stage)
        if found is None:
            screenable = self._screenable(stage)
            ranked = self._order.get(stage)
            if ranked:  # the ranking first, then anything it has not seen yet (new since it was made)
                allowed = set(screenable)
                placed = [r for r in ranked if r in allowed]
                seen = set(placed)
                screenable = placed + [r for r in screenable if r not in seen]
            found = cache.queues[stage] = (screenable, {r: k for k, r in enumerate(screenable)})
        return found

    @serialised
    def queue(self, stage: str) -> list[str]:
        """The records to screen at ``stage``: the ranking when one has been made, else protocol order."""
        return list(self._queue(stage)[0])

    def _awaiting(self, reviewer: str, stage: str) -> list[str]:
        """Records another reviewer has voted on at ``stage`` that still need more votes and not
        this reviewer's (the "awaiting a second reviewer" queue), in queue order. It says that
        someone voted, never what."""
        cache, policy = self._state(), self.policy()
        needed = policy.needs(stage)
        if needed < 2:
            return []
        voters: dict[str, int] = {}
        for (name, at), ids in cache.decided.items():
            if at == stage and name != CONSENSUS and name not in policy.published_names:
                for record_id in ids:
                    voters[record_id] = voters.get(record_id, 0) + 1
        mine = cache.decided.get((reviewer, stage), {})
        settled = cache.decided.get((CONSENSUS, stage), {})  # the lead's consensus ends the voting
        queue = self._queue(stage)[0]
        return [r for r in queue if 0 < voters.get(r, 0) < needed and r not in mine and r not in settled]

    @serialised
    def next_record(
        self, reviewer: str, stage: str, after: str | None = None, awaiting_only: bool = False
    ) -> str | None:
        """The next record for this reviewer at ``stage``: one awaiting their vote as a second
        reviewer first, then the first of the queue they have not decided (after ``after``)."""
        check_stage(stage)
        awaiting = [r for r in self._awaiting(reviewer, stage) if r != after]
        if awaiting or awaiting_only:
            return awaiting[0] if awaiting else None
        done = self._state().decided.get((reviewer, stage), {})
        queue, position = self._queue(stage)
        start = position[after] + 1 if after in position else 0
        for k in (*range(start, len(queue)), *range(start)):
            if queue[k] not in done:
                return queue[k]
        return None

    @serialised
    def awaiting_count(self, reviewer: str, stage: str) -> int:
        return len(self._awaiting(reviewer, stage))

    @serialised
    def neighbour(self, record_id: str, stage: str, step: int) -> str | None:
        queue, position = self._queue(stage)
        if record_id not in position:
            return None
        k = position[record_id] + step
        return queue[k] if 0 <= k < len(queue) else None

    @serialised
    def progress(self, reviewer: str, stage: str) -> tuple[int, int]:
        """(decided by this reviewer, to screen) at one stage."""
        queue, position = self._queue(stage)
        done = self._state().decided.get((reviewer, stage), {})
        return sum(1 for r in done if r in position), len(queue)

    # -- one record ------------------------------------------------------------------------------
    @serialised
    def record(self, record_id: str) -> Record:
        found = list(self.workspace.records([record_id]))
        if not found:
            raise WorkbenchError(f"no record {record_id!r} in this workspace")
        return found[0]

    @serialised
    def view(self, record_id: str, reviewer: str, stage: str, *, lead: bool = False) -> RecordView:
        check_stage(stage)
        record = self.record(record_id)
        cache = self._state()
        mine = [  # blind: the rules' word and this reviewer's own, nobody else's
            d
            for d in self._decisions_on(record_id)
            if d.stage == stage and (d.origin == "auto" or d.reviewer == reviewer)
        ]
        suggestion = suggestions(mine).get((record_id, stage))
        own = next((d for d in mine if d.origin == "human" and d.reviewer == reviewer), None)
        linked = [r for r, rep in cache.representative.items() if rep == record_id]
        duplicates = [
            {"record_id": r.record_id, "source": r.source, "title": r.title}
            for r in self.workspace.records(linked)
        ]
        screenable = record_id in (cache.order if stage == Stage.TITLE_ABSTRACT else cache.passed_ta)
        others = []
        if self.unblinded(stage):  # the protocol lifted blinding on this finished stage
            policy = self.policy()
            others = [{"reviewer": d.reviewer, "decision": d.decision, "reason": d.reason}
                      for d in self._decisions_on(record_id)
                      if d.stage == stage and is_vote(d, policy) and d.reviewer != reviewer]  # fmt: skip
        return RecordView(
            record=record,
            stage=stage,
            fields=display_fields(record),
            parts=self.marked_parts(record, reviewer),
            suggestion=suggestion,
            own=own,
            notes=self.workspace.notes(record_id, reviewer),
            duplicates=duplicates,
            decisions=VOTES[stage],
            screenable=screenable,
            team_notes=[(who, when, text) for _, who, when, text in self.workspace.notes_on([record_id])]
            if lead
            else [],
            others=others,
        )

    @serialised
    def marked_parts(self, record: Record, reviewer: str | None = None) -> dict[str, list[list[Segment]]]:
        """Each text part of the record in segments: the search's and the rules' terms and the
        highlight words (this reviewer's own and the review's) marked; the text itself is never
        touched: the page escapes it."""
        lists = [WordList(label, tuple(w["include"]), tuple(w["exclude"]))
                 for label, w in (("your words", self.highlight_words(reviewer) if reviewer else None),
                                  ("the review's words", self.highlight_words())) if w]  # fmt: skip
        return marked_parts(record, self.sources, lists)

    # -- writes ----------------------------------------------------------------------------------
    def _write(self, work: Callable[[Workspace], Any]) -> Any:
        workspace = self.workspace
        workspace.lock(wait=WRITE_WAIT)
        try:
            with workspace.transaction():
                return work(workspace)
        finally:
            workspace.unlock()

    @serialised
    def decide(self, reviewer: str, record_id: str, stage: str, decision: str, reason: str = "") -> Decision:
        """Store one reviewer's decision (a later one replaces theirs; the history keeps both)."""
        check_stage(stage)
        if decision not in VOTES[stage]:
            raise WorkbenchError(f"{decision!r} is not a decision at {stage} ({', '.join(VOTES[stage])})")
        cache = self._state()
        target = cache.representative.get(record_id, record_id)
        if target not in cache.order:
            raise WorkbenchError(f"no record {record_id!r} to screen in this workspace")
        if stage == Stage.FULL_TEXT and target not in cache.passed_ta:
            raise WorkbenchError(
                f"{target} has not passed title/abstract screening: it is not screened at full text"
            )
        made = Decision(target, stage, decision, " ".join(reason.split()), reviewer, "human",
                        decided_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))  # fmt: skip
        before = self._decisions_on(target)
        try:
            check_decisions(
                [made], before, {}, cache.representative, self.reasons(), "decision", self.policy()
            )
        except ScreeningRuleError as exc:
            raise WorkbenchError(str(exc).split("nothing imported: ")[-1].replace("row ?: ", "")) from None
        self._write(lambda w: w.add_human_decisions(f"web:{reviewer}", [made]))
        cache.decided.setdefault((reviewer, stage), {})[target] = None  # this request's next record skips it
        self._after_write()
        return made

    @serialised
    def undo(self, reviewer: str, stage: str) -> Decision | None:
        """Take back this reviewer's latest decision at ``stage`` (kept in the history as withdrawn)."""
        check_stage(stage)
        mine = self.workspace.reviewer_decisions(reviewer, stage)
        if not mine:
            return None
        last = mine[-1]
        self._write(lambda w: w.withdraw_decision(last.record_id, stage, reviewer, f"web:{reviewer}:undo"))
        self._after_write()
        return last

    @serialised
    def note(self, reviewer: str, record_id: str, text: str) -> None:
        text = text.strip()
        if not text:
            raise WorkbenchError("an empty note was not saved")
        self.record(record_id)
        self._write(lambda w: w.add_note(record_id, reviewer, text[:5000]))

    def _decisions_on(self, record_id: str) -> list[Decision]:
        return self.workspace.decisions_on([record_id])

    def _recheck(self, record_ids: Iterable[str]) -> None:
        # a title/abstract decision can move a record into or out of full-text screening
        cache, ids = self._cache, sorted(set(record_ids))
        if not ids:
            return
        decided = effective(self.workspace.decisions_on(ids), self.policy())
        for record_id in ids:
            now = passed(decided, record_id, Stage.TITLE_ABSTRACT)
            if now != (record_id in cache.passed_ta):
                (cache.passed_ta.add if now else cache.passed_ta.discard)(record_id)
                cache.queues.pop(Stage.FULL_TEXT, None)

    def _after_write(self) -> None:
        # the cache itself catches up with every write, this server's too, from the decision history
        # at the next look; here only the ranking's cadence is kept
        self._since_rank += 1
        due = max(RERANK_EVERY, RETRAIN_SHARE * len(self._cache.order))  # a 20,000-record queue: every 200
        if self.ranking and self._since_rank >= due:
            self._since_rank = 0
            self.start_ranking()

    # -- conflicts (leads only) ------------------------------------------------------------------
    @serialised
    def conflicts(self) -> list[dict[str, Any]]:
        """Every conflict with each reviewer's vote, reason and notes side by side (for the lead)."""
        decisions = self.workspace.decisions()
        by_key = {(d.record_id, d.stage, d.reviewer): d for d in decisions if d.origin == "human"}
        found = conflicts(decisions, self.policy())
        titles = {r.record_id: r.title for r in self.workspace.records({r for r, _, _ in found})}
        notes: dict[str, list[tuple[str, str, str]]] = {}
        for record_id, who, when, text in self.workspace.notes_on(titles):
            notes.setdefault(record_id, []).append((who, when, text))
        return [{"record_id": record_id, "stage": stage, "title": titles.get(record_id, ""),
                 "notes": notes.get(record_id, []),
                 "votes": [{"reviewer": name, "decision": vote, "reason": by_key[(record_id, stage, name)].reason}
                           for name, vote in sorted(votes.items())]}
                for record_id, stage, votes in found]  # fmt: skip

    @serialised
    def in_conflict(self, record_id: str, stage: str) -> bool:
        """Whether a record is in conflict at ``stage`` by the one rule (what a consensus may settle)."""
        check_stage(stage)
        return in_conflict(self._decisions_on(record_id), record_id, stage, self.policy())

    @serialised
    def unblinded(self, stage: str) -> bool:
        """Whether reviewers may see each other's votes at ``stage``: the protocol says so
        (``[screening] unblind``, logged by every run) and the stage is finished (nothing awaiting
        another reviewer, in conflict or without a vote)."""
        if stage not in self.policy().unblinded:
            return False
        key = f"finished:{stage}"
        if key not in self._settings:
            decided = effective(self.workspace.decisions(), self.policy())
            ids = self._screenable(stage)
            self._settings[key] = all(
                (e := decided.get((r, stage))) is not None
                and e.decision not in (AWAITING, "conflict", "maybe", "undecided")
                for r in ids
            )
        return bool(self._settings[key])

    @serialised
    def resolve(self, lead: str, record_id: str, stage: str, decision: str, reason: str = "") -> Decision:
        """Record the consensus on a conflict (reviewer ``consensus``; the lead named in the batch)."""
        check_stage(stage)
        if decision not in VOTES[stage] or decision == Vote.MAYBE:
            raise WorkbenchError(f"{decision!r} cannot settle a conflict at {stage}")
        before = self._decisions_on(record_id)
        # only what /conflicts offers: a stored record in conflict at this stage (the team's policy)
        if not any(r == record_id and s == stage for r, s, _ in conflicts(before, self.policy())):
            raise WorkbenchError(f"no conflict on {record_id!r} at {stage} to resolve")
        # then the checks `screen import` applies to a consensus row (record, decision word, reason)
        row = SheetRow(1, record_id, stage, decision, " ".join(reason.split()), CONSENSUS)
        try:
            (made,) = validate_rows([row], {record_id}, "consensus")
            check_decisions([made], before, {}, {}, self.reasons(), "consensus", self.policy())
        except ScreeningRuleError as exc:
            raise WorkbenchError(str(exc).split("nothing imported: ")[-1].replace("row 1: ", "")) from None
        self._write(lambda w: w.add_human_decisions(f"web:{lead}:consensus", [made]))
        self._after_write()
        return made

    @serialised
    def record_list(self, stage: str, *, decision: str = "", reviewer: str = "", conflict: str = "",
                    limit: int = 500) -> dict[str, Any]:  # fmt: skip
        """The lead's filtered record list at ``stage`` (every vote shown: never for a reviewer)."""
        check_stage(stage)
        if conflict not in CONFLICT_CHOICES:
            raise WorkbenchError(f"conflict filter {conflict!r}: choose yes or no")
        listing = list_records(self._screenable(stage), self.workspace.decisions(), stage,
                               decision=decision, reviewer=reviewer, conflict=conflict, policy=self.policy())  # fmt: skip
        shown = listing.rows[:limit]
        titles = {
            r.record_id: (r.title, r.source) for r in self.workspace.records([x.record_id for x in shown])
        }
        return {"rows": [(row, *titles.get(row.record_id, ("", ""))) for row in shown], "total": len(listing.rows),
                "decisions": listing.decisions, "reviewers": listing.reviewers}  # fmt: skip

    # -- maybe duplicates ------------------------------------------------------------------------
    @serialised
    def maybe_pairs(self) -> list[dict[str, Any]]:
        links = self.workspace.links(MAYBE_DUPLICATE)
        records = {
            r.record_id: r
            for r in self.workspace.records({x for lk in links for x in (lk.record_id, lk.linked_to)})
        }
        out = []
        for link in links:
            a, b = records.get(link.record_id), records.get(link.linked_to)
            if a is None or b is None:
                continue
            left, right = display_fields(a), display_fields(b)
            rows = [{"field": k, "a": left.get(k, ""), "b": right.get(k, ""), "differ": left.get(k, "") != right.get(k, "")}
                    for k in dict.fromkeys([*CITATION_FIELDS, *TRIAL_FIELDS, "source"]) if k in left or k in right]  # fmt: skip
            out.append(
                {"a": a.record_id, "b": b.record_id, "rule": link.rule, "score": link.score, "rows": rows}
            )
        return out

    @serialised
    def settle_pair(
        self, reviewer: str, record_a: str, record_b: str, verdict: str, lead: bool = False
    ) -> None:
        """A verdict on a pair: a reviewer's only on a maybe pair /duplicates offers; a lead's on any
        two records (as `links same|distinct`)."""
        if verdict not in PAIR_VERDICTS:
            raise WorkbenchError(f"unknown verdict {verdict!r}")
        offered = {frozenset((lk.record_id, lk.linked_to)) for lk in self.workspace.links(MAYBE_DUPLICATE)}
        if not lead and frozenset((record_a, record_b)) not in offered:
            raise WorkbenchError(
                f"{record_a} and {record_b} are not a maybe pair to settle (only a lead may pair any two records)"
            )
        # decide_pair opens the workspace, takes the lock and relinks in one transaction
        decide_pair(self.location, record_a, record_b, verdict, reviewer)

    # -- search, dashboard, downloads --------------------------------------------------------------
    @serialised
    def search(self, text: str, limit: int = 200) -> tuple[list[Record], int, list[str]]:
        parsed = parse_strategy(text)
        if parsed.errors or parsed.tree is None:
            raise WorkbenchError(
                "; ".join(f"column {d.column}: {d.message}" for d in parsed.errors) or "empty query"
            )
        query = compile_query(parsed.tree)
        ids = query.run(self.workspace.records())
        return list(self.workspace.records(ids[:limit])), len(ids), query.notes

    @serialised
    def history(self, record_id: str, reviewer: str, lead: bool) -> list[dict[str, str]]:
        """The record's decision history: a lead's whole log, a reviewer's own rows only (blind)."""
        rows = self.workspace.decision_history(record_id)
        return rows if lead else [r for r in rows if r["reviewer"] == reviewer]

    @serialised
    def dashboard(self) -> dict[str, Any]:
        """For the lead: the live PRISMA counts, what is left per stage (no vote yet, awaiting
        another reviewer, in conflict), votes per reviewer, kappa between reviewers and against the
        published review."""
        decisions, policy = self.workspace.decisions(), self.policy()
        decided = effective(decisions, policy)  # what screening_state gives, without reading every record
        identified, groups = self.workspace.identified()
        representative = self._state().representative
        flow = count_flow(identified=identified, groups=groups, duplicates=representative, decisions=decided)
        per_reviewer: dict[str, dict[str, int]] = {}
        for d in decisions:
            if is_vote(d, policy):
                per_reviewer.setdefault(d.reviewer, dict.fromkeys(STAGES, 0))[d.stage] += 1
        left: dict[str, dict[str, int]] = {}
        for stage in STAGES:
            counts = dict.fromkeys(("unscreened", AWAITING, "conflict", "maybe"), 0)
            for record_id in self._screenable(stage):
                e = decided.get((record_id, stage))
                state = "unscreened" if e is None or e.decision == "undecided" else e.decision
                if state in counts:
                    counts[state] += 1
            left[stage] = counts
        return {
            "flow": flow,
            "to_screen": {stage: left[stage]["unscreened"] for stage in STAGES},
            "left": left,
            "reviewers_per_record": dict(policy.required),
            "per_reviewer": per_reviewer,
            "agreement": [agreement(decisions, stage, policy) for stage in STAGES],
            "published_agreement": [row for stage in STAGES for row in published_agreement(decisions, stage, policy)],
            "published": dict(policy.published),
            "conflicts": sum(1 for e in decided.values() if e.decision == "conflict"),
            "maybe_pairs": len(self.workspace.links(MAYBE_DUPLICATE)),
        }  # fmt: skip

    @serialised
    def own_progress(self, reviewer: str) -> dict[str, dict[str, int]]:
        """A reviewer's own dashboard (blind): what they decided and what is left for them, per stage."""
        out = {}
        for stage in STAGES:
            done, total = self.progress(reviewer, stage)
            out[stage] = {
                "decided": done,
                "left": total - done,
                "awaiting_you": len(self._awaiting(reviewer, stage)),
            }
        return out  # fmt: skip

    @serialised
    def stopping(self, stage: str) -> dict[str, Any]:
        """The stopping rule on the reviewers' settled decisions at ``stage`` (Callaghan &
        Müller-Hansen 2020, as `screen status`): reached or not, and how many more would do."""
        from litreview.prioritise.stopping import check, more_needed  # scipy: loaded when first asked

        check_stage(stage)
        queue = set(self._queue(stage)[0])
        labels = [y for r, y in human_labels(self.workspace.decisions(), stage, self.policy()) if r in queue]
        status = check(labels, len(queue))
        more = None if status.reached or not status.relevant_seen else more_needed(labels, len(queue))
        from litreview.prioritise.estimate import estimate_sentence  # beside it, without the guarantee

        return {"stage": stage, "sentence": status.sentence(), "reached": status.reached, "more": more,
                "estimate": estimate_sentence(labels, len(queue))}  # fmt: skip

    @serialised
    def prisma_svg(self) -> bytes:
        """The live PRISMA 2020 diagram, drawn from the workspace as it is now."""
        from litreview.report.diagram import diagram_svg  # matplotlib: loaded when first drawn

        return diagram_svg(self.dashboard()["flow"])

    @serialised
    def downloads(self) -> list[str]:
        """The rendered outputs a lead may download: regular files in the workspace folder, and the
        files made from the workspace at request time (:data:`LIVE_DOWNLOADS`)."""
        found = set(LIVE_DOWNLOADS)
        if self.outputs.is_dir():
            found |= {
                p.name for p in self.outputs.iterdir()
                if p.is_file() and not p.is_symlink() and p.suffix.lower() in OUTPUT_SUFFIXES
            }  # fmt: skip
        return sorted(found)

    @serialised
    def download_path(self, name: str) -> Path:
        if (
            name not in self.downloads() or name in LIVE_DOWNLOADS
        ):  # only a listed name: no path, no traversal
            raise WorkbenchError(f"no output named {name!r}")
        return self.outputs / name

    @serialised
    def live_download(self, name: str) -> bytes | None:
        """A download made from the workspace now (never stale), or None for a run's rendered file."""
        from litreview.files import csv_bytes

        if name not in LIVE_DOWNLOADS:
            return None
        decisions, policy = self.workspace.decisions(), self.policy()
        if name == "agreement.json":
            import json

            return json.dumps(agreement_report(decisions, policy), indent=2, ensure_ascii=False).encode()
        if name == "votes.csv":
            titles = {
                r.record_id: r.title
                for r in self.workspace.records({d.record_id for d in decisions if d.origin == "human"})
            }
            return csv_bytes(VOTES_COLUMNS, votes_rows(decisions, policy, titles))
        decided = effective(decisions, policy)
        duplicates = self._state().representative
        rows = [{"record_id": r, "stage": st, "decision": e.decision, "reason": e.reason, "decided_by": e.source}
                for (r, st), e in sorted(decided.items()) if r not in duplicates]  # fmt: skip
        return csv_bytes(("record_id", "stage", "decision", "reason", "decided_by"), rows)

    @serialised
    def rendered_from(self) -> dict[str, Any]:
        """Which run the rendered outputs come from, when, and whether decisions changed since."""
        last = self.workspace.last_finished_run()
        mark = self.workspace.meta("rendered_history_mark")
        now = self.workspace.change_marks()[1]
        return {"run_id": last[0] if last else "", "finished_at": (last[1] or {}).get("finished_at", "") if last else "",
                "changed_since": mark is not None and int(mark) != now}  # fmt: skip

    # -- highlight words (the review's shared ones, and each reviewer's own) --------------------------
    @serialised
    def highlight_words(self, reviewer: str | None = None) -> dict[str, list[str]]:
        """The review's shared highlight words, or (``reviewer``) that reviewer's own."""
        key = words_key(reviewer)
        words = self._settings.setdefault("words", {})
        if key not in words:
            words[key] = self.workspace.meta(key) or {}
        return {kind: list(words[key].get(kind, [])) for kind in WORD_KINDS}

    @serialised
    def set_highlight_words(
        self, include: Iterable[str], exclude: Iterable[str], reviewer: str | None = None
    ) -> None:
        """Keep the review's shared words, or (``reviewer``) that reviewer's own."""
        key = words_key(reviewer)
        words = {"include": clean_words(include), "exclude": clean_words(exclude)}
        self._write(lambda w: w.set_meta(key, words))
        self._settings.setdefault("words", {})[key] = words

    # -- ranking (prioritised screening, retrained in the background) ------------------------------
    @serialised
    def start_ranking(self) -> None:
        """Rank (then retrain, as decisions come in) in a worker process: the model's work never
        holds up a reviewer's request. Until a ranking arrives, and if one fails, the queue keeps
        protocol order."""
        self.ranking = True
        self.look()  # the records there are now (a server's cache is empty until its first request)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=worker_started, initargs=(os.getpid(),))  # fmt: skip
        for stage in STAGES:
            running = self._ranking.get(stage)
            ids = self._screenable(stage)
            if (running is not None and not running.done()) or not ids:
                continue
            future = self._pool.submit(live_order, self.location, stage, ids)
            future.add_done_callback(functools.partial(self._ranked, stage))
            self._ranking[stage] = future

    def rank_now(self, stage: str) -> list[str]:
        """Rank in this process and wait (tests, and a server without a worker process)."""
        with self.guard:
            ids = self._screenable(stage)
        order = live_order(self.location, stage, ids) if ids else []
        with self.guard:
            self._order[stage] = order
            self._cache.queues.pop(stage, None)
        return order

    def _ranked(self, stage: str, future: Future[list[str]]) -> None:
        if future.cancelled() or future.exception() is not None:
            self.ranking_error = str(future.exception()) if not future.cancelled() else "cancelled"
            return
        with self.guard:
            self._order[stage] = future.result()
            self._cache.queues.pop(stage, None)


def check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise WorkbenchError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")


def words_key(reviewer: str | None) -> str:
    return "highlight_words" if reviewer is None else f"highlight_words:reviewer:{reviewer}"


CITATION_FIELDS = (
    "title",
    "authors",
    "journal",
    "year",
    "volume",
    "pages",
    "doi",
    "pmid",
    "record_type",
    "language",
)
TRIAL_FIELDS = (
    "title",
    "nct_id",
    "official_title",
    "status",
    "phases",
    "study_type",
    "sponsor",
    "start_date",
)


def display_fields(record: Record) -> dict[str, str]:
    """The bibliographic fields a reviewer reads, as plain strings (empty ones left out), then the source."""
    data = to_dict(record)
    out = {}
    for key in CITATION_FIELDS if isinstance(record, Citation) else TRIAL_FIELDS:
        value = data.get(key)
        if isinstance(value, list | tuple):
            value = "; ".join(str(v) for v in value)
        if value not in (None, ""):
            out[key] = str(value)
    out["source"] = record.source
    return out
