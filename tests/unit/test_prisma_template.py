"""`litreview prisma TEMPLATE.csv`: a PRISMA2020 template, filled by hand or by the Shiny app, drawn
after the same arithmetic check litreview's own counts pass; text stays editable for journals."""

from __future__ import annotations

import csv
import re
import zlib

import pytest
from tests.unit.test_cli import run_cli
from tests.unit.test_prisma import hand_built

from litreview.report.prisma2020_csv import COLUMNS, TEMPLATE, write_prisma2020_csv

# A new review filled by hand, as the PRISMA2020 app's template asks: per-database and per-reason lists.
HAND = {
    "database_results": 1180, "database_specific_results": "MEDLINE, 612; Embase, 568",
    "register_results": 64, "register_specific_results": "ClinicalTrials.gov, 64",
    "citations_results": 9, "duplicates": 410, "excluded_automatic": 120, "excluded_other": 14,
    "records_screened": 700, "records_excluded": 655, "dbr_sought_reports": 45,
    "dbr_notretrieved_reports": 3, "dbr_assessed": 42,
    "dbr_excluded": "Wrong population, 20; Wrong design, 9; other: conference abstract only, 2",
    "other_sought_reports": 9, "other_notretrieved_reports": 1, "other_assessed": 8, "other_excluded": 5,
    "new_studies": 14, "new_reports": 16, "total_studies": 14, "total_reports": 16,
}  # fmt: skip


def template(path, values):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for key, node, box, text in TEMPLATE:
            writer.writerow({"data": key, "node": node, "box": box, "description": text, "boxtext": text,
                             "tooltips": "NA", "url": "NA", "n": values.get(key, 0) if key != "NA" else "NA"})  # fmt: skip
    return path


def test_a_hand_filled_template_is_drawn_with_text_that_stays_text(monkeypatch, capsys, tmp_path):
    code, _ = run_cli(
        monkeypatch, capsys, "prisma", str(template(tmp_path / "t.csv", HAND)), "--out", str(tmp_path / "d")
    )
    assert code == 0
    svg = (tmp_path / "d" / "prisma.svg").read_text()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for line in ("Records screened (n = 700)", "MEDLINE (n = 612)", "Wrong population (n = 20)",
                 "Records removed for other reasons (n = 14)", "Reports of included studies (n = 16)",
                 "Citation searching (n = 9)", "Reports excluded (n = 5)"):  # fmt: skip
        assert any(line in t for t in texts), line
    assert "<path" not in svg.split("<text", 1)[1].split("</text>", 1)[0]  # no glyph outlines
    pdf = (tmp_path / "d" / "prisma.pdf").read_bytes()
    fonts = b"".join(zlib.decompress(s) if b"FlateDecode" in h else s for h, s in _pdf_objects(pdf))
    assert b"/FontFile2" in pdf + fonts and b"/Type3" not in pdf + fonts  # TrueType, not Type 3
    assert (tmp_path / "d" / "prisma.png").stat().st_size > 0 and (tmp_path / "d" / "prisma@2x.png").exists()


def _pdf_objects(pdf):
    """(dictionary, stream) of each PDF stream, to look inside compressed object streams."""
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n", pdf, re.S):
        end = pdf.find(b"endstream", match.end())
        try:
            zlib.decompress(pdf[match.end() : end])
        except zlib.error:
            continue
        yield match.group(1), pdf[match.end() : end]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"records_screened": 701}, ["identified - removed = screened", "nothing drawn"]),
        ({"dbr_excluded": "Wrong population, 20; Wrong design, 9"}, ["assessed - excluded = new studies"]),
        ({"total_studies": 15}, ["new + previous = total"]),
        ({"database_results": "xxx"}, ["t.csv:6:", "database_results", "'xxx' is not a count"]),
        ({"dbr_excluded": "Wrong population; Wrong design, 9"}, ["dbr_excluded", "is not 'Name, n'"]),
    ],
)
def test_a_template_that_does_not_add_up_is_one_line_and_draws_nothing(
    monkeypatch, capsys, tmp_path, change, words
):
    path = template(tmp_path / "t.csv", {**HAND, **change})
    code, out = run_cli(monkeypatch, capsys, "prisma", str(path), "--out", str(tmp_path / "d"))
    lines = out.err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "t.csv" in lines[0], out.err
    assert all(w in lines[0] for w in words), lines[0]
    assert not (tmp_path / "d").exists()


def test_litreviews_own_template_of_an_in_progress_update_draws_the_same_numbers(
    monkeypatch, capsys, tmp_path
):
    flow = hand_built()  # awaiting decisions, citation searching, previous studies
    write_prisma2020_csv(tmp_path / "prisma2020.csv", flow)
    code, _ = run_cli(monkeypatch, capsys, "prisma", str(tmp_path / "prisma2020.csv"), "--out", str(tmp_path))
    assert code == 0
    svg = " ".join(
        " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "prisma.svg").read_text())).split()
    )
    dbr = flow["databases_and_registers"]
    assert f"Records screened (n = {dbr['records_screened']})" in svg
    assert f"Total studies included in review (n = {flow['total_studies']})" in svg
    assert f"Studies included in previous version of review (n = {flow['previous']['studies']})" in svg


def test_not_a_template_is_refused(monkeypatch, capsys, tmp_path):
    (tmp_path / "x.csv").write_text("title,year\nA,2020\n")
    code, out = run_cli(monkeypatch, capsys, "prisma", str(tmp_path / "x.csv"))
    assert code == 2 and "not a PRISMA2020 template" in out.err
