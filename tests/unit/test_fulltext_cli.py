"""`litreview fulltext add | fetch | list`: files checked, matched by their identifiers and attached;
a refused, unmatched or ambiguous file listed (exit 2) with nothing of it stored; open-access PDFs
fetched from a loopback Europe PMC (live, then replayed offline)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from tests.live.test_fulltext_live import PDF, result
from tests.pdf_files import text_pdf
from tests.unit.test_cli import run_cli

from litreview.config import load_protocol
from litreview.pipeline.collect import SourceBatch
from litreview.pipeline.fulltexts import NOT_RETRIEVED_META
from litreview.pipeline.render import store_and_render
from litreview.records import Citation, Decision
from litreview.report.prisma import count_flow
from litreview.screen.commands import policy_of
from litreview.screen.decisions import effective
from litreview.store.workspace import Workspace
from litreview.testing.loopback import Corpus, LoopbackServer
from litreview.testing.workspaces import build_workspace

ONE = Citation(
    "pubmed:11111111", "pubmed", "11111111", title="One", pmid="11111111", doi="10.1016/j.one.2020.01.001"
)
TWO = Citation(
    "pubmed:22222222", "pubmed", "22222222", title="Two", pmid="22222222", doi="10.1016/j.two.2020.02.002"
)
THREE = Citation("pubmed:33333333", "pubmed", "33333333", title="Three", doi="10.1016/j.three.2020.03.003")
OPEN = Citation("pubmed:33456789", "pubmed", "33456789", title="Open", pmid="33456789",
                doi="10.1016/j.annonc.2021.01.001")  # fmt: skip
GONE = Citation("pubmed:31111111", "pubmed", "31111111", title="Gone", pmid="31111111", doi="10.1000/missing")

MATCHED = text_pdf("Annals", f"https://doi.org/{ONE.doi}")
UNMATCHED = text_pdf("A paper about something else entirely")
AMBIGUOUS = text_pdf(f"doi: {TWO.doi}", f"doi: {THREE.doi}")
SCRIPTED = text_pdf(f"doi: {ONE.doi}", catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ")


@pytest.fixture
def ws(tmp_path):
    return build_workspace(tmp_path / "ws", [ONE, TWO, THREE, OPEN, GONE])


def stored(ws) -> dict[str, str]:
    with Workspace.reading(ws) as workspace:
        return {f.record_id: f.sha256 for f in workspace.fulltexts(replaced=True)}


def test_a_folder_is_attached_file_by_file_and_the_bad_ones_are_listed(ws, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    files = {"a_matched.pdf": MATCHED, "b_unmatched.pdf": UNMATCHED, "c_ambiguous.pdf": AMBIGUOUS,
             "d_scripted.pdf": SCRIPTED, "e_notes.pdf": b"just some notes\n", "f_cut.pdf": MATCHED[:300]}  # fmt: skip
    for name, data in files.items():
        (folder / name).write_bytes(data)
    code, out = run_cli(monkeypatch, capsys, "fulltext", "add", str(folder), "--workspace", str(ws))
    assert code == 2, out.err
    assert out.out.splitlines() == [
        f"{folder / 'a_matched.pdf'}: attached to {ONE.record_id}",
        f"{folder / 'b_unmatched.pdf'}: not attached: no record matches",
        f"{folder / 'c_ambiguous.pdf'}: not attached: matches {TWO.record_id}, {THREE.record_id}",
        f"{folder / 'd_scripted.pdf'}: refused: holds JavaScript; a PDF with active content is not kept",
        f"{folder / 'e_notes.pdf'}: refused: not a PDF (it does not start with %PDF-)",
        f"{folder / 'f_cut.pdf'}: refused: truncated: the PDF's end-of-file marker is missing",
        "1 of 6 file(s) attached",
    ]
    assert stored(ws) == {ONE.record_id: hashlib.sha256(MATCHED).hexdigest()}
    code, out = run_cli(
        monkeypatch, capsys, "fulltext", "add", str(folder / "a_matched.pdf"), "--workspace", str(ws)
    )
    assert code == 0 and "already the full text of pubmed:11111111" in out.out
    code, out = run_cli(monkeypatch, capsys, "fulltext", "list", "--workspace", str(ws))
    assert code == 0 and out.out.startswith(f"{ONE.record_id}\ta_matched.pdf\t1 pages\t{len(MATCHED)} bytes")


def test_record_names_the_record_and_a_refused_file_stores_nothing(ws, tmp_path, monkeypatch, capsys):
    (tmp_path / "x.pdf").write_bytes(UNMATCHED)
    (tmp_path / "s.pdf").write_bytes(SCRIPTED)
    code, out = run_cli(monkeypatch, capsys, "fulltext", "add", str(tmp_path / "s.pdf"), "--workspace", str(ws),
                        "--record", TWO.record_id)  # fmt: skip
    assert code == 2 and "refused: holds JavaScript" in out.out and stored(ws) == {}
    code, out = run_cli(monkeypatch, capsys, "fulltext", "add", str(tmp_path / "x.pdf"), "--workspace", str(ws),
                        "--record", "pubmed:404")  # fmt: skip
    assert code == 2 and "no record 'pubmed:404'" in out.err and stored(ws) == {}
    code, out = run_cli(monkeypatch, capsys, "fulltext", "add", str(tmp_path / "x.pdf"), "--workspace", str(ws),
                        "--record", TWO.record_id)  # fmt: skip
    assert code == 0 and f"attached to {TWO.record_id}" in out.out
    assert stored(ws) == {TWO.record_id: hashlib.sha256(UNMATCHED).hexdigest()}


def test_a_200_mb_file_is_refused_unread(ws, tmp_path, monkeypatch, capsys):
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as handle:  # sparse: 200 MB long, a few bytes on disk
        handle.write(b"%PDF-1.7\n")
        handle.seek(200 * 1024 * 1024 - 6)
        handle.write(b"%%EOF\n")
    code, out = run_cli(monkeypatch, capsys, "fulltext", "add", str(huge), "--workspace", str(ws))
    assert code == 2 and out.out.splitlines()[0] == (
        f"{huge}: refused: 209,715,200 bytes, over the limit of 104,857,600 bytes"
    )
    assert stored(ws) == {}


@pytest.fixture
def europepmc(monkeypatch):
    corpus = Corpus(
        europepmc=[
            result(OPEN.pmid, OPEN.doi, ("Europe_PMC", "PMC8000001.pdf")),
            result(GONE.pmid, GONE.doi, ("Europe_PMC", "gone.pdf")),
        ],
        files={"PMC8000001.pdf": (PDF, "application/pdf")},
    )
    with LoopbackServer(corpus) as running:
        monkeypatch.setenv("LITREVIEW_EUROPEPMC_URL", running.europepmc_url)
        yield running


def test_fetch_retrieves_open_access_pdfs_for_included_records_and_lists_the_rest(
    ws, tmp_path, europepmc, monkeypatch, capsys
):
    offline = tmp_path / "offline"
    shutil.copytree(ws, offline)
    for where, included in ((ws, (OPEN, GONE)), (offline, (OPEN,))):
        with Workspace.existing(where) as workspace, workspace.transaction():
            workspace.add_human_decisions("b", [Decision(r.record_id, "title_abstract", "include", "", "ana", "human")
                                                for r in included])  # fmt: skip
    snapshot = tmp_path / "snap"
    code, out = run_cli(
        monkeypatch, capsys, "fulltext", "fetch", "--workspace", str(ws), "--record", str(snapshot)
    )
    assert code == 0, out.err
    lines = out.out.splitlines()
    assert lines[0] == (
        f"{GONE.record_id}: not retrieved: HTTP 404 for the PDF "
        f"(fulltext GET {europepmc.files_url}gone.pdf?: HTTP 404 unknown endpoint)"
    )
    assert lines[1:] == [
        f"{OPEN.record_id}: attached to {OPEN.record_id}",
        "1 of 2 record(s) without a full text retrieved",
    ]
    assert stored(ws) == {OPEN.record_id: hashlib.sha256(PDF).hexdigest()}
    code, out = run_cli(monkeypatch, capsys, "fulltext", "list", "--workspace", str(ws))
    assert f"{GONE.record_id}\tnot retrieved: HTTP 404 for the PDF\n" in out.out and "europepmc" in out.out
    # no vote was cast: the missing report is the reviewers' call, then PRISMA counts it
    with Workspace.existing(ws) as workspace:
        assert [d for d in workspace.decisions() if d.stage == "full_text"] == []
        with workspace.transaction():
            workspace.add_human_decisions("c", [Decision(GONE.record_id, "full_text", "not_retrieved",
                                                         "not open access", "ana", "human")])  # fmt: skip
        identified, groups = workspace.identified()
        decided = effective(workspace.decisions(), policy_of(workspace))
    flow = count_flow(identified=identified, groups=groups, duplicates={}, decisions=decided)
    path = flow["databases_and_registers"]
    assert (path["reports_sought"], path["reports_not_retrieved"], path["reports_awaiting_assessment"]) == (
        2,
        1,
        1,
    )
    # the recorded answers replay offline (a 404 is not recorded: the copy includes the open one only)
    monkeypatch.setenv("LITREVIEW_EUROPEPMC_URL", "http://127.0.0.1:9/")
    code, out = run_cli(
        monkeypatch, capsys, "fulltext", "fetch", "--workspace", str(offline), "--replay", str(snapshot)
    )
    assert code == 0 and stored(offline) == stored(ws), out.err


def test_a_report_not_retrieved_counts_in_prisma_until_its_full_text_is_attached(
    tmp_path, europepmc, monkeypatch, capsys
):
    """The fetch finds no full text for GONE (a 404): `fulltext list` gives the new reason (not an
    older one), and a run's PRISMA counts one report not retrieved; once a file is attached by
    command, neither does, and the report awaits assessment."""
    protocol = load_protocol(Path(__file__).resolve().parents[2] / "search_strings" / "cohen_estrogens")
    gone, kept = (Citation(f"medline:{c.pmid}", "medline", c.pmid, title=c.title, pmid=c.pmid, doi=c.doi)
                  for c in (GONE, ONE))  # fmt: skip
    batch = SourceBatch("medline", "file", "databases", records=[gone, kept])
    folder = tmp_path / "ws"
    runs = iter(range(1, 10))

    def run() -> dict:
        with Workspace(folder, protocol.review_id) as workspace:
            workspace.lock()
            try:
                result = store_and_render(workspace, protocol, f"r{next(runs)}", [batch], mode="replay",
                                          flow_run_id=None, started="2026-01-01T00:00:00Z")  # fmt: skip
            finally:
                workspace.unlock()
        path = result.prisma["databases_and_registers"]
        return {
            k: path[k] for k in ("reports_sought", "reports_not_retrieved", "reports_awaiting_assessment")
        }

    run()
    with Workspace.existing(folder) as workspace, workspace.transaction():
        workspace.add_human_decisions(
            "b", [Decision(gone.record_id, "title_abstract", "include", "", "ana", "human")]
        )
        workspace.set_meta(NOT_RETRIEVED_META, {gone.record_id: "an older fetch's reason"})
    assert run() == {"reports_sought": 1, "reports_not_retrieved": 1, "reports_awaiting_assessment": 0}
    code, out = run_cli(monkeypatch, capsys, "fulltext", "fetch", "--workspace", str(folder), "--live")
    assert code == 0 and out.out.startswith(f"{gone.record_id}: not retrieved: HTTP 404 for the PDF"), out.err
    code, out = run_cli(monkeypatch, capsys, "fulltext", "list", "--workspace", str(folder))
    assert out.out.splitlines()[0] == f"{gone.record_id}\tnot retrieved: HTTP 404 for the PDF"  # the latest
    assert run() == {"reports_sought": 1, "reports_not_retrieved": 1, "reports_awaiting_assessment": 0}

    (tmp_path / "found.pdf").write_bytes(UNMATCHED)
    code, out = run_cli(monkeypatch, capsys, "fulltext", "add", str(tmp_path / "found.pdf"), "--workspace",
                        str(folder), "--record", gone.record_id)  # fmt: skip
    assert code == 0, out.err
    code, out = run_cli(monkeypatch, capsys, "fulltext", "list", "--workspace", str(folder))
    assert "not retrieved" not in out.out and out.out.startswith(f"{gone.record_id}\tfound.pdf")
    assert run() == {"reports_sought": 1, "reports_not_retrieved": 0, "reports_awaiting_assessment": 1}


def test_a_file_given_for_one_record_is_checked_against_what_it_names(tmp_path):
    """What an upload for one record is checked with (the matcher `add` uses): a DOI in the header
    naming another record and not this one is refused naming it; naming this record among others,
    or a duplicate whose representative is this record, is not; nor is a file naming nothing. A file
    that is another record's full text already is refused naming that record."""
    from litreview.pipeline.fulltexts import attach, not_this_records
    from litreview.records import Link
    from litreview.sources.pdf import check_pdf

    # Embase's copy of TWO carries a DOI the PubMed record lacks
    copy = Citation("embase:L77", "embase", "L77", title="Two (Embase)", doi="10.1016/j.two.2020.02.777")
    root = build_workspace(tmp_path / "ws", [ONE, TWO, THREE, copy],
                           links=[Link(copy.record_id, TWO.record_id, "duplicate", "doi", 1.0)])  # fmt: skip
    files = {"matched": MATCHED, "ambiguous": AMBIGUOUS, "unmatched": UNMATCHED,
             "copy": text_pdf("Embase full text", f"doi:{copy.doi}")}  # fmt: skip
    checked = {name: check_pdf(data, f"{name}.pdf") for name, data in files.items()}
    with Workspace.existing(root) as ws:
        said = not_this_records(ws, THREE.record_id, checked["matched"], "a.pdf")
        assert said == f"it names {ONE.record_id}, not {THREE.record_id}: upload it on that record"
        assert not_this_records(ws, TWO.record_id, checked["copy"], "a.pdf") == ""
        assert not_this_records(ws, ONE.record_id, checked["copy"], "a.pdf").startswith(
            f"it names {TWO.record_id},"
        )
        assert not_this_records(ws, THREE.record_id, checked["ambiguous"], "a.pdf") == ""
        assert not_this_records(ws, THREE.record_id, checked["unmatched"], "a.pdf") == ""
        attach(ws, ONE.record_id, checked["unmatched"], UNMATCHED, "cli", "u.pdf")
        assert not_this_records(ws, THREE.record_id, checked["unmatched"], "u.pdf") == (
            f"the same file is already the full text of {ONE.record_id}"
        )
        assert not_this_records(ws, ONE.record_id, checked["unmatched"], "u.pdf") == ""
        # a file attached to a record before dedup linked it to another is that other's own file too
        attach(ws, copy.record_id, checked["ambiguous"], AMBIGUOUS, "cli", "c.pdf")
        assert not_this_records(ws, TWO.record_id, checked["ambiguous"], "c.pdf") == ""
        assert not_this_records(ws, THREE.record_id, checked["ambiguous"], "c.pdf") == (
            f"the same file is already the full text of {copy.record_id}"
        )
