"""Full texts for records: which record a PDF belongs to (by the DOI, PMID, PMCID or NCT id in its
name, or the article's own DOI, PMID or PMCID in its first page's header), and an open-access PDF
for an article found through Europe PMC.

Retrieval has the three layers of every source: the Europe PMC search request (pure), the
transport (live, replay, record: the same as PubMed's and CT.gov's), and the parse of its JSON
(pure); the PDF it points to is fetched through the same transport and checked by
:func:`litreview.sources.pdf.check_pdf` exactly as an uploaded file is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import unquote, urlsplit

from litreview.errors import FullTextError, SourceResponseError
from litreview.identifiers import normalise_doi
from litreview.records import Citation, Record, Trial
from litreview.sources.pdf import PAGE_BREAK, CheckedPdf, check_pdf
from litreview.sources.transport import Request, Transport

EUROPEPMC = "europepmc"  # the search service (LiveTransport's base URL for it is a setting)
FULLTEXT = "fulltext"  # a PDF at the absolute URL Europe PMC gave

# Where a PDF is the publisher's version as archived, not a landing page or a bot check.
PDF_SITES = ("Europe_PMC", "PubMedCentral")
OPEN_CODES = frozenset({"OA", "F"})  # open access, free to read

# -- identifying a file -----------------------------------------------------------------------------

_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)
# A PMID only where it is labelled as one: a bare 8-digit number in an article is a phone number,
# a grant, a sample size as often as a PMID.
_PMID_IN_TEXT = re.compile(r"\b(?:PMID|PubMed\s+ID)\s*:?\s*(\d{1,8})\b", re.IGNORECASE)
_PMID_IN_NAME = re.compile(r"(?<![a-z0-9])pmid[\s_:-]*(\d{1,8})(?!\d)")
_BARE_PMID_NAME = re.compile(r"\d{5,8}")  # "12345678.pdf"; four digits are a year, not a PMID
_PMCID = re.compile(r"(?<![A-Za-z0-9])PMC(\d{4,10})(?!\d)", re.IGNORECASE)
_NCT = re.compile(r"(?<![A-Za-z0-9])NCT(\d{8})(?!\d)", re.IGNORECASE)


def identify(name: str, first_pages_text: str, records: Iterable[Record]) -> list[str]:
    """The ids of the records a PDF belongs to, from its file name and the header of its first page.

    Only the article's own identifiers count: those in the file name (someone named the file on
    purpose), else a DOI, labelled PMID or PMCID in the first page's header (:func:`own_header`).
    A short article's reference list is on its first pages too; an identifier found only there is
    one the article cites, not its own. An NCT id in a publication's text names the trial it
    reports: a registry record has no full text from a paper, so it identifies nothing (only a file
    named for the trial is that record's). Every match is returned: more than one means the file is
    ambiguous, and the caller lists it rather than attaching it. Duplicates of one study (the same
    DOI from two sources) match together: pass one record per duplicate cluster.
    """
    index = _Index(records)
    stem = unquote(PurePath(name).stem).lower()
    return index.in_name(stem) or index.in_text(own_header(first_pages_text))


def unmatched_reason(first_pages_text: str, records: Iterable[Record]) -> str:
    """Why a file that :func:`identify` matched to nothing names records anyway ('' if it names none):
    a trial's NCT id, or identifiers found only past its header (the articles it cites)."""
    index = _Index(records)
    trials = index.trials_in_text(first_pages_text)
    cited = [rid for rid in index.in_text(first_pages_text) if rid not in trials]
    reasons = []
    if trials:
        reasons.append(
            f"it names the trial of {', '.join(trials)}, and a registry record has no full text from a paper"
        )
    if cited:
        reasons.append(f"it cites {', '.join(cited)}, but its own identifier matches no record")
    return "; ".join(reasons)


HEADER_CHARS = 4000  # a first page's title block, authors, journal line and abstract
_BODY_HEADING = re.compile(
    r"^[ \t]*(?:\d+\.?[ \t]*)?(?:references|bibliography|literature cited|introduction)\b",
    re.IGNORECASE | re.MULTILINE,
)


def own_header(first_pages_text: str) -> str:
    """The part of a PDF's text that carries the article's own identifiers: its first page only, up
    to the body or reference list (a line starting "Introduction" or "References"),
    at most :data:`HEADER_CHARS` characters."""
    first = first_pages_text.split(PAGE_BREAK, 1)[0][:HEADER_CHARS]
    body = _BODY_HEADING.search(first)
    return first[: body.start()] if body else first


class _Index:
    """The records' identifiers, normalised, mapped to record ids (in the records' order)."""

    def __init__(self, records: Iterable[Record]):
        self.order: dict[str, int] = {}
        self.dois: dict[str, list[str]] = {}
        self.pmids: dict[str, list[str]] = {}
        self.pmcids: dict[str, list[str]] = {}
        self.ncts: dict[str, list[str]] = {}
        for record in records:
            self.order.setdefault(record.record_id, len(self.order))
            if isinstance(record, Trial):
                _add(self.ncts, record.nct_id.upper(), record.record_id)
                continue
            _add(self.dois, normalise_doi(record.doi), record.record_id)
            _add(self.pmids, record.pmid.strip().lstrip("0"), record.record_id)
            _add(self.pmcids, _pmc_number(record.pmcid), record.record_id)

    def _ids(self, *hits: Iterable[str]) -> list[str]:
        found = {rid for group in hits for rid in group}
        return sorted(found, key=self.order.__getitem__)

    def in_name(self, stem: str) -> list[str]:
        dois = [ids for doi, ids in self.dois.items() if any(_in_name(stem, v) for v in _name_forms(doi))]
        pmids = [m.group(1) for m in _PMID_IN_NAME.finditer(stem)]
        if _BARE_PMID_NAME.fullmatch(stem):
            pmids.append(stem)
        return self._ids(
            *dois,
            *(self.pmids.get(p.lstrip("0"), ()) for p in pmids),
            *(self.pmcids.get(m.group(1), ()) for m in _PMCID.finditer(stem)),
            *(self.ncts.get("NCT" + m.group(1), ()) for m in _NCT.finditer(stem)),
        )

    def in_text(self, text: str) -> list[str]:
        return self._ids(
            *(self.dois.get(normalise_doi(m.group(0)), ()) for m in _DOI_IN_TEXT.finditer(text)),
            *(self.pmids.get(m.group(1).lstrip("0"), ()) for m in _PMID_IN_TEXT.finditer(text)),
            *(self.pmcids.get(m.group(1), ()) for m in _PMCID.finditer(text)),
        )

    def trials_in_text(self, text: str) -> list[str]:
        return self._ids(*(self.ncts.get("NCT" + m.group(1), ()) for m in _NCT.finditer(text)))


def _add(index: dict[str, list[str]], key: str, record_id: str) -> None:
    if key:
        index.setdefault(key, []).append(record_id)


def _pmc_number(pmcid: str) -> str:
    match = _PMCID.search(pmcid or "")
    return match.group(1) if match else ""


def _name_forms(doi: str) -> tuple[str, ...]:
    """A DOI as it appears in a file name: a slash cannot, so people write "_" (or percent-encode it,
    which the name's unquoting has already undone)."""
    return (doi, doi.replace("/", "_"))


def _in_name(stem: str, form: str) -> bool:
    """``form`` occurs in the name as a whole identifier: 10.1/ab1 is not found in "10.1_ab12"."""
    start = stem.find(form)
    while start >= 0:
        end = start + len(form)
        before_ok = start == 0 or not stem[start - 1].isalnum()
        after = stem[end : end + 2]
        after_ok = not after or not (after[0].isalnum() or (after[0] == "." and after[1:].isalnum()))
        if before_ok and after_ok:
            return True
        start = stem.find(form, start + 1)
    return False


# -- finding and fetching an open-access PDF --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Retrieved:
    """An open-access PDF fetched for a record, already checked like any uploaded file."""

    record_id: str
    url: str
    data: bytes
    pdf: CheckedPdf


@dataclass(frozen=True, slots=True)
class NotRetrieved:
    """No full text for this record: ``reason`` is short and fixed (stored, shown to reviewers: never
    a URL or a server path); ``detail`` is the full account (the CLI prints it)."""

    record_id: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Located:
    """What Europe PMC says about one record: PDF links to try in order, or why there are none."""

    urls: tuple[str, ...]
    reason: str = ""


def europepmc_query(record: Record) -> str:
    """The Europe PMC query naming one article by its strongest identifier, or '' if it has none."""
    if not isinstance(record, Citation):
        return ""
    if _pmc_number(record.pmcid):
        return f"PMCID:PMC{_pmc_number(record.pmcid)}"
    if record.pmid.strip().isdigit():
        return f"EXT_ID:{record.pmid.strip()} AND SRC:MED"
    doi = normalise_doi(record.doi)
    if doi:
        return f'DOI:"{doi.replace(chr(34), "")}"'
    return ""


def build_search(record: Record) -> Request | None:
    """The Europe PMC REST search for a record (``resultType=core`` carries the full-text links)."""
    query = europepmc_query(record)
    if not query:
        return None
    params = {"query": query, "format": "json", "resultType": "core", "pageSize": 5}
    return Request.make(EUROPEPMC, "search", params)


def build_pdf(url: str) -> Request:
    """The request for a PDF at an absolute URL from a search answer (only http and https)."""
    return Request.make(FULLTEXT, url, {})


def parse_search(body: bytes, record: Record, payload: str = "<europepmc search>") -> Located:
    """The PDF links Europe PMC lists for the record: open or free, archived by Europe PMC or PMC,
    Europe PMC's first. Only a result whose identifiers are the record's own is used."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
        results = data["resultList"]["result"]
        if not isinstance(results, list):
            raise TypeError("resultList.result is not a list")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise SourceResponseError(f"{payload}: not a Europe PMC search answer ({exc})") from None
    mine = [r for r in results if isinstance(r, dict) and _same_article(r, record)]
    if not mine:
        return Located((), f"Europe PMC has no entry for {_ids_of(record)}")
    urls: list[tuple[int, str]] = []
    for result in mine:
        links = (result.get("fullTextUrlList") or {}).get("fullTextUrl") or []
        for link in links if isinstance(links, list) else []:
            if not isinstance(link, dict):
                continue
            url, site = str(link.get("url") or ""), str(link.get("site") or "")
            if (
                link.get("documentStyle") == "pdf"
                and link.get("availabilityCode") in OPEN_CODES
                and site in PDF_SITES
                and urlsplit(url).scheme in ("http", "https")
            ):
                urls.append((PDF_SITES.index(site), url))
    if urls:
        return Located(tuple(dict.fromkeys(url for _, url in sorted(urls, key=lambda u: u[0]))))
    if not any(r.get("isOpenAccess") == "Y" for r in mine):
        return Located((), "not open access in Europe PMC")
    return Located((), "Europe PMC lists no open PDF archived by Europe PMC or PubMed Central")


def _same_article(result: dict[str, Any], record: Record) -> bool:
    if not isinstance(record, Citation):
        return False
    pmcid = _pmc_number(record.pmcid)
    if pmcid and _pmc_number(str(result.get("pmcid") or "")) == pmcid:
        return True
    if record.pmid.strip() and str(result.get("pmid") or "") == record.pmid.strip():
        return True
    doi = normalise_doi(record.doi)
    return bool(doi) and normalise_doi(str(result.get("doi") or "")) == doi


def _ids_of(record: Record) -> str:
    if isinstance(record, Trial):
        return record.nct_id
    parts = [f"PMCID {record.pmcid}" if record.pmcid else "", f"PMID {record.pmid}" if record.pmid else ""]
    parts.append(f"DOI {record.doi}" if record.doi else "")
    return ", ".join(p for p in parts if p) or record.record_id


def fetch_open_access(transport: Transport, record: Record) -> Retrieved | NotRetrieved:
    """An open-access PDF for an article, through ``transport`` (live, replay or record).

    A service that answers with something unusable (a 404, an HTML page where a PDF should be, a
    file :func:`check_pdf` refuses) gives :class:`NotRetrieved` with the reason; a fault that
    outlasts the transport's retries, or a snapshot without the answer, raises a SourceError.
    """
    if isinstance(record, Trial):
        return NotRetrieved(record.record_id, "a registry record: full texts are fetched for articles")
    request = build_search(record)
    if request is None:
        return NotRetrieved(record.record_id, "no DOI, PMID or PMCID to look the article up by")
    try:
        response = transport.fetch(request)
        located = parse_search(response.body, record, response.payload_path or request.describe())
    except SourceResponseError as exc:
        return NotRetrieved(record.record_id, "Europe PMC's search answer could not be used", str(exc))
    reasons, details = ([located.reason], [located.reason]) if located.reason else ([], [])
    for url in located.urls:
        try:
            data = transport.fetch(build_pdf(url)).body
            checked = check_pdf(data, url)
        except (SourceResponseError, FullTextError) as exc:
            reasons.append(_short_reason(exc))
            details.append(str(exc))
            continue
        return Retrieved(record.record_id, url, data, checked)
    return NotRetrieved(record.record_id, "; ".join(dict.fromkeys(reasons)), "; ".join(details))


_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")


def _short_reason(exc: SourceResponseError | FullTextError) -> str:
    """Why a PDF link gave nothing, in a few fixed words: the exception's own message names the URL
    and, replayed, the snapshot's file on this server."""
    if isinstance(exc, FullTextError):
        if exc.reason.startswith("not a PDF (it is an HTML page)"):
            return "Europe PMC answered HTML, not a PDF"
        return f"the PDF was refused: {exc.reason.split(' (', 1)[0].split(':', 1)[0]}"
    status = _HTTP_STATUS.search(str(exc))
    if status:
        return f"HTTP {status.group(1)} for the PDF"
    if "over the limit" in str(exc):
        return "the PDF is over the size limit"
    return "the PDF could not be fetched"
