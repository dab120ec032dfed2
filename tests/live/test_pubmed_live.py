import itertools
import json

import pytest
from tests.live.conftest import API_KEY

from litreview.errors import SourceError
from litreview.sources import pubmed
from litreview.sources.http import CheckpointTransport, LiveTransport, RateLimiter, RecordTransport
from litreview.sources.transport import ReplayTransport
from litreview.testing.loopback import Fault


def ids_of(found):
    return [c.pmid for c in found.citations]


def test_search_fetches_every_record_once_in_pmid_batches(server, transport):
    found = pubmed.search(transport, "nec[tiab]", maxdate="2022/07/18", batch_size=100)
    assert found.search.count == 300 and len(ids_of(found)) == 300 == len(set(ids_of(found)))
    assert found.esearch_requests == 1 and found.efetch_requests == 3
    assert [p["id"].count(",") + 1 for p in server.requests_to("efetch.fcgi")] == [100, 100, 100]
    sent = server.requests_to("esearch.fcgi")[0]
    assert sent["api_key"] == API_KEY and sent["email"] == "dev@example.org" and sent["tool"] == "litreview"
    assert sent["maxdate"] == "2022/07/18" and sent["datetype"] == "edat"


@pytest.mark.parametrize(
    "fault",
    [
        Fault("efetch.fcgi", "429", retry_after=7),
        Fault("efetch.fcgi", "500"),
        Fault("efetch.fcgi", "502"),
        Fault("esearch.fcgi", "503"),
        Fault("efetch.fcgi", "reset"),
        Fault("efetch.fcgi", "timeout", delay=1.0),
        Fault("efetch.fcgi", "truncate"),
        Fault("efetch.fcgi", "cut"),
        Fault("esearch.fcgi", "cut"),
    ],
    ids=lambda f: f"{f.endpoint}-{f.kind}",
)
def test_transient_faults_are_retried_and_every_record_arrives_once(server, transport, sleeps, fault):
    server.inject(fault)
    found = pubmed.search(transport, "nec", batch_size=100)
    assert sorted(ids_of(found)) == sorted(server.corpus.articles)
    assert len(sleeps) == 1  # one retry
    if fault.kind == "429":
        assert sleeps == [7.0]  # Retry-After honoured


def test_records_added_between_esearch_and_efetch_do_not_slip_in(server, transport):
    server.inject(Fault("esearch.fcgi", "add_records", records=7))
    found = pubmed.search(transport, "nec", batch_size=100)
    assert len(found.citations) == 300  # exactly what esearch listed
    assert len(server.corpus.articles) == 307


def test_persistent_failure_is_a_clear_error_without_the_key(server, transport):
    server.inject(*[Fault("efetch.fcgi", "503") for _ in range(4)])
    with pytest.raises(SourceError) as info:
        pubmed.search(transport, "nec", batch_size=100)
    message = str(info.value)
    assert "gave up after 4 tries" in message and "HTTP 503" in message and "efetch.fcgi" in message
    assert API_KEY not in message and API_KEY not in repr(info.value.__cause__)


def test_more_than_the_cap_is_split_into_date_slices(server, transport):
    found = pubmed.search(
        transport, "nec", mindate="2015/01/01", maxdate="2022/07/18", batch_size=100, cap=70
    )
    assert sorted(ids_of(found)) == sorted(server.corpus.articles)
    assert all(count <= 70 for _, _, count in found.slices)
    assert sum(count for _, _, count in found.slices) == 300
    # one esearch for the whole window, then one per slice tried; efetch = ceil(300 / 100)
    assert found.esearch_requests == len(server.requests_to("esearch.fcgi"))
    assert found.efetch_requests == 3
    windows = [(lo, hi) for lo, hi, _ in found.slices]
    assert windows == sorted(windows) and all(a[1] < b[0] for a, b in itertools.pairwise(windows))


def test_interrupted_fetch_resumes_without_refetching_finished_batches(server, settings, tmp_path, sleeps):
    def transport(max_tries):
        live = LiveTransport(settings, max_tries=max_tries, sleep=sleeps.append,
                             limiters={"pubmed": RateLimiter(0), "ctgov": RateLimiter(0)})  # fmt: skip
        return CheckpointTransport(live, tmp_path / "checkpoint", lambda r: r.endpoint == "efetch.fcgi")

    # Two batches arrive, the third fails and the first run (no retries) stops with an error.
    server.inject(Fault("efetch.fcgi", "ok"), Fault("efetch.fcgi", "ok"), Fault("efetch.fcgi", "500"))
    with pytest.raises(SourceError):
        pubmed.search(transport(max_tries=1), "nec", batch_size=50)
    assert len(server.requests_to("efetch.fcgi")) == 3
    second = transport(max_tries=1)
    found = pubmed.search(second, "nec", batch_size=50)
    assert sorted(ids_of(found)) == sorted(server.corpus.articles)
    assert second.reused == 2  # the finished batches came from the checkpoint
    batches = [p["id"] for p in server.requests_to("efetch.fcgi")]
    assert len(batches) == 3 + 4  # the rerun asked only for the failed batch and the 3 never tried
    assert not set(batches[:2]) & set(batches[3:])  # no finished batch fetched twice


def test_recorded_search_replays_identically_and_keeps_no_secret(server, transport, tmp_path):
    recorder = RecordTransport(transport, tmp_path / "snap")
    live = pubmed.search(recorder, "nec", maxdate="2022/07/18", batch_size=100)
    replayed = pubmed.search(ReplayTransport(tmp_path / "snap"), "nec", maxdate="2022/07/18", batch_size=100)
    assert ids_of(live) == ids_of(replayed) and live.citations == replayed.citations
    for path in (tmp_path / "snap").rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path
    index = json.loads((tmp_path / "snap" / "index.json").read_text())
    assert all("api_key" not in e["params"] and "email" not in e["params"] for e in index["entries"])


@pytest.mark.parametrize("endpoint", ["esearch.fcgi", "efetch.fcgi"])
def test_a_body_that_echoes_the_api_key_is_redacted_before_it_is_printed_or_recorded(
    server, transport, tmp_path, endpoint
):
    server.inject(
        *([Fault("esearch.fcgi", "ok")] if endpoint == "efetch.fcgi" else []), Fault(endpoint, "echo_key")
    )
    recorder = RecordTransport(transport, tmp_path / "snap")
    with pytest.raises(SourceError) as info:
        pubmed.search(recorder, "nec[tiab]", maxdate="2022/07/18", batch_size=100)
    assert API_KEY not in str(info.value)
    assert "***" in str(info.value) or endpoint == "efetch.fcgi"  # efetch: the body is cut at 200 characters
    stored = [p for p in (tmp_path / "snap").rglob("*") if p.is_file()]
    assert not [p for p in stored if API_KEY.encode() in p.read_bytes()]
