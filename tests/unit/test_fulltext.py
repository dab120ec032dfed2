"""Full texts: hostile PDFs refused in one line, PDFs matched to records, Europe PMC answers parsed."""

import hashlib
import io
import json
import time
import tracemalloc
import zlib

import pytest
from pypdf import PdfReader, PdfWriter
from tests.pdf_files import MB, deflated_zeros, encrypted, stream, text_pdf

from litreview.errors import FullTextError, LitreviewError, SourceResponseError
from litreview.identifiers import normalise_doi
from litreview.records import Citation, Trial
from litreview.sources import fulltext, pdf
from litreview.sources.fulltext import build_search, identify, parse_search
from litreview.sources.pdf import PAGE_BREAK, check_pdf, check_pdf_file
from litreview.sources.transport import Response

ARTICLE = text_pdf(
    "Annals of Oncology 32 (2021) 101-110",
    "https://doi.org/10.1016/j.annonc.2021.01.001",
    "Platinum-etoposide in extrapulmonary neuroendocrine carcinoma",
)


def refused(data: bytes, name: str = "upload.pdf", **kwargs) -> FullTextError:
    with pytest.raises(FullTextError) as caught:
        check_pdf(data, name, **kwargs)
    error = caught.value
    assert isinstance(error, LitreviewError) and error.file == name
    assert "\n" not in str(error) and str(error) == f"{name}: {error.reason}"  # one line for the CLI
    return error


# -- checking -------------------------------------------------------------------------------------


def test_a_real_pdf_passes_with_checksum_pages_and_text():
    checked = check_pdf(ARTICLE, "smith2021.pdf")
    assert checked.sha256 == hashlib.sha256(ARTICLE).hexdigest() and checked.size == len(ARTICLE)
    assert checked.pages == 1
    assert "10.1016/j.annonc.2021.01.001" in checked.text and "Platinum-etoposide" in checked.text


def test_only_the_first_pages_text_is_read(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_TEXT_CHARS", 20)
    assert len(check_pdf(ARTICLE, "a.pdf").text) == 20


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Access denied</body></html>", "not a PDF (it is an HTML page)"),
        (b"PK\x03\x04 word document", "not a PDF (it is a ZIP archive"),
        (b"", "not a PDF (the file is empty)"),
        (ARTICLE[: len(ARTICLE) // 2], "truncated"),
        (b"%PDF-1.7\nnot really a pdf at all\n%%EOF\n", "cannot be read as a PDF"),
    ],
    ids=["html", "zip", "empty", "truncated", "garbage"],
)
def test_not_a_pdf_or_broken(data, reason):
    assert refused(data).reason.startswith(reason)


def test_over_the_size_limit_is_refused_before_parsing():
    error = refused(ARTICLE, max_bytes=len(ARTICLE) - 1)
    assert error.reason == f"{len(ARTICLE):,} bytes, over the limit of {len(ARTICLE) - 1:,} bytes"


def test_a_200_mb_file_is_refused_from_its_size_without_reading_it(tmp_path):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as handle:  # sparse: 200 MB long, a few bytes on disk
        handle.write(b"%PDF-1.7\n")
        handle.seek(200 * MB - 6)
        handle.write(b"%%EOF\n")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(FullTextError, match="209,715,200 bytes, over the limit"):
        check_pdf_file(path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 1 * MB


def test_a_file_on_disk_is_checked_like_bytes(tmp_path):
    path = tmp_path / "10.1016_j.annonc.2021.01.001.pdf"
    path.write_bytes(ARTICLE)
    assert check_pdf_file(path) == check_pdf(ARTICLE, str(path))
    with pytest.raises(FullTextError, match="is not a regular file"):
        check_pdf_file(tmp_path)


def test_password_protected_is_refused_restrictions_only_is_kept():
    assert refused(encrypted(ARTICLE, "reader-secret")).reason == "encrypted: it needs a password to open"
    restricted = check_pdf(encrypted(ARTICLE, ""), "restricted.pdf")  # publishers' no-copy PDFs
    assert restricted.pages == 1 and "Platinum-etoposide" in restricted.text


@pytest.mark.parametrize(
    ("catalog", "page", "what"),
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ", b"", "JavaScript"),
        # the same with its names hex-escaped, as malware writes them to dodge byte scanners
        (b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> ", b"", "JavaScript"),
        (b"/Names << /JavaScript << /Names [(init) << /S /JavaScript /JS (x) >>] >> >> ", b"", "JavaScript"),
        (b"", b"/AA << /O << /S /Launch /F (cmd.exe) >> >> ", "a Launch action"),
        (b"/OpenAction << /S /SubmitForm /F (https://example.org/collect) >> ", b"", "a SubmitForm action"),
        (b"/AcroForm << /Fields [] /XFA (<xdp:xdp/>) >> ", b"", "an XFA form"),
        # a link whose address is script: a viewer that follows it runs it where it was opened
        (
            b"",
            b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 600 800] "
            rb"/A << /S /URI /URI (JavaScript:fetch\('/download/votes.csv'\)) >> >>] ",
            "a javascript: link",
        ),
        (
            b"/OpenAction << /S /URI /URI < 206a61766109736372697074 3a616c657274283129> >> ",
            b"",
            "a javascript: link",
        ),  # " java<TAB>script:alert(1)" in hex: browsers drop the blank and tab
    ],
    ids=[
        "open-action",
        "hex-escaped",
        "name-tree",
        "launch",
        "submit-form",
        "xfa",
        "javascript-link",
        "javascript-link-spaced",
    ],
)
def test_active_content_is_refused(catalog, page, what):
    reason = refused(text_pdf("x", catalog=catalog, page=page)).reason
    assert reason.startswith("holds " + what) and reason.endswith("a PDF with active content is not kept")


def test_a_plain_open_action_is_not_active_content():
    assert check_pdf(text_pdf("x", catalog=b"/OpenAction [3 0 R /Fit] "), "fit.pdf").pages == 1


def test_a_link_to_a_web_page_is_not_active_content():
    link = b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://doi.org/10.1/x) >> >>] "
    assert check_pdf(text_pdf("x", page=link), "linked.pdf").pages == 1


def test_a_deflate_bomb_is_refused_without_inflating_it_into_memory():
    bomb = deflated_zeros(pdf.MAX_STREAM_BYTES // MB + 1)  # ~80 KB inflating past the 80 MB limit
    data = text_pdf("x", content=stream(bomb, b"/Filter /FlateDecode "))
    tracemalloc.start()
    error = refused(data, "bomb.pdf")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert error.reason.startswith("a decompression bomb") and peak < 8 * MB


def test_a_double_deflated_bomb_is_stopped_by_pypdfs_limit():
    # a few hundred bytes: the raw scan inflates the outer layer only (~80 KB); pypdf's own limit,
    # set by check_pdf, stops the inner one while the page's text is read
    bomb = zlib.compress(deflated_zeros(pdf.MAX_STREAM_BYTES // MB + 1), 9)
    assert len(bomb) < 4096
    data = text_pdf("x", content=stream(bomb, b"/Filter [/FlateDecode /FlateDecode] "))
    assert refused(data, "double.pdf").reason.startswith("a decompression bomb")


def test_bombs_spread_over_many_streams_are_bounded_in_total(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_DECODED_BYTES", 3 * MB)
    streams = [stream(deflated_zeros(1), b"/Filter /FlateDecode ") for _ in range(4)]
    data = text_pdf("x", catalog=b"/Extra [" + b" ".join(b"<< >>" for _ in streams) + b"] ")
    data = data.replace(b"%%EOF", b"\n".join(streams) + b"\n%%EOF")  # unreferenced, still scanned
    assert refused(data).reason.startswith("a decompression bomb")


# -- identifying ----------------------------------------------------------------------------------


def citation(rid: str, doi: str = "", pmid: str = "", pmcid: str = "", nct_ids=()) -> Citation:
    return Citation(
        record_id=rid, source="pubmed", native_id=rid, doi=doi, pmid=pmid, pmcid=pmcid, nct_ids=nct_ids
    )


RECORDS = [
    citation("pubmed:33456789", doi="10.1016/j.annonc.2021.01.001", pmid="33456789"),
    citation("pubmed:31234567", doi="10.1200/JCO.2019.37.15_suppl.4100", pmid="31234567"),
    citation("ris:lancet", doi="https://doi.org/10.1016/S1470-2045(19)30000-1"),
    citation("pubmed:32999999", pmid="32999999", pmcid="PMC7654321", nct_ids=("NCT01234567",)),
    citation("ris:short", doi="10.1000/abc1"),
    Trial(record_id="ctgov:NCT01234567", source="ctgov", native_id="NCT01234567", nct_id="NCT01234567"),
]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("Smith2021_10.1016_j.annonc.2021.01.001.pdf", "", ["pubmed:33456789"]),
        ("10.1016%2Fj.annonc.2021.01.001.pdf", "", ["pubmed:33456789"]),
        ("pmid33456789.pdf", "", ["pubmed:33456789"]),
        ("PMID_33456789 smith.pdf", "", ["pubmed:33456789"]),
        ("33456789.pdf", "", ["pubmed:33456789"]),
        ("PMC7654321.pdf", "", ["pubmed:32999999"]),
        ("NCT01234567_protocol.pdf", "", ["ctgov:NCT01234567"]),
        ("scan.pdf", "Ann Oncol. doi: 10.1016/j.annonc.2021.01.001.", ["pubmed:33456789"]),
        ("scan.pdf", "DOI: 10.1200/JCO.2019.37.15_SUPPL.4100", ["pubmed:31234567"]),
        ("scan.pdf", "(https://doi.org/10.1016/S1470-2045(19)30000-1).", ["ris:lancet"]),
        ("scan.pdf", "Europe PMC Funders Group\nPMID: 32999999", ["pubmed:32999999"]),
        # an article reporting a trial names its NCT id: the article's own DOI decides
        ("scan.pdf", "doi:10.1016/j.annonc.2021.01.001 Registered as NCT01234567.", ["pubmed:33456789"]),
        # the name is deliberate; a DOI cited in the text (a reference) does not override it
        ("10.1016_j.annonc.2021.01.001.pdf", "see 10.1200/JCO.2019.37.15_suppl.4100", ["pubmed:33456789"]),
    ],
)
def test_true_matches(name, text, expected):
    assert identify(name, text, RECORDS) == expected


def test_a_file_naming_two_records_is_ambiguous():
    text = "Pooled with 10.1016/j.annonc.2021.01.001 and 10.1200/jco.2019.37.15_suppl.4100."
    assert identify("pooled.pdf", text, RECORDS) == ["pubmed:33456789", "pubmed:31234567"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("scan.pdf", "We enrolled patients; grant 33456789; call 31234567."),  # bare numbers are no PMIDs
        ("2021.pdf", ""),  # a year
        ("10.1000_abc12.pdf", ""),  # another DOI that starts like 10.1000/abc1
        ("scan.pdf", "doi:10.1000/abc12"),
        ("report.pdf", "No identifiers here."),
        # a publication naming its trial is not the registry record's full text
        ("scan.pdf", "ClinicalTrials.gov ID: NCT01234567 Protocol version 3"),
    ],
)
def test_no_false_matches(name, text):
    records = [*RECORDS, citation("ris:year", pmid="2021")]
    assert identify(name, text, records) == []


def test_duplicates_of_one_study_match_together():
    twins = [citation("pubmed:1", doi="10.1000/x"), citation("ris:1", doi="10.1000/X")]
    assert identify("10.1000_x.pdf", "", twins) == ["pubmed:1", "ris:1"]


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1016/J.ANNONC.2021.01.001.", "10.1016/j.annonc.2021.01.001"),
        ("doi: 10.1000/xyz;", "10.1000/xyz"),
        ("10.1000/xyz)", "10.1000/xyz"),  # as the text's DOI pattern cuts it from "(doi:10.1000/xyz)"
        ("10.1016/S1470-2045(19)30000-1)", "10.1016/s1470-2045(19)30000-1"),
        ("http://dx.doi.org/10.1000%2Fxyz", "10.1000/xyz"),
        # a SICI DOI keeps its brackets, and a balanced closing parenthesis is its own
        (
            "10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2",
            "10.1002/(sici)1097-0258(19980815/30)17:15/16<1661::aid-sim968>3.0.co;2-2",
        ),
        ("doi:10.1002/(sici)1097-0142(19990101)", "10.1002/(sici)1097-0142(19990101)"),
        ("'10.1000/xyz':", "10.1000/xyz"),
        ("ISBN 978-3-16", ""),
    ],
)
def test_doi_normalisation(raw, doi):
    assert normalise_doi(raw) == doi


# -- Europe PMC ----------------------------------------------------------------------------------


def europepmc_answer(*results: dict) -> bytes:
    return json.dumps(
        {"version": "6.9", "hitCount": len(results), "resultList": {"result": list(results)}}
    ).encode()


def link(site: str, style: str = "pdf", code: str = "OA", url: str = "") -> dict:
    return {
        "availability": "Open access" if code == "OA" else "Subscription required",
        "availabilityCode": code,
        "documentStyle": style,
        "site": site,
        "url": url or f"https://example.org/{site}/{style}",
    }


ARTICLE_RECORD = RECORDS[0]
RESULT = {
    "id": "33456789",
    "source": "MED",
    "pmid": "33456789",
    "pmcid": "PMC8000001",
    "doi": "10.1016/j.annonc.2021.01.001",
    "isOpenAccess": "Y",
    "inEPMC": "Y",
    "hasPDF": "Y",
    "fullTextUrlList": {
        "fullTextUrl": [
            link("DOI", "html", "S", "https://doi.org/10.1016/j.annonc.2021.01.001"),
            link("Unpaywall", url="https://repository.example.org/paper.pdf"),
            link("PubMedCentral", url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC8000001/pdf/"),
            link("Europe_PMC", url="https://europepmc.org/articles/PMC8000001?pdf=render"),
            link("Europe_PMC", "html", url="https://europepmc.org/articles/PMC8000001"),
        ]
    },
}


def test_search_names_the_article_by_its_strongest_identifier():
    assert build_search(RECORDS[3]).public_params()["query"] == "PMCID:PMC7654321"
    request = build_search(ARTICLE_RECORD)
    assert request.source == "europepmc" and request.endpoint == "search"
    assert request.public_params() == {
        "query": "EXT_ID:33456789 AND SRC:MED", "format": "json", "resultType": "core", "pageSize": "5"
    }  # fmt: skip
    assert build_search(RECORDS[2]).public_params()["query"] == 'DOI:"10.1016/s1470-2045(19)30000-1"'
    assert build_search(RECORDS[5]) is None and build_search(citation("ris:none")) is None


def test_open_archive_pdfs_are_listed_europe_pmc_first():
    located = parse_search(europepmc_answer(RESULT), ARTICLE_RECORD)
    assert located.urls == (
        "https://europepmc.org/articles/PMC8000001?pdf=render",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC8000001/pdf/",
    )
    assert located.reason == ""


def test_a_result_for_another_article_is_not_used():
    other = dict(RESULT, pmid="11111111", pmcid="PMC1", doi="10.1000/other")
    located = parse_search(europepmc_answer(other), ARTICLE_RECORD)
    assert located.urls == () and located.reason.startswith("Europe PMC has no entry for PMID 33456789")


def test_closed_access_says_so():
    closed = dict(RESULT, isOpenAccess="N", fullTextUrlList={"fullTextUrl": [link("DOI", "html", "S")]})
    assert parse_search(europepmc_answer(closed), ARTICLE_RECORD).reason == "not open access in Europe PMC"


def test_a_malformed_answer_is_a_source_error():
    with pytest.raises(SourceResponseError, match="not a Europe PMC search answer"):
        parse_search(b"<html>maintenance</html>", ARTICLE_RECORD, "epmc.json")


def test_a_registry_record_is_not_looked_up():
    result = fulltext.fetch_open_access(transport=None, record=RECORDS[5])  # type: ignore[arg-type]
    assert isinstance(result, fulltext.NotRetrieved) and result.reason.startswith("a registry record")


# -- the article's own identifiers, not the ones it cites ------------------------------------------

CITED = [
    citation("pubmed:30000001", doi="10.1056/NEJMoa1800001", pmid="30000001"),
    citation("pubmed:30000002", doi="10.1200/JCO.2018.36.0002", pmid="30000002"),
    citation("pubmed:29000003", pmid="29000003", pmcid="PMC6000003"),
    Trial(record_id="ctgov:NCT02345678", source="ctgov", native_id="NCT02345678", nct_id="NCT02345678"),
]
OWN = citation("pubmed:34000009", doi="10.1016/j.ejca.2021.05.009", pmid="34000009")
# a short report as pypdf reads it: page 1 is the header, abstract and the start of the text, and
# the reference list starts on page 1 and runs over page 2
SHORT_REPORT = PAGE_BREAK.join(
    [
        "European Journal of Cancer 153 (2021) 64-66\n"
        "Contents lists available at ScienceDirect\n"
        "Short Communication\n"
        "Capecitabine-temozolomide after platinum-etoposide in neuroendocrine carcinoma\n"
        "A. Author, B. Author\n"
        "https://doi.org/10.1016/j.ejca.2021.05.009\n"
        "Abstract Background: second-line options after platinum-etoposide (NCT02345678) are few.\n"
        "Introduction\n"
        "Platinum-etoposide is the standard first line [1,2]; see also PMID: 29000003 and PMC6000003.\n"
        "References\n"
        "[1] Smith J, et al. N Engl J Med 2018. doi:10.1056/NEJMoa1800001.\n",
        "[2] Jones K, et al. J Clin Oncol 2018;36:0002. https://doi.org/10.1200/JCO.2018.36.0002\n"
        "[3] Trial NCT02345678. ClinicalTrials.gov.\n",
    ]
)


def test_a_papers_own_doi_in_its_header_decides_not_the_dois_it_cites():
    assert identify("ejca.pdf", SHORT_REPORT, [*CITED, OWN]) == [OWN.record_id]


def test_a_paper_citing_records_without_its_own_in_the_workspace_is_unmatched_with_the_reason():
    assert identify("ejca.pdf", SHORT_REPORT, CITED) == []
    reason = fulltext.unmatched_reason(SHORT_REPORT, CITED)
    assert reason == (
        "it names the trial of ctgov:NCT02345678, and a registry record has no full text from a paper; "
        "it cites pubmed:30000001, pubmed:30000002, pubmed:29000003, but its own identifier matches no record"
    )


def test_a_paper_naming_an_nct_id_is_not_the_registry_records_full_text():
    page = "Journal of Clinical Oncology\nResults of the XYZ trial (ClinicalTrials.gov NCT02345678)\nAbstract"
    assert identify("xyz.pdf", page, CITED) == []
    assert identify("NCT02345678_protocol.pdf", page, CITED) == ["ctgov:NCT02345678"]  # named on purpose


def test_a_doi_found_only_after_the_first_page_does_not_identify_the_file():
    text = PAGE_BREAK.join(
        ["A letter to the editor\nNo identifiers on this page", "doi:10.1056/NEJMoa1800001"]
    )
    assert identify("letter.pdf", text, CITED) == []


def test_pages_are_kept_apart_in_the_checked_text():
    writer = PdfWriter()
    for data in (text_pdf("Page one doi:10.1016/j.ejca.2021.05.009"), text_pdf("Page two doi:10.1056/x")):
        writer.add_page(PdfReader(io.BytesIO(data)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    text = check_pdf(out.getvalue(), "two.pdf").text
    assert text.split(PAGE_BREAK)[0].startswith("Page one") and "Page two" in text.split(PAGE_BREAK)[1]
    assert identify("two.pdf", text, [OWN, citation("x", doi="10.1056/x")]) == [OWN.record_id]


class Replayed:
    """A transport answering from a snapshot kept on this server: each answer names its file."""

    def __init__(self, answers: dict[str, bytes]):
        self.answers = answers

    def fetch(self, request):
        # the search, or the PDF link by its last word: "render" (Europe PMC's), "pdf" (PMC's)
        key = (
            request.endpoint if request.source == "europepmc" else request.endpoint.strip("/").split("=")[-1]
        )
        key = key.rsplit("/", 1)[-1]
        if key not in self.answers:
            raise SourceResponseError(f"/srv/litreview/snapshots/s1/{key}.bin: HTTP 404 not recorded")
        return Response(body=self.answers[key], payload_path=f"/srv/litreview/snapshots/s1/{key}.bin")


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"search": b"<html>maintenance</html>"}, "Europe PMC's search answer could not be used"),
        ({"search": b"{}"}, "Europe PMC's search answer could not be used"),
        (
            {"search": europepmc_answer(RESULT), "render": b"<!DOCTYPE html><html>", "pdf": b"<html>"},
            "Europe PMC answered HTML, not a PDF",
        ),
        ({"search": europepmc_answer(RESULT)}, "HTTP 404 for the PDF"),
        (
            {"search": europepmc_answer(RESULT), "render": ARTICLE[:300]},
            "the PDF was refused: truncated; HTTP 404 for the PDF",
        ),
    ],
    ids=["html-search", "bad-json", "html-pdf", "404", "truncated"],
)
def test_a_reason_not_retrieved_is_short_and_names_no_server_path(answers, reason):
    result = fulltext.fetch_open_access(Replayed(answers), ARTICLE_RECORD)
    assert isinstance(result, fulltext.NotRetrieved)
    assert result.reason == reason and "/srv/" not in result.reason and "http" not in result.reason
    assert "/srv/litreview/snapshots/s1/" in result.detail or "https://" in result.detail  # the CLI's account
