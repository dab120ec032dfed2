"""ClinicalTrials.gov API v2: ``/studies`` requests (pure), page parsing, study → Trial.

Pages hold at most 1,000 studies and chain with ``nextPageToken``; ``countTotal=true`` asks for
the total so the fetch can be verified. An as-of date becomes
``filter.advanced=AREA[StudyFirstPostDate]RANGE[MIN,<date>]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.errors import RecordParseError, SourceResponseError
from litreview.records import Provenance, Trial, compose_record_id
from litreview.sources.common import find_doi
from litreview.sources.transport import Request, Transport

SOURCE = "ctgov"
PAGE_SIZE = 1000


@dataclass
class RegistrySearch:
    """Studies fetched for one registry query, with the evidence a manifest needs."""

    total: int | None
    trials: list[Trial] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    requests: int = 0
    params: dict[str, str] = field(default_factory=dict)


def build_studies(
    *,
    cond: str = "",
    term: str = "",
    first_posted_max: str = "",
    first_posted_min: str = "",
    updated_since: str = "",
    page_token: str = "",
    page_size: int = PAGE_SIZE,
) -> Request:
    """The ``/studies`` request for a condition/term search, optionally as of a date."""
    filters = []
    if first_posted_min or first_posted_max:
        filters.append(
            f"AREA[StudyFirstPostDate]RANGE[{first_posted_min or 'MIN'},{first_posted_max or 'MAX'}]"
        )
    if updated_since:
        filters.append(f"AREA[LastUpdatePostDate]RANGE[{updated_since},MAX]")
    params: dict[str, object] = {
        "query.cond": cond,
        "query.term": term,
        "filter.advanced": " AND ".join(filters),
        "pageSize": page_size,
        "countTotal": "true",
        "format": "json",
        "pageToken": page_token,
    }
    return Request.make(SOURCE, "studies", params)


def build_version() -> Request:
    return Request.make(SOURCE, "version", {})


def data_version(transport: Transport) -> dict[str, Any]:
    """The registry's ``/version`` (API version and data timestamp), for the manifest."""
    response = transport.fetch(build_version())
    try:
        data = json.loads(response.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceResponseError(f"{response.payload_path or '/version'}: malformed JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise SourceResponseError(f"{response.payload_path or '/version'}: not a version object")
    return {k: data.get(k) for k in ("apiVersion", "dataTimestamp", "note") if k in data}


def parse_page(body: bytes, payload: str = "<page>") -> tuple[list[dict[str, Any]], str, int | None]:
    """One ``/studies`` page → (study objects, next page token, total count if given)."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise RecordParseError(f"malformed JSON page: {exc}", path=payload, line=line) from exc
    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
        raise RecordParseError("not a /studies page (no 'studies' list)", path=payload)
    total = data.get("totalCount")
    return data["studies"], str(data.get("nextPageToken") or ""), int(total) if total is not None else None


def search(
    transport: Transport,
    *,
    cond: str = "",
    term: str = "",
    first_posted_max: str = "",
    updated_since: str = "",
    run_id: str = "",
    max_pages: int = 10_000,
    page_size: int = PAGE_SIZE,
) -> RegistrySearch:
    """Fetch every page of a registry search; fail loudly on a repeated token or a short count."""
    token = ""
    seen_tokens: set[str] = set()
    seen_ids: set[str] = set()
    first = build_studies(
        cond=cond,
        term=term,
        first_posted_max=first_posted_max,
        updated_since=updated_since,
        page_size=page_size,
    )
    result = RegistrySearch(total=None, params=first.public_params())
    for _ in range(max_pages):
        request = build_studies(
            cond=cond,
            term=term,
            first_posted_max=first_posted_max,
            updated_since=updated_since,
            page_token=token,
            page_size=page_size,
        )
        response = transport.fetch(request)
        result.requests += 1
        payload = response.payload_path or request.describe()
        result.payloads.append(response.payload_path)
        studies, token, total = parse_page(response.body, payload)
        if total is not None:
            result.total = total
        for offset, study in enumerate(studies, start=1):
            trial = study_to_trial(study, run_id=run_id, payload=payload, index=offset)
            if trial.nct_id not in seen_ids:
                seen_ids.add(trial.nct_id)
                result.trials.append(trial)
        if not token:
            break
        if token in seen_tokens:
            raise SourceResponseError(
                f"ClinicalTrials.gov repeated page token {token!r}; stopping rather than looping"
            )
        seen_tokens.add(token)
    else:
        raise SourceResponseError(f"more than {max_pages} pages; refusing to continue")
    if result.total is not None and result.total != len(result.trials):
        raise SourceResponseError(
            f"ClinicalTrials.gov counted {result.total} studies but "
            f"{len(result.trials)} distinct studies were received"
        )
    return result


def get_path(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# The reference types that report the study itself: RESULT (the sponsor's publication of its results)
# and DERIVED (PubMed records that cite the NCT id). BACKGROUND ones are other studies the protocol
# rests on, and an untyped one cannot be told from them.
REPORTING_REFERENCE_TYPES = frozenset({"RESULT", "DERIVED"})


def study_references(study: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(PMIDs, DOIs) of the publications that report the study, from ``referencesModule.references``
    whose ``type`` is RESULT or DERIVED: the ``pmid`` field, and a DOI written in the ``citation``
    text (lower case, end punctuation dropped)."""
    pmids: list[str] = []
    dois: list[str] = []
    references = get_path(study, "protocolSection", "referencesModule", "references")
    for reference in references if isinstance(references, list) else []:
        if not isinstance(reference, dict):
            continue
        if str(reference.get("type") or "").strip().upper() not in REPORTING_REFERENCE_TYPES:
            continue
        pmid = str(reference.get("pmid") or "").strip()
        if pmid.isdigit() and pmid not in pmids:
            pmids.append(pmid)
        doi = find_doi(str(reference.get("citation") or "")).lower()
        if doi and doi not in dois:
            dois.append(doi)
    return tuple(pmids), tuple(dois)


def study_to_trial(study: dict[str, Any], *, run_id: str = "", payload: str = "", index: int = 0) -> Trial:
    """Flatten one API v2 study object; missing modules become empty fields."""
    if not isinstance(study, dict):
        raise RecordParseError("study is not a JSON object", path=payload, index=index)
    protocol = study.get("protocolSection") or {}
    nct_id = str(get_path(protocol, "identificationModule", "nctId") or "").strip().upper()
    if not nct_id:
        raise RecordParseError(
            "study has no protocolSection.identificationModule.nctId", path=payload, index=index
        )
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    design = protocol.get("designModule") or {}
    enrollment = design.get("enrollmentInfo") or {}
    count = enrollment.get("count")
    locations = get_path(protocol, "contactsLocationsModule", "locations") or []
    countries: list[str] = []
    for location in locations:
        country = (location or {}).get("country")
        if country and country not in countries:
            countries.append(country)
    interventions = get_path(protocol, "armsInterventionsModule", "interventions") or []
    secondary = [str(s.get("id", "")) for s in ident.get("secondaryIdInfos") or [] if s.get("id")]
    if get_path(ident, "orgStudyIdInfo", "id"):
        secondary.insert(0, str(ident["orgStudyIdInfo"]["id"]))
    reference_pmids, reference_dois = study_references(study)
    return Trial(
        record_id=compose_record_id(SOURCE, nct_id),
        source=SOURCE,
        native_id=nct_id,
        nct_id=nct_id,
        title=str(ident.get("briefTitle") or ""),
        official_title=str(ident.get("officialTitle") or ""),
        acronym=str(ident.get("acronym") or ""),
        status=str(status.get("overallStatus") or ""),
        phases=tuple(design.get("phases") or ()),
        allocation=str(get_path(design, "designInfo", "allocation") or ""),
        study_type=str(design.get("studyType") or ""),
        conditions=tuple(get_path(protocol, "conditionsModule", "conditions") or ()),
        keywords=tuple(get_path(protocol, "conditionsModule", "keywords") or ()),
        interventions=tuple(str(i.get("name", "")) for i in interventions if isinstance(i, dict)),
        enrollment=int(count) if isinstance(count, int | float) else None,
        enrollment_type=str(enrollment.get("type") or ""),
        countries=tuple(countries),
        sponsor=str(get_path(protocol, "sponsorCollaboratorsModule", "leadSponsor", "name") or ""),
        start_date=str(get_path(status, "startDateStruct", "date") or ""),
        first_posted=str(get_path(status, "studyFirstPostDateStruct", "date") or ""),
        last_update_posted=str(get_path(status, "lastUpdatePostDateStruct", "date") or ""),
        has_results=bool(study.get("hasResults")),
        secondary_ids=tuple(secondary),
        reference_pmids=reference_pmids,
        reference_dois=reference_dois,
        study=study,
        provenance=Provenance(source=SOURCE, native_id=nct_id, run_id=run_id, payload=payload, index=index),
    )


def load_ctgov_json(path: Path | str, *, run_id: str = "") -> Iterator[Trial]:
    """Read CT.gov JSON as one study, a ``/studies`` page, or a list of studies."""
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordParseError(
            f"not readable CT.gov JSON: {exc}", path=path, line=getattr(exc, "lineno", None)
        ) from exc
    studies: Iterable[Any]
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        studies = data["studies"]
    elif isinstance(data, dict):
        studies = [data]
    elif isinstance(data, list):
        studies = data
    else:
        raise RecordParseError("expected a study, a page or a list of studies", path=path)
    for index, study in enumerate(studies, start=1):
        yield study_to_trial(study, run_id=run_id, payload=str(path), index=index)
