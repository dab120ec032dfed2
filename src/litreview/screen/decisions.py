"""Screening decisions: who decided what, which one counts, where reviewers disagree, and kappa.

Automatic decisions come from the protocol's rules and are remade on every run; human decisions
are imported, keep reviewer and time, and always win over automatic ones. When reviewers disagree
the record stays undecided ("conflict") until a decision by the reviewer ``consensus`` settles it.
Rules may exclude, never include: a rule's inclusion is a suggestion ("undecided") until a human
confirms it (one by one, or in bulk with ``screen confirm``). A stage counts only for a record that
passed the stage before it: a title/abstract exclusion ends the record's path for good.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from litreview.errors import ScreeningRuleError
from litreview.records import STAGES, Decision

WORDS = {
    "include": "include", "included": "include", "yes": "include", "relevant": "include",
    "exclude": "exclude", "excluded": "exclude", "no": "exclude", "irrelevant": "exclude",
    "maybe": "maybe", "unsure": "maybe",
    "not retrieved": "not_retrieved", "not_retrieved": "not_retrieved",
}  # fmt: skip
CONSENSUS = "consensus"
UNDECIDED = "undecided"
SUGGESTED = "suggested include by"


@dataclass(frozen=True)
class Effective:
    """The decision that counts for one record at one stage, and why."""

    record_id: str
    stage: str
    decision: str  # include | exclude | maybe | not_retrieved | conflict | undecided
    reason: str
    source: str  # "rule <id>", "reviewer <name>", "reviewers <a>, <b>", ""


def effective(decisions: Iterable[Decision]) -> dict[tuple[str, str], Effective]:
    """Resolve each (record, stage): consensus > agreeing humans > conflict > rule."""
    grouped: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in decisions:
        grouped[(d.record_id, d.stage)].append(d)
    out = {}
    for key, items in grouped.items():
        humans = [d for d in items if d.origin == "human" and d.decision != "maybe"]
        consensus = [d for d in humans if d.reviewer == CONSENSUS]
        autos = [d for d in items if d.origin == "auto"]
        if consensus:
            d = consensus[-1]
            out[key] = Effective(*key, d.decision, d.reason, f"reviewer {CONSENSUS}")
        elif humans and len({d.decision for d in humans}) == 1:
            names = ", ".join(sorted({d.reviewer for d in humans}))
            reasons = {d.reason for d in humans}
            reason = (
                humans[0].reason
                if len(reasons) == 1
                else "reviewers' reasons differ: "
                + "; ".join(
                    f"{d.reviewer}: {d.reason or 'none given'}"
                    for d in sorted(humans, key=lambda d: d.reviewer)
                )
            )
            out[key] = Effective(
                *key, humans[0].decision, reason, f"reviewer{'s' if ',' in names else ''} {names}"
            )
        elif humans:
            names = ", ".join(f"{d.reviewer}={d.decision}" for d in sorted(humans, key=lambda d: d.reviewer))
            out[key] = Effective(*key, "conflict", f"reviewers disagree: {names}", "reviewers")
        elif any(d.origin == "human" for d in items):
            d = next(d for d in items if d.origin == "human")
            out[key] = Effective(
                *key, "maybe", d.reason or "a reviewer marked it maybe", f"reviewer {d.reviewer}"
            )
        elif autos:
            d = autos[-1]
            rule = f"rule {d.rule_id}" if d.rule_id else "rules"
            if d.decision == "include":  # a suggestion until a human confirms it
                out[key] = Effective(
                    *key, UNDECIDED, f"{SUGGESTED} {rule}: {d.reason}", f"{rule} (suggestion)"
                )
            else:
                out[key] = Effective(*key, d.decision, d.reason, rule)
    for record_id, stage in list(out):
        # A full-text decision counts only once title/abstract passed (records found by other methods,
        # such as citation searching, come to full text with no title/abstract stage at all).
        screened = out.get((record_id, "title_abstract"))
        if stage == "full_text" and screened is not None and screened.decision != "include":
            del out[(record_id, stage)]
    return out  # fmt: skip


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
) -> list[Decision]:
    """A reviewer's confirmation of one include rule's suggestions at one stage: their decisions on
    every record the rule includes that no reviewer has decided yet (``rule_id`` kept, so reports
    can tell a bulk confirmation from one-by-one screening)."""
    taken = {(d.record_id, d.stage) for d in decided if d.origin == "human"}
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


def conflicts(decisions: Iterable[Decision]) -> list[tuple[str, str, dict[str, str]]]:
    """(record, stage, {reviewer: decision}) wherever human reviewers disagree and no consensus exists."""
    by_key: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for d in decisions:
        if d.origin == "human":
            by_key[(d.record_id, d.stage)][d.reviewer] = d.decision
    out = []
    for (record_id, stage), votes in sorted(by_key.items()):
        if CONSENSUS in votes:
            continue
        if len(set(votes.values())) > 1:
            out.append((record_id, stage, votes))
    return out


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


def agreement(decisions: Iterable[Decision], stage: str) -> dict[str, object]:
    """Kappa and raw agreement for each pair of human reviewers at one stage."""
    votes: dict[str, dict[str, str]] = defaultdict(dict)
    for d in decisions:
        if d.origin == "human" and d.stage == stage and d.reviewer != CONSENSUS:
            votes[d.reviewer][d.record_id] = d.decision
    reviewers = sorted(votes)
    pairs_out = []
    for i, a in enumerate(reviewers):
        for b in reviewers[i + 1 :]:
            shared = sorted(set(votes[a]) & set(votes[b]))
            pairs = [(votes[a][r], votes[b][r]) for r in shared]
            kappa = cohen_kappa(pairs)
            pairs_out.append({
                "reviewers": [a, b], "records": len(shared),
                "agreement": round(sum(x == y for x, y in pairs) / len(pairs), 4) if pairs else None,
                "kappa": round(kappa, 4) if kappa is not None else None,
            })  # fmt: skip
    return {"stage": stage, "pairs": pairs_out}


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
        stage = (r.stage or "title_abstract").strip()
        if r.record_id not in known_ids:
            problems.append(f"row {r.row}: unknown record id {r.record_id!r}")
        if word is None:
            problems.append(
                f"row {r.row}: unknown decision {r.decision!r} (use include, exclude, maybe or not retrieved)"
            )
        if stage not in ("title_abstract", "full_text"):
            problems.append(f"row {r.row}: unknown stage {stage!r} (title_abstract or full_text)")
        elif word == "not_retrieved" and stage != "full_text":
            problems.append(f"row {r.row}: 'not retrieved' is a full-text decision")
        if not reviewer:
            problems.append(f"row {r.row}: no reviewer (fill the reviewer column or pass --reviewer)")
        key = (r.record_id, stage, reviewer)
        if key in seen:
            problems.append(f"row {r.row}: duplicates row {seen[key]} (same record, stage and reviewer)")
        seen.setdefault(key, r.row)
        if word is not None:
            out.append(Decision(r.record_id, stage, word, r.reason.strip(), reviewer, "human"))
    if problems:
        shown = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise ScreeningRuleError(f"{where}: {len(problems)} problem(s), nothing imported: {shown}")
    return out


def reason_disagreements(decisions: Iterable[Decision]) -> list[dict[str, object]]:
    """Where reviewers agree on the decision but give different reasons (kappa counts them as
    agreement; this says where the reasons part)."""
    by_key: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.origin == "human" and d.reviewer != CONSENSUS and d.decision in ("exclude", "not_retrieved"):
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
) -> None:
    """Refuse decisions that could never count or that a methods reviewer would reject, with every
    row number: a full-text decision on a record excluded at title/abstract, and a full-text
    exclusion without a reason from the protocol's list (``other: text`` is always accepted)."""
    allowed = {r.strip().lower() for r in reasons if r.strip()}
    mapped = [replace(d, record_id=representative.get(d.record_id, d.record_id)) for d in decisions]
    state = effective([*before, *mapped])
    problems = []
    for original, d in zip(decisions, mapped, strict=True):
        if d.stage != "full_text":
            continue
        row = row_of.get((original.record_id, original.stage), "?")
        ta = state.get((d.record_id, "title_abstract"))
        if ta is not None and ta.decision == "exclude":
            problems.append(f"row {row}: {original.record_id} was excluded at title/abstract ({ta.source}); "
                            "a full-text decision on it cannot count (change the title/abstract decision first)")  # fmt: skip
        reason = d.reason.strip()
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
        raise ScreeningRuleError(f"{where}: {len(problems)} problem(s), nothing imported: {shown}")


def agreement_report(decisions: Iterable[Decision]) -> dict[str, object]:
    """Conflicts, kappa per reviewer pair and stage (on decisions), reason disagreement reported
    apart, and decisions per reviewer: what the workspace's agreement.json holds."""
    decisions = list(decisions)
    per_reviewer: dict[str, dict[str, int]] = {}
    for d in decisions:
        if d.origin == "human":
            counts = per_reviewer.setdefault(d.reviewer, {})
            counts[f"{d.stage}:{d.decision}"] = counts.get(f"{d.stage}:{d.decision}", 0) + 1
    return {
        "conflicts": [{"record_id": r, "stage": s, "votes": v} for r, s, v in conflicts(decisions)],
        "agreement": [agreement(decisions, stage) for stage in STAGES],
        "reason_disagreements": reason_disagreements(decisions),
        "per_reviewer": per_reviewer,
    }


def summarise(eff: Mapping[tuple[str, str], Effective], stage: str) -> Counter[str]:
    return Counter(e.decision for (_, s), e in eff.items() if s == stage)


def human_labels(decisions: Sequence[Decision], stage: str) -> list[tuple[str, int]]:
    """(record, 1 relevant / 0 not) for each record the reviewers have settled at ``stage`` (the
    decision that counts: consensus, agreement), in the order first screened."""
    counted = effective(decisions)
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
            and settled.source.startswith("reviewer")
        ):
            out.append((record_id, 1 if settled.decision == "include" else 0))
    return out
