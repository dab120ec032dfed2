import os
import re
import sys

from tests.conftest import REVIEW

from litreview import cli


def run_cli(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["litreview", *args])
    try:
        cli.main()
    except SystemExit as exc:
        return exc.code, capsys.readouterr()
    return 0, capsys.readouterr()


def test_malformed_protocol_is_one_line_exit_2(review_copy, monkeypatch, capsys, tmp_path):
    toml = review_copy / "review.toml"
    toml.write_text(toml.read_text().replace("[snapshot]", "[snapshot"))
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(tmp_path / "w"))
    assert code == 2
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and "review.toml:" in lines[0] and "Traceback" not in out.err
    assert not (tmp_path / "w").exists()


def test_missing_review_folder(monkeypatch, capsys, tmp_path):
    code, out = run_cli(monkeypatch, capsys, "run", str(tmp_path / "nope"))
    assert code == 2 and "protocol not found" in out.err


MEDLINE = str(REVIEW / "medline.txt")


def test_query_lint_json_and_exit_codes(monkeypatch, capsys, tmp_path):
    import json

    code, out = run_cli(monkeypatch, capsys, "query", "lint", MEDLINE, "--json")
    assert code == 1
    diags = json.loads(out.out)["diagnostics"]
    assert {"severity", "code", "message", "line", "column"} == set(diags[0])
    assert any(d["code"] == "E001" and (d["line"], d["column"]) == (1, 169) for d in diags)
    clean = tmp_path / "clean.txt"
    clean.write_text('"breast cancer"[tiab] AND therapy[tiab]\n')
    code, out = run_cli(monkeypatch, capsys, "query", "lint", str(clean))
    assert code == 0 and "0 error(s)" in out.out
    code, out = run_cli(monkeypatch, capsys, "query", "lint", str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in out.err


def test_query_translate_needs_repair_for_the_published_string(monkeypatch, capsys):
    code, out = run_cli(monkeypatch, capsys, "query", "translate", MEDLINE, "--to", "pubmed")
    assert code == 1 and out.out == "" and "1:169" in out.err and "--repair" in out.err
    code, out = run_cli(monkeypatch, capsys, "query", "translate", MEDLINE, "--to", "pubmed", "--repair")
    assert code == 0 and "delete ')' at 1:169" in out.err
    assert out.out.startswith('(("neuroendocrine carcinoma" OR')
    code, out = run_cli(monkeypatch, capsys, "query", "translate", MEDLINE, "--to", "ctgov", "--repair")
    assert code == 0 and "warning T103" in out.err and "AND NOT" in out.out


def test_query_run_and_explain_agree(monkeypatch, capsys):
    ris = str(REVIEW / "snapshot" / "embase" / "embase_export.ris")
    code, out = run_cli(monkeypatch, capsys, "query", "run", MEDLINE, ris, "--repair")
    assert code == 0
    *ids, summary = out.out.strip().splitlines()
    assert summary == f"{len(ids)} of 94 records matched" and ids
    code, out = run_cli(monkeypatch, capsys, "query", "explain", MEDLINE, ris, "--repair", "--id", ids[0])
    assert out.out.startswith(f"{ids[0]}: MATCH")
    assert " in title [" in out.out or " in abstract [" in out.out


def test_query_lint_reports_what_a_target_cannot_express(monkeypatch, capsys, tmp_path):
    query = tmp_path / "ovid.txt"
    query.write_text("1 (cancer* adj3 breast).ti,ab.\n2 exp Neoplasms/\n3 1 or 2\n")
    code, out = run_cli(monkeypatch, capsys, "query", "lint", str(query), "--target", "embase")
    assert code == 0 and ":2:" in out.out and "T101 embase" in out.out
    code, out = run_cli(monkeypatch, capsys, "query", "lint", str(query), "--target", "pubmed")
    assert "T105 pubmed" in out.out and ":1:" in out.out


def test_dedup_command_writes_links_and_maybe_queue(monkeypatch, capsys, tmp_path):
    import csv

    source = tmp_path / "records.csv"
    source.write_text(
        '"ID","title","year","author","pages","volume","number","ENTRYTYPE","journal"\n'
        '"a","Everolimus in neuroendocrine carcinoma",2017,"Smith, J","10-20",5,,"article","Ann Oncol"\n'
        '"b","EVEROLIMUS IN NEUROENDOCRINE CARCINOMA.",2017,"Smith, J.","10-20",5,,"article","Annals of Oncology"\n'
        '"c","Everolimus in neuroendocrine carcinoma",2017,"Smith, J","10-20",5,,"inproceedings","Ann Oncol"\n'
        '"d","Temozolomide in neuroendocrine carcinoma",2017,"Chan, K","30-40",5,,"article","Ann Oncol"\n',
        encoding="utf-8",
    )
    code, out = run_cli(monkeypatch, capsys, "dedup", str(source), "--out", str(tmp_path / "out"))
    assert code == 0
    rows = {
        r["record_id"]: r for r in csv.DictReader((tmp_path / "out/duplicates.csv").read_text().splitlines())
    }
    assert rows["b"]["duplicate_of"] == "a" and rows["b"]["rule"] and rows["a"]["duplicate_of"] == ""
    assert (
        rows["d"]["duplicate_of"] == "" and rows["c"]["duplicate_of"] == ""
    )  # a conference abstract is asked about
    maybe = list(csv.DictReader((tmp_path / "out/maybe.csv").read_text().splitlines()))
    assert {"record_id_a", "record_id_b", "score", "reason"} == set(maybe[0]) and any(
        "c" in (m["record_id_a"], m["record_id_b"]) for m in maybe
    )


def test_links_verdicts_undo_and_settle_links_and_survive_reruns(tmp_path, monkeypatch, capsys):
    from litreview.dedup.relink import relink
    from litreview.records import Citation, Trial
    from litreview.store.workspace import Workspace

    title = "Everolimus as maintenance therapy for metastatic neuroendocrine carcinoma"
    records = [
        Citation(
            record_id="pubmed:1",
            source="pubmed",
            native_id="1",
            title=title,
            doi="10.1016/j.ejca.2017.03.032",
            pmid="1",
        ),
        Citation(
            record_id="embase:2",
            source="embase",
            native_id="2",
            title=title,
            doi="10.1016/j.ejca.2017.03.032",
        ),
        Trial(record_id="ctgov:NCT00000001", source="ctgov", native_id="NCT00000001", nct_id="NCT00000001"),
    ]
    with Workspace(tmp_path, "rev") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", records)
        relink(ws, "r1", preferred=set())

    def active(kind="duplicate"):
        code, out = run_cli(
            monkeypatch, capsys, "links", "list", "--workspace", str(tmp_path), "--kind", kind
        )
        assert code == 0
        return out.out.strip().splitlines()[1:]

    assert [row.split(",")[:4] for row in active()] == [["embase:2", "pubmed:1", "duplicate", "exact-doi"]]
    code, out = run_cli(monkeypatch, capsys, "links", "distinct", "embase:2", "pubmed:1", "--workspace",
                        str(tmp_path), "--reviewer", "ana", "--reason", "a reprint")  # fmt: skip
    assert code == 0 and "duplicate +0/-1" in out.out
    assert active() == []
    with Workspace(tmp_path, "rev") as ws, ws.transaction():  # a rerun does not link them again
        relink(ws, "r2", preferred=set())
        assert ws.links("duplicate") == [] and len(ws.links("duplicate", include_undone=True)) == 1
    code, out = run_cli(monkeypatch, capsys, "links", "same", "pubmed:1", "embase:2", "--workspace",
                        str(tmp_path), "--reviewer", "ben")  # fmt: skip
    assert code == 0 and [row.split(",")[3] for row in active()] == ["reviewer"]
    assert [row.split(",")[2:4] for row in active("verdicts")] == [["distinct", "ana"], ["same", "ben"]]
    code, out = run_cli(monkeypatch, capsys, "links", "same", "pubmed:1", "pubmed:9", "--workspace",
                        str(tmp_path), "--reviewer", "ben")  # fmt: skip
    assert code == 2 and "no record pubmed:9" in out.err
    code, out = run_cli(monkeypatch, capsys, "links", "same", "pubmed:1", "ctgov:NCT00000001", "--workspace",
                        str(tmp_path), "--reviewer", "ben")  # fmt: skip
    assert code == 2 and "never one item" in out.err
    code, out = run_cli(monkeypatch, capsys, "links", "distinct", "pubmed:1", "embase:2", "--workspace",
                        str(tmp_path), "--reviewer", "ben", "--reason", "a\x00b")  # fmt: skip
    assert code == 2 and "control character" in out.err
    assert [row.split(",")[2:4] for row in active("verdicts")] == [["distinct", "ana"], ["same", "ben"]]


def test_the_maybe_queue_lists_pairs_with_both_titles(tmp_path, monkeypatch, capsys):
    from litreview.dedup.relink import link_table, relink
    from litreview.records import Citation
    from litreview.store.workspace import Workspace

    title = "Everolimus as maintenance therapy for metastatic neuroendocrine carcinoma"
    base = dict(year=2017, volume="5", authors=("Smith, J",), journal="Ann Oncol")
    records = [  # the same title on other pages: an abstract and its paper? a reviewer decides
        Citation(record_id="embase:1", source="embase", native_id="1", title=title, pages="10-20", **base),
        Citation(record_id="embase:2", source="embase", native_id="2", title=title, pages="300", **base),
    ]
    with Workspace(tmp_path, "rev") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", records)
        relink(ws, "r1", preferred=set())
        (row,) = link_table(ws, "maybe-duplicate")
    assert (row["record_id"], row["linked_to"], row["title"]) == ("embase:1", "embase:2", title)
    code, out = run_cli(monkeypatch, capsys, "links", "list", "--workspace", str(tmp_path))
    assert code == 0 and "same title, different pages" in out.out
    # settled: no longer in the queue
    run_cli(monkeypatch, capsys, "links", "distinct", "embase:1", "embase:2", "--workspace", str(tmp_path),
            "--reviewer", "ana")  # fmt: skip
    code, out = run_cli(monkeypatch, capsys, "links", "list", "--workspace", str(tmp_path))
    assert out.out.strip().splitlines()[1:] == []


def test_dedup_on_an_export_does_not_load_the_database_layer(tmp_path):
    """SQLAlchemy is a fifth of a small `dedup`'s time, and the command opens no workspace; nor does it
    import the other commands' modules or the parsers of formats other than the export's."""
    import subprocess

    export = tmp_path / "e.csv"
    export.write_text("ID,title,year,author,journal,doi\n1,A trial of x,2020,Smith J,J Test,10.1/a\n")
    script = (
        "import sys\nfrom litreview.cli import main\n"
        f"sys.argv = ['litreview', 'dedup', {str(export)!r}, '--out', {str(tmp_path / 'out')!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlite3', 'lxml', 'rispy')"
        " or m.startswith(('litreview.cli.', 'litreview.sources.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == str(
        ["litreview.cli.app", "litreview.cli.dedup", "litreview.sources.common",
         "litreview.sources.csv_records", "litreview.sources.importers"]
    )  # fmt: skip
    assert (tmp_path / "out").exists()


def test_the_command_table_names_each_command_and_its_module():
    """Commands are imported only when looked up, so the table must name every command any cli
    module registers, with the module that registers it (in the order the help lists them)."""
    import importlib
    import pkgutil

    from litreview.cli.app import COMMAND_MODULES, app

    for module in pkgutil.iter_modules(cli.__path__):
        if not module.name.startswith("_"):  # __main__ would run the command line
            importlib.import_module(f"litreview.cli.{module.name}")
    registered = {(info.name or info.callback.__name__.replace("_", "-")): info.callback.__module__
                  for info in app.registered_commands}  # fmt: skip
    registered |= {info.name: info.typer_instance.registered_commands[0].callback.__module__
                   for info in app.registered_groups}  # fmt: skip
    assert registered == {name: f"litreview.cli.{module}" for name, module in COMMAND_MODULES.items()}


def test_the_help_and_a_mistyped_command_see_every_command():
    """In a fresh process, where no command's module is imported yet."""
    import subprocess

    from litreview.cli.app import COMMAND_MODULES

    run = [sys.executable, "-c", "from litreview.cli import main; main()"]
    shown = subprocess.run(
        [*run, "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}
    )
    assert shown.returncode == 0
    listed = re.findall(r"^│ (\S+) ", shown.stdout.split("Commands")[1], re.MULTILINE)  # not wrapped lines
    assert listed == list(COMMAND_MODULES)
    assert "Link duplicates (never delete)" in shown.stdout and "Workspaces: move a review" in shown.stdout
    mistyped = subprocess.run([*run, "workspce"], capture_output=True, text=True)
    assert mistyped.returncode == 2 and "Did you mean 'workspace'?" in mistyped.stderr


def test_a_database_error_from_sqlalchemy_is_still_one_line(monkeypatch, capsys):
    from sqlalchemy.exc import OperationalError

    def fails(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(cli, "offline_prefect", lambda: None)
    monkeypatch.setattr(cli, "app", fails)
    code, out = run_cli(monkeypatch, capsys, "status")
    assert code == 2
    assert out.err.strip() == "error: workspace database: server closed the connection unexpectedly"
