"""Screening decisions: who decided what, which one counts, where reviewers disagree, and kappa.

Automatic decisions come from the protocol's rules and are remade on every run; human decisions
are imported, keep reviewer and time, and always win over automatic ones. When reviewers disagree
the record stays undecided ("conflict") until a decision by the reviewer ``consensus`` settles it.
Rules may exclude, never include: a rule's inclusion is a suggestion ("undecided") until a human
confirms it (one by one, or in bulk with ``screen confirm``). A stage counts only for a record that
passed the stage before it: a title/abstract exclusion ends the record's path for good.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from litreview.errors import ScreeningRuleError
from litreview.records import CONTROL_CHARACTERS, STAGES, Decision, Stage, Vote

WORDS = {
    "include": Vote.INCLUDE, "included": Vote.INCLUDE, "yes": Vote.INCLUDE, "relevant": Vote.INCLUDE,
    "exclude": Vote.EXCLUDE, "excluded": Vote.EXCLUDE, "no": Vote.EXCLUDE, "irrelevant": Vote.EXCLUDE,
    "maybe": Vote.MAYBE, "unsure": Vote.MAYBE,
    "not retrieved": Vote.NOT_RETRIEVED, "not_retrieved": Vote.NOT_RETRIEVED,
}  # fmt: skip
CONSENSUS = "consensus"
UNDECIDED = "undecided"
SUGGESTED = "suggested include by"


@dataclass(frozen=True)
class Effective:
    """The decision that counts for one record at one stage, and why."""

    record_id: str
    stage: str
    decision: str  # include | exclude | maybe | not_retrieved | conflict | awaiting | undecided
    reason: str
    source: str  # "rule <id>", "reviewer <name>", "reviewers <a>, <b>", "published <name>", ""


AWAITING = "awaiting"


@dataclass(frozen=True)
class Policy:
    """How decisions count: independent human votes a stage needs (``[screening]
    reviewers_per_record``), and the decision sets a review folder carries as published (a reference
    standard with its provenance: final on their own, never a reviewer, never in a conflict or kappa)."""

    required: tuple[tuple[str, int], ...] = ((Stage.TITLE_ABSTRACT, 1), (Stage.FULL_TEXT, 1))
    published: tuple[tuple[str, str], ...] = ()  # (reviewer name as stored, provenance)
    unblinded: tuple[str, ...] = ()  # stages the protocol unblinds once finished

    def needs(self, stage: str) -> int:
        return dict(self.required).get(stage, 1)

    @functools.cached_property  # asked once per decision: made once
    def published_names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.published)

    def as_meta(self) -> dict[str, object]:
        return {"required": dict(self.required), "published": dict(self.published),
                "unblinded": list(self.unblinded)}  # fmt: skip

    @classmethod
    def from_meta(cls, meta: Mapping[str, object] | None) -> Policy:
        if not meta:
            return cls()
        required = dict(meta.get("required") or {})  # type: ignore[call-overload]
        published = dict(meta.get("published") or {})  # type: ignore[call-overload]
        return cls(
            tuple((s, int(required.get(s, 1))) for s in STAGES),
            tuple(sorted((str(k), str(v)) for k, v in published.items())),
            tuple(str(s) for s in meta.get("unblinded") or ()),  # type: ignore[attr-defined]
        )


def is_vote(d: Decision, policy: Policy) -> bool:
    """A team member's own vote: human, not the lead's consensus, not a published decision."""
    return d.origin == "human" and d.reviewer != CONSENSUS and d.reviewer not in policy.published_names


def _agreed_reason(votes: Sequence[Decision]) -> str:
    reasons = {d.reason for d in votes}
    if len(reasons) == 1:
        return votes[0].reason
    return "reviewers' reasons differ: " + "; ".join(
        f"{d.reviewer}: {d.reason or 'none given'}" for d in sorted(votes, key=lambda d: d.reviewer)
    )


def decide_one(record_id: str, stage: str, items: Sequence[Decision], policy: Policy) -> Effective | None:
    """The one rule for what counts at one record and stage, which every view uses:

    - the lead's consensus settles;
    - else the team's votes: any disagreement (a maybe included: maybe + exclude, maybe + include)
      is a conflict, and so are two or more votes that all say maybe (nobody decided: the lead
      does); agreeing votes are final once the stage's ``reviewers_per_record`` have voted, until
      then the record is awaiting another reviewer (a lone maybe likewise, or "maybe" when one vote
      suffices: its reviewer's to revisit);
    - else a published decision (the reference standard, with its provenance) counts as final;
    - else the rules: an exclusion counts (automation), an inclusion is only a suggestion.
    """
    key = (record_id, stage)
    consensus = [d for d in items if d.origin == "human" and d.reviewer == CONSENSUS]
    if consensus:
        d = consensus[-1]
        return Effective(*key, d.decision, d.reason, f"reviewer {CONSENSUS}")
    votes = [d for d in items if is_vote(d, policy)]
    if votes:
        words = {d.decision for d in votes}
        names = ", ".join(sorted({d.reviewer for d in votes}))
        if len(words) > 1:
            shown = ", ".join(f"{d.reviewer}={d.decision}" for d in sorted(votes, key=lambda d: d.reviewer))
            return Effective(*key, "conflict", f"reviewers disagree: {shown}", "reviewers")
        needed = policy.needs(stage)
        if len(votes) < needed:
            return Effective(*key, AWAITING, f"awaiting a second reviewer ({len(votes)} of {needed} votes)",
                             f"reviewer{'s' if len(votes) > 1 else ''} {names}")  # fmt: skip
        if words == {"maybe"} and len(votes) > 1:
            # reviewers who all said maybe have not decided: the lead does, as on any conflict (else
            # the record waited, unlisted anywhere, and none of them could see why)
            return Effective(*key, "conflict", "reviewers all said maybe: the lead decides", "reviewers")
        if words == {"maybe"}:
            return Effective(*key, "maybe", _agreed_reason(votes) or "marked maybe", f"reviewer {names}")
        plural = "s" if len(votes) > 1 else ""
        return Effective(*key, votes[0].decision, _agreed_reason(votes), f"reviewer{plural} {names}")
    published = [d for d in items if d.origin == "human" and d.reviewer in policy.published_names]
    if published:
        d = published[-1]
        return Effective(*key, d.decision, d.reason, f"published {d.reviewer}")
    autos = [d for d in items if d.origin == "auto"]
    if autos:
        d = autos[-1]
        rule = f"rule {d.rule_id}" if d.rule_id else "rules"
        if d.decision == "include":  # a suggestion until a human confirms it
            return Effective(*key, UNDECIDED, f"{SUGGESTED} {rule}: {d.reason}", f"{rule} (suggestion)")
        return Effective(*key, d.decision, d.reason, rule)
    return None


def effective(
    decisions: Iterable[Decision], policy: Policy | None = None, entry: Collection[str] = frozenset()
) -> dict[tuple[str, str], Effective]:
    """What counts for each (record, stage), by :func:`decide_one`; a full-text decision counts
    only once title/abstract passed. The records of ``entry`` (found only by other methods, such as
    citation searching: :func:`litreview.screen.entry.full_text_entry`) have no title/abstract
    stage: no decision there counts, and their full-text decisions count as they are."""
    policy = policy or Policy()
    grouped: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.stage == Stage.TITLE_ABSTRACT and d.record_id in entry:
            continue
        grouped[(d.record_id, d.stage)].append(d)
    out = {}
    for key, items in grouped.items():
        found = decide_one(*key, items, policy)
        if found is not None:
            out[key] = found
    for record_id, stage in list(out):
        # a record with no title/abstract decision at all (one found by other methods) keeps its
        # full-text decision: what the PRISMA counts of its column read
        screened = out.get((record_id, Stage.TITLE_ABSTRACT))
        if stage == Stage.FULL_TEXT and screened is not None and screened.decision != "include":
            del out[(record_id, stage)]
    return out


def suggestions(decisions: Iterable[Decision]) -> dict[tuple[str, str], Decision]:
    """The rules' word on each record and stage, and nothing of any reviewer's (blind screening)."""
    return {(d.record_id, d.stage): d for d in decisions if d.origin == "auto"}


def confirm_suggestions(
    suggested: Iterable[Decision],
    decided: Iterable[Decision],
    rule_id: str,
    reviewer: str,
    stage: str,
    provenance: str = "",
    policy: Policy | None = None,
) -> list[Decision]:
    """A reviewer's confirmation of one include rule's suggestions at one stage: their decisions on
    every record the rule includes that no reviewer has decided yet (``rule_id`` kept, so reports
    can tell a bulk confirmation from one-by-one screening). With ``policy`` (a team member's own
    confirmation) also on those awaiting another reviewer's vote that this reviewer has not cast:
    with two votes a record, the second reviewer's confirmation is the second vote."""
    decided = list(decided)
    taken = {(d.record_id, d.stage) for d in decided if d.origin == "human"}
    if policy is not None:
        mine = {(d.record_id, d.stage) for d in decided if d.origin == "human" and d.reviewer == reviewer}
        counted = effective(decided, policy)
        taken = {k for k in taken if k in mine or (e := counted.get(k)) is None or e.decision != AWAITING}
    note = f" ({provenance})" if provenance else ""
    return [
        Decision(d.record_id, stage, "include", f"confirmed rule {rule_id}{note}: {d.reason}", reviewer, "human", rule_id)
        for d in suggested
        if d.origin == "auto" and d.rule_id == rule_id and d.stage == stage and d.decision == "include"
        and (d.record_id, stage) not in taken
    ]  # fmt: skip


def passed(decided: Mapping[tuple[str, str], Effective], record_id: str, stage: str) -> bool:
    """Whether the decision that counts includes the record at this stage."""
    found = decided.get((record_id, stage))
    return found is not None and found.decision == "include"


def conflicts(
    decisions: Iterable[Decision],
    policy: Policy | None = None,
    counted: Mapping[tuple[str, str], Effective] | None = None,
) -> list[tuple[str, str, dict[str, str]]]:
    """(record, stage, {reviewer: vote}) wherever :func:`decide_one` finds a conflict (the team's
    votes only: a published decision is never a party to one). ``counted``: :func:`effective` of
    the same decisions and policy, when the caller has it already."""
    policy = policy or Policy()
    decisions = list(decisions)
    votes: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for d in decisions:
        if is_vote(d, policy):
            votes[(d.record_id, d.stage)][d.reviewer] = d.decision
    counted = effective(decisions, policy) if counted is None else counted
    return [(record_id, stage, votes[(record_id, stage)])
            for (record_id, stage), e in sorted(counted.items())
            if e.decision == "conflict"]  # fmt: skip


def in_conflict(decisions_on_record: Iterable[Decision], record_id: str, stage: str,
                policy: Policy | None = None) -> bool:  # fmt: skip
    """Whether the record is in conflict at ``stage`` (what a consensus may settle)."""
    items = [d for d in decisions_on_record if d.record_id == record_id and d.stage == stage]
    found = decide_one(record_id, stage, items, policy or Policy())
    return found is not None and found.decision == "conflict"


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two raters' labels on the same items (None with no items or no variance)."""
    pairs = list(pairs)
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in set(first) | set(second)) / (n * n)
    if expected == 1.0:
        return None
    return (observed - expected) / (1 - expected)


def _pair_row(a: str, b: str, first: Mapping[str, str], second: Mapping[str, str]) -> dict[str, object]:
    shared = sorted(set(first) & set(second))
    pairs = [(first[r], second[r]) for r in shared]
    kappa = cohen_kappa(pairs)
    return {
        "reviewers": [a, b], "records": len(shared),
        "agreement": round(sum(x == y for x, y in pairs) / len(pairs), 4) if pairs else None,
        "kappa": round(kappa, 4) if kappa is not None else None,
    }  # fmt: skip


def _votes(decisions: Iterable[Decision], stage: str, keep) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for d in decisions:
        if d.stage == stage and keep(d):
            out[d.reviewer][d.record_id] = d.decision
    return out


def agreement(decisions: Iterable[Decision], stage: str, policy: Policy | None = None) -> dict[str, object]:
    """Kappa and raw agreement for each pair of the team's reviewers at one stage (published
    decisions are not a reviewer: see :func:`published_agreement`)."""
    policy = policy or Policy()
    votes = _votes(decisions, stage, lambda d: is_vote(d, policy))
    reviewers = sorted(votes)
    pairs_out = [
        _pair_row(a, b, votes[a], votes[b]) for i, a in enumerate(reviewers) for b in reviewers[i + 1 :]
    ]
    return {"stage": stage, "pairs": pairs_out}


def published_agreement(decisions: Iterable[Decision], stage: str, policy: Policy) -> list[dict[str, object]]:
    """Agreement with the published review: each reviewer's votes against each published decision
    set at one stage (counts and kappa), for a team re-screening a published review to check itself."""
    decisions = list(decisions)
    votes = _votes(decisions, stage, lambda d: is_vote(d, policy))
    provenance = dict(policy.published)
    published = _votes(decisions, stage, lambda d: d.origin == "human" and d.reviewer in provenance)
    return [{**_pair_row(who, name, votes[who], published[name]), "stage": stage, "published": name,
             "provenance": provenance[name]}
            for name in sorted(published) for who in sorted(votes)]  # fmt: skip


@dataclass(frozen=True)
class SheetRow:
    """One row of a decisions file as read, with its row number for messages."""

    row: int
    record_id: str
    stage: str
    decision: str
    reason: str
    reviewer: str


def validate_rows(
    rows: Iterable[SheetRow], known_ids: set[str], where: str, default_reviewer: str = ""
) -> list[Decision]:
    """Human decisions from sheet rows; every problem is reported with its row number, all at once.

    Blank decisions are skipped (not yet screened). Unknown record ids, unknown decision words,
    missing reviewers and the same record/stage/reviewer twice are errors.
    """
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for r in rows:
        if not r.decision.strip():
            continue
        word = WORDS.get(r.decision.strip().lower())
        reviewer = r.reviewer.strip() or default_reviewer
        stage = (r.stage or Stage.TITLE_ABSTRACT).strip()
        if r.record_id not in known_ids:
            problems.append(f"row {r.row}: unknown record id {r.record_id!r}")
        if word is None:
            problems.append(
                f"row {r.row}: unknown decision {r.decision!r} (use include, exclude, maybe or not retrieved)"
            )
        if stage not in (Stage.TITLE_ABSTRACT, Stage.FULL_TEXT):
            problems.append(f"row {r.row}: unknown stage {stage!r} (title_abstract or full_text)")
        elif word == "not_retrieved" and stage != Stage.FULL_TEXT:
            problems.append(f"row {r.row}: 'not retrieved' is a full-text decision")
        if not reviewer:
            problems.append(f"row {r.row}: no reviewer (fill the reviewer column or pass --reviewer)")
        if any(CONTROL_CHARACTERS.search(text) for text in (r.reason, reviewer)):
            problems.append(f"row {r.row}: a control character in the reason or reviewer cannot be stored")
        key = (r.record_id, stage, reviewer)
        if key in seen:
            problems.append(f"row {r.row}: duplicates row {seen[key]} (same record, stage and reviewer)")
        seen.setdefault(key, r.row)
        if word is not None:
            out.append(Decision(r.record_id, stage, word, r.reason.strip(), reviewer, "human"))
    if problems:
        shown = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise ScreeningRuleError(
            f"{where}: {len(problems)} problem(s), nothing imported: {shown}", problems=tuple(problems)
        )
    return out


def reason_disagreements(
    decisions: Iterable[Decision], policy: Policy | None = None
) -> list[dict[str, object]]:
    """Where reviewers agree on the decision but give different reasons (kappa counts them as
    agreement; this says where the reasons part)."""
    by_key: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in decisions:
        if is_vote(d, policy or Policy()) and d.decision in ("exclude", "not_retrieved"):
            by_key[(d.record_id, d.stage)].append(d)
    out: list[dict[str, object]] = []
    for (record_id, stage), items in sorted(by_key.items()):
        if len(items) > 1 and len({d.decision for d in items}) == 1 and len({d.reason for d in items}) > 1:
            out.append({"record_id": record_id, "stage": stage, "decision": items[0].decision,
                        "reasons": {d.reviewer: d.reason for d in items}})  # fmt: skip
    return out


def check_decisions(
    decisions: list[Decision],
    before: Iterable[Decision],
    row_of: Mapping[tuple[str, str], int],
    representative: Mapping[str, str],
    reasons: Iterable[str],
    where: str,
    policy: Policy | None = None,
    entry: Collection[str] = frozenset(),
) -> None:
    """Refuse decisions that could never count or that a methods reviewer would reject, with every
    row number: a title/abstract decision on a record that enters at full text (``entry``: found
    only by other methods), a full-text decision on a record excluded at title/abstract, a
    full-text exclusion without a reason from the protocol's list (``other: text`` is always accepted),
    and a report marked not retrieved without a reason (any words: PRISMA reports why)."""
    allowed = {r.strip().lower() for r in reasons if r.strip()}
    mapped = [replace(d, record_id=representative.get(d.record_id, d.record_id)) for d in decisions]
    state = effective([*before, *mapped], policy, entry)
    problems = []
    for original, d in zip(decisions, mapped, strict=True):
        row = row_of.get((original.record_id, original.stage), "?")
        if d.stage == Stage.TITLE_ABSTRACT and d.record_id in entry:
            problems.append(f"row {row}: {original.record_id} was found only by other methods (such as citation "
                            "searching): it has no title/abstract stage; decide it at full text")  # fmt: skip
        if d.stage != Stage.FULL_TEXT:
            continue
        ta = state.get((d.record_id, Stage.TITLE_ABSTRACT))
        if ta is not None and ta.decision == "exclude":
            problems.append(f"row {row}: {original.record_id} was excluded at title/abstract ({ta.source}); "
                            "a full-text decision on it cannot count (change the title/abstract decision first)")  # fmt: skip
        reason = d.reason.strip()
        if d.decision == Vote.NOT_RETRIEVED and not reason:
            problems.append(f"row {row}: a 'not retrieved' decision needs a reason (why the report could not "
                            "be obtained)")  # fmt: skip
        if d.decision == "exclude" and not reason:
            problems.append(f"row {row}: a full-text exclusion needs a reason"
                            + (f" (one of: {', '.join(sorted(allowed))}; or 'other: <text>')" if allowed else ""))  # fmt: skip
        elif (
            d.decision == "exclude"
            and allowed
            and reason.lower() not in allowed
            and not reason.lower().startswith("other:")
        ):
            problems.append(f"row {row}: reason {reason!r} is not one of the protocol's exclusion reasons "
                            f"({', '.join(sorted(allowed))}); write 'other: {reason}' to give another")  # fmt: skip
    if problems:
        shown = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise ScreeningRuleError(
            f"{where}: {len(problems)} problem(s), nothing imported: {shown}", problems=tuple(problems)
        )


def agreement_report(
    decisions: Iterable[Decision],
    policy: Policy | None = None,
    counted: Mapping[tuple[str, str], Effective] | None = None,
) -> dict[str, object]:
    """Conflicts, records awaiting another reviewer, kappa per reviewer pair and stage, reason
    disagreement apart, decisions per reviewer, and agreement with the published review: what the
    workspace's agreement.json holds (a lead's file: it names every vote). ``counted``:
    :func:`effective` of the same decisions and policy, when the caller has it (a run does)."""
    policy = policy or Policy()
    decisions = list(decisions)
    per_reviewer: dict[str, dict[str, int]] = {}
    for d in decisions:
        if is_vote(d, policy):
            counts = per_reviewer.setdefault(d.reviewer, {})
            counts[f"{d.stage}:{d.decision}"] = counts.get(f"{d.stage}:{d.decision}", 0) + 1
    counted = effective(decisions, policy) if counted is None else counted
    return {
        "reviewers_per_record": dict(policy.required),
        "conflicts": [{"record_id": r, "stage": s, "votes": v} for r, s, v in conflicts(decisions, policy, counted)],
        "awaiting": [{"record_id": r, "stage": s} for (r, s), e in sorted(counted.items()) if e.decision == AWAITING],
        "agreement": [agreement(decisions, stage, policy) for stage in STAGES],
        "reason_disagreements": reason_disagreements(decisions, policy),
        "per_reviewer": per_reviewer,
        "published_agreement": [row for stage in STAGES for row in published_agreement(decisions, stage, policy)],
    }  # fmt: skip


def summarise(eff: Mapping[tuple[str, str], Effective], stage: str) -> Counter[str]:
    return Counter(e.decision for (_, s), e in eff.items() if s == stage)


def human_labels(
    decisions: Sequence[Decision], stage: str, policy: Policy | None = None
) -> list[tuple[str, int]]:
    """(record, 1 relevant / 0 not) for each record the reviewers have settled at ``stage`` (the
    decision that counts: consensus, agreement, a published decision), in the order first screened."""
    counted = effective(decisions, policy)
    first: dict[str, str] = {}
    for d in decisions:
        if d.origin == "human" and d.stage == stage:
            first[d.record_id] = min(first.get(d.record_id, d.decided_at), d.decided_at)
    out = []
    for record_id in sorted(first, key=lambda r: (first[r], r)):
        settled = counted.get((record_id, stage))
        if (
            settled is not None
            and settled.decision in ("include", "exclude")
            and settled.source.startswith(("reviewer", "published"))
        ):
            out.append((record_id, 1 if settled.decision == "include" else 0))
    return out
