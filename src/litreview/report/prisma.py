"""PRISMA 2020 counts, derived from what the workspace holds (never typed in by hand).

Identification comes from the records each source yielded, duplicates from the links, and every
later box from the effective screening decisions (see :mod:`litreview.screen.decisions`):

- removed before screening: duplicates, and records excluded by the protocol's rules that no
  reviewer overrode ("marked as ineligible by automation tools");
- records screened / excluded at title-abstract; those still undecided are counted as awaiting;
- reports sought = included at title-abstract; not retrieved, assessed, excluded (by reason) and
  included come from the full-text stage. Each record counts as one report and one study.

Records from sources in the ``other`` group (citation searching, websites) go straight to
"reports sought" in the other-methods column, as the PRISMA 2020 template draws them.
Every box is checked to add up; a failure is a bug and raises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from litreview.records import Stage
from litreview.screen.decisions import Effective
from litreview.screen.entry import OTHER, at_full_text, home_sources, prisma_columns

NOT_FOUND = "not_retrieved"


def count_flow(
    *,
    identified: Mapping[str, Sequence[str]],
    groups: Mapping[str, str],
    duplicates: Mapping[str, str],
    decisions: Mapping[tuple[str, str], Effective] | None = None,
    reported: Mapping[str, Any] | None = None,
    previous: Mapping[str, int] | None = None,
    published: Sequence[Mapping[str, Any]] = (),
    retrieved: Collection[str] = (),
    not_retrieved: Collection[str] = (),
) -> dict[str, Any]:
    """PRISMA counts per stage and per source.

    ``identified`` maps source name → record ids found this run; ``groups`` maps source name →
    PRISMA column (databases | registers | other); ``duplicates`` maps a duplicate's record id →
    its representative's id; ``decisions`` maps (record id, stage) → effective decision;
    ``published`` lists the review folder's published decision sets, each with the records its
    entries matched (``matched``: entry → record ids) and the entries no record answers to.
    ``retrieved``: the records that have a full text; ``not_retrieved``: those the open-access
    fetch found none for (:func:`with_retrieval` says how they count).
    """
    by_group: dict[str, dict[str, int]] = {"databases": {}, "registers": {}, "other": {}}
    # a record found by a database and by citation searching belongs to the databases path
    group_of = prisma_columns(identified, groups)
    home = home_sources(identified, groups)
    dup_by_source: dict[str, int] = {}
    dup_by_group = dict.fromkeys(("databases", "registers", "other"), 0)
    for source, ids in identified.items():
        unique_ids = set(ids)
        group = groups.get(source, "databases")
        by_group.setdefault(group, {})[source] = len(unique_ids)
        # a linked duplicate, or the same record found again by another source: each column removes
        # its own (a citation-searching record that duplicates a database record is removed in the
        # other-methods column, where the database box never shows it)
        dup_by_source[source] = n = sum(1 for i in unique_ids if i in duplicates or home[i] != source)
        dup_by_group[group] = dup_by_group.get(group, 0) + n
    identified_total = sum(len(set(ids)) for ids in identified.values())
    kept = sorted(i for i in group_of if i not in duplicates)
    other = [i for i in kept if group_of[i] == OTHER]
    decisions = with_retrieval(decisions or {}, retrieved, not_retrieved, other)
    dbr = [i for i in kept if group_of[i] != OTHER]
    flow: dict[str, Any] = {
        "identification": {
            group: {"total": sum(counts.values()), "by_source": dict(sorted(counts.items()))}
            for group, counts in by_group.items()
        },
        "identified_total": identified_total,
        "duplicates_removed": {
            "total": sum(dup_by_source.values()),
            "by_source": dict(sorted(dup_by_source.items())),
            "by_group": {g: dup_by_group[g] for g in ("databases", "registers", "other")},
        },
        "records_after_duplicates_removed": len(kept),
        "databases_and_registers": _screened_path(dbr, decisions),
        "other_methods": _reports_path(other, decisions),
    }
    included_ids = [
        *flow["databases_and_registers"].pop("included_ids"),
        *flow["other_methods"].pop("included_ids"),
    ]
    flow["included_by_group"] = dict(sorted(Counter(group_of[i] for i in included_ids).items()))
    new_studies = len(included_ids)
    flow["screening_by_source"] = _by_source(identified, kept, decisions, set(included_ids))
    prev = dict(previous or {})
    flow["previous"] = {"studies": prev.get("studies", 0), "reports": prev.get("reports", 0)}
    flow["new_studies"] = new_studies
    flow["total_studies"] = new_studies + flow["previous"]["studies"]
    flow["total_reports"] = new_studies + flow["previous"]["reports"]
    check_flow(flow)
    if published:
        flow["published_decisions"] = [
            _published_set(p, group_of, duplicates, set(included_ids)) for p in published
        ]
    if reported:
        flow["reported"] = dict(reported)
        flow["reported_vs_reproduced"] = reported_vs_reproduced(reported, flow)
    return flow


def with_retrieval(
    decisions: Mapping[tuple[str, str], Effective],
    retrieved: Collection[str],
    not_retrieved: Collection[str],
    entry: Collection[str] = frozenset(),
) -> Mapping[tuple[str, str], Effective]:
    """The full-text decisions PRISMA counts: a record sought (included at title/abstract, or in
    ``entry``: found only by other methods) that the open-access fetch found no full text for, that
    still has none and that no person has decided at full text, counts as a report not retrieved. A
    person's decision always counts as decided (one who finds the attached file is not the report
    may still say "not retrieved")."""
    have, entry = set(retrieved), set(entry)
    missing = {
        r: Effective(r, Stage.FULL_TEXT, NOT_FOUND, "no open-access full text found", "fetch")
        for r in not_retrieved
        if r not in have
        and at_full_text(decisions, r, entry)
        and ((d := decisions.get((r, Stage.FULL_TEXT))) is None or d.decision == "undecided")
    }
    if not missing:
        return decisions
    return {**decisions, **{(r, Stage.FULL_TEXT): e for r, e in missing.items()}}


def _published_set(
    published: Mapping[str, Any],
    group_of: Mapping[str, str],
    duplicates: Mapping[str, str],
    included: set[str],
) -> dict[str, Any]:
    """How much of a published decision set the reproduction holds and includes, per PRISMA column,
    and which of its entries no record answers to (named)."""
    held: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    published_include = set(published["included"])
    for entry, ids in published["matched"].items():
        studies = {duplicates.get(i, i) for i in ids}
        groups = {group_of[i] for i in ids if i in group_of}
        group = "databases" if "databases" in groups else min(groups, default="unidentified")
        held[group] += 1
        if entry in published_include and studies & included:
            kept[group] += 1
    return {
        "file": published["file"], "reviewer": published["reviewer"], "provenance": published["provenance"],
        "entries": published["entries"],
        "published_included": len(published_include), "held": sum(held.values()), "held_by_group": dict(sorted(held.items())),
        "included": sum(kept.values()), "included_by_group": dict(sorted(kept.items())),
        "not_found": list(published["not_found"]),
    }  # fmt: skip


def _by_source(
    identified: Mapping[str, Sequence[str]],
    kept: list[str],
    decisions: Mapping[tuple[str, str], Effective],
    included: set[str],
) -> dict[str, dict[str, int]]:
    """Where each source's records ended (records found by several sources count for each)."""
    kept_set = set(kept)
    out = {}
    for source, ids in sorted(identified.items()):
        counts: Counter[str] = Counter()
        for record_id in set(ids):
            if record_id not in kept_set:
                counts["duplicates"] += 1
                continue
            ta = decisions.get((record_id, Stage.TITLE_ABSTRACT))
            if record_id in included:
                counts["included"] += 1
            elif ta is not None and ta.decision == "exclude":
                counts["excluded_by_rules" if ta.source.startswith("rule") else "excluded_by_reviewers"] += 1
            elif (ft := decisions.get((record_id, Stage.FULL_TEXT))) is not None and ft.decision in (
                "exclude",
                "not_retrieved",
            ):
                counts["excluded_at_full_text" if ft.decision == "exclude" else "not_retrieved"] += 1
            else:
                counts["awaiting"] += 1
        out[source] = dict(sorted(counts.items()))
    return out


def _screened_path(ids: list[str], decisions: Mapping[tuple[str, str], Effective]) -> dict[str, Any]:
    automation: list[str] = []
    screened_ids: list[str] = []
    sought: list[str] = []
    excluded: Counter[str] = Counter()
    awaiting = 0
    for record_id in ids:
        d = decisions.get((record_id, Stage.TITLE_ABSTRACT))
        if d is not None and d.decision == "exclude" and d.source.startswith("rule"):
            automation.append(record_id)
            continue
        screened_ids.append(record_id)
        # only a decision that includes moves a record on: a maybe, a conflict, a record awaiting its
        # second reviewer (or any state added later) waits here
        if d is not None and d.decision == "include":
            sought.append(record_id)
        elif d is not None and d.decision == "exclude":
            excluded[d.reason or "no reason given"] += 1
        else:
            awaiting += 1
    out = {
        "removed_before_screening": {"automation": len(automation)},
        "records_screened": len(screened_ids),
        "records_excluded": sum(excluded.values()),
        "records_excluded_by_reason": dict(sorted(excluded.items())),
        "records_awaiting_screening": awaiting,
    }
    out.update(_reports_path(sought, decisions))
    return out


def _reports_path(ids: list[str], decisions: Mapping[tuple[str, str], Effective]) -> dict[str, Any]:
    not_retrieved, awaiting, included = 0, 0, []
    excluded: Counter[str] = Counter()
    for record_id in ids:
        d = decisions.get((record_id, Stage.FULL_TEXT))
        if d is not None and d.decision == "include":
            included.append(record_id)
        elif d is not None and d.decision == "not_retrieved":
            not_retrieved += 1
        elif d is not None and d.decision == "exclude":
            excluded[d.reason or "no reason given"] += 1
        else:
            awaiting += 1
    return {
        "reports_sought": len(ids),
        "reports_not_retrieved": not_retrieved,
        "reports_assessed": len(ids) - not_retrieved - awaiting,
        "reports_awaiting_assessment": awaiting,
        "reports_excluded": sum(excluded.values()),
        "reports_excluded_by_reason": dict(sorted(excluded.items())),
        "new_studies": len(included),
        "new_reports": len(included),
        "included_ids": included,
    }


def reported_vs_reproduced(reported: Mapping[str, Any], flow: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The counts a paper states beside the counts reproduced here; the paper's own gap is shown,
    never explained."""
    dbr = flow["databases_and_registers"]
    reproduced_excluded = (
        flow["duplicates_removed"]["total"] + dbr["removed_before_screening"]["automation"]
        + dbr["records_excluded"] + dbr["reports_excluded"]
    )  # fmt: skip
    rows = []

    def add(label: str, key: str, value: int | None) -> None:
        if key in reported:
            rows.append({"item": label, "reported": reported[key], "reproduced": value})

    add("Records identified from databases", "databases", flow["identification"]["databases"]["total"])
    add("Records identified from registers", "registers", flow["identification"]["registers"]["total"])
    add("Records excluded (duplicates, rules, screening)", "excluded", reproduced_excluded)
    add("Studies included from databases", "included_studies_databases", _included_from(flow, "databases"))
    add("Trials included from registers", "included_trials", _included_from(flow, "registers"))
    for p in flow.get("published_decisions", []):
        groups = [g for g in ("databases", "registers", "other", "unidentified") if p["held_by_group"].get(g)]
        for k, group in enumerate(groups or ["databases"]):
            rows.append(
                {
                    "item": f"Published decisions ({p['file']}): entries the reconstructed export holds ({group})",
                    "reported": p["entries"] if len(groups) <= 1 else None,
                    "reproduced": p["held_by_group"].get(group, 0),
                    "not_found": p["not_found"] if k == 0 else [],
                }
            )
            rows.append({
                "item": f"Published decisions ({p['file']}): published inclusions included here ({group})",
                "reported": p["published_included"] if len(groups) <= 1 else None,
                "reproduced": p["included_by_group"].get(group, 0),
            })  # fmt: skip
    included_keys = [k for k in reported if k.startswith("included")]
    if {"databases", "registers", "excluded"} <= set(reported) and included_keys:
        gap = reported["databases"] + reported["registers"] - reported["excluded"]
        gap -= sum(reported[k] for k in included_keys)
        rows.append({
            "item": "Unaccounted for in the paper's own numbers (identified − excluded − included)",
            "reported": gap, "reproduced": None,
            "note": "stated by the paper's counts, not explained by it; litreview does not invent a reason",
        })  # fmt: skip
    return rows


def _included_from(flow: Mapping[str, Any], group: str) -> int:
    return int(flow["included_by_group"].get(group, 0))


def check_flow(flow: Mapping[str, Any]) -> None:
    """Every box adds up, in the flow itself and in the PRISMA2020 template made from it; a failure
    is a bug and stops the render loudly."""
    from litreview.report.prisma2020_csv import check_template, template_values

    _check_arithmetic(flow)
    check_template(template_values(flow))


def _check_arithmetic(flow: Mapping[str, Any]) -> None:
    total = sum(g["total"] for g in flow["identification"].values())
    if total != flow["identified_total"]:
        raise AssertionError(f"PRISMA identification does not add up: {total} != {flow['identified_total']}")
    if (
        flow["identified_total"] - flow["duplicates_removed"]["total"]
        != flow["records_after_duplicates_removed"]
    ):
        raise AssertionError("PRISMA duplicates arithmetic does not add up")
    dbr, other = flow["databases_and_registers"], flow["other_methods"]
    if (
        dbr["removed_before_screening"]["automation"] + dbr["records_screened"] + other["reports_sought"]
        != (flow["records_after_duplicates_removed"])
    ):
        raise AssertionError("PRISMA: records after duplicates do not match screened + removed + other")
    ident, dups = flow["identification"], flow["duplicates_removed"]["by_group"]
    dbr_in = ident["databases"]["total"] + ident["registers"]["total"]
    if (
        dbr_in - dups["databases"] - dups["registers"] - dbr["removed_before_screening"]["automation"]
        != dbr["records_screened"]
    ):
        raise AssertionError(
            "PRISMA: databases and registers column: identified - duplicates - automation != screened"
        )
    if ident["other"]["total"] - dups["other"] != other["reports_sought"]:
        raise AssertionError("PRISMA: other methods column: identified - duplicates != reports sought")
    if (
        dbr["records_screened"]
        != dbr["records_excluded"] + dbr["records_awaiting_screening"] + dbr["reports_sought"]
    ):
        raise AssertionError("PRISMA: screened records do not add up")
    for path in (dbr, other):
        if path["reports_assessed"] != path["reports_excluded"] + path["new_studies"]:
            raise AssertionError("PRISMA: assessed reports do not add up")
        if path["reports_sought"] != (
            path["reports_not_retrieved"] + path["reports_assessed"] + path["reports_awaiting_assessment"]
        ):
            raise AssertionError("PRISMA: sought reports do not add up")
