"""A workspace's duplicate, maybe and registration links, remade from its records and the
reviewers' verdicts on pairs; and the reviewer's side of it: list the links, say two records are
the same item or distinct ones. A verdict overrules every rule and survives reruns; earlier
links and verdicts are kept (stamped undone, or earlier in the log), never deleted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from litreview.dedup.cluster import Registrations, link_fuzzy
from litreview.dedup.prepare import MAYBE_DUPLICATE, REGISTRATION, SHARED_DOI
from litreview.dedup.representative import DUPLICATE
from litreview.errors import ConfigError
from litreview.records import CONTROL_CHARACTERS, PAIR_VERDICTS, SAME, Link, Record
from litreview.store.workspace import Workspace

LINK_TYPES = {
    "duplicate": DUPLICATE,
    "maybe": MAYBE_DUPLICATE,
    "registration": REGISTRATION,
    "shared-doi": SHARED_DOI,  # one DOI, different items: kept apart, listed for the reviewer
}
LINK_COLUMNS = ("record_id", "linked_to", "link_type", "rule", "score", "title", "linked_title")
VERDICT_COLUMNS = ("record_a", "record_b", "verdict", "reviewer", "reason", "decided_at")


def relink(
    workspace: Workspace, run_id: str, preferred: set[str], records: Iterable[Record] | None = None
) -> dict[str, tuple[int, int]]:
    """Link every stored record with the reviewers' verdicts and make those the workspace's active
    links (inside the caller's transaction). Returns (added, undone) per link type. The records are
    read from the workspace as they are linked, never all held at once (``records``: the same
    records from elsewhere, read once)."""
    verdicts = workspace.pair_verdicts()
    registrations = Registrations()
    stream = (registrations.add(r) for r in (workspace.records() if records is None else records))
    duplicates, maybes, shared = link_fuzzy(stream, preferred=preferred, verdicts=verdicts)
    maybe_links = [Link(m.a, m.b, MAYBE_DUPLICATE, m.reason, m.score) for m in maybes]
    shared_links = [Link(m.a, m.b, SHARED_DOI, m.reason, m.score) for m in shared]
    return {
        DUPLICATE: workspace.replace_links(run_id, DUPLICATE, duplicates),
        MAYBE_DUPLICATE: workspace.replace_links(run_id, MAYBE_DUPLICATE, maybe_links),
        SHARED_DOI: workspace.replace_links(run_id, SHARED_DOI, shared_links),
        REGISTRATION: workspace.replace_links(run_id, REGISTRATION, registrations.links()),
    }


def decide_pair(
    workspace_dir: Path | str, record_a: str, record_b: str, verdict: str, reviewer: str, reason: str = ""
) -> dict[str, tuple[int, int]]:
    """Log the verdict and relink at once (one transaction); returns what changed per link type."""
    if verdict not in PAIR_VERDICTS:
        raise ConfigError(f"unknown verdict {verdict!r} (choose {', '.join(PAIR_VERDICTS)})")
    if not reviewer.strip():
        raise ConfigError("a verdict needs the reviewer's name (--reviewer)")
    if record_a == record_b:
        raise ConfigError(f"{record_a}: a record cannot be paired with itself")
    if CONTROL_CHARACTERS.search(reviewer + reason):
        raise ConfigError("a control character in the reviewer or reason cannot be stored")
    with Workspace.existing(workspace_dir) as workspace:
        workspace.lock()
        known = workspace.record_ids()
        missing = [r for r in (record_a, record_b) if r not in known]
        if missing:
            raise ConfigError(f"{workspace.db_path}: no record {', '.join(missing)} in this workspace")
        kinds = {r.kind for r in workspace.records([record_a, record_b])}
        if verdict == SAME and len(kinds) > 1:
            raise ConfigError(
                f"{record_a} and {record_b}: a registry record and a publication are never one item "
                "(a publication that names the trial is linked to it as a registration)"
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        with workspace.transaction():
            workspace.decide_pair(record_a, record_b, verdict, reviewer.strip(), reason)
            # every stored record is an existing one here: representatives are chosen as a rerun would
            return relink(workspace, f"verdict-{stamp}", preferred=known)


def link_rows(workspace_dir: Path, kind: str) -> list[dict[str, object]]:
    """The active links of one kind (duplicate | maybe | registration) with both titles, or the
    verdict log (kind "verdicts")."""
    with Workspace.existing(workspace_dir) as workspace:
        if kind == "verdicts":
            return [dict(row) for row in workspace.pair_decision_log()]
        if kind not in LINK_TYPES:
            raise ConfigError(f"unknown link kind {kind!r} (choose {', '.join([*LINK_TYPES, 'verdicts'])})")
        return link_table(workspace, LINK_TYPES[kind])


def link_table(workspace: Workspace, link_type: str) -> list[dict[str, object]]:
    """Rows of LINK_COLUMNS for the workspace's active links of one type."""
    links = workspace.links(link_type)
    titles = {
        r.record_id: r.title
        for r in workspace.records({x for link in links for x in (link.record_id, link.linked_to)})
    }
    return [
        {"record_id": link.record_id, "linked_to": link.linked_to, "link_type": link.link_type, "rule": link.rule,
         "score": link.score, "title": titles.get(link.record_id, ""), "linked_title": titles.get(link.linked_to, "")}
        for link in links
    ]  # fmt: skip
