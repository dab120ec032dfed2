"""The screening workbench over one open workspace: its writes, conflicts, dashboard and downloads,
composed with the cached queue (:mod:`.queue`), the record view (:mod:`.view`) and the background
ranking (:mod:`.ranking`); the web app only parses requests and renders what these methods return.

Every write goes through the same workspace calls as the CLI's imports (``add_human_decisions``,
``decide_pair``), so a web decision counts in the next run exactly like an imported one. Blind
screening: a reviewer is shown the rules' suggestion and their own decisions and notes, never
another reviewer's; only a lead sees the votes of a conflict, to record the consensus. Extraction
forms likewise: an extractor sees the machine's suggestion and their own values, a lead the
disagreeing cells side by side (:mod:`litreview.extract.forms` says which value counts).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from litreview.config import load_protocol
from litreview.dedup.prepare import MAYBE_DUPLICATE
from litreview.dedup.relink import decide_pair
from litreview.errors import ConfigError, FullTextError, ScreeningRuleError, WorkbenchError
from litreview.extract.forms import (
    CONFLICT,
    EXTRACTION_META,
    MAX_VALUE,
    Saved,
    cell_states,
    changes,
    cleaned,
    extraction_settings,
    form_columns,
    machine_agreement,
    own_saves,
    own_values,
    sentence,
    value_problem,
)
from litreview.extract.forms import CONSENSUS as SETTLED_BY_LEAD
from litreview.extract.forms import (
    conflicts as extraction_conflicts,
)
from litreview.extract.links import TrialLink, link_trials
from litreview.extract.rows import Row
from litreview.extract.spec import ExtractionSpec, load_spec
from litreview.extract.tables import machine_rows, tabled_records
from litreview.pipeline.fulltexts import NOT_RETRIEVED_META, attach, not_this_records, retrieval
from litreview.query.evaluate import compile_query
from litreview.query.parser import parse_strategy
from litreview.records import PAIR_VERDICTS, STAGES, VOTES, Citation, Decision, Record, Stage, Trial, Vote
from litreview.report.prisma import count_flow
from litreview.screen.commands import VOTES_COLUMNS, load_reasons, policy_of, protocol_policy, votes_rows
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
    is_vote,
    published_agreement,
    validate_rows,
)
from litreview.screen.highlight import WORD_KINDS, Segment, Source, clean_words, protocol_sources
from litreview.screen.listing import CONFLICT_CHOICES, list_records
from litreview.sources.pdf import CheckedPdf, check_pdf
from litreview.store.database import is_database_url
from litreview.store.workspace import FullText, Workspace
from litreview.web.queue import ScreeningQueue
from litreview.web.ranking import RankingWorker
from litreview.web.view import RecordView, compared_fields, highlighted_parts, record_view

MAX_NOTE = 5000  # characters in a note
MAX_REASON = 500  # characters in a reason, as the decision form's box holds
WRITE_WAIT = 10.0  # seconds a decision waits for another writer (a CLI import, a verdict) to finish
LIVE_DOWNLOADS = ("screening.csv", "agreement.json", "votes.csv")  # made from the workspace at request time
OUTPUT_SUFFIXES = {".json", ".csv", ".svg", ".png", ".pdf", ".md", ".ris", ".xlsx", ".txt", ".html"}


T = TypeVar("T")


def _problems(exc: ScreeningRuleError, row: str) -> str:
    """What is wrong with the one decision a request made, without the sheet's row numbers."""
    return "; ".join(p.replace(row, "") for p in exc.problems) if exc.problems else str(exc)


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
        self.protocol_policy: Policy | None = None  # how votes count, read from review.toml at start
        # the extraction form's spec and extractors per record, read from review.toml at start ({}: none)
        self.protocol_extraction: dict[str, Any] | None = None
        if review_dir is not None:
            self._load_protocol(Path(review_dir))
        self._settings: dict[str, Any] = {}
        self._spec: tuple[tuple, ExtractionSpec] | None = None  # the extraction.toml last read, by version
        # the included trials' machine rows and titles, and what they were made from (:meth:`_extraction`)
        self._machine: tuple[tuple[Any, ...], dict[str, Row], dict[str, str]] | None = None
        self.look_each_call = True  # False: the caller calls look() itself (once per web request)
        self.screening = ScreeningQueue(self.workspace, self.policy, self._refresh)
        self._trial_links: tuple[tuple[int, ...], dict[str, list[TrialLink]]] | None = None
        self.ranker = RankingWorker(
            self.location, self.guard, self.screening.screenable, self.screening.rank, self.policy
        )

    def _load_protocol(self, review_dir: Path) -> None:
        protocol = load_protocol(review_dir / "review.toml" if review_dir.is_dir() else review_dir)
        if protocol.review_id != self.review_id:
            raise ConfigError(
                f"{protocol.path}: review {protocol.review_id!r}, but the workspace belongs to {self.review_id!r}"
            )
        self.title = protocol.title or protocol.review_id
        self.sources, self.highlight_problems = protocol_sources(protocol)
        self.protocol_policy = protocol_policy(protocol)
        self.protocol_extraction = extraction_settings(protocol) or {}

    @serialised
    def close(self) -> None:
        self.ranker.close()
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
        """How votes count (``[screening] reviewers_per_record``, published decisions): as review.toml
        says when the workbench was started with the review folder (a changed setting counts at once,
        not at the next run), else as the last run stored it."""
        if self.protocol_policy is not None:
            return self.protocol_policy
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

    # -- the cached queue (.queue) ---------------------------------------------------------------
    def _refresh(self) -> None:
        if self.look_each_call:
            self.look()

    @serialised
    def look(self) -> None:
        """Catch up with what others wrote (the web app looks once per request, not once per call)."""
        self._settings = {}  # protocol reasons and highlight words: read again, once, when next asked
        self.screening.look()

    @serialised
    def queue(self, stage: str) -> list[str]:
        """The records to screen at ``stage``: the ranking when one has been made, else protocol order."""
        return list(self.screening.ordered(stage)[0])

    @serialised
    def next_record(
        self, reviewer: str, stage: str, after: str | None = None, awaiting_only: bool = False
    ) -> str | None:
        """The next record for this reviewer at ``stage``: one awaiting their vote as a second
        reviewer first, then the first of the queue they have not decided (after ``after``)."""
        check_stage(stage)
        return self.screening.next_record(reviewer, stage, after, awaiting_only)

    @serialised
    def awaiting_count(self, reviewer: str, stage: str) -> int:
        return len(self.screening.awaiting(reviewer, stage))

    @serialised
    def neighbour(self, record_id: str, stage: str, step: int) -> str | None:
        return self.screening.neighbour(record_id, stage, step)

    @serialised
    def progress(self, reviewer: str, stage: str) -> tuple[int, int]:
        """(decided by this reviewer, to screen) at one stage."""
        return self.screening.progress(reviewer, stage)

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
        cache = self.screening.state()
        decisions = self._decisions_on(record_id)
        linked = [r for r, rep in cache.representative.items() if rep == record_id]
        links = self.trial_links(record_id)
        named = self.workspace.records(
            dict.fromkeys(k.trial for k in links) | dict.fromkeys(k.publication for k in links)
        )
        return record_view(
            record,
            reviewer,
            stage,
            decisions=decisions,
            # the protocol lifted blinding on this finished stage: others' votes, as the policy counts them
            others_shown=self.policy() if self.unblinded(stage) else None,
            parts=self.marked_parts(record, reviewer),
            notes=self.workspace.notes(record_id, reviewer),
            duplicates=self.workspace.records(linked),
            screenable=record_id in self.screening.ordered(stage)[1],
            team_notes=[(who, when, text) for _, who, when, text in self.workspace.notes_on([record_id])]
            if lead
            else [],
            links=links,
            linked={r.record_id: r for r in named},
        )

    @serialised
    def trial_links(self, record_id: str) -> list[TrialLink]:
        """The trial links (:func:`litreview.extract.links.link_trials`) a record takes part in, from
        every trial and publication of the workspace (duplicates left out); computed once per run or
        duplicate verdict (reading every record is not a per-request cost)."""
        cache = self.screening.state()
        if self._trial_links is None or self._trial_links[0] != cache.version:
            trials: list[Trial] = []
            citations: list[Citation] = []
            for r in self.workspace.records():
                if isinstance(r, Trial) and r.record_id not in cache.representative:
                    trials.append(r)
                elif isinstance(r, Citation) and r.record_id not in cache.representative:
                    citations.append(r)
            by_record: dict[str, list[TrialLink]] = {}
            for link in link_trials(trials, citations):
                by_record.setdefault(link.trial, []).append(link)
                by_record.setdefault(link.publication, []).append(link)
            self._trial_links = (cache.version, by_record)
        return list(self._trial_links[1].get(record_id, []))

    @serialised
    def marked_parts(self, record: Record, reviewer: str | None = None) -> dict[str, list[list[Segment]]]:
        """Each text part of the record in segments, the terms and highlight words marked (:func:`.view.highlighted_parts`)."""
        own = self.highlight_words(reviewer) if reviewer else None
        return highlighted_parts(record, self.sources, own, self.highlight_words())

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
        cache = self.screening.state()
        target = cache.representative.get(record_id, record_id)
        if target not in cache.order:
            raise WorkbenchError(f"no record {record_id!r} to screen in this workspace")
        if stage == Stage.TITLE_ABSTRACT and target in cache.entry:
            raise WorkbenchError(
                f"{target} was found only by other methods (such as citation searching): it is screened "
                "at full text alone"
            )
        if stage == Stage.FULL_TEXT and target not in cache.at_full_text:
            raise WorkbenchError(
                f"{target} has not passed title/abstract screening: it is not screened at full text"
            )
        _short_reason(reason)
        made = Decision(target, stage, decision, " ".join(reason.split()), reviewer, "human",
                        decided_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))  # fmt: skip
        before = self._decisions_on(target)
        try:
            check_decisions([made], before, {}, cache.representative, self.reasons(), "decision", self.policy(),
                            cache.entry)  # fmt: skip
        except ScreeningRuleError as exc:
            raise WorkbenchError(_problems(exc, "row ?: ")) from None
        self._write(lambda w: w.add_human_decisions(f"web:{reviewer}", [made]))
        self.screening.mark_decided(reviewer, stage, target)  # this request's next record skips it
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

    # -- full texts ------------------------------------------------------------------------------
    def _target(self, record_id: str) -> str:
        # a duplicate's full text is its representative's: the one record screened for both
        return self.screening.state().representative.get(record_id, record_id)

    @serialised
    def fulltext(self, record_id: str) -> FullText | None:
        return self.workspace.fulltext(self._target(record_id))

    @serialised
    def fulltext_data(self, record_id: str) -> tuple[FullText, bytes] | None:
        return self.workspace.fulltext_data(self._target(record_id))

    @serialised
    def fulltext_missing(self, record_id: str) -> str:
        """Why the last open-access fetch found no full text for the record ('' if it was not tried)."""
        target = self._target(record_id)
        if self.workspace.fulltext(target) is not None:  # attached since: the reason no longer holds
            return ""
        return str((self.workspace.meta(NOT_RETRIEVED_META) or {}).get(target, ""))

    @serialised
    def upload_refusal(self, reviewer: str, record_id: str, *, lead: bool = False) -> str:
        """Why this user may not upload the record's full text ('' if they may). A lead may always;
        a reviewer only for a record that reached the full-text stage (an upload at title/abstract
        would tell the others which way they lean), and never over a file someone else added."""
        self.record(record_id)
        if lead:
            return ""
        target = self._target(record_id)
        if target not in self.screening.state().at_full_text:
            return "A full text is uploaded once the record has passed title/abstract screening."
        current = self.workspace.fulltext(target)
        if current is not None and current.added_by != reviewer:
            return "Another reviewer added this full text; only a lead may replace it."
        return ""

    def attach_fulltext(
        self, reviewer: str, record_id: str, name: str, data: bytes, *, lead: bool = False
    ) -> bool:
        """Check an uploaded PDF (outside the guard: a slow check holds up no other request), then
        store it as the record's full text; a refused file, or one that is another record's
        (:func:`~litreview.pipeline.fulltexts.not_this_records`), raises FullTextError and stores
        nothing, an upload the user may not make (:meth:`upload_refusal`) raises WorkbenchError."""
        if refusal := self.upload_refusal(reviewer, record_id, lead=lead):
            raise WorkbenchError(refusal)
        pdf = check_pdf(data, name)
        return self._attach(reviewer, record_id, pdf, data, name, lead)

    @serialised
    def _attach(
        self, reviewer: str, record_id: str, pdf: CheckedPdf, data: bytes, name: str, lead: bool
    ) -> bool:
        if refusal := self.upload_refusal(reviewer, record_id, lead=lead):  # again: it may have changed
            raise WorkbenchError(refusal)
        target = self._target(record_id)
        if mismatch := not_this_records(self.workspace, target, pdf, name):  # another record's file
            raise FullTextError(name, mismatch)
        return attach(self.workspace, target, pdf, data, reviewer, name)

    @serialised
    def note(self, reviewer: str, record_id: str, text: str) -> None:
        text = text.strip()
        if not text:
            raise WorkbenchError("an empty note was not saved")
        if len(text) > MAX_NOTE:  # refused whole, as an extraction cell: a note cut short says less
            raise WorkbenchError(f"a note holds at most {MAX_NOTE:,} characters (this one has {len(text):,}): "
                                 "nothing was saved")  # fmt: skip
        self.record(record_id)
        self._write(lambda w: w.add_note(record_id, reviewer, text))

    def _decisions_on(self, record_id: str) -> list[Decision]:
        return self.workspace.decisions_on([record_id])

    def _after_write(self) -> None:
        # the cache itself catches up with every write, this server's too, from the decision history
        # at the next look; here only the ranking's cadence is kept
        if self.ranker.due(len(self.screening.cache.order)):
            self.start_ranking()

    # -- conflicts (leads only) ------------------------------------------------------------------
    @serialised
    def conflicts(self) -> list[dict[str, Any]]:
        """Every conflict with each reviewer's vote, reason and notes side by side (for the lead)."""
        decisions = self.workspace.decisions()
        by_key = {(d.record_id, d.stage, d.reviewer): d for d in decisions if d.origin == "human"}
        # a record found only by other methods has no title/abstract stage, nor conflicts there
        found = conflicts(
            decisions, self.policy(), effective(decisions, self.policy(), self.screening.state().entry)
        )
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
    def unblinded(self, stage: str) -> bool:
        """Whether reviewers may see each other's votes at ``stage``: the protocol says so
        (``[screening] unblind``, logged by every run) and the stage is finished (nothing awaiting
        another reviewer, in conflict or without a vote)."""
        if stage not in self.policy().unblinded:
            return False
        key = f"finished:{stage}"
        if key not in self._settings:
            decided = effective(self.workspace.decisions(), self.policy(), self.screening.state().entry)
            ids = self.screening.screenable(stage)
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
        entry = self.screening.state().entry
        if stage == Stage.TITLE_ABSTRACT and record_id in entry:
            raise WorkbenchError(
                f"{record_id} was found only by other methods (such as citation searching): it has no "
                "title/abstract stage to settle"
            )
        # only what /conflicts offers: a stored record in conflict at this stage (the team's policy)
        counted = effective(before, self.policy(), entry)
        if not any(r == record_id and s == stage for r, s, _ in conflicts(before, self.policy(), counted)):
            raise WorkbenchError(f"no conflict on {record_id!r} at {stage} to resolve")
        # then the checks `screen import` applies to a consensus row (record, decision word, reason)
        _short_reason(reason)
        row = SheetRow(1, record_id, stage, decision, " ".join(reason.split()), CONSENSUS)
        try:
            (made,) = validate_rows([row], {record_id}, "consensus")
            check_decisions([made], before, {}, {}, self.reasons(), "consensus", self.policy(), entry)
        except ScreeningRuleError as exc:
            raise WorkbenchError(_problems(exc, "row 1: ")) from None
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
        listing = list_records(self.screening.screenable(stage), self.workspace.decisions(), stage,
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
            out.append({"a": a.record_id, "b": b.record_id, "rule": link.rule, "score": link.score,
                        "rows": compared_fields(a, b)})  # fmt: skip
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
        # what screening_state gives, without reading every record
        decided = effective(decisions, policy, self.screening.state().entry)
        identified, groups = self.workspace.identified()
        representative = self.screening.state().representative
        retrieved, not_retrieved = retrieval(self.workspace)
        flow = count_flow(identified=identified, groups=groups, duplicates=representative, decisions=decided,
                          retrieved=retrieved, not_retrieved=not_retrieved)  # fmt: skip
        per_reviewer: dict[str, dict[str, int]] = {}
        for d in decisions:
            if is_vote(d, policy):
                per_reviewer.setdefault(d.reviewer, dict.fromkeys(STAGES, 0))[d.stage] += 1
        left: dict[str, dict[str, int]] = {}
        for stage in STAGES:
            counts = dict.fromkeys(("unscreened", AWAITING, "conflict", "maybe"), 0)
            for record_id in self.screening.screenable(stage):
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
        out: dict[str, dict[str, int]] = {}
        for stage in STAGES:
            done, total = self.progress(reviewer, stage)
            out[stage] = {
                "decided": done,
                "left": total - done,
                "awaiting_you": len(self.screening.awaiting(reviewer, stage)),
            }
        return out  # fmt: skip

    @serialised
    def stopping(self, stage: str) -> dict[str, Any]:
        """The stopping rule on the reviewers' settled decisions at ``stage`` (Callaghan &
        Müller-Hansen 2020, as `screen status`): reached or not, and how many more would do."""
        from litreview.prioritise.stopping import check, more_needed  # scipy: loaded when first asked

        check_stage(stage)
        queue = set(self.screening.ordered(stage)[0])
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
        entry = self.screening.state().entry
        if name == "agreement.json":
            import json

            report = agreement_report(decisions, policy, effective(decisions, policy, entry))
            return json.dumps(report, indent=2, ensure_ascii=False).encode()
        if name == "votes.csv":
            titles = {
                r.record_id: r.title
                for r in self.workspace.records({d.record_id for d in decisions if d.origin == "human"})
            }
            return csv_bytes(VOTES_COLUMNS, votes_rows(decisions, policy, titles, entry))
        decided = effective(decisions, policy, entry)
        duplicates = self.screening.state().representative
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

    # -- extraction forms (the included registry trials' table cells) -------------------------------
    def _extraction(self) -> dict[str, Any]:
        """The extraction sheet now: the spec, extractors per record, the included trials' machine
        rows by record id, and every save (read once per request). The rows are made once while the
        records, the links and the trials included at full text stay as they were (reading every
        record to link the trials is not a per-request cost)."""
        if "extraction" in self._settings:
            sheet: dict[str, Any] = self._settings["extraction"]
            return sheet
        settings = self._extraction_settings()
        if not settings:
            raise WorkbenchError(
                "no extraction form: the review names no [tables] extraction, or no run stored it yet"
            )
        version = _spec_version(Path(settings["spec"]))
        if self._spec is None or self._spec[0] != version:
            self._spec = (version, load_spec(Path(settings["spec"])))
        spec = self._spec[1]
        cache = self.screening.state()
        decided = effective(self.workspace.decisions(), self.policy(), cache.entry)
        included = tuple(sorted(r for (r, stage), e in decided.items()
                                if stage == Stage.FULL_TEXT and e.decision == "include"))  # fmt: skip
        key = (cache.version, version, included)
        if self._machine is None or self._machine[0] != key:
            trials, citations = tabled_records(self.workspace.records(), decided, skip=cache.representative)
            ordered, made = machine_rows(trials, spec, citations)
            self._machine = (key, {t.record_id: row for t, row in zip(ordered, made, strict=True)},
                             {t.record_id: t.title for t in ordered})  # fmt: skip
        rows, titles = self._machine[1], self._machine[2]
        sheet = {"spec": spec, "required": int(settings.get("extractors_per_record", 1)), "rows": rows,
                 "titles": titles, "columns": form_columns(spec),
                 "saved": [Saved.stored(r) for r in self.workspace.extraction_values(rows)]}  # fmt: skip
        self._settings["extraction"] = sheet
        return sheet

    def _extraction_settings(self) -> dict[str, Any]:
        """The spec's path and extractors per record: as review.toml says when the workbench was
        started with the review folder (a changed setting counts at once, as :meth:`policy`), else
        as the last run stored them ({}: no extraction form)."""
        if self.protocol_extraction is not None:
            return self.protocol_extraction
        return dict(self.workspace.meta(EXTRACTION_META) or {})

    def _suggestions(self, sheet: dict[str, Any]) -> dict[str, dict[str, str]]:
        return {r: {c: row.cells[c].value for c in sheet["columns"]} for r, row in sheet["rows"].items()}

    @serialised
    def extraction_list(self, extractor: str) -> list[dict[str, Any]]:
        """The records to extract, each with this extractor's own progress (blind: nobody else's)."""
        sheet = self._extraction()
        own = own_values(sheet["saved"], extractor)
        out = []
        for record_id, row in sheet["rows"].items():
            done = sum(1 for c in sheet["columns"] if (record_id, c) in own)
            state = "done" if done == len(sheet["columns"]) else "started" if done else "not started"
            out.append({"record_id": record_id, "identifier": row.cells["identifier"].value,
                        "title": sheet["titles"][record_id], "saved": done, "columns": len(sheet["columns"]),
                        "state": state})  # fmt: skip
        return out

    @serialised
    def extraction_form(self, record_id: str, extractor: str) -> dict[str, Any] | None:
        """One record's form for one extractor: each column with their own saved value, or else the
        machine's suggestion marked as such with the sentences it came from; None for a record
        not included at full text."""
        sheet = self._extraction()
        row = sheet["rows"].get(record_id)
        if row is None:
            return None
        own = own_values(sheet["saved"], extractor)
        headers = dict(sheet["spec"].headers)
        fields = []
        for column in sheet["columns"]:
            cell = row.cells[column]
            quoted = {q.label for q in cell.quotes}
            fields.append({"column": column, "header": headers.get(column, column), "suggestion": cell.value,
                           "value": own.get((record_id, column), cell.value), "own": (record_id, column) in own,
                           "quotes": [(q.where, *sentence(q)) for q in cell.quotes],
                           "evidence": [e for e in cell.evidence if e not in quoted]})  # fmt: skip
        # "seen": how many saves of this record the extractor had made when the form was shown
        return {"record_id": record_id, "identifier": row.cells["identifier"].value,
                "title": sheet["titles"][record_id], "fields": fields,
                "seen": len(own_saves(sheet["saved"], record_id, extractor))}  # fmt: skip

    @serialised
    def save_extraction(
        self, extractor: str, record_id: str, posted: dict[str, str], seen: int | None = None
    ) -> int:
        """Store what one save of a form changed for this extractor (the suggestion kept counts as
        accepted); the number of cells stored. ``seen``: the form's own count of the extractor's
        saves of the record when it was shown: a value saved since (another tab) is not reverted
        by a cell this form left as it showed it."""
        sheet = self._extraction()
        if record_id not in sheet["rows"]:
            raise WorkbenchError(f"{record_id!r} is not included at full text: it has no extraction form")
        suggestions = self._suggestions(sheet)[record_id]
        for column, value in posted.items():
            _bounded(column, value)
        shown = (
            None
            if seen is None
            else own_values(own_saves(sheet["saved"], record_id, extractor)[:seen], extractor)
        )
        made = changes(
            record_id, extractor, posted, suggestions, own_values(sheet["saved"], extractor), shown
        )
        rows = [{"record_id": s.record_id, "column_name": s.column, "extractor": s.extractor, "value": s.value,
                 "origin": s.origin} for s in made]  # fmt: skip
        if rows:
            self._write(lambda w: w.add_extraction_values(rows))
        self._settings.pop("extraction", None)
        return len(rows)

    def _cells(self, sheet: dict[str, Any]) -> dict[tuple[str, str], Any]:
        return cell_states(self._suggestions(sheet), sheet["saved"], sheet["required"])

    @serialised
    def extraction_conflicts(self) -> list[dict[str, Any]]:
        """For the lead: every cell whose extractors disagree, each extractor's value side by side."""
        sheet = self._extraction()
        headers = dict(sheet["spec"].headers)
        return [{"record_id": record_id, "identifier": sheet["rows"][record_id].cells["identifier"].value,
                 "title": sheet["titles"][record_id], "column": column, "header": headers.get(column, column),
                 "suggestion": cell.suggestion, "by": sorted(cell.values.items())}
                for record_id, column, cell in extraction_conflicts(self._cells(sheet))]  # fmt: skip

    @serialised
    def settle_extraction(self, lead: str, record_id: str, column: str, value: str) -> None:
        """Record the lead's consensus on a cell in conflict (only what the conflicts page offers)."""
        sheet = self._extraction()
        cell = self._cells(sheet).get((record_id, column))
        if cell is None or cell.state != CONFLICT:
            raise WorkbenchError(f"no extraction conflict on {record_id!r} {column!r} to resolve")
        _bounded(column, value)
        row = {"record_id": record_id, "column_name": column, "extractor": lead, "value": cleaned(value),
               "origin": SETTLED_BY_LEAD}  # fmt: skip
        self._write(lambda w: w.add_extraction_values([row]))
        self._settings.pop("extraction", None)

    @serialised
    def extraction_agreement(self) -> dict[str, Any] | None:
        """For the lead: per column, how often verified values kept the machine's suggestion (None:
        the review has no extraction form)."""
        if not self._extraction_settings():
            return None
        sheet = self._extraction()
        cells = self._cells(sheet)
        return {"extractors_per_record": sheet["required"], "conflicts": len(extraction_conflicts(cells)),
                **machine_agreement(cells, sheet["columns"])}  # fmt: skip

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

    # -- ranking (prioritised screening, retrained in the background: .ranking) ----------------------
    @serialised
    def start_ranking(self) -> None:
        """Rank (then retrain, as decisions come in) in a worker process: the model's work never
        holds up a reviewer's request. Until a ranking arrives, and if one fails, the queue keeps
        protocol order."""
        self.ranker.retrain = True
        self.look()  # the records there are now (a server's cache is empty until its first request)
        self.ranker.start()

    def rank_now(self, stage: str) -> list[str]:
        """Rank in this process and wait (tests, and a server without a worker process)."""
        return self.ranker.rank_now(stage)


def check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise WorkbenchError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")


def words_key(reviewer: str | None) -> str:
    return "highlight_words" if reviewer is None else f"highlight_words:reviewer:{reviewer}"


def _bounded(column: str, value: str) -> None:
    """Refuse a cell's value that is too long, or not of its column's kind (a count in words)."""
    if (length := len(cleaned(value))) > MAX_VALUE:
        raise WorkbenchError(f"{column}: {length:,} characters; a cell holds at most {MAX_VALUE:,}")
    if problem := value_problem(column, value):
        raise WorkbenchError(problem)


def _spec_version(spec: Path) -> tuple:
    """The extraction spec's version: its path and every TOML file's stamp in its folder (the spec
    and the drug lexicon it names), so the forms follow an edit of either."""
    try:
        stamps = tuple((p.name, (found := p.stat()).st_mtime_ns, found.st_size)
                       for p in sorted(spec.parent.glob("*.toml")))  # fmt: skip
    except OSError as exc:
        raise WorkbenchError(f"{spec}: cannot read the extraction spec ({exc.strerror})") from None
    return (str(spec), stamps)


def _short_reason(reason: str) -> None:
    if len(" ".join(reason.split())) > MAX_REASON:
        raise WorkbenchError(f"a reason holds at most {MAX_REASON} characters: nothing was saved")
