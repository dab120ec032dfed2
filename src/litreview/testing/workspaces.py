"""Workspaces built straight from records, for the workbench's tests and benchmarks (no Prefect run:
one finished run holding the records, the rules' decisions and links given)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from litreview.records import Citation, Decision, Link, Record, compose_record_id
from litreview.screen.commands import POLICY_META
from litreview.screen.decisions import Policy
from litreview.store.workspace import Workspace


def build_workspace(
    root: Path,
    records: Iterable[Record],
    *,
    review_id: str = "workbench_test",
    group: str = "databases",
    exclusion_reasons: Sequence[str] = (),
    auto: Iterable[Decision] = (),
    links: Iterable[Link] = (),
    run_id: str = "r1",
    policy: Policy | None = None,
) -> Path:
    records = list(records)
    links = list(links)
    with Workspace(root, review_id) as workspace, workspace.transaction():
        workspace.start_run(run_id)
        workspace.store_records(run_id, records)
        workspace.replace_auto_decisions(run_id, auto, [r.record_id for r in records])
        for link_type in sorted({link.link_type for link in links}):
            workspace.replace_links(run_id, link_type, [x for x in links if x.link_type == link_type])
        workspace.set_meta("exclusion_reasons", list(exclusion_reasons))
        if policy is not None:  # what a run stores from [screening] (votes per stage, published decisions)
            workspace.set_meta(POLICY_META, policy.as_meta())
        sources = {r.source for r in records}
        workspace.finish_run(run_id, {"sources": {s: {"group": group} for s in sorted(sources)}})
    return root


def replicate(records: Sequence[Citation], n: int, source: str = "medline") -> list[Citation]:
    """``n`` distinct citations made from real ones (cycled, each with its own id and numbered title)."""
    out = []
    for k in range(n):
        base = records[k % len(records)]
        out.append(replace(base, record_id=compose_record_id(source, str(k + 1)), source=source, native_id=str(k + 1),
                           pmid="", doi="", title=f"{base.title} [{k + 1}]"))  # fmt: skip
    return out
