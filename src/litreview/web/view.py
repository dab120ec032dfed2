"""What the screening page shows of one record: its display fields, its text with the terms and
highlight words marked, the trials and publications that report one another, and (blind) only the
decisions its reader may see.

Pure: the :class:`~litreview.web.workbench.Workbench` reads the workspace and hands the rows here.
Blind screening: a reviewer is shown the rules' suggestion and their own decision, never another
reviewer's, unless the protocol lifted blinding on a finished stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from litreview.extract.links import TrialLink
from litreview.records import VOTES, Citation, Decision, Record, to_dict
from litreview.screen.decisions import Policy, is_vote, suggestions
from litreview.screen.highlight import Segment, Source, WordList, marked_parts

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
    # a trial: the publications that report it; a publication: the trials it reports (why, and where)
    reports: list[dict[str, str]] = field(default_factory=list)


def record_view(
    record: Record,
    reviewer: str,
    stage: str,
    *,
    decisions: Sequence[Decision],
    others_shown: Policy | None,
    parts: dict[str, list[list[Segment]]],
    notes: list[tuple[str, str]],
    duplicates: Iterable[Record],
    screenable: bool,
    team_notes: list[tuple[str, str, str]],
    links: Sequence[TrialLink] = (),
    linked: dict[str, Record] | None = None,
) -> RecordView:
    """The page's view of ``record`` from its stored ``decisions``: the rules' word and this
    reviewer's own; the other reviewers' votes only when ``others_shown`` (the policy they count
    by) is given, on a stage the protocol unblinded."""
    mine = [  # blind: the rules' word and this reviewer's own, nobody else's
        d for d in decisions if d.stage == stage and (d.origin == "auto" or d.reviewer == reviewer)
    ]
    others = []
    if others_shown is not None:
        others = [{"reviewer": d.reviewer, "decision": d.decision, "reason": d.reason}
                  for d in decisions
                  if d.stage == stage and is_vote(d, others_shown) and d.reviewer != reviewer]  # fmt: skip
    return RecordView(
        record=record,
        stage=stage,
        fields=display_fields(record),
        parts=parts,
        suggestion=suggestions(mine).get((record.record_id, stage)),
        own=next((d for d in mine if d.origin == "human" and d.reviewer == reviewer), None),
        notes=notes,
        duplicates=[{"record_id": r.record_id, "source": r.source, "title": r.title} for r in duplicates],
        decisions=VOTES[stage],
        screenable=screenable,
        team_notes=team_notes,
        others=others,
        reports=reported(record, links, linked or {}),
    )


def reported(record: Record, links: Iterable[TrialLink], linked: dict[str, Record]) -> list[dict[str, str]]:
    """The other side of the record's trial links, each record once: its id, title, the kinds of
    evidence and the first evidence snippet (``linked``: the records named, by id)."""
    rows: dict[str, dict[str, str]] = {}
    for link in links:
        other = link.publication if link.trial == record.record_id else link.trial
        if other == record.record_id:
            continue
        if other not in rows:
            found = linked.get(other)
            rows[other] = {"record_id": other, "title": found.title if found else "", "kinds": link.kind,
                           "evidence": link.evidence, "nct_id": link.nct_id}  # fmt: skip
        elif link.kind not in rows[other]["kinds"].split(", "):
            rows[other]["kinds"] += f", {link.kind}"
    return list(rows.values())


def highlighted_parts(
    record: Record,
    sources: list[Source],
    own_words: dict[str, list[str]] | None,
    review_words: dict[str, list[str]],
) -> dict[str, list[list[Segment]]]:
    """Each text part of the record in segments: the search's and the rules' terms and the
    highlight words (a reviewer's own, then the review's) marked; the text itself is never
    touched: the page escapes it."""
    lists = [WordList(label, tuple(w["include"]), tuple(w["exclude"]))
             for label, w in (("your words", own_words), ("the review's words", review_words)) if w]  # fmt: skip
    return marked_parts(record, sources, lists)


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


def compared_fields(a: Record, b: Record) -> list[dict[str, Any]]:
    """Two records' display fields side by side (a maybe-duplicate pair), each row saying whether they differ."""
    left, right = display_fields(a), display_fields(b)
    return [{"field": k, "a": left.get(k, ""), "b": right.get(k, ""), "differ": left.get(k, "") != right.get(k, "")}
            for k in dict.fromkeys([*CITATION_FIELDS, *TRIAL_FIELDS, "source"]) if k in left or k in right]  # fmt: skip
