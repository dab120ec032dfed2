"""Open-access full texts over real HTTP: Europe PMC search, then the PDF it links, from the loopback
server with injected faults (no network)."""

import hashlib

import pytest
from tests.live.conftest import API_KEY
from tests.pdf_files import text_pdf

from litreview.config import Settings
from litreview.errors import SourceError
from litreview.records import Citation
from litreview.sources import http
from litreview.sources.fulltext import NotRetrieved, Retrieved, fetch_open_access
from litreview.sources.http import LiveTransport, RateLimiter, RecordTransport
from litreview.sources.transport import ReplayTransport
from litreview.testing.loopback import Corpus, Fault, LoopbackServer

PDF = text_pdf("Annals of Oncology", "https://doi.org/10.1016/j.annonc.2021.01.001", "Open access")
HTML = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking</body></html>"


def article(pmid: str, doi: str) -> Citation:
    return Citation(record_id=f"pubmed:{pmid}", source="pubmed", native_id=pmid, pmid=pmid, doi=doi)


def result(pmid: str, doi: str, *files: tuple[str, str]) -> dict:
    """A Europe PMC core result whose PDF links point at the loopback's files."""
    links = [
        {"availability": "Open access", "availabilityCode": "OA", "documentStyle": "pdf", "site": site,
         "url": "{files}" + name}
        for site, name in files
    ]  # fmt: skip
    return {"id": pmid, "source": "MED", "pmid": pmid, "doi": doi, "isOpenAccess": "Y",
            "fullTextUrlList": {"fullTextUrl": links}}  # fmt: skip


OPEN = article("33456789", "10.1016/j.annonc.2021.01.001")
MISSING = article("31111111", "10.1000/missing")  # its link leads to a 404
WALLED = article("32222222", "10.1000/walled")  # its link answers with an HTML page
BOTH = article("34444444", "10.1000/both")  # a dead Europe PMC link, a good PMC one


@pytest.fixture
def server():
    corpus = Corpus(
        europepmc=[
            result(OPEN.pmid, OPEN.doi, ("Europe_PMC", "PMC8000001.pdf?pdf=render")),
            result(MISSING.pmid, MISSING.doi, ("Europe_PMC", "gone.pdf")),
            result(WALLED.pmid, WALLED.doi, ("Europe_PMC", "walled.pdf")),
            result(BOTH.pmid, BOTH.doi, ("PubMedCentral", "PMC8000001.pdf"), ("Europe_PMC", "gone.pdf")),
        ],
        files={"PMC8000001.pdf": (PDF, "application/pdf"), "walled.pdf": (HTML, "text/html")},
    )
    with LoopbackServer(corpus) as running:
        yield running


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def transport(server, sleeps):
    settings = Settings(ncbi_api_key=API_KEY, eutils_url=server.eutils_url, ctgov_url=server.ctgov_url)
    live = LiveTransport(
        settings,
        max_tries=4,
        timeout=0.5,
        sleep=sleeps.append,
        limiters={s: RateLimiter(0) for s in ("pubmed", "ctgov", "europepmc", "fulltext")},
        base_urls={"europepmc": server.europepmc_url},
    )
    yield live
    live.close()


def test_an_open_access_pdf_is_found_fetched_and_checked(server, transport):
    got = fetch_open_access(transport, OPEN)
    assert isinstance(got, Retrieved) and got.data == PDF
    assert got.url == server.files_url + "PMC8000001.pdf?pdf=render"
    assert got.pdf.sha256 == hashlib.sha256(PDF).hexdigest() and "10.1016/j.annonc" in got.pdf.text
    (search,) = server.requests_to("search")
    assert search == {
        "query": "EXT_ID:33456789 AND SRC:MED",
        "format": "json",
        "resultType": "core",
        "pageSize": "5",
    }
    assert server.requests_to("PMC8000001.pdf") == [{"pdf": "render"}]  # the link's own query kept
    assert all("api_key" not in params for _, _, params in server.log)  # NCBI's key stays with NCBI


@pytest.mark.parametrize("endpoint", ["search", "PMC8000001.pdf"])
def test_a_503_is_retried_then_succeeds(server, transport, sleeps, endpoint):
    server.inject(Fault(endpoint, "503"))
    got = fetch_open_access(transport, OPEN)
    assert isinstance(got, Retrieved) and got.data == PDF
    assert len(server.requests_to(endpoint)) == 2 and sleeps == [1.0]


@pytest.mark.parametrize("kind", ["truncate", "cut"])  # hang-up mid-body; a short body, honest length
def test_a_pdf_cut_off_mid_body_is_retried(server, transport, sleeps, kind):
    server.inject(Fault("PMC8000001.pdf", kind))
    got = fetch_open_access(transport, OPEN)
    assert isinstance(got, Retrieved) and got.data == PDF and len(sleeps) == 1


def test_a_404_is_not_retrieved_with_the_reason(server, transport):
    got = fetch_open_access(transport, MISSING)
    assert isinstance(got, NotRetrieved) and got.record_id == "pubmed:31111111"
    assert got.reason == "HTTP 404 for the PDF"  # stored and shown to reviewers: no URL, no path
    assert "gone.pdf" in got.detail and "HTTP 404" in got.detail and "\n" not in got.detail


def test_an_html_page_instead_of_a_pdf_is_not_retrieved(server, transport, sleeps):
    got = fetch_open_access(transport, WALLED)
    assert isinstance(got, NotRetrieved)
    assert got.reason == "Europe PMC answered HTML, not a PDF"
    assert got.detail == f"{server.files_url}walled.pdf: not a PDF (it is an HTML page)"
    assert sleeps == []  # not a fault a retry cures


def test_the_next_link_is_tried_when_one_fails(server, transport):
    got = fetch_open_access(transport, BOTH)
    assert isinstance(got, Retrieved) and got.url == server.files_url + "PMC8000001.pdf"
    assert server.requests_to("gone.pdf") and server.requests_to("PMC8000001.pdf")


def test_an_article_europe_pmc_does_not_know(server, transport):
    got = fetch_open_access(transport, article("39999999", "10.1000/unknown"))
    reason = "Europe PMC has no entry for PMID 39999999, DOI 10.1000/unknown"
    assert got == NotRetrieved("pubmed:39999999", reason, reason)


def test_a_pdf_over_the_size_limit_is_refused_while_streaming(server, transport, monkeypatch):
    monkeypatch.setitem(http.BODY_LIMITS, "fulltext", len(PDF) - 1)
    got = fetch_open_access(transport, OPEN)
    assert isinstance(got, NotRetrieved) and got.reason == "the PDF is over the size limit"
    assert "over the limit" in got.detail


def test_a_search_outage_raises_rather_than_reporting_every_record_as_missing(server, transport):
    server.inject(*[Fault("search", "502") for _ in range(4)])
    with pytest.raises(SourceError, match="gave up after 4 tries"):
        fetch_open_access(transport, OPEN)


def test_recorded_retrieval_replays_offline(server, transport, tmp_path):
    live = fetch_open_access(RecordTransport(transport, tmp_path / "snap"), OPEN)
    assert isinstance(live, Retrieved)
    files = sorted(p.name for p in (tmp_path / "snap").rglob("*") if p.is_file())
    assert all(
        set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        for name in files
    )
    replayed = fetch_open_access(ReplayTransport(tmp_path / "snap"), OPEN)
    assert replayed == live
