"""PubMed through the E-utilities: esearch (history server), date slices, then efetch by id.

Requests are built here as pure values; a transport sends them; Biopython's ``Entrez.read``
parses the esearch envelope (with PubMed's own QueryTranslation, translation stack, warnings
and errors), and :mod:`litreview.sources.pubmed_xml` streams the articles.

esearch lists at most 10,000 ids, so a larger result is split into date slices (by the same
``datetype``) until each slice fits. The listed PMIDs are then fetched in POST batches of 500,
sorted ascending: a batch is the same request on every attempt (so a resumed fetch reuses the
batches it already has, and new records only add batches at the end), and a record added to
PubMed between esearch and efetch cannot slip in.
"""

from __future__ import annotations

import calendar
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from Bio import Entrez

from litreview.errors import SourceError, SourceResponseError
from litreview.records import Citation
from litreview.sources.pubmed_xml import parse_pubmed_xml
from litreview.sources.transport import Request, Response, Transport

SOURCE = "pubmed"
ESEARCH_CAP = 10_000  # esearch returns at most this many ids for one query
EFETCH_BATCH = 500


@dataclass(frozen=True)
class SearchResult:
    """What esearch said about a query: count, ids, history keys and PubMed's own reading."""

    count: int
    ids: tuple[str, ...]
    webenv: str = ""
    query_key: str = ""
    query_translation: str = ""
    translation_stack: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    payload_path: str = ""


@dataclass
class FetchedSet:
    """Citations fetched for one search, with the evidence a manifest needs."""

    search: SearchResult
    citations: list[Citation] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    requests: int = 0
    slices: list[tuple[str, str, int]] = field(default_factory=list)  # (mindate, maxdate, count)
    esearch_requests: int = 0
    efetch_requests: int = 0


def build_esearch(
    term: str,
    *,
    mindate: str = "",
    maxdate: str = "",
    datetype: str = "edat",
    retmax: int = ESEARCH_CAP,
) -> Request:
    """The esearch request for a PubMed term, with the history server on."""
    params: dict[str, object] = {"db": "pubmed", "term": term, "usehistory": "y", "retmax": retmax}
    if mindate or maxdate:
        # E-utilities need both ends of a date window.
        params.update(
            datetype=datetype,
            mindate=_eutils_date(mindate or "1800/01/01"),
            maxdate=_eutils_date(maxdate or "3000/12/31"),
        )
    return Request.make(SOURCE, "esearch.fcgi", params)


def build_efetch(pmids: list[str]) -> Request:
    """One efetch batch by PMID (POST, as NCBI asks for long id lists)."""
    params: dict[str, object] = {
        "db": "pubmed",
        "id": ",".join(pmids),
        "retmode": "xml",
        "rettype": "abstract",
    }
    return Request.make(SOURCE, "efetch.fcgi", params, method="POST")


def _eutils_date(value: str) -> str:
    return value.replace("-", "/")


_DOCTYPE = re.compile(rb"<!DOCTYPE\s+\w+\s+(?:PUBLIC\s+\"[^\"]*\"\s+|SYSTEM\s+)\"([^\"]+)\"")


def _known_dtd(body: bytes, payload: str) -> None:
    """Biopython downloads a DTD it does not ship: offline must stay offline, so a response naming
    one is refused (NCBI's own esearch DTDs are all shipped with Biopython)."""
    found = _DOCTYPE.search(body[:2048])
    if found is None:
        return
    name = os.path.basename(found.group(1).decode("ascii", "replace"))
    if not (Path(Entrez.__file__).parent / "DTDs" / name).is_file():
        raise SourceResponseError(
            f"{payload}: the response names a DTD Biopython does not ship ({name}); refusing to download it"
        )


def parse_esearch(body: bytes, payload: str = "<esearch>") -> SearchResult:
    """Parse an esearch XML envelope; raise SourceResponseError on an E-utilities error."""
    _known_dtd(body, payload)
    try:
        data: Any = Entrez.read(io.BytesIO(body), validate=False)
    except Exception as exc:  # Biopython raises several parser exception types
        raise SourceResponseError(f"{payload}: unreadable esearch response ({exc})") from exc
    if "ERROR" in data:
        raise SourceResponseError(f"{payload}: PubMed refused the search: {data['ERROR']}")
    errors = _flatten(data.get("ErrorList", {}))
    warnings = _flatten(data.get("WarningList", {}))
    stack = tuple(_stack_entry(item) for item in data.get("TranslationStack", []))
    try:
        count = int(data["Count"])
    except (KeyError, ValueError) as exc:
        raise SourceResponseError(f"{payload}: esearch response has no Count") from exc
    return SearchResult(
        count=count,
        ids=tuple(str(i) for i in data.get("IdList", [])),
        webenv=str(data.get("WebEnv", "")),
        query_key=str(data.get("QueryKey", "")),
        query_translation=str(data.get("QueryTranslation", "")),
        translation_stack=stack,
        warnings=warnings,
        errors=errors,
        payload_path=payload,
    )


def _flatten(block: Any) -> tuple[str, ...]:
    out: list[str] = []
    if isinstance(block, dict):
        for key, values in block.items():
            for value in values if isinstance(values, list) else [values]:
                out.append(f"{key}: {value}")
    return tuple(out)


def _stack_entry(item: Any) -> str:
    if isinstance(item, dict):
        return f"{item.get('Term', '')} [{item.get('Field', '')}] -> {item.get('Count', '')}"
    return str(item)


def search(
    transport: Transport,
    term: str,
    *,
    mindate: str = "",
    maxdate: str = "",
    datetype: str = "edat",
    run_id: str = "",
    batch_size: int = EFETCH_BATCH,
    cap: int = ESEARCH_CAP,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FetchedSet:
    """Run esearch (sliced by date past the cap), fetch every listed record by PMID, verify."""
    request = build_esearch(term, mindate=mindate, maxdate=maxdate, datetype=datetype, retmax=cap)
    first = _esearch(transport, request)
    fetched = FetchedSet(search=first, requests=1, esearch_requests=1)
    fetched.payloads.append(first.payload_path)
    if first.count <= cap:
        if len(first.ids) != first.count:
            raise SourceResponseError(f"esearch counted {first.count} records but listed {len(first.ids)}")
        fetched.slices.append((mindate, maxdate, first.count))
        ids = list(first.ids)
    else:
        lo = eutils_day(mindate, end=False) or date(1800, 1, 1)
        hi = eutils_day(maxdate, end=True) or today or date.today()
        ids = _sliced_ids(transport, term, datetype, lo, hi, first.count, cap, fetched)
    unique = sorted(set(ids), key=int)
    if len(unique) != len(ids):
        raise SourceResponseError(f"date slices overlap: {len(ids) - len(unique)} PMIDs listed twice")
    seen: set[str] = set()
    for start in range(0, len(unique), batch_size):
        batch = transport.fetch(build_efetch(unique[start : start + batch_size]))
        fetched.requests += 1
        fetched.efetch_requests += 1
        fetched.payloads.append(batch.payload_path)
        for citation in _parse_batch(batch, run_id):
            if citation.pmid not in seen:
                seen.add(citation.pmid)
                fetched.citations.append(citation)
        if progress:
            progress(min(start + batch_size, len(unique)), len(unique))
    _verify(unique, fetched.citations)
    return fetched


def _esearch(transport: Transport, request: Request) -> SearchResult:
    response = transport.fetch(request)
    result = parse_esearch(response.body, response.payload_path or request.describe())
    if result.errors and result.count == 0:
        raise SourceResponseError(f"PubMed search failed: {'; '.join(result.errors)}")
    return result


def _sliced_ids(
    transport: Transport,
    term: str,
    datetype: str,
    lo: date,
    hi: date,
    count: int,
    cap: int,
    fetched: FetchedSet,
) -> list[str]:
    """Split [lo, hi] into day-aligned windows whose counts fit under the cap; their ids."""
    ids: list[str] = []
    pending = _split(lo, hi, parts=-(-count * 10 // (cap * 9)))  # aim at 90% of the cap per slice
    while pending:
        a, b = pending.pop(0)
        request = build_esearch(term, mindate=_fmt(a), maxdate=_fmt(b), datetype=datetype, retmax=cap)
        result = _esearch(transport, request)
        fetched.requests += 1
        fetched.esearch_requests += 1
        fetched.payloads.append(result.payload_path)
        if result.count <= cap:
            if len(result.ids) != result.count:
                raise SourceResponseError(f"esearch counted {result.count} but listed {len(result.ids)}")
            fetched.slices.append((_fmt(a), _fmt(b), result.count))
            ids.extend(result.ids)
        elif a == b:
            raise SourceError(
                f"{result.count} records share the {datetype} date {_fmt(a)}: more than esearch's "
                f"{cap}-id cap even for one day; narrow the query"
            )
        else:
            pending[:0] = _split(a, b, parts=-(-result.count * 10 // (cap * 9)))
    return ids


def _split(lo: date, hi: date, parts: int) -> list[tuple[date, date]]:
    days = (hi - lo).days + 1
    parts = max(2, min(parts, days))
    edges = [lo + timedelta(days=(days * k) // parts) for k in range(parts + 1)]
    return [(edges[k], edges[k + 1] - timedelta(days=1)) for k in range(parts) if edges[k] < edges[k + 1]]


def eutils_day(value: str, end: bool) -> date | None:
    """An E-utilities date (YYYY, YYYY/MM or YYYY/MM/DD) as a day; a partial date means its first
    day, or its last day for the end of a window. None when there is no date."""
    parts = [int(p) for p in re.split(r"[/-]", value) if p.isdigit()] if value else []
    if not parts:
        return None
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if end else 1)
    day = parts[2] if len(parts) > 2 else (calendar.monthrange(year, month)[1] if end else 1)
    return date(year, month, day)


def _fmt(day: date) -> str:
    return day.strftime("%Y/%m/%d")


def _parse_batch(response: Response, run_id: str) -> Iterator[Citation]:
    return parse_pubmed_xml(
        io.BytesIO(response.body), source=SOURCE, run_id=run_id, payload=response.payload_path or "<efetch>"
    )


def _verify(listed: list[str], citations: list[Citation]) -> None:
    fetched_ids = {c.pmid for c in citations}
    if fetched_ids != set(listed):
        missing = sorted(set(listed) - fetched_ids)
        extra = sorted(fetched_ids - set(listed))
        raise SourceResponseError(
            f"PubMed listed {len(listed)} records but efetch returned {len(fetched_ids)} "
            f"(missing e.g. {', '.join(missing[:5]) or 'none'}; unexpected {', '.join(extra[:5]) or 'none'}); "
            "nothing was stored, run again to resume"
        )
