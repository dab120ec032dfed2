"""PubMed article XML (efetch output, annual baseline and update files) → Citation, streamed.

Biopython's ``Entrez.parse`` cannot stream a ``PubmedArticleSet`` (it rejects it as "not a
list") and ``Entrez.read`` holds the whole file in memory, so articles are read here with a
safe lxml ``iterparse`` that keeps memory bounded on 100k-record baseline files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from litreview.errors import RecordParseError
from litreview.records import Citation, Provenance
from litreview.sources.xmlsafe import iter_elements, open_maybe_gzip, text_of

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")
NCT_RE = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"(1[89]\d\d|2[01]\d\d)")


def load_pubmed_xml(path: Path | str, *, source: str = "pubmed", run_id: str = "") -> Iterator[Citation]:
    """Stream citations from a PubMed XML file (``.xml`` or ``.xml.gz``)."""
    path = Path(path)
    try:
        handle = open_maybe_gzip(path)
    except OSError as exc:
        raise RecordParseError(f"cannot open: {exc.strerror}", path=path) from exc
    with handle:
        yield from parse_pubmed_xml(handle, source=source, run_id=run_id, payload=str(path))


def parse_pubmed_xml(
    stream: IO[bytes], *, source: str = "pubmed", run_id: str = "", payload: str = "<stream>"
) -> Iterator[Citation]:
    """Stream citations from PubMed XML bytes; errors name ``payload`` and the record index."""
    index = 0
    for element in iter_elements(stream, ARTICLE_TAGS, payload):
        index += 1
        citation = _citation(element, source, run_id, payload, index)
        if citation is None:
            raise RecordParseError("article has no PMID", path=payload, index=index, line=element.sourceline)
        yield citation


def _citation(element: etree._Element, source: str, run_id: str, payload: str, index: int) -> Citation | None:
    if element.tag == "PubmedBookArticle":
        return _book(element, source, run_id, payload, index)
    medline = element if element.tag == "MedlineCitation" else element.find("MedlineCitation")
    if medline is None:
        return None
    pmid = (medline.findtext("PMID") or "").strip()
    if not pmid:
        return None
    article = medline.find("Article")
    journal = article.find("Journal") if article is not None else None
    issue = journal.find("JournalIssue") if journal is not None else None
    ids = _article_ids(element)
    doi = ids.get("doi", "")
    if not doi and article is not None:
        for loc in article.iterfind("ELocationID"):
            if loc.get("EIdType") == "doi":
                doi = (loc.text or "").strip()
    abstract_parts = []
    if article is not None:
        for part in article.iterfind("Abstract/AbstractText"):
            label = part.get("Label")
            text = text_of(part)
            abstract_parts.append(f"{label}: {text}" if label else text)
    nct_ids: list[str] = []
    if article is not None:
        for bank in article.iterfind("DataBankList/DataBank"):
            if "clinicaltrials" in (bank.findtext("DataBankName") or "").lower():
                nct_ids.extend(a.strip().upper() for a in bank.itertext() if NCT_RE.fullmatch(a.strip()))
    abstract = " ".join(abstract_parts)
    for found in NCT_RE.findall(abstract):
        if found.upper() not in nct_ids:
            nct_ids.append(found.upper())
    pub_types = tuple(text_of(p) for p in medline.iterfind("Article/PublicationTypeList/PublicationType"))
    return Citation(
        record_id=f"{source}:{pmid}",
        source=source,
        native_id=pmid,
        title=text_of(article.find("ArticleTitle")) if article is not None else "",
        abstract=abstract,
        authors=tuple(_authors(article)),
        journal=(journal.findtext("Title") or "").strip() if journal is not None else "",
        journal_abbrev=(
            journal.findtext("ISOAbbreviation") or medline.findtext("MedlineJournalInfo/MedlineTA") or ""
        ).strip()
        if journal is not None
        else "",
        year=_year(issue.find("PubDate")) if issue is not None else None,
        volume=(issue.findtext("Volume") or "").strip() if issue is not None else "",
        issue=(issue.findtext("Issue") or "").strip() if issue is not None else "",
        pages=_pages(article),
        doi=doi,
        pmid=pmid,
        pmcid=ids.get("pmc", ""),
        nct_ids=tuple(nct_ids),
        keywords=tuple(text_of(k) for k in medline.iterfind("KeywordList/Keyword")),
        mesh=tuple(text_of(d) for d in medline.iterfind("MeshHeadingList/MeshHeading/DescriptorName")),
        pub_types=pub_types,
        language=(article.findtext("Language") or "").strip() if article is not None else "",
        record_type=_record_type(pub_types),
        entrez_date=_entrez_date(element),
        provenance=Provenance(source=source, native_id=pmid, run_id=run_id, payload=payload, index=index),
    )


def _book(element: etree._Element, source: str, run_id: str, payload: str, index: int) -> Citation | None:
    doc = element.find("BookDocument")
    if doc is None:
        return None
    pmid = (doc.findtext("PMID") or "").strip()
    if not pmid:
        return None
    book = doc.find("Book")
    title = text_of(doc.find("ArticleTitle")) or text_of(book.find("BookTitle") if book is not None else None)
    authors = []
    for author in doc.iterfind("AuthorList/Author"):
        authors.append(_author_name(author))
    year = _year(book.find("PubDate")) if book is not None else None
    return Citation(
        record_id=f"{source}:{pmid}",
        source=source,
        native_id=pmid,
        title=title,
        abstract=" ".join(text_of(p) for p in doc.iterfind("Abstract/AbstractText")),
        authors=tuple(a for a in authors if a),
        journal=text_of(book.find("BookTitle")) if book is not None else "",
        year=year,
        pmid=pmid,
        record_type="book",
        provenance=Provenance(source=source, native_id=pmid, run_id=run_id, payload=payload, index=index),
    )


def _article_ids(element: etree._Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for node in element.iterfind("PubmedData/ArticleIdList/ArticleId"):
        kind = node.get("IdType", "")
        if kind and kind not in ids:
            ids[kind] = (node.text or "").strip()
    return ids


def _author_name(author: etree._Element) -> str:
    collective = author.findtext("CollectiveName")
    if collective:
        return " ".join(collective.split())
    last = (author.findtext("LastName") or "").strip()
    initials = (author.findtext("Initials") or "").strip()
    if not initials:
        fore = (author.findtext("ForeName") or "").split()
        initials = "".join(p[0] for p in fore if p)
    return f"{last} {initials}".strip()


def _authors(article: etree._Element | None) -> list[str]:
    if article is None:
        return []
    return [n for n in (_author_name(a) for a in article.iterfind("AuthorList/Author")) if n]


def _year(pubdate: etree._Element | None) -> int | None:
    if pubdate is None:
        return None
    text = pubdate.findtext("Year") or pubdate.findtext("MedlineDate") or ""
    match = _YEAR_RE.search(text)
    return int(match.group(1)) if match else None


def _pages(article: etree._Element | None) -> str:
    if article is None:
        return ""
    pages = (article.findtext("Pagination/MedlinePgn") or "").strip()
    if pages:
        return pages
    start = (article.findtext("Pagination/StartPage") or "").strip()
    end = (article.findtext("Pagination/EndPage") or "").strip()
    if start:
        return f"{start}-{end}" if end else start
    for loc in article.iterfind("ELocationID"):
        if loc.get("EIdType") == "pii":
            return (loc.text or "").strip()
    return ""


def _entrez_date(element: etree._Element) -> str:
    for node in element.iterfind("PubmedData/History/PubMedPubDate"):
        if node.get("PubStatus") == "entrez":
            y, m, d = (node.findtext(k) or "" for k in ("Year", "Month", "Day"))
            if y:
                return f"{y}-{int(m or 1):02d}-{int(d or 1):02d}"
    return ""


def _record_type(pub_types: tuple[str, ...]) -> str:
    lowered = {p.lower() for p in pub_types}
    if "congress" in lowered or "meeting abstract" in lowered:
        return "conference-abstract"
    return "journal-article"
