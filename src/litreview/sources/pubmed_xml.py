"""PubMed article XML (efetch output, annual baseline and update files) → Citation, streamed.

Biopython's ``Entrez.parse`` cannot stream a ``PubmedArticleSet`` (it rejects it as "not a
list") and ``Entrez.read`` holds the whole file in memory, so articles are read here with a
safe lxml ``iterparse`` that keeps memory bounded on 100k-record baseline files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from litreview.errors import RecordParseError
from litreview.records import Citation, Provenance, compose_record_id
from litreview.sources.common import NCT, find_year
from litreview.sources.xmlsafe import iter_elements, open_maybe_gzip, text_of

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")
# The parts of a record that are read, as compiled XPaths from the element that holds them (each
# step from the record's root costs time on every record). They return just these elements in
# document order, so the rest of the tree (dates, chemicals, grants, references...) never becomes
# a Python object. Authors are read from their list in one walk: per-author XPath predicates cost more.
_ARTICLE_PARTS = etree.XPath(" | ".join((
    "ArticleTitle", "Journal/Title", "Journal/ISOAbbreviation", "Journal/JournalIssue/Volume",
    "Journal/JournalIssue/Issue", "Journal/JournalIssue/PubDate/Year", "Journal/JournalIssue/PubDate/MedlineDate",
    "Pagination/*", "ELocationID", "Abstract/AbstractText", "AuthorList", "Language",
    "PublicationTypeList/PublicationType", "DataBankList",
)))  # fmt: skip
_MEDLINE_PARTS = etree.XPath("PMID | Article | KeywordList/Keyword | MedlineJournalInfo/MedlineTA")
_PUBMED_DATA_PARTS = etree.XPath(
    "ArticleIdList/ArticleId[@IdType='doi' or @IdType='pmc'] | History/PubMedPubDate[@PubStatus='entrez']"
)
# MeSH headings are many and need no context: their text comes back as plain strings.
_MESH = etree.XPath("MeshHeadingList/MeshHeading/DescriptorName/text()", smart_strings=False)
# Parts whose text is the value as it stands (the last one wins, as each occurs once).
_PLAIN = frozenset(
    {"Title", "ISOAbbreviation", "MedlineTA", "Volume", "Issue", "MedlinePgn", "StartPage", "EndPage"}
)


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
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[type-var]
    head = buffered.peek(65536)
    for root, what in ((b"<eSearchResult", "an eSearch result (a list of PMIDs)"),
                       (b"<eSummaryResult", "an eSummary result"), (b"<eLinkResult", "an eLink result")):  # fmt: skip
        if root in head:
            raise RecordParseError(f"{what}, not PubMed records: fetch the records (efetch, or "
                                   "`litreview search pubmed`) and import those", path=payload, line=1)  # fmt: skip
    tags = _article_tags(head)
    for element in iter_elements(buffered, tags, payload, nested=tags == ARTICLE_TAGS):
        index += 1
        citation = _citation(element, source, run_id, payload, index)
        if citation is None:
            raise RecordParseError("article has no PMID", path=payload, index=index, line=element.sourceline)
        yield citation


def _article_tags(head: bytes) -> tuple[str, ...]:
    """Only the outermost record elements of this kind of file: an efetch set's MedlineCitation
    sits inside a PubmedArticle, and asking for both costs an extra event per record."""
    if b"<PubmedArticleSet" in head:
        return ("PubmedArticle", "PubmedBookArticle")
    if b"<MedlineCitationSet" in head:
        return ("MedlineCitation",)
    return ARTICLE_TAGS


def _citation(element: etree._Element, source: str, run_id: str, payload: str, index: int) -> Citation | None:
    """One article: its MedlineCitation walked, then PubmedData."""
    tag = element.tag
    if tag == "PubmedBookArticle":
        return _book(element, source, run_id, payload, index)
    medline = element if tag == "MedlineCitation" else next(element.iterchildren("MedlineCitation"), None)
    if medline is None:
        return None
    (pmid, title, plain, year_kind, year_text, doi, pii, language, abstract, authors, pub_types, keywords, mesh,
     has_databank) = medline_parts(medline)  # fmt: skip
    if not pmid:
        return None
    nct_ids: list[str] = []
    if has_databank:  # rare: read here, off the walk
        for bank in medline.iterfind("Article/DataBankList/DataBank"):
            if "clinicaltrials" in (bank.findtext("DataBankName") or "").lower():
                nct_ids.extend(a.strip().upper() for a in bank.itertext() if NCT.fullmatch(a.strip()))
    ids: dict[str, str] = {}
    entrez = ""
    for data in element.iterchildren("PubmedData"):
        for part in _PUBMED_DATA_PARTS(data):
            if part.tag == "ArticleId":
                kind = part.get("IdType", "")
                if kind not in ids:
                    ids[kind] = (part.text or "").strip()
            else:  # PubMedPubDate, entrez
                y, m, d = (part.findtext(k) or "" for k in ("Year", "Month", "Day"))
                if y:
                    entrez = f"{y}-{int(m or 1):02d}-{int(d or 1):02d}"
    year: int | None = None
    if year_kind == "Year":
        year = int(year_text) if len(year_text) == 4 and year_text.isdigit() else find_year(year_text)
    elif year_kind == "MedlineDate":
        year = find_year(year_text)
    get = plain.get
    pages, start_page, end_page = get("MedlinePgn", ""), get("StartPage", ""), get("EndPage", "")
    if not pages and start_page:
        pages = f"{start_page}-{end_page}" if end_page else start_page
    pages = pages or pii
    abstract_text = " ".join(abstract)
    if (
        "NCT" in abstract_text or "nct0" in abstract_text or "Nct0" in abstract_text
    ):  # regex only where it can match
        for found in NCT.findall(abstract_text):
            if found.upper() not in nct_ids:
                nct_ids.append(found.upper())
    return Citation(
        record_id=compose_record_id(source, pmid),
        source=source,
        native_id=pmid,
        title=title,
        abstract=abstract_text,
        authors=tuple(authors),
        journal=get("Title", ""),
        journal_abbrev=get("ISOAbbreviation") or get("MedlineTA", ""),
        year=year,
        volume=get("Volume", ""),
        issue=get("Issue", ""),
        pages=pages,
        doi=ids.get("doi", "") or doi,
        pmid=pmid,
        pmcid=ids.get("pmc", ""),
        nct_ids=tuple(nct_ids),
        keywords=tuple(keywords),
        mesh=tuple(mesh),
        pub_types=tuple(pub_types),
        language=language,
        record_type=_record_type(tuple(pub_types)),
        entrez_date=entrez,
        provenance=Provenance(source=source, native_id=pmid, run_id=run_id, payload=payload, index=index),
    )


MedlineParts = tuple[
    str,
    str,
    dict[str, str],
    str,
    str,
    str,
    str,
    str,
    list[str],
    list[str],
    list[str],
    list[str],
    list[str],
    bool,
]


def medline_parts(medline: etree._Element) -> MedlineParts:
    """(pmid, title, plain parts by tag, year part's tag and text, doi, pii, language, abstract
    sections, authors, publication types, keywords, MeSH headings, whether a DataBankList is there)
    of a MedlineCitation, from the parts the compiled XPaths select, dispatched on their tag."""
    parts = _MEDLINE_PARTS(medline)
    pmid = title = language = doi = pii = year_kind = year_text = ""
    plain: dict[str, str] = {}
    abstract: list[str] = []
    authors: list[str] = []
    pub_types: list[str] = []
    keywords: list[str] = []
    has_databank = False
    for part in parts:
        tag = part.tag
        if tag in _PLAIN:
            plain[tag] = (part.text or "").strip()
        elif tag == "Keyword":
            keywords.append(text_of(part))
        elif tag == "AbstractText":
            label, text = part.get("Label"), text_of(part)
            abstract.append(f"{label}: {text}" if label else text)
        elif tag == "PublicationType":
            pub_types.append((part.text or "").strip())
        elif tag == "AuthorList":
            authors = _author_list(part)
        elif tag == "Article":
            parts.extend(_ARTICLE_PARTS(part))  # read next: the loop runs on to the end of the list
        elif tag == "PMID":
            pmid = pmid or (part.text or "").strip()
        elif tag == "ArticleTitle":
            title = text_of(part)
        elif tag == "Year" or tag == "MedlineDate":
            year_kind, year_text = tag, part.text or ""
        elif tag == "ELocationID":
            kind = part.get("EIdType")
            if kind == "doi" and not doi:
                doi = (part.text or "").strip()
            elif kind == "pii" and not pii:
                pii = (part.text or "").strip()
        elif tag == "Language":
            language = language or (part.text or "").strip()
        elif tag == "DataBankList":
            has_databank = True
    mesh = [m.strip() for m in _MESH(medline)]
    return (pmid, title, plain, year_kind, year_text, doi, pii, language, abstract, authors, pub_types, keywords,
            mesh, has_databank)  # fmt: skip


def _book(element: etree._Element, source: str, run_id: str, payload: str, index: int) -> Citation | None:
    doc = element.find("BookDocument")
    if doc is None:
        return None
    pmid = (doc.findtext("PMID") or "").strip()
    if not pmid:
        return None
    book = doc.find("Book")
    title = text_of(doc.find("ArticleTitle")) or text_of(book.find("BookTitle") if book is not None else None)
    author_list = doc.find("AuthorList")
    authors = _author_list(author_list) if author_list is not None else []
    year = _year(book.find("PubDate")) if book is not None else None
    return Citation(
        record_id=compose_record_id(source, pmid),
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


def _author_list(author_list: etree._Element) -> list[str]:
    """Names as "Last Initials" (or the collective name)."""
    names = []
    for author in author_list.iterchildren("Author"):
        last = initials = fore = collective = None
        for part in author:
            tag = part.tag
            if tag == "LastName":
                last = part.text
            elif tag == "Initials":
                initials = part.text
            elif tag == "ForeName":
                fore = part.text
            elif tag == "CollectiveName":
                collective = part.text
        name = " ".join(collective.split()) if collective else _author_name(last, initials, fore)
        if name:
            names.append(name)
    return names


def _author_name(last: str | None, initials: str | None, fore: str | None) -> str:
    if not initials and fore:
        initials = "".join(p[0] for p in fore.split() if p)
    return f"{(last or '').strip()} {(initials or '').strip()}".strip()


def _year(pubdate: etree._Element | None) -> int | None:
    if pubdate is None:
        return None
    text = pubdate.findtext("Year") or ""
    if len(text) == 4 and text.isdigit():
        return int(text)
    return find_year(text or pubdate.findtext("MedlineDate") or "")


def _record_type(pub_types: tuple[str, ...]) -> str:
    for kind in pub_types:
        if kind.lower() in ("congress", "meeting abstract"):
            return "conference-abstract"
    return "journal-article"
