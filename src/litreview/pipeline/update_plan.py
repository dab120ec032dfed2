"""What a living-review update asks each source for: only the window since the last good run.

PubMed: the Entrez-date window from where the last run's window ended to the as-of date.
ClinicalTrials.gov: studies updated since the last run (``AREA[LastUpdatePostDate]RANGE[<date>,MAX]``),
which brings new studies and changed ones. Export files: read again only if their bytes changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from litreview.config import Protocol
from litreview.errors import ConfigError, WorkspaceError
from litreview.files import file_sha256


@dataclass(frozen=True)
class Window:
    mindate: str = ""  # PubMed window start (YYYY/MM/DD)
    maxdate: str = ""  # as-of date (PubMed YYYY/MM/DD; CT.gov first posted up to this date)
    updated_since: str = ""  # CT.gov: LastUpdatePostDate from this date (YYYY-MM-DD)
    skip: bool = False  # an export file unchanged since the last run
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", False)}


def update_windows(
    protocol: Protocol, last_run_id: str, last: Mapping[str, Any], asof: date
) -> dict[str, Window]:
    """One window per source from the last finished run's manifest (``last``)."""
    finished = str(last.get("finished_at", ""))[:10] or asof.isoformat()
    sources = last.get("sources", {})
    windows = {}
    for spec in protocol.sources:
        evidence = sources.get(spec.name, {})
        ended = (evidence.get("date_window") or {}).get("maxdate") or evidence.get("as_of") or ""
        if ended and asof.isoformat() < ended.replace("/", "-"):
            raise ConfigError(
                f"--asof {asof.isoformat()} is before the end of the last run's window for {spec.name} "
                f"({ended.replace('/', '-')}, run {last_run_id}): an update searches forward only"
            )
        if spec.kind == "pubmed":
            previous = (evidence.get("date_window") or {}).get("maxdate") or finished
            windows[spec.name] = Window(
                mindate=previous.replace("-", "/"), maxdate=asof.strftime("%Y/%m/%d"),
                reason=f"Entrez dates since run {last_run_id}",
            )  # fmt: skip
        elif spec.kind == "ctgov":
            previous = evidence.get("as_of") or finished
            windows[spec.name] = Window(
                updated_since=previous.replace("/", "-"), maxdate=asof.isoformat(),
                reason=f"studies first posted or updated since run {last_run_id}",
            )  # fmt: skip
        else:
            assert spec.file is not None
            digest = file_sha256(spec.file)
            same = digest and digest == evidence.get("sha256")
            windows[spec.name] = Window(
                skip=bool(same),
                reason="export unchanged since the last run" if same else "export changed: read again",
            )
    return windows


@dataclass(frozen=True)
class UpdatePlan:
    """What an update searches: the windows since the last finished run."""

    since_run: str
    windows: dict[str, Window]

    def windows_dict(self) -> dict[str, dict[str, Any]]:
        return {name: window.as_dict() for name, window in self.windows.items()}


def plan_update(protocol: Protocol, location: str, run_id: str, asof: str | None) -> UpdatePlan:
    """The windows since the last finished run; refuses when there is no earlier run."""
    from litreview.store.workspace import Workspace

    with Workspace.existing(location) as workspace:
        where = workspace.where if workspace.url else location
        if workspace.review_id != protocol.review_id:
            raise WorkspaceError(
                f"{where}: workspace of review {workspace.review_id!r}, not {protocol.review_id!r}"
            )
        last = workspace.last_finished_run(before=run_id)
    if last is None:
        raise WorkspaceError(f"{where}: no finished run to update from; run `litreview run` first")
    since_run, manifest = last
    day = date.fromisoformat(asof) if asof else date.today()
    return UpdatePlan(since_run, update_windows(protocol, since_run, manifest, day))
