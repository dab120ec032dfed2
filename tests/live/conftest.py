"""Live code paths over real HTTP against the loopback server (tests/data corpora; no network)."""

import copy
from datetime import date, timedelta

import pytest
from tests.conftest import DATA

from litreview.config import Settings
from litreview.sources.http import LiveTransport, RateLimiter
from litreview.testing.loopback import Corpus, LoopbackServer, load_studies, read_articles, replicate

API_KEY = "SECRET-KEY-0123456789abcdef"
TEMPLATES = read_articles(DATA / "ncbi" / "pubmed_baseline" / "medline16n0902.xml.gz")


def dated_studies() -> list[dict]:
    """The shared studies carry no first-posted date; give each one (90 days apart from 2013) so
    the as-of filter has something to filter. Everything else is the registry's own JSON."""
    studies = copy.deepcopy(load_studies(DATA / "ctgov"))
    for i, study in enumerate(studies):
        status = study["protocolSection"].setdefault("statusModule", {})
        posted = (date(2013, 1, 1) + timedelta(days=90 * i)).isoformat()
        status["studyFirstPostDateStruct"] = {"date": posted}
        status["lastUpdatePostDateStruct"] = {"date": posted}
    return studies


def corpus(n: int = 300) -> Corpus:
    return Corpus(
        articles=replicate(TEMPLATES, n, start=date(2015, 1, 1), end=date(2022, 7, 18)),
        studies=dated_studies(),
    )


@pytest.fixture
def server():
    with LoopbackServer(corpus()) as running:
        yield running


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def settings(server):
    return Settings(
        ncbi_email="dev@example.org",
        ncbi_api_key=API_KEY,
        eutils_url=server.eutils_url,
        ctgov_url=server.ctgov_url,
    )


@pytest.fixture
def transport(settings, sleeps):
    """Retries sleep into a list (no waiting); rate limits off; timeouts short."""
    live = LiveTransport(
        settings,
        max_tries=4,
        timeout=0.5,
        sleep=sleeps.append,
        limiters={"pubmed": RateLimiter(0), "ctgov": RateLimiter(0)},
    )
    yield live
    live.close()
