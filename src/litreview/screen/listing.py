"""The lead's record list: records at one stage filtered by decision, reviewer and conflict.

Every vote is shown, so this is for a lead only (a reviewer must never see another's decisions).
The decision that counts and what is a conflict come from :mod:`litreview.screen.decisions`, the
same functions PRISMA and the exports use. Pure: decisions in, rows out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from litreview.records import Decision
from litreview.screen.decisions import UNDECIDED, Policy, conflicts, effective

CONFLICT_CHOICES = ("", "yes", "no")


@dataclass(frozen=True)
class Listed:
    record_id: str
    decision: str  # the decision that counts at the stage (``undecided`` when there is none)
    votes: tuple[tuple[str, str], ...]  # (reviewer, vote), every human vote, by name
    conflict: bool


@dataclass(frozen=True)
class Listing:
    rows: list[Listed]  # the records that pass the filters, in the order given
    decisions: list[str]  # what the decision filter can choose at this stage
    reviewers: list[str]  # who voted at this stage


def list_records(
    ids: Sequence[str],
    decisions: Iterable[Decision],
    stage: str,
    *,
    decision: str = "",
    reviewer: str = "",
    conflict: str = "",
    policy: Policy | None = None,
) -> Listing:
    """The records of ``ids`` (those screened at ``stage``) that pass every filter given:
    ``decision`` the one that counts, or ``reviewer``'s own vote when a reviewer is named
    (``undecided``: none yet); ``reviewer`` records that reviewer voted on (unless ``decision`` is
    ``undecided``); ``conflict`` yes/no."""
    at_stage = [d for d in decisions if d.stage == stage]
    counted = effective(at_stage, policy)
    disputed = {record_id for record_id, _, _ in conflicts(at_stage, policy)}
    votes: dict[str, dict[str, str]] = {}
    for d in at_stage:
        if d.origin == "human":
            votes.setdefault(d.record_id, {})[d.reviewer] = d.decision
    rows = []
    for record_id in ids:
        found = counted.get((record_id, stage))
        counts = found.decision if found is not None else UNDECIDED
        mine = votes.get(record_id, {})
        is_conflict = record_id in disputed
        if conflict and (conflict == "yes") != is_conflict:
            continue
        if reviewer:
            vote = mine.get(reviewer, UNDECIDED)
            if decision and vote != decision:
                continue
            if not decision and reviewer not in mine:
                continue
        elif decision and counts != decision:
            continue
        rows.append(Listed(record_id, counts, tuple(sorted(mine.items())), is_conflict))
    options = sorted({e.decision for e in counted.values()} | {v for m in votes.values() for v in m.values()})
    return Listing(
        rows,
        [UNDECIDED, *[o for o in options if o != UNDECIDED]],
        sorted({r for m in votes.values() for r in m}),
    )
