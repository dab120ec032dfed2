import threading

import pytest

from litreview.errors import SourceError, SourceResponseError
from litreview.sources import ctgov
from litreview.sources.http import RateLimiter, RecordTransport
from litreview.sources.transport import ReplayTransport
from litreview.testing.loopback import Fault


def test_pages_are_followed_and_counted(server, transport):
    found = ctgov.search(
        transport, cond="neuroendocrine carcinoma", first_posted_max="2022-08-02", page_size=10
    )
    assert found.total == 36 and len(found.trials) == 36 == len({t.nct_id for t in found.trials})
    pages = server.requests_to("studies")
    assert len(pages) == 4 and [p.get("pageToken", "") for p in pages] == ["", "10", "20", "30"]
    assert pages[0]["filter.advanced"] == "AREA[StudyFirstPostDate]RANGE[MIN,2022-08-02]"
    assert pages[0]["countTotal"] == "true" and "api_key" not in pages[0]  # NCBI's key stays with NCBI


def test_as_of_date_filters_out_later_studies(server, transport):
    found = ctgov.search(transport, cond="nec", first_posted_max="2015-12-31", page_size=1000)
    assert 0 < len(found.trials) < 36
    assert all(t.first_posted <= "2015-12-31" for t in found.trials)


@pytest.mark.parametrize("kind", ["429", "500", "reset", "truncate", "cut"])
def test_page_faults_are_retried(server, transport, kind):
    server.inject(Fault("studies", "ok"), Fault("studies", kind))
    found = ctgov.search(transport, cond="nec", page_size=10)
    assert len(found.trials) == 36


def test_repeated_page_token_stops_with_an_error(server, transport):
    server.inject(Fault("studies", "ok"), Fault("studies", "repeat_token"))
    with pytest.raises(SourceResponseError, match="repeated page token"):
        ctgov.search(transport, cond="nec", page_size=10)


def test_version_is_recorded_and_replayed(server, transport, tmp_path):
    recorder = RecordTransport(transport, tmp_path / "snap")
    live = ctgov.search(recorder, cond="nec", page_size=10)
    version = ctgov.data_version(recorder)
    assert version["dataTimestamp"] == "2022-08-02T09:00:00"
    replay = ReplayTransport(tmp_path / "snap")
    assert ctgov.search(replay, cond="nec", page_size=10).trials == live.trials
    assert ctgov.data_version(replay) == version


def test_unrecoverable_page_is_an_error_not_a_partial_result(server, transport):
    server.inject(Fault("studies", "ok"), *[Fault("studies", "502") for _ in range(4)])
    with pytest.raises(SourceError, match="gave up after 4 tries"):
        ctgov.search(transport, cond="nec", page_size=10)


def test_rate_limiter_spaces_requests_across_threads():
    clock = [0.0]
    slept: list[float] = []
    lock = threading.Lock()

    def sleep(seconds):
        with lock:
            slept.append(seconds)

    limiter = RateLimiter(3.0, clock=lambda: clock[0], sleep=sleep)
    threads = [threading.Thread(target=limiter.wait) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # six callers at the same instant get slots 0, 1/3, 2/3, 1, 4/3, 5/3 s: NCBI's 3 per second
    assert sorted(round(s, 3) for s in slept) == [0.333, 0.667, 1.0, 1.333, 1.667]
