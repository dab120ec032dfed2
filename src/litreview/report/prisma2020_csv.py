"""The PRISMA2020 R package / Shiny app's CSV template, filled from litreview's counts.

Columns ``data,node,box,description,boxtext,tooltips,url,n`` and the template's ``data`` keys, nodes
and boxes, so ``PRISMA2020::PRISMA_data(read.csv(...))`` and the official app read it. Per-source
counts and exclusion reasons use the template's ``Name, n; Name, n`` form.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from litreview.files import write_csv

COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

# (data key, node, box, description/boxtext) in the template's order.
TEMPLATE: tuple[tuple[str, str, str, str], ...] = (
    ("NA", "node4", "prevstud", "Previous studies"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of review"),
    ("NA", "node6", "newstud", "Identification of new studies via databases and registers"),
    ("database_results", "node7", "box2", "Databases"),
    ("database_specific_results", "NA", "box2", "Specific Databases"),
    ("register_results", "NA", "box2", "Registers"),
    ("register_specific_results", "NA", "box2", "Specific Registers"),
    ("NA", "node16", "othstud", "Identification of new studies via other methods"),
    ("website_results", "node17", "box11", "Websites"),
    ("organisation_results", "NA", "box11", "Organisations"),
    ("citations_results", "NA", "box11", "Citation searching"),
    ("duplicates", "node8", "box3", "Duplicate records"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons"),
    ("records_screened", "node9", "box4", "Records screened"),
    ("records_excluded", "node10", "box5", "Records excluded"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought for retrieval"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility"),
    ("dbr_excluded", "node14", "box9", "Reports excluded"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility"),
    ("other_excluded", "node21", "box15", "Reports excluded"),
    ("new_studies", "node15", "box10", "New studies included in review"),
    ("new_reports", "NA", "box10", "Reports of new included studies"),
    ("total_studies", "node22", "box16", "Total studies included in review"),
    ("total_reports", "NA", "box16", "Reports of total included studies"),
    ("identification", "node1", "identification", "Identification"),
    ("screening", "node2", "screening", "Screening"),
    ("included", "node3", "included", "Included"),
)


def _pairs(counts: Mapping[str, int]) -> str:
    return "; ".join(f"{name.replace(',', ' ').replace(';', ' ')}, {n}" for name, n in counts.items())


def _awaiting(by_reason: Mapping[str, int], awaiting: int, what: str) -> dict[str, int]:
    # The template has no "awaiting" box: records still waiting are shown beside the exclusions,
    # named as such, so every box of an in-progress review adds up in the PRISMA2020 app too.
    return {**by_reason, what: awaiting} if awaiting else dict(by_reason)


def template_values(flow: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``n`` of every template row from a litreview PRISMA flow (prisma.json)."""
    labels = labels or {}
    ident = flow["identification"]
    dbr, other = flow["databases_and_registers"], flow["other_methods"]
    named = lambda by_source: {labels.get(k, k): v for k, v in by_source.items()}  # noqa: E731
    other_sources = ident.get("other", {}).get("by_source", {})
    return {
        "previous_studies": flow["previous"]["studies"],
        "previous_reports": flow["previous"]["reports"],
        "database_results": ident["databases"]["total"],
        "database_specific_results": _pairs(named(ident["databases"]["by_source"])),
        "register_results": ident["registers"]["total"],
        "register_specific_results": _pairs(named(ident["registers"]["by_source"])),
        "website_results": 0,
        "organisation_results": 0,
        # citation searching counts its new records: its duplicates of records above are removed there
        "citations_results": sum(other_sources.values())
        - flow["duplicates_removed"].get("by_group", {}).get("other", 0),
        "duplicates": flow["duplicates_removed"]["total"]
        - flow["duplicates_removed"].get("by_group", {}).get("other", 0),
        "excluded_automatic": dbr["removed_before_screening"]["automation"],
        "excluded_other": 0,
        "records_screened": dbr["records_screened"],
        "records_excluded": dbr["records_excluded"] + dbr["records_awaiting_screening"],
        "dbr_sought_reports": dbr["reports_sought"],
        "dbr_notretrieved_reports": dbr["reports_not_retrieved"],
        "other_sought_reports": other["reports_sought"],
        "other_notretrieved_reports": other["reports_not_retrieved"],
        "dbr_assessed": dbr["reports_assessed"] + dbr["reports_awaiting_assessment"],
        "dbr_excluded": _pairs(
            _awaiting(
                dbr["reports_excluded_by_reason"],
                dbr["reports_awaiting_assessment"],
                "Awaiting full-text assessment",
            )
        )
        or 0,
        "other_assessed": other["reports_assessed"] + other["reports_awaiting_assessment"],
        "other_excluded": _pairs(
            _awaiting(
                other["reports_excluded_by_reason"],
                other["reports_awaiting_assessment"],
                "Awaiting full-text assessment",
            )
        )
        or 0,
        "new_studies": flow["new_studies"],
        "new_reports": flow["new_studies"],
        "total_studies": flow["total_studies"],
        "total_reports": flow["total_reports"],
    }


def _total(value: Any) -> int:
    """``n`` of a template row: a number, or the sum of a ``Name, n; Name, n`` list."""
    if isinstance(value, int):
        return value
    return sum(int(part.rsplit(",", 1)[1]) for part in str(value).split(";") if part.strip())


def check_template(values: Mapping[str, Any]) -> None:
    """The template's own arithmetic, as the PRISMA2020 app draws it: each column's boxes add up."""
    n = {k: _total(v) for k, v in values.items()}
    checks = {
        "identified - removed = screened": n["database_results"] + n["register_results"] - n["duplicates"]
        - n["excluded_automatic"] - n["excluded_other"] == n["records_screened"],
        "screened - excluded = sought": n["records_screened"] - n["records_excluded"] == n["dbr_sought_reports"],
        "sought - not retrieved = assessed (databases)": n["dbr_sought_reports"] - n["dbr_notretrieved_reports"] == n["dbr_assessed"],
        "other identified = sought": n["website_results"] + n["organisation_results"] + n["citations_results"] == n["other_sought_reports"],
        "sought - not retrieved = assessed (other)": n["other_sought_reports"] - n["other_notretrieved_reports"] == n["other_assessed"],
        "assessed - excluded = new studies": n["dbr_assessed"] - n["dbr_excluded"] + n["other_assessed"] - n["other_excluded"] == n["new_studies"],
        "new + previous = total": n["new_studies"] + n["previous_studies"] == n["total_studies"],
    }  # fmt: skip
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise AssertionError(f"PRISMA2020 template does not add up: {', '.join(failed)} ({n})")


def write_prisma2020_csv(path: Path, flow: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> int:
    values = template_values(flow, labels)
    check_template(values)
    first = not (flow["previous"]["studies"] or flow["previous"]["reports"])
    wording = (
        {"new_studies": "Studies included in review", "new_reports": "Reports of included studies"}
        if first
        else {}
    )
    awaiting = flow["databases_and_registers"]["records_awaiting_screening"]
    if awaiting:
        wording["records_excluded"] = f"Records excluded, or awaiting a screening decision ({awaiting})"
    rows = [
        {
            "data": key, "node": node, "box": box, "description": text, "boxtext": wording.get(key, text),
            "tooltips": text if node != "NA" else "NA", "url": f"{key}.html" if key != "NA" else "NA",
            "n": values.get(key, 0),
        }
        for key, node, box, text in TEMPLATE
    ]  # fmt: skip
    return write_csv(path, COLUMNS, rows, spreadsheet=False)  # read by the PRISMA2020 app, not Excel
