"""PubMed through the E-utilities: esearch (history server) then efetch in batches.

Requests are built here as pure values; a transport sends them; Biopython's ``Entrez.read``
parses the esearch envelope (with PubMed's own QueryTranslation, translation stack, warnings
and errors), and :mod:`litreview.sources.pubmed_xml` streams the articles.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from Bio import Entrez

from litreview.errors import SourceResponseError
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


def build_efetch(webenv: str, query_key: str, retstart: int, retmax: int = EFETCH_BATCH) -> Request:
    """One efetch batch from the history server (POST, as NCBI asks for large requests)."""
    params = {
        "db": "pubmed",
        "WebEnv": webenv,
        "query_key": query_key,
        "retstart": retstart,
        "retmax": retmax,
        "retmode": "xml",
        "rettype": "abstract",
    }
    return Request.make(SOURCE, "efetch.fcgi", params, method="POST")


def _eutils_date(value: str) -> str:
    return value.replace("-", "/")


def parse_esearch(body: bytes, payload: str = "<esearch>") -> SearchResult:
    """Parse an esearch XML envelope; raise SourceResponseError on an E-utilities error."""
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
) -> FetchedSet:
    """Run esearch then fetch every counted record; fail loudly if fetched != counted."""
    request = build_esearch(term, mindate=mindate, maxdate=maxdate, datetype=datetype)
    response = transport.fetch(request)
    result = parse_esearch(response.body, response.payload_path or request.describe())
    if result.errors and result.count == 0:
        raise SourceResponseError(f"PubMed search failed: {'; '.join(result.errors)}")
    fetched = FetchedSet(search=result, requests=1)
    fetched.payloads.append(response.payload_path)
    if result.count == 0:
        return fetched
    if not result.webenv or not result.query_key:
        raise SourceResponseError("esearch response has no history keys (WebEnv/QueryKey)")
    seen: set[str] = set()
    for retstart in range(0, result.count, batch_size):
        batch = transport.fetch(build_efetch(result.webenv, result.query_key, retstart, batch_size))
        fetched.requests += 1
        fetched.payloads.append(batch.payload_path)
        for citation in _parse_batch(batch, run_id):
            if citation.pmid not in seen:
                seen.add(citation.pmid)
                fetched.citations.append(citation)
    _verify(result, fetched.citations)
    return fetched


def _parse_batch(response: Response, run_id: str) -> Iterator[Citation]:
    return parse_pubmed_xml(
        io.BytesIO(response.body), source=SOURCE, run_id=run_id, payload=response.payload_path or "<efetch>"
    )


def _verify(result: SearchResult, citations: list[Citation]) -> None:
    fetched_ids = {c.pmid for c in citations}
    if len(fetched_ids) != result.count:
        raise SourceResponseError(
            f"PubMed counted {result.count} records but {len(fetched_ids)} were fetched; "
            "nothing was stored, run again to resume"
        )
    if result.ids and len(result.ids) == result.count and set(result.ids) != fetched_ids:
        missing = sorted(set(result.ids) - fetched_ids)[:5]
        raise SourceResponseError(
            f"efetch returned different records than esearch listed (missing e.g. {', '.join(missing)})"
        )
