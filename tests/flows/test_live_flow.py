"""`run --record DIR` against the loopback server, then a replay of DIR: identical outputs, no secret."""

from __future__ import annotations

import json

from tests.conftest import REVIEW
from tests.live.conftest import API_KEY, corpus

from litreview.pipeline.tasks import review_flow
from litreview.testing.loopback import Fault, LoopbackServer

OUTPUTS = ("records.csv", "prisma.json", "tables.csv")


def test_record_then_replay_gives_identical_outputs(tmp_path, monkeypatch):
    with LoopbackServer(corpus(120)) as server:
        monkeypatch.setenv("LITREVIEW_EUTILS_URL", server.eutils_url)
        monkeypatch.setenv("LITREVIEW_CTGOV_URL", server.ctgov_url)
        monkeypatch.setenv("LITREVIEW_NCBI_API_KEY", API_KEY)
        monkeypatch.setenv("LITREVIEW_HTTP_BACKOFF", "0")
        server.inject(Fault("efetch.fcgi", "502"), Fault("studies", "reset"))
        snapshot = tmp_path / "snap"
        recorded = review_flow(review_dir=str(REVIEW), workspace=str(tmp_path / "live"), mode="record",
                               snapshot=str(snapshot), run_id="r1")  # fmt: skip
        sent = server.requests_to("esearch.fcgi")[0]
        live = review_flow(
            review_dir=str(REVIEW), workspace=str(tmp_path / "plain"), mode="live", run_id="r2"
        )
    # A plain live run keeps its raw payloads in its run folder: it is replayable too.
    kept = tmp_path / "plain" / "runs" / "r2" / "snapshot"
    assert (kept / "index.json").exists() and live.counts == recorded.counts
    assert sent["api_key"] == API_KEY and sent["term"].startswith('(("neuroendocrine carcinoma"')
    assert recorded.counts["pubmed"] == 120 and recorded.counts["ctgov"] == 36
    replayed = review_flow(review_dir=str(REVIEW), workspace=str(tmp_path / "replay"), mode="replay",
                           snapshot=str(snapshot), run_id="r1")  # fmt: skip
    assert replayed.counts == recorded.counts
    for name in OUTPUTS:
        assert (tmp_path / "live" / name).read_bytes() == (tmp_path / "replay" / name).read_bytes(), name
    manifest = (tmp_path / "live" / "runs" / "r1" / "manifest.json").read_text()
    assert json.loads(manifest)["sources"]["ctgov"]["data_version"]["dataTimestamp"] == "2022-08-02T09:00:00"
    everything = [p for root in (tmp_path / "live", snapshot) for p in root.rglob("*") if p.is_file()]
    assert everything and not [p for p in everything if API_KEY.encode() in p.read_bytes()]
    assert not (tmp_path / "live" / "checkpoints").exists()  # cleared once the run is stored
