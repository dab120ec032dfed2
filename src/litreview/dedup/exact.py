"""Exact-identifier duplicate linking (DOI, PMID, NCT id) with a most-complete representative."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from litreview.dedup.normalize import normalize_doi, normalize_nct, normalize_pmid
from litreview.records import Citation, Record, Trial
from litreview.workspace import Link

DUPLICATE = "duplicate"


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def completeness(record: Record) -> int:
    """How many fields a record fills: the most complete member represents a cluster."""
    filled = 0
    for field in dataclasses.fields(record):
        if field.name in {"provenance", "study"}:
            continue
        value = getattr(record, field.name)
        if value not in ("", None, (), 0, False):
            filled += 1
    return filled


def _keys(record: Record) -> list[tuple[str, str]]:
    if isinstance(record, Trial):
        nct = normalize_nct(record.nct_id)
        return [("nct", nct)] if nct else []
    assert isinstance(record, Citation)
    keys = []
    doi = normalize_doi(record.doi)
    if doi:
        keys.append(("doi", doi))
    pmid = normalize_pmid(record.pmid)
    if pmid:
        keys.append(("pmid", pmid))
    return keys


def link_exact(records: Iterable[Record], preferred: set[str] | frozenset[str] = frozenset()) -> list[Link]:
    """Link every record sharing a normalised DOI, PMID (citations) or NCT id (trials).

    Each non-representative member gets one link to its cluster's representative, naming the
    identifier rule that joined it. Records with different DOIs are never joined through a
    shared PMID (the DOI disagreement wins: they are kept apart). Records in ``preferred`` (those
    a workspace already held) stay representatives, so earlier decisions keep applying.
    """
    by_id: dict[str, Record] = {}
    owners: dict[tuple[str, str], str] = {}
    uf = _UnionFind()
    for record in records:
        by_id[record.record_id] = record
        uf.find(record.record_id)
        for key in _keys(record):
            other = owners.setdefault(key, record.record_id)
            if other != record.record_id and not _conflicting_doi(by_id[other], record):
                uf.union(other, record.record_id)
    clusters: dict[str, list[Record]] = {}
    for record_id, record in by_id.items():
        clusters.setdefault(uf.find(record_id), []).append(record)
    links: list[Link] = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        rep = max(
            members,
            key=lambda r: (r.record_id in preferred, completeness(r), _source_rank(r), _neg(r.record_id)),
        )
        for member in members:
            if member.record_id == rep.record_id:
                continue
            rule = _rule_between(member, rep) or "exact-transitive"
            links.append(Link(member.record_id, rep.record_id, DUPLICATE, rule, 1.0))
    return sorted(links, key=lambda link: link.record_id)


def _conflicting_doi(a: Record, b: Record) -> bool:
    if isinstance(a, Citation) and isinstance(b, Citation):
        da, db = normalize_doi(a.doi), normalize_doi(b.doi)
        return bool(da and db and da != db)
    return False


def _rule_between(a: Record, b: Record) -> str:
    shared = {k for k, _ in _keys(a)} & {k for k, _ in _keys(b)}
    for kind in ("nct", "doi", "pmid"):
        if kind in shared and dict(_keys(a))[kind] == dict(_keys(b))[kind]:
            return f"exact-{kind}"
    return ""


def _source_rank(record: Record) -> int:
    # Prefer records from curated databases as representatives when equally complete.
    return {"pubmed": 3, "ctgov": 3, "embase": 2}.get(record.source, 1)


def _neg(record_id: str) -> tuple[int, ...]:
    # max() picks the highest key: negate characters so the smallest id wins ties (stable).
    return tuple(-ord(c) for c in record_id)
