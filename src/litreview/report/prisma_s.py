"""PRISMA-S search log (``search_log.md`` + ``search_log.json``) from a run's manifest and protocol.

Each of the 16 PRISMA-S items is answered from recorded evidence (sources, platforms, strategies
as written and as run with any accepted repair, date windows, counts, dedup method) or listed as a
to-do for a human when no record of it exists (peer review of the strategy, contacts, filters).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEDUP_METHOD = (
    "litreview links records (never deletes them): identifiers first (PMID, PMCID, NCT id, database "
    "accession numbers; a DOI only where the content agrees, since supplements share one DOI), then "
    "blocked fuzzy comparison of titles with guards on year, pages, volume, record kind and title "
    "numbers; pairs in doubt go to a reviewer; the most complete record represents each cluster"
)
RULE_NAMES = {
    "exact-doi": "same DOI, content agreeing", "exact-pmid": "same PMID", "exact-pmcid": "same PMCID",
    "exact-nct": "same NCT id", "exact-accession": "same database accession number",
    "fuzzy-title": "near-identical title, authors and journal agreeing",
    "fuzzy-title+bibliographic": "similar title, year/volume/pages/first author agreeing",
    "fuzzy-title+pages+volume": "near-identical title on the same pages and volume",
    "fuzzy-title+volume": "identical title in the same volume", "same-place+author": "same year, volume, page span and first author (translated or reworded title)",
    "title-contained+pages+volume": "one title contains the other, same pages and volume",
    "generic-title+volume+issue+pages": "generic title, same volume, issue and pages",
    "reviewer": "a reviewer's verdict", "transitive": "linked through another record of the cluster",
}  # fmt: skip


def _plain(mapping: Mapping[str, Any] | None) -> str:
    """``{"pubmed": 23, "embase": 94}`` as ``pubmed 23, embase 94`` (never Python's dict text)."""
    if not mapping:
        return "none"
    return ", ".join(f"{k} {v}" for k, v in mapping.items())


def search_log(
    manifest: Mapping[str, Any], protocol_raw: Mapping[str, Any], prisma: Mapping[str, Any]
) -> dict:
    sources = manifest.get("sources", {})
    databases = {n: s for n, s in sources.items() if s.get("group") == "databases"}
    registers = {n: s for n, s in sources.items() if s.get("group") == "registers"}
    others = {n: s for n, s in sources.items() if s.get("group") == "other"}
    criteria = protocol_raw.get("criteria", {})
    todo: list[str] = []

    def strategy(name: str, s: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "source": name, "label": s.get("label"), "platform": s.get("platform"), "searched": s.get("searched"),
            "query_as_written": s.get("query_as_written"), "repair_applied": s.get("repair_applied"),
            "query_as_run": s.get("query_as_run") or (s.get("request") or {}).get("query.cond"),
            "request": s.get("request"), "date_window": s.get("date_window"),
            "file": s.get("file"), "format": s.get("format"),
            "records": s.get("count") if s.get("fetched") is None else s.get("fetched"),
            "source_query_translation": s.get("pubmed_query_translation"),
            "source_warnings": s.get("pubmed_warnings") or None,
        }  # fmt: skip

    items = {
        "1_database_name": [{"source": n, "label": s.get("label"), "platform": s.get("platform")} for n, s in databases.items()],
        "2_multi_database_searching": "each database searched separately (one strategy per source)",
        "3_study_registries": [{"source": n, "label": s.get("label"), "platform": s.get("platform")} for n, s in registers.items()],
        "4_online_resources_and_browsing": [n for n in others] or None,
        "5_citation_searching": "reference lists of included studies and relevant reviews were checked"
        if criteria.get("citation_searching") else None,
        "6_contacts": None,
        "7_other_methods": None,
        "8_full_search_strategies": [strategy(n, s) for n, s in sources.items()],
        "9_limits_and_restrictions": {n: s.get("date_window") or (s.get("request") or {}).get("filter.advanced") for n, s in sources.items()},
        "10_search_filters": None,
        "11_prior_work": None,
        "12_updates": manifest.get("update") or "not an update run",
        "13_dates_of_searches": {n: s.get("searched") for n, s in sources.items()},
        "14_peer_review": None,
        "15_total_records": {"by_source": manifest.get("counts"), "identified_total": prisma.get("identified_total")},
        "16_deduplication": {"method": DEDUP_METHOD, "duplicates_removed": prisma.get("duplicates_removed", {}).get("total"),
                             "rules_fired": manifest.get("dedup_rules") or {}},
    }  # fmt: skip
    for key, value in items.items():
        if value in (None, [], {}):
            todo.append(key)
    return {"review_id": manifest.get("review_id"), "run_id": manifest.get("run_id"), "items": items,
            "screening": manifest.get("screening") or {}, "to_do_by_a_human": todo}  # fmt: skip


def _screening_markdown(screening: Mapping[str, Any]) -> list[str]:
    if not screening:
        return []
    out = ["", "## Screening", ""]
    rules = screening.get("rules") or []
    out.append(f"- Automation: {len(rules)} screening rule(s) from the protocol; rules may exclude "
               f"({screening.get('rule_exclusions', 0)} records excluded by a rule, reported as \"marked as "
               "ineligible by automation tools\"), never include: a rule's inclusion is a suggestion until a "
               "reviewer confirms it")  # fmt: skip
    for c in screening.get("confirmations") or []:
        out.append(
            f"- Bulk confirmation of rule `{c['rule']}` by {c['reviewer']} ({c['stage']}): {c['records']} records"
        )
    for f in screening.get("decision_files") or []:
        out.append(
            f"- Published decisions kept in the review folder (`{f['file']}`, {f['reviewer']}), a reference "
            f"standard, never a reviewer: {f['provenance']}"
        )
    votes = screening.get("reviewers_per_record") or {}
    if votes:
        out.append("- Independent votes a decision needs: "
                   + ", ".join(f"{stage} {n}" for stage, n in votes.items())
                   + f"; awaiting another reviewer: {screening.get('awaiting_another_reviewer', 0)}")  # fmt: skip
    for stage in screening.get("unblinded_stages") or []:
        out.append(f"- Blinding lifted by the protocol for {stage} once finished (`[screening] unblind`)")
    for k in screening.get("published_agreement") or []:
        kappa = k["kappa"] if k["kappa"] is not None else "not defined (no variation)"
        out.append(f"- Agreement with the published review ({k['stage']}), {k['reviewers'][0]} vs {k['published']}: "
                   f"{k['records']} records, raw {k['agreement']}, Cohen's kappa {kappa}")  # fmt: skip
    reviewers = screening.get("reviewers") or []
    out.append(f"- Reviewers: {', '.join(reviewers) if reviewers else 'none yet'}")
    for k in screening.get("kappa") or []:
        kappa = k["kappa"] if k["kappa"] is not None else "not defined (no variation)"
        out.append(f"- Agreement ({k['stage']}), {' vs '.join(k['reviewers'])}: {k['records']} records, raw "
                   f"{k['agreement']}, Cohen's kappa {kappa}")  # fmt: skip
    out.append(f"- Conflicts awaiting consensus: {screening.get('conflicts', 0)}; per-reviewer counts, kappa and "
               f"reason disagreements: `{screening.get('agreement_file', 'agreement.json')}`")  # fmt: skip
    stop = screening.get("stopping_rule")
    if stop:
        outcome = "reached" if stop["reached"] else "not reached"
        out.append(f"- Prioritised screening ({stop['ranking']}) with a stopping rule: {stop['method']}, target recall "
                   f"{stop['recall_target']:.0%} with {stop['confidence']:.0%} confidence, {outcome} on {stop['checked_at']} "
                   f"(p = {stop['p_value']:.3g}) after {stop['screened']} of {stop['total']} records ({stop['stage']})")  # fmt: skip
    return out


def search_log_markdown(log: Mapping[str, Any]) -> str:
    items = log["items"]
    out = [f"# PRISMA-S search log: {log['review_id']} (run {log['run_id']})", ""]
    out += [
        "Generated from the run manifest. Items under *To do* have no recorded evidence and need a human.",
        "",
    ]
    out += ["## Information sources and methods", ""]
    for entry in items["1_database_name"]:
        out.append(f"- Database: {entry['label']} — {entry['platform']}")
    for entry in items["3_study_registries"]:
        out.append(f"- Registry: {entry['label']} — {entry['platform']}")
    if items["5_citation_searching"]:
        out.append(f"- Citation searching: {items['5_citation_searching']}")
    out += ["", "## Search strategies", ""]
    for s in items["8_full_search_strategies"]:
        out.append(f"### {s['label'] or s['source']} (searched {s['searched']})")
        out.append("")
        if s.get("file"):
            out.append(
                f"Imported export `{s['file']}` ({s['format']}); the strategy as run lives in that database."
            )
        if s.get("query_as_written"):
            out += ["As written:", "", "```", str(s["query_as_written"]).rstrip(), "```", ""]
        if s.get("repair_applied"):
            out.append(f"Accepted repair applied: {', '.join(s['repair_applied'])}")
            out.append("")
        if s.get("query_as_run"):
            out += ["As run:", "", "```", str(s["query_as_run"]).rstrip(), "```", ""]
        if s.get("date_window"):
            out.append(f"Date window: {_plain(s['date_window'])}")
        if s.get("request"):
            out.append(f"Request: {_plain({k: f'`{v}`' for k, v in s['request'].items()})}")
        if s.get("source_query_translation"):
            out.append(f"PubMed's own translation: `{s['source_query_translation']}`")
        out.append(f"Records: {s['records']}")
        out.append("")
    out += ["## Records and deduplication", ""]
    out.append(f"- Records by source: {_plain(items['15_total_records']['by_source'])}")
    out.append(f"- Identified in total: {items['15_total_records']['identified_total']}")
    dedup = items["16_deduplication"]
    out.append(f"- Deduplication: {dedup['method']}; duplicates removed: {dedup['duplicates_removed']}")
    for rule, n in (dedup.get("rules_fired") or {}).items():
        out.append(f"  - {RULE_NAMES.get(rule, rule)} (`{rule}`): {n}")
    update = items["12_updates"]
    out.append(
        f"- Updates: {update if isinstance(update, str) else 'update of run ' + str(update.get('since_run')) + ', ' + str(update.get('new_records')) + ' new and ' + str(update.get('changed_records')) + ' changed records'}"
    )
    out += _screening_markdown(log.get("screening") or {})
    out += ["", "## To do (no recorded evidence)", ""]
    names = {
        "4_online_resources_and_browsing": "online resources and browsing", "6_contacts": "contacts with authors or experts",
        "7_other_methods": "other search methods", "10_search_filters": "published search filters used (cite them)",
        "11_prior_work": "prior work the strategies were adapted from", "14_peer_review": "peer review of the strategies (e.g. PRESS)",
        "5_citation_searching": "citation searching",
    }  # fmt: skip
    for key in log["to_do_by_a_human"]:
        out.append(f"- [ ] PRISMA-S item {key.split('_')[0]}: {names.get(key, key)}")
    return "\n".join(out) + "\n"
