"""The run manifest: what a run searched, found, linked and wrote, with the evidence to repeat it."""

from __future__ import annotations

import hashlib
import platform
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litreview.config import Protocol
from litreview.pipeline.collect import SourceBatch, relative_path
from litreview.records import Record, content_hash
from litreview.version import __version__


def record_set_hash(records: list[Record]) -> str:
    digest = hashlib.sha256()
    for line in sorted(f"{r.record_id} {content_hash(r)}" for r in records):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def build_manifest(protocol: Protocol, run_id: str, batches: list[SourceBatch], *, mode: str, started: str,
              flow_run_id: str | None, duplicates: dict[str, tuple[str, str]], maybe_count: int,
              screening: dict[str, Any], outputs: dict[str, Path], root: Path) -> dict[str, Any]:  # fmt: skip
    run_records = [r for b in batches for r in b.records]
    return {
        "litreview_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "review_id": protocol.review_id,
        "run_id": run_id,
        "started_at": started,
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "prefect_flow_run_id": flow_run_id,
        "transport": mode,
        "snapshot": relative_path(str(protocol.snapshot_dir), protocol.folder) if mode == "replay" else None,
        "protocol": {"path": relative_path(str(protocol.path), protocol.folder), "sha256": protocol.sha256},
        "accepted_repairs": protocol.repairs or None,
        "sources": {b.name: b.evidence for b in batches},
        "counts": {b.name: len(b.records) for b in batches},
        "record_set_sha256": record_set_hash(run_records),
        "duplicates_linked": len(duplicates),
        "dedup_rules": dict(sorted(Counter(rule for _, rule in duplicates.values()).items())),
        "maybe_duplicates": maybe_count,
        "screening": screening,
        "outputs": {k: relative_path(str(v), root) for k, v in outputs.items()},
    }
