"""Fuzzy duplicate linking: normalise, block, compare with rapidfuzz, guard, cluster.

Never all pairs: candidate pairs come from blocking keys (DOI, title prefix, rare title words,
title word initials, first author + year, year + first page). A pair is linked only when the titles agree closely and
nothing keeps the records apart; guards keep distinct things apart however similar the titles
are: different DOIs, years more than one apart, different first pages or volumes, different issue
numbers where no first page agrees, different report numbers ("WHO/NUT/2015.5", "PAR-2022-0117") or page
counts, different names in the brackets that end two titles (one template's reports of two products or
countries: "... (Fluorocare)" / "... (Duraflor-S)"; not one name spelt two ways, "(Brazil)" / "(Brasil)", nor
at one article's place), an erratum /
comment / reply / retraction / protocol against the article, different numbers in the titles
(parts of a series, phases; "three-year" = "3-year", "phase II" = "phase 2", "10(9)/L" = "109/L"),
a title cut with an ellipsis whose last word the other title does not go on with,
different letters in the titles ("hepatitis B" / "hepatitis C", "type 2A" / "type 2B"), opposite words
("hypertension" / "hypotension", "interobserver" / "intraobserver", "treated" / "untreated", "with" /
"without"; these two only between titles of one language), a conference abstract against a full paper (those
go to "maybe").
A place identifies an item where titles cannot: one correction notice that only one database labels
"Erratum:" (same volume, issue and pages), or a translated title at the same year, volume and
multi-page span by the same first author, whatever each export calls the journal there (where the
journals' names differ, only a title that adds or drops words or co-authors named on both: namesakes'
articles at one place in two journals differ in a word and a team) and though one dropped a digit from a
number in the title.
A title in letters ASCII folding drops (Chinese, Japanese, Korean, Cyrillic) is compared by its own letters
with titles in such letters only (in Chinese, Japanese or Korean characters one title only where the characters
agree or one leaves out a part after a break: a character replaced or added is a word, "左" / "右", "非");
beside a title in Latin letters, one article's place (year, volume, issue,
page span not from page 1; Scholar's record without volume by the year and span where it names the journal) and team
identify it, as they do an article whose title and journal name are both translated (one issue on both, the
same co-authors). An article number (an e-locator "e20210109") at one year and volume is a place as a span
is, within one journal (two journals' numbers under two titles in one language are two articles); one title at
one year and span (not from page 1) by one first author and the same co-authors is one article whatever each
record calls the journal (its own, romanised or English name). A title and its translation parted by " / "
in one field (halves sharing two stems) are its two titles. A thesis is also named by its university, year,
page count and author (its original and its English title); an organisation as author also by its acronym
("FAO, Rome (Italy)"), a book beside a report being the report. An article number against the article's own
pages from 1 ("968" / "1-11") in one volume and year is no page conflict.
A guard fires only on two real values (a volume "1)" left over from an issue, pages a spreadsheet
made dates, "Anonymous" are none), and a missing field is no evidence: a title link needs one other
field agreeing on both records.
Near misses go to a "maybe" queue for a human; nothing there is linked. Clusters never join two
different DOIs, even transitively; the most complete record represents each cluster.

A DOI is evidence, not proof: supplements and abstract books give one DOI to hundreds of abstracts.
An equal DOI links only when the content agrees (titles compatible, no conflicting first page or
first author). Equal DOIs with clearly different content are a *shared DOI*: kept apart, even through
a chain, and listed; unclear ones go to the maybe queue (and are kept apart from chains too).
A conference paper (or a record whose venue is a meeting, in no volume) is identified at its conference
(however exports name the proceedings: with or without "Proceedings", year and edition, the acronym for its
words), year and team; a thesis (also PsycINFO's Dissertation Abstracts record), book or chapter by its title
and team (a chapter also by its pages), a dropped subtitle allowed where the opening begins no other title; a
report (grey literature: typed so, given a report's page count or number, or Scholar's ERIC record) by its
title (or a cut of it), year and issuer (its team, its organisation however ordered, its publisher, the
organisation's acronym as a catalogue's publisher, or its number), a year late only with the same page count, an edition of a series only by its number or page count.
Generic or recurring titles ("Editor's Comments", errata, "In this issue"; a list kept as data plus
titles that recur in one journal at different places) link only when volume, issue and pages agree, or
(a column without pages) journal, year, volume, issue and the named first author do.
Rules that trust the place (pages, volume) never fire between supplement or conference abstracts
whose titles differ in content words."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

from litreview.dedup.blocking import (
    DOI_WINDOW,
    blocking_keys,
)
from litreview.dedup.prepare import (
    BLOCK_CAP,
    HUMAN,
    REGISTRATION,
    SHARED_DOI,
    Prepared,
    arxiv_id,
    prepare,
)
from litreview.dedup.representative import DUPLICATE, rank
from litreview.dedup.rules import (
    ambiguous_openings,
    by_title,
    comparable_titles,
    compare,
    crowded_titles,
    recurring_titles,
    serial_titles,
)
from litreview.identifiers import (
    normalise_accession,
    normalise_nct,
    normalise_pmcid,
    normalise_pmid,
)
from litreview.records import SAME, Citation, Link, Record, Trial


@dataclass(frozen=True)
class Maybe:
    a: str
    b: str
    score: float
    reason: str


class Linkage(NamedTuple):
    links: list[Link]  # duplicate -> representative
    maybes: list[Maybe]  # pairs a reviewer must settle
    shared_doi: list[Maybe]  # records that share a DOI but are different items (one pair a record)


Progress = Callable[[int, int], None]  # (blocks done, blocks in all)


def link_fuzzy(records: Iterable[Record], preferred: set[str] | frozenset[str] = frozenset(),
               verdicts: Mapping[tuple[str, str], str] | None = None,
               progress: Progress | None = None) -> Linkage:  # fmt: skip
    """Duplicate links (including exact DOI/PMID/NCT ones), the 'maybe' pairs and the shared-DOI
    pairs, for any records.

    ``verdicts`` are a reviewer's word on pairs (sorted ids -> "same" | "distinct") and overrule
    every rule: a "same" pair is linked (even across DOIs: a preprint and its paper), a "distinct"
    pair never ends up in one cluster, not even through a chain, and a decided pair is no "maybe".

    Records identical after normalisation are grouped by hashing first: the rules see only what
    is normalised, so one comparison decides for a whole group and every pair of groups is
    compared once, whatever the number of copies (an export repeated 2,000 times costs one)."""
    prepared: dict[str, Prepared] = {}
    ids_by_exact: dict[tuple[str, str], list[str]] = defaultdict(list)
    # normalised content -> ids bearing it; a registry record's apart from a publication's
    copies: dict[Prepared | tuple[Prepared, str], list[str]] = defaultdict(list)
    # registry records: a publication is linked to one as a registration, never as it
    trials: set[str] = set()
    for record in records:
        p = prepare(record)
        prepared[record.record_id] = p
        content = replace(p, record_id="", merit=(0, 0))
        if isinstance(record, Trial):
            trials.add(record.record_id)
            copies[content, "trial"].append(record.record_id)
        else:
            copies[content].append(record.record_id)
        for key in _exact_keys(record, p.registry):
            ids_by_exact[key].append(record.record_id)
    if _issues_are_record_numbers(prepared.values()):
        prepared, copies = _record_numbers_marked(prepared, copies)
    for ids in copies.values():
        ids.sort()  # the first of a group is the same whatever the input order
    distinct = [ids[0] for ids in copies.values()]  # one record for each normalised content
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record_id in distinct:
        for key in blocking_keys(prepared[record_id]):
            blocks[key].append(record_id)
    titled = by_title(prepared[i] for i in distinct)
    generic, crowded, serial = recurring_titles(titled), crowded_titles(titled), serial_titles(titled)
    ambiguous = ambiguous_openings(prepared[i] for i in distinct)
    del titled  # a list per title: not held through the comparisons (a million records)
    pairs: dict[tuple[str, str], tuple[str, float, str]] = {}
    for key, ids in ids_by_exact.items():  # PMID / NCT ids: identity, unless DOIs disagree
        for other in ids[1:]:
            pair = tuple(sorted((ids[0], other)))
            a, b = prepared[pair[0]], prepared[pair[1]]
            if not (a.doi and b.doi and a.doi != b.doi):
                pairs[pair] = ("duplicate", 1.0, f"exact-{key[0]}")  # type: ignore[index]
    apart_copies = []  # groups of copies the rules do not link (identical notices)
    for ids in copies.values():  # copies: what the rules say of two records with this content
        if len(ids) > 1 and blocking_keys(prepared[ids[0]]):  # two records sharing no key are never compared
            result = compare(prepared[ids[0]], prepared[ids[1]], generic, crowded, ambiguous, serial)
            if result[0] != "duplicate":
                apart_copies.append(ids)
            if result[0]:
                for other in ids[1:]:
                    pair = (ids[0], other) if ids[0] < other else (other, ids[0])
                    pairs.setdefault(pair, result)
    for done, (key, ids) in enumerate(blocks.items(), start=1):
        if progress is not None and (done % 1000 == 0 or done == len(blocks)):
            progress(done, len(blocks))
        if len(ids) < 2 or (len(ids) > BLOCK_CAP and key[0] != "doi"):
            continue
        if len(ids) > BLOCK_CAP:
            ids = sorted(ids, key=lambda i: prepared[i].title)
        window = DOI_WINDOW if len(ids) > BLOCK_CAP else len(ids)
        for i, first in enumerate(ids):
            for second in ids[i + 1 : i + 1 + window]:
                pair = (first, second) if first < second else (second, first)
                if (first in trials) != (second in trials):  # no maybe a reviewer could only call distinct
                    continue
                if pair not in pairs:  # only links and maybes are kept: memory stays linear
                    result = compare(
                        prepared[pair[0]], prepared[pair[1]], generic, crowded, ambiguous, serial
                    )
                    if result[0]:
                        pairs[pair] = result
    pairs = _spread_to_copies(pairs, apart_copies)
    # A DOI the data shows on different items identifies nothing: a record without a title (or with one in
    # letters the other's title is not in) cannot be linked by that DOI alone.
    shared_dois = {prepared[pair[0]].doi for pair, value in pairs.items() if value[0] == SHARED_DOI}
    for pair, (_kind, score, rule) in list(pairs.items()):
        a, b = prepared[pair[0]], prepared[pair[1]]
        if rule == "exact-doi" and a.doi in shared_dois and not comparable_titles(a, b):
            pairs[pair] = ("maybe", score, "same DOI, a title is missing, and this DOI is on different items")
    apart: dict[str, set[str]] = defaultdict(set)  # never in one cluster, not even through a chain
    reviewed: set[frozenset[str]] = set()  # the apart pairs a reviewer called distinct
    for decided, verdict in (verdicts or {}).items():
        if decided[0] in prepared and decided[1] in prepared:
            pairs.pop(decided, None)
            if verdict == SAME:
                pairs[decided] = ("duplicate", 1.0, HUMAN)
            else:
                apart[decided[0]].add(decided[1])
                apart[decided[1]].add(decided[0])
                reviewed.add(frozenset(decided))
    shared: dict[str, tuple[str, float, str]] = {}
    for (ida, idb), (kind, score, reason) in pairs.items():
        # one DOI that did not link by itself must not link through a chain either
        if kind != "duplicate" and prepared[ida].doi and prepared[ida].doi == prepared[idb].doi:
            apart[ida].add(idb)
            apart[idb].add(ida)
            if kind == SHARED_DOI:
                for x, y in ((ida, idb), (idb, ida)):
                    if x not in shared or y < shared[x][0]:
                        shared[x] = (y, score, reason)
    shared_pairs = sorted({(min(x, y), max(x, y)): Maybe(min(x, y), max(x, y), round(s, 4), r)
                           for x, (y, s, r) in shared.items()}.values(), key=lambda m: (m.a, m.b))  # fmt: skip
    linkable = {pair: value for pair, value in pairs.items() if value[0] != SHARED_DOI}
    links, maybes = _cluster(prepared, linkable, preferred, apart, reviewed)
    return Linkage(links, maybes, shared_pairs)


def _spread_to_copies(pairs: dict[tuple[str, str], tuple[str, float, str]],
                      apart_copies: list[list[str]]) -> dict[tuple[str, str], tuple[str, float, str]]:  # fmt: skip
    """Copies the rules do not link to their group's first record (two identical "Editorial"
    notices) are items of their own: each gets what its first has with other groups."""
    if not apart_copies:
        return pairs
    first_of = {ids[0]: ids[1:] for ids in apart_copies}
    out = dict(pairs)
    for (a, b), value in pairs.items():
        for x, y in ((a, b), (b, a)):
            for copy in first_of.get(x, ()):
                if copy != y:
                    out.setdefault((copy, y) if copy < y else (y, copy), value)
    return out


def _exact_keys(record: Record, registry: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Identity keys: a Trial's NCT id; a citation's PMID, PMCID, accession number and arXiv id, and a registry
    entry's own registry ids (``registry``, see :mod:`litreview.dedup.registry`). A database's copy of a
    ClinicalTrials.gov record keeps its registration link to the Trial (:class:`Registrations`) rather
    than becoming its duplicate: in a living review the copy may be stored and screened before the Trial
    arrives, and the Trial is the tables' row, so neither may silently represent the other."""
    if isinstance(record, Trial):
        nct = normalise_nct(record.nct_id)
        return [("nct", nct)] if nct else []
    keys = [
        ("pmid", normalise_pmid(record.pmid)),
        ("pmcid", normalise_pmcid(record.pmcid)),
        ("accession", normalise_accession(record.accession, record.source)),
        *(("registry", rid) for rid in registry),
        ("arxiv", arxiv_id(record)),
    ]
    return [(kind, value) for kind, value in keys if value]


def _cluster(prepared: dict[str, Prepared], pairs: dict[tuple[str, str], tuple[str, float, str]],
             preferred: set[str] | frozenset[str], apart: Mapping[str, set[str]],
             reviewed: set[frozenset[str]]) -> tuple[list[Link], list[Maybe]]:  # fmt: skip
    parent = {i: i for i in prepared}
    none: frozenset[str] = frozenset()  # shared: most records may have no DOI (216 bytes per empty set)
    dois = {i: (frozenset((p.doi,)) if p.doi else none) for i, p in prepared.items()}
    cluster: dict[str, list[str]] = {}  # root -> members, only for clusters holding a kept-apart record
    for i in apart:
        cluster[i] = [i]

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = sorted(((s, r, pair) for pair, (kind, s, r) in pairs.items() if kind == "duplicate"),
                   key=lambda e: (e[1] != HUMAN, -e[0], e[2]))  # a reviewer's links, then strongest first  # fmt: skip
    accepted: dict[tuple[str, str], tuple[float, str]] = {}
    maybes = [
        Maybe(a, b, round(s, 4), r) for (a, b), (kind, s, r) in sorted(pairs.items()) if kind == "maybe"
    ]
    for score, rule, (a, b) in edges:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if ra in cluster and rb in cluster:
            small, other = (ra, rb) if len(cluster[ra]) <= len(cluster[rb]) else (rb, ra)
            blocked = [(x, y) for x in cluster[small] for y in apart.get(x, ()) if find(y) == other]
            if blocked:
                # a reviewer said distinct (silently kept), or one DOI that did not link (a reviewer decides)
                if rule != HUMAN and not all(frozenset(pair) in reviewed for pair in blocked):
                    maybes.append(Maybe(a, b, round(score, 4), "linking would join records that share a "
                                        "DOI but not their content"))  # fmt: skip
                continue
        if rule != HUMAN and len(dois[ra] | dois[rb]) > 1:  # would join two DOIs: ask a human instead
            maybes.append(Maybe(a, b, round(score, 4), "linking would join records with different DOIs"))
            continue
        root, gone = min(ra, rb), max(ra, rb)
        parent[gone] = root
        dois[root] = dois[ra] | dois[rb]
        if gone in cluster or root in cluster:
            cluster[root] = cluster.get(root, [root]) + cluster.pop(gone, [gone])
        accepted[(a, b)] = (score, rule)
    members: dict[str, list[str]] = defaultdict(list)
    for record_id in prepared:
        members[find(record_id)].append(record_id)
    best_rule: dict[str, tuple[float, str]] = {}
    for (a, b), value in accepted.items():
        for x in (a, b):
            if x not in best_rule or value[0] > best_rule[x][0]:
                best_rule[x] = value
    links = []
    for group in members.values():
        if len(group) < 2:
            continue
        rep = max(group, key=lambda i: rank(i in preferred, prepared[i].merit, i))
        for member in group:
            if member != rep:
                score, rule = best_rule.get(member, (1.0, "transitive"))
                links.append(Link(member, rep, DUPLICATE, rule, round(score, 4)))
    return sorted(links, key=lambda link: link.record_id), maybes


class Registrations:
    """What publication → trial links need, gathered as records stream past (``add`` returns the
    record): each trial's record by NCT id, and the NCT ids each publication names."""

    def __init__(self) -> None:
        self.trials: dict[str, str] = {}
        self.named: list[tuple[str, tuple[str, ...]]] = []

    def add(self, record: Record) -> Record:
        if isinstance(record, Trial):
            self.trials[normalise_nct(record.nct_id)] = record.record_id
        elif isinstance(record, Citation) and record.nct_ids:
            self.named.append((record.record_id, record.nct_ids))
        return record

    def links(self) -> list[Link]:
        links = []
        for record_id, ncts in self.named:
            for nct in ncts:
                trial = self.trials.get(normalise_nct(nct))
                if trial:
                    links.append(Link(record_id, trial, REGISTRATION, "nct-id", 1.0))
        return links


def link_registrations(records: Iterable[Record]) -> list[Link]:
    """Publication → trial links by NCT id (PubMed DataBank, secondary ids, abstract text)."""
    found = Registrations()
    for record in records:
        found.add(record)
    return found.links()


RECORD_NUMBERS_FROM = 20  # numbered issues an export must hold before their spread says what they are


def _issues_are_record_numbers(records: Iterable[Prepared]) -> bool:
    """Whether the export's issue field holds a number for each record (some exports put the record
    number there) rather than issues: in a real export issues recur (the labelled sets: 12 to 43
    values over 300 to 1,400 numbered records, 4% at most), a record number never does. Read so, two
    small record numbers ("12" / "13") would look like two issues and keep one article's records apart."""
    numbers = [p.issue for p in records if p.issue.isdigit()]
    return len(numbers) >= RECORD_NUMBERS_FROM and len(set(numbers)) > 0.8 * len(numbers)


def _record_numbers_marked(prepared: dict[str, Prepared], copies: dict) -> tuple[dict[str, Prepared], dict]:
    """The records with their issue field marked a record number ("#12"): two records' numbers still
    agree or differ as before, but they are no issues to keep an article's records apart. The groups of
    identical content are formed again with the marked field."""

    def marked(p: Prepared) -> Prepared:
        return replace(p, issue=f"#{p.issue}") if p.issue.isdigit() else p

    regrouped: dict = defaultdict(list)
    for content, ids in copies.items():
        if isinstance(content, tuple):  # a registry record's group
            regrouped[marked(content[0]), content[1]].extend(ids)
        else:
            regrouped[marked(content)].extend(ids)
    return {i: marked(p) for i, p in prepared.items()}, regrouped
