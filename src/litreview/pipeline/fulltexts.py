"""Full texts into the workspace: PDFs given as files (matched to records by their identifiers) or
uploaded, and open-access PDFs fetched for the records screened at full text (those that passed
title/abstract screening, and those found only by other methods).

Every file is checked (:func:`~litreview.sources.pdf.check_pdf`) before anything is stored; a file
that is refused, matches no record or matches several is reported and not attached. Each attached
file is its own transaction, so a refusal never leaves part of anything behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from litreview.config import Settings
from litreview.errors import ConfigError, FullTextError, WorkspaceError
from litreview.records import Record, Stage
from litreview.screen.commands import to_screen
from litreview.sources.fulltext import Retrieved, fetch_open_access, identify, unmatched_reason
from litreview.sources.http import open_transport
from litreview.sources.pdf import CheckedPdf, check_pdf_file
from litreview.store.workspace import FullText, Workspace, utc_now

NOT_RETRIEVED_META = "fulltext_not_retrieved"  # {record id: why the last fetch found no full text}
LOCK_WAIT = 10.0  # seconds an attach waits for a writer (the workbench, a decision import) to finish


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one file or one record: ``attached``, ``same`` (already its full text),
    ``unmatched``, ``ambiguous``, ``refused`` or ``not_retrieved``; ``line`` says it for a person."""

    name: str
    kind: str
    record_ids: tuple[str, ...] = ()
    reason: str = ""
    detail: str = ""  # printed, never stored: it may name URLs and this server's files

    @property
    def attached(self) -> bool:
        return self.kind in ("attached", "same")

    @property
    def line(self) -> str:
        if self.kind == "attached":
            return f"{self.name}: attached to {self.record_ids[0]}"
        if self.kind == "same":
            return f"{self.name}: already the full text of {self.record_ids[0]}"
        if self.kind == "unmatched":
            return f"{self.name}: not attached: no record matches" + (
                f" ({self.reason})" if self.reason else ""
            )
        if self.kind == "ambiguous":
            return f"{self.name}: not attached: matches {', '.join(self.record_ids)}"
        if self.kind == "not_retrieved":
            return f"{self.name}: not retrieved: {self.reason}" + (
                f" ({self.detail})" if self.detail and self.detail != self.reason else ""
            )
        return f"{self.name}: refused: {self.reason}"


def attach(workspace: Workspace, record_id: str, pdf: CheckedPdf, data: bytes, added_by: str,
           file_name: str) -> bool:  # fmt: skip
    """Store checked PDF bytes as the record's current full text, under the workspace lock, in one
    transaction; False when it already is. The bytes must be the ones checked."""
    if hashlib.sha256(data).hexdigest() != pdf.sha256:
        raise FullTextError(file_name, "changed while it was being checked; try again")
    stored = FullText(record_id, pdf.sha256, file_name, pdf.size, pdf.pages, added_by, utc_now())
    workspace.lock(wait=LOCK_WAIT)
    try:
        with workspace.transaction():
            added = workspace.add_fulltext(stored, data)
            missing = workspace.meta(NOT_RETRIEVED_META) or {}
            if record_id in missing:  # retrieved after all: the earlier reason no longer holds
                del missing[record_id]
                workspace.set_meta(NOT_RETRIEVED_META, missing)
    finally:
        workspace.unlock()
    return added


def not_this_records(workspace: Workspace, record_id: str, pdf: CheckedPdf, file_name: str) -> str:
    """Why a checked PDF given for one record (an upload) is not that record's ('' if nothing says
    so): the matcher `fulltext add` uses (:func:`identify`: the file name, else the first page's
    header) names other records and not this one, or the very file (its checksum) is already
    another record's full text. ``record_id``: a representative (a duplicate's file is its own,
    attached before dedup linked the two too)."""
    same_as = representatives(workspace)
    found = identify(file_name, pdf.text, workspace.records())
    named = list(dict.fromkeys(same_as.get(r, r) for r in found))
    if named and record_id not in named:
        return f"it names {', '.join(named)}, not {record_id}: upload it on that record"
    for current in workspace.fulltexts():
        if current.sha256 == pdf.sha256 and same_as.get(current.record_id, current.record_id) != record_id:
            return f"the same file is already the full text of {current.record_id}"
    return ""


def pdf_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, a folder's files (all of them, depth first, in name order; hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and not any(p.startswith(".") for p in found.relative_to(path).parts):
                    yield found
        else:
            yield path


def representatives(workspace: Workspace) -> dict[str, str]:
    """Each duplicate's representative: a file matching both is one record's full text."""
    return {link.record_id: link.linked_to for link in workspace.links("duplicate")}


def attach_files(
    location: Path | str, paths: Iterable[Path], *, record_id: str | None = None, added_by: str = "cli"
) -> list[Outcome]:
    """Check, match and attach each file (a folder: every file in it); ``record_id``: attach the one
    file to that record, whatever it names."""
    files = list(pdf_files(paths))
    if record_id is not None and len(files) != 1:
        raise ConfigError(f"--record attaches one file; {len(files)} given")
    with Workspace.existing(location) as workspace:
        records: list[Record] = list(workspace.records())
        if record_id is not None and record_id not in {r.record_id for r in records}:
            raise WorkspaceError(f"{workspace.where}: no record {record_id!r}")
        same_as = representatives(workspace)
        out = []
        for path in files:
            out.append(_attach_file(workspace, path, record_id, records, same_as, added_by))
    return out


def _attach_file(workspace: Workspace, path: Path, record_id: str | None, records: list[Record],
                 same_as: dict[str, str], added_by: str) -> Outcome:  # fmt: skip
    name = str(path)
    try:
        pdf = check_pdf_file(path)
        with open(path, "rb") as handle:
            data = handle.read(pdf.size + 1)
        if record_id is None:
            found = identify(path.name, pdf.text, records)
            matched = tuple(dict.fromkeys(same_as.get(r, r) for r in found))
            if not matched:
                return Outcome(name, "unmatched", reason=unmatched_reason(pdf.text, records))
            if len(matched) > 1:
                return Outcome(name, "ambiguous", matched)
            record_id = matched[0]
        added = attach(workspace, record_id, pdf, data, added_by, path.name)
    except FullTextError as exc:
        return Outcome(name, "refused", reason=exc.reason)
    except OSError as exc:
        return Outcome(name, "refused", reason=f"cannot be read ({exc.strerror or exc})")
    return Outcome(name, "attached" if added else "same", (record_id,))


def to_retrieve(workspace: Workspace) -> list[Record]:
    """The records screened at full text (those that passed title/abstract, and those found only
    by other methods, which enter there) that have no full text yet: the reports sought."""
    have = {ft.record_id for ft in workspace.fulltexts()}
    return [r for r in to_screen(workspace, Stage.FULL_TEXT) if r.record_id not in have]


def fetch_fulltexts(location: Path | str, mode: str, snapshot: Path | None = None,
                    settings: Settings | None = None) -> list[Outcome]:  # fmt: skip
    """Fetch open-access PDFs (Europe PMC, PubMed Central) for the reports sought
    (:func:`to_retrieve`) that have none: ``replay`` a snapshot, ``record`` into one, or ``live``
    (kept in the workspace's ``runs/fulltext-<time>/snapshot``). What is not retrieved is listed with
    the reason (kept for the workbench); no vote is cast."""
    with Workspace.existing(location) as workspace:
        wanted = to_retrieve(workspace)
        if mode == "replay":
            if snapshot is None:
                raise ConfigError("--replay needs the snapshot folder")
            transport = open_transport("replay", snapshot=snapshot)
        elif mode == "record":
            transport = open_transport("record", record_into=snapshot, settings=settings)
        elif mode == "live":
            run = "fulltext-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            transport = open_transport(
                "live", record_into=workspace.run_dir(run) / "snapshot", settings=settings
            )
        else:
            raise ConfigError(f"transport {mode!r} is unknown (available: replay, live, record)")
        out: list[Outcome] = []
        missing: dict[str, str] = {}
        try:
            for record in wanted:
                got = fetch_open_access(transport, record)
                if isinstance(got, Retrieved):
                    name = got.url.rsplit("/", 1)[-1].split("?")[0] or f"{record.record_id}.pdf"
                    added = attach(workspace, record.record_id, got.pdf, got.data, "europepmc", name)
                    out.append(
                        Outcome(record.record_id, "attached" if added else "same", (record.record_id,))
                    )
                else:
                    missing[record.record_id] = got.reason
                    out.append(
                        Outcome(
                            record.record_id, "not_retrieved", (record.record_id,), got.reason, got.detail
                        )
                    )
        finally:
            live = getattr(transport, "live", transport)  # a recording closes the live transport inside
            if hasattr(live, "close"):
                live.close()
            if missing:
                _remember_missing(workspace, missing)
    return out


def _remember_missing(workspace: Workspace, missing: dict[str, str]) -> None:
    workspace.lock(wait=LOCK_WAIT)
    try:
        with workspace.transaction():
            workspace.set_meta(NOT_RETRIEVED_META, {**(workspace.meta(NOT_RETRIEVED_META) or {}), **missing})
    finally:
        workspace.unlock()


def retrieval(workspace: Workspace) -> tuple[set[str], dict[str, str]]:
    """The records that have a full text, and why the last fetches found none for those that still
    have none (a file attached since, by any means, ends a reason): what PRISMA's "reports not
    retrieved" and the workbench read."""
    have = {ft.record_id for ft in workspace.fulltexts()}
    missing = workspace.meta(NOT_RETRIEVED_META) or {}
    return have, {r: str(why) for r, why in sorted(missing.items()) if r not in have}


def list_fulltexts(location: Path | str) -> tuple[list[FullText], dict[str, str]]:
    """Every current full text, and the records the last fetches found none for (with why)."""
    with Workspace.reading(location) as workspace:
        return workspace.fulltexts(), retrieval(workspace)[1]
