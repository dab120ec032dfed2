import json

from tests.conftest import DATA, REVIEW
from tests.live.conftest import API_KEY
from tests.unit.test_cli import run_cli

from litreview.testing.loopback import Fault


def point_at(monkeypatch, server):
    monkeypatch.setenv("LITREVIEW_EUTILS_URL", server.eutils_url)
    monkeypatch.setenv("LITREVIEW_CTGOV_URL", server.ctgov_url)
    monkeypatch.setenv("LITREVIEW_NCBI_API_KEY", API_KEY)
    monkeypatch.setenv("LITREVIEW_HTTP_BACKOFF", "0")  # retry at once; the rate limit stays real


def test_search_pubmed_live_then_replay(monkeypatch, capsys, server, tmp_path):
    point_at(monkeypatch, server)
    server.inject(Fault("efetch.fcgi", "429", retry_after=0))
    out, snap = tmp_path / "live.jsonl", tmp_path / "snap"
    query = str(REVIEW / "medline.txt")
    code, res = run_cli(monkeypatch, capsys, "search", "pubmed", query, "--repair", "--record", str(snap),
                        "--maxdate", "2022/07/18", "--out", str(out))  # fmt: skip
    assert code == 0, res.err
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 300 and all(r["record_id"] == f"pubmed:{r['pmid']}" for r in lines)
    assert {"record_id", "pmid", "doi", "title", "authors", "journal", "year"} <= set(lines[0])
    assert "300 counted, 300 written" in res.err and API_KEY not in res.err + res.out
    replayed = tmp_path / "replay.jsonl"
    code, res = run_cli(monkeypatch, capsys, "search", "pubmed", query, "--repair", "--replay", str(snap),
                        "--maxdate", "2022/07/18", "--out", str(replayed))  # fmt: skip
    assert code == 0 and replayed.read_text() == out.read_text()


def test_search_ctgov_and_errors_are_one_line(monkeypatch, capsys, server, tmp_path):
    point_at(monkeypatch, server)
    out = tmp_path / "trials.jsonl"
    code, res = run_cli(monkeypatch, capsys, "search", "ctgov", "--cond", "neuroendocrine carcinoma",
                        "--maxdate", "2022-08-02", "--out", str(out))  # fmt: skip
    assert code == 0 and "36 counted, 36 written" in res.err
    first = json.loads(out.read_text().splitlines()[0])
    assert first["record_id"].startswith("ctgov:NCT") and first["nct_id"]
    server.inject(*[Fault("studies", "503") for _ in range(5)])
    code, res = run_cli(
        monkeypatch, capsys, "search", "ctgov", "--cond", "x", "--out", str(tmp_path / "no.jsonl")
    )
    assert code == 2 and res.err.startswith("error: ") and len(res.err.strip().splitlines()) == 1
    assert not (tmp_path / "no.jsonl").exists()


def test_import_command(monkeypatch, capsys, tmp_path):
    out = tmp_path / "m.jsonl"
    code, res = run_cli(
        monkeypatch,
        capsys,
        "import",
        str(DATA / "ncbi" / "medline" / "pubmed_result2.txt"),
        "--out",
        str(out),
    )
    assert code == 0, res.err
    assert next(json.loads(x)["record_id"] for x in out.read_text().splitlines()) == "pubmed:16403221"
