"""Collect a run's records, one source at a time: searched through its transport (replayed, recorded
or live, checkpointed in the workspace when live) or read from its file. Nothing is stored here."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litreview.config import Protocol, Settings, SourceSpec
from litreview.errors import ConfigError
from litreview.files import (
    file_sha256,
)
from litreview.pipeline.query_plan import plan_query
from litreview.pipeline.update_plan import Window
from litreview.records import Record
from litreview.sources import ctgov, pubmed
from litreview.sources.http import open_transport
from litreview.sources.importers import load_records
from litreview.sources.transport import Transport

TRANSPORT_MODES = ("replay", "record", "live")


@dataclass
class SourceBatch:
    """Everything one source yielded in a run, plus the evidence the manifest records."""

    name: str
    kind: str
    group: str
    records: list[Record] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def new_run_id(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def make_transport(
    protocol: Protocol,
    mode: str,
    snapshot: Path | None = None,
    *,
    workspace: Path | None = None,
    run_id: str = "",
    settings: Settings | None = None,
) -> Transport:
    """``replay`` a snapshot, ``record`` into ``snapshot``, or ``live`` (recorded into the run's folder).

    Live PubMed batches are also checkpointed in the workspace, so an interrupted fetch resumes
    without fetching finished batches again (see :func:`clear_checkpoint`).
    """
    if mode == "replay":
        return open_transport(mode, snapshot=snapshot or protocol.snapshot_dir)
    if mode not in TRANSPORT_MODES:
        raise ConfigError(f"transport {mode!r} is unknown (available: {', '.join(TRANSPORT_MODES)})")
    if mode == "record" and snapshot is None:
        raise ConfigError("--record needs a folder to write the snapshot into")
    if mode != "record" and workspace is None:
        raise ConfigError("a live run needs its workspace folder")
    target = snapshot if mode == "record" else workspace / "runs" / run_id / "snapshot"  # type: ignore[operator]
    return open_transport(mode, record_into=target, settings=settings,
                          checkpoints=checkpoint_dir(workspace) if workspace is not None else None)  # fmt: skip


def checkpoint_dir(workspace: Path) -> Path:
    return workspace / "checkpoints"


def clear_checkpoint(workspace: Path) -> None:
    """Forget finished batches once a whole run is stored: the next run fetches afresh."""
    shutil.rmtree(checkpoint_dir(workspace), ignore_errors=True)


def relative_path(path: str, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path


def collect_source(
    protocol: Protocol,
    spec: SourceSpec,
    transport: Transport | None,
    run_id: str,
    window: Window | None = None,
) -> SourceBatch:
    """Search or read one source completely; raise before anything is stored if it fails.

    ``window`` (updates only) narrows the search to what is new since the last run.
    """
    batch = SourceBatch(name=spec.name, kind=spec.kind, group=spec.group)
    if spec.kind == "pubmed":
        assert transport is not None
        plan = plan_query(protocol, spec, "pubmed")
        term = plan.term
        mindate = window.mindate if window else spec.mindate
        maxdate = window.maxdate if window else spec.maxdate
        found = pubmed.search(
            transport, term, mindate=mindate, maxdate=maxdate, datetype=spec.datetype, run_id=run_id
        )
        batch.records.extend(found.citations)
        batch.payloads.extend(found.payloads)
        batch.evidence = {
            **plan.evidence(),
            "date_window": {"datetype": spec.datetype, "mindate": mindate, "maxdate": maxdate},
            "count": found.search.count,
            "fetched": len(found.citations),
            "requests": found.requests,
            "esearch_requests": found.esearch_requests,
            "efetch_requests": found.efetch_requests,
            "date_slices": [list(x) for x in found.slices] if len(found.slices) > 1 else None,
            "pubmed_query_translation": found.search.query_translation or None,
            "pubmed_translation_stack": list(found.search.translation_stack),
            "pubmed_warnings": list(found.search.warnings),
            "pubmed_errors": list(found.search.errors),
        }
    elif spec.kind == "ctgov":
        assert transport is not None
        text = " ".join(spec.query_text().split())
        as_of = (window.maxdate if window else spec.maxdate).replace("/", "-")
        found_trials = ctgov.search(
            transport,
            cond=text if spec.field == "cond" else "",
            term=text if spec.field != "cond" else "",
            first_posted_max=as_of,
            updated_since=window.updated_since if window else "",
            run_id=run_id,
        )
        batch.records.extend(found_trials.trials)
        batch.payloads.extend(found_trials.payloads)
        batch.evidence = {
            "query_as_written": spec.query_text(),
            "request": found_trials.params,
            "count": found_trials.total,
            "fetched": len(found_trials.trials),
            "requests": found_trials.requests,
            "as_of": as_of,
            "data_version": ctgov.data_version(transport),
        }
    else:
        assert spec.file is not None
        digest = file_sha256(spec.file)
        if not (window and window.skip):
            batch.records.extend(load_records(spec.file, spec.format, source=spec.name, run_id=run_id))
            batch.payloads.append(str(spec.file))
        batch.evidence = {
            "file": relative_path(str(spec.file), protocol.folder),
            "format": spec.format,
            "sha256": digest,
            "count": len(batch.records),
        }
    if window is not None:
        batch.evidence["update_window"] = window.as_dict()
    batch.evidence.update(label=spec.label, platform=spec.platform, searched=spec.searched, group=spec.group)
    batch.records = [portable(r, protocol.folder) for r in batch.records]
    return batch


def collect(protocol: Protocol, source_name: str, mode: str, snapshot: str | None, run_id: str,
            folder: str, window: Window | None = None) -> SourceBatch:  # fmt: skip
    """One source's records: searched through its transport (checkpointed in the workspace when live), or read from its file."""
    spec = protocol.source(source_name)
    transport = None
    if spec.kind in ("pubmed", "ctgov"):
        transport = make_transport(protocol, mode, Path(snapshot) if snapshot else None,
                                   workspace=Path(folder) if mode != "replay" else None, run_id=run_id)  # fmt: skip
    return collect_source(protocol, spec, transport, run_id, window)


def portable(record: Record, base: Path) -> Record:
    # Provenance names payloads relative to the review folder, so outputs move with it.
    prov = record.provenance
    if prov is None or not prov.payload:
        return record
    relative = relative_path(prov.payload, base)
    return record if relative == prov.payload else replace(record, provenance=replace(prov, payload=relative))
