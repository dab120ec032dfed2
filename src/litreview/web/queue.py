"""The cached screening order: which records each stage screens, in which order, and what each
reviewer has left there.

The cache lives in memory: what another process or server writes is caught up from the decision
history (rows past the last one read), and the whole cache is reloaded only when a run or a
duplicate verdict changes the records or links. So deciding and loading the next record reads one
record, not the workspace, on SQLite and on PostgreSQL, with one server process or several.

Blind: the awaiting queue says that someone voted on a record, never what. Nothing here locks: the
:class:`~litreview.web.workbench.Workbench` calls it under its guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from litreview.records import Stage
from litreview.screen.commands import full_text_entrants
from litreview.screen.decisions import CONSENSUS, Policy, effective
from litreview.screen.entry import at_full_text
from litreview.store.workspace import Workspace


@dataclass
class Cache:
    """What the queues are made from, as last read from the workspace."""

    version: tuple[int, ...] = ()  # what a full reload depends on (Workspace.change_marks)
    history: int = -1  # decision history read up to this row
    order: list[str] = field(default_factory=list)  # every screened id (no duplicate), protocol order
    representative: dict[str, str] = field(default_factory=dict)
    entry: frozenset[str] = frozenset()  # found only by other methods: screened at full text alone
    at_full_text: set[str] = field(default_factory=set)  # entered at full text or passed title/abstract
    decided: dict[tuple[str, str], dict[str, None]] = field(default_factory=dict)  # (reviewer, stage) -> ids
    queues: dict[str, tuple[list[str], dict[str, int]]] = field(
        default_factory=dict
    )  # stage -> (ids, position)


class ScreeningQueue:
    """The screening order of one open workspace, per stage and per reviewer."""

    def __init__(self, workspace: Workspace, policy: Callable[[], Policy], refresh: Callable[[], None]):
        """``policy``: how votes count (asked when needed); ``refresh``: called before each read of
        the cache (the workbench catches up there: on every call, or once per web request)."""
        self.workspace = workspace
        self.policy = policy
        self.refresh = refresh
        self.cache = Cache()
        self.ranked: dict[str, list[str]] = {}  # stage -> the latest ranking

    def state(self) -> Cache:
        self.refresh()
        return self.cache

    def look(self) -> None:
        """Catch up with what others wrote: reload on a new run or duplicate verdict, else read the
        decisions written since."""
        structure, history = self.workspace.change_marks()
        if structure != self.cache.version:
            self._reload(structure, history)
        elif history > self.cache.history:
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
        entry = full_text_entrants(self.workspace)  # changes only with a run: a reload
        decided = effective(decisions, self.policy(), entry)
        cache = Cache(structure, history, order, representative, entry)
        cache.at_full_text = {r for r in order if at_full_text(decided, r, entry)}
        for d in decisions:
            if d.origin == "human":
                cache.decided.setdefault((d.reviewer, d.stage), {})[d.record_id] = None
        self.cache = cache

    def _catch_up(self, history: int) -> None:
        """Apply the decisions written since the cache last looked (by anyone, this server included)."""
        cache, touched = self.cache, set()
        for record_id, stage, reviewer, decision in self.workspace.history_since(cache.history, history):
            mine = cache.decided.setdefault((reviewer, stage), {})
            if decision == "withdrawn":
                mine.pop(record_id, None)
            else:
                mine[record_id] = None
            touched.add(record_id)
        cache.history = history
        self._recheck(touched)

    def _recheck(self, record_ids: Iterable[str]) -> None:
        # a title/abstract decision can move a record into or out of full-text screening
        cache, ids = self.cache, sorted(set(record_ids))
        if not ids:
            return
        decided = effective(self.workspace.decisions_on(ids), self.policy(), cache.entry)
        for record_id in ids:
            now = at_full_text(decided, record_id, cache.entry)
            if now != (record_id in cache.at_full_text):
                (cache.at_full_text.add if now else cache.at_full_text.discard)(record_id)
                cache.queues.pop(Stage.FULL_TEXT, None)

    def screenable(self, stage: str) -> list[str]:
        """Every record screened at ``stage``, protocol order (title/abstract: all but those found only
        by other methods; full text: those, and those that passed title/abstract)."""
        cache = self.state()
        if stage == Stage.TITLE_ABSTRACT:
            return [r for r in cache.order if r not in cache.entry]
        return [r for r in cache.order if r in cache.at_full_text]

    def ordered(self, stage: str) -> tuple[list[str], dict[str, int]]:
        """The queue at ``stage`` and each record's place in it."""
        cache = self.state()
        found = cache.queues.get(stage)
        if found is None:
            screenable = self.screenable(stage)
            ranked = self.ranked.get(stage)
            if ranked:  # the ranking first, then anything it has not seen yet (new since it was made)
                allowed = set(screenable)
                placed = [r for r in ranked if r in allowed]
                seen = set(placed)
                screenable = placed + [r for r in screenable if r not in seen]
            found = cache.queues[stage] = (screenable, {r: k for k, r in enumerate(screenable)})
        return found

    def rank(self, stage: str, order: list[str]) -> None:
        """Take a new ranking for ``stage``: its queue follows it from the next read."""
        self.ranked[stage] = order
        self.cache.queues.pop(stage, None)

    def mark_decided(self, reviewer: str, stage: str, record_id: str) -> None:
        """Note a decision just written (this request's next record skips it before the next look)."""
        self.cache.decided.setdefault((reviewer, stage), {})[record_id] = None

    def awaiting(self, reviewer: str, stage: str) -> list[str]:
        """Records another reviewer has voted on at ``stage`` that still need more votes and not
        this reviewer's (the "awaiting a second reviewer" queue), in queue order. It says that
        someone voted, never what."""
        cache, policy = self.state(), self.policy()
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
        queue = self.ordered(stage)[0]
        return [r for r in queue if 0 < voters.get(r, 0) < needed and r not in mine and r not in settled]

    def next_record(
        self, reviewer: str, stage: str, after: str | None = None, awaiting_only: bool = False
    ) -> str | None:
        """The next record for this reviewer at ``stage``: one awaiting their vote as a second
        reviewer first, then the first of the queue they have not decided (after ``after``)."""
        awaiting = [r for r in self.awaiting(reviewer, stage) if r != after]
        if awaiting or awaiting_only:
            return awaiting[0] if awaiting else None
        done = self.state().decided.get((reviewer, stage), {})
        queue, position = self.ordered(stage)
        start = position[after] + 1 if after in position else 0
        for k in (*range(start, len(queue)), *range(start)):
            if queue[k] not in done:
                return queue[k]
        return None

    def neighbour(self, record_id: str, stage: str, step: int) -> str | None:
        queue, position = self.ordered(stage)
        if record_id not in position:
            return None
        k = position[record_id] + step
        return queue[k] if 0 <= k < len(queue) else None

    def progress(self, reviewer: str, stage: str) -> tuple[int, int]:
        """(decided by this reviewer, to screen) at one stage."""
        queue, position = self.ordered(stage)
        done = self.state().decided.get((reviewer, stage), {})
        return sum(1 for r in done if r in position), len(queue)
