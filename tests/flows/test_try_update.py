"""The README's "Try a living update offline" block, run line by line as a newcomer would: the
shipped review, a reviewer's exclusion, the update demo snapshot, the new records to screen."""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from tests.unit.test_cli import run_cli

ROOT = Path(__file__).resolve().parents[2]


def readme_block(title: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split(f"## {title}", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, f"README section {title!r} has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_readmes_offline_update_walkthrough_runs_and_shows_what_it_promises(
    monkeypatch, capsys, tmp_path
):
    shutil.copytree(ROOT / "search_strings", tmp_path / "search_strings")
    monkeypatch.chdir(tmp_path)
    for line in readme_block("Try a living update offline"):
        if line.startswith(".venv/bin/litreview "):
            code, out = run_cli(monkeypatch, capsys, *shlex.split(line)[1:])
            assert code == 0, f"{line}\n{out.err}"
        else:
            subprocess.run(["bash", "-c", line], cwd=tmp_path, check=True)
    ws = tmp_path / "try" / "ws"
    changes = json.loads((ws / "changes.json").read_text())
    assert len(changes["new_records"]) == 3
    ranks = [r["rank"] for r in changes["new_records"]]  # ranked for screening, most likely relevant first
    assert (
        ranks == sorted(ranks)
        and changes["ranked_by"]
        and "Most likely relevant first" in (ws / "changes.md").read_text()
    )
    changed = {c["record_id"]: c["fields"] for c in changes["changed_records"]}
    assert changed["ctgov:NCT02687958"]["status"]["to"] == "TERMINATED"
    # the reviewer's exclusion holds although the registry changed the trial and a rule would include it
    trials = [r["identifier"] for r in csv.DictReader((ws / "tables.csv").read_text().splitlines())]
    assert "NCT02687958" not in trials and len(trials) == 35
    prisma = json.loads((ws / "prisma.json").read_text())
    # previous studies: the 35 trials still included and the paper's references (published inclusions)
    screening = list(csv.DictReader((ws / "screening.csv").read_text().splitlines()))
    references = {r["record_id"] for r in screening if r["stage"] == "full_text" and r["decision"] == "include"
                  and not r["record_id"].startswith("ctgov:")}  # fmt: skip
    assert references and all(r.startswith(("pubmed:", "embase:")) for r in references)
    assert prisma["previous"]["studies"] == 35 + len(references) and prisma["identified_total"] == 3
    assert "{" not in (ws / "changes.md").read_text().split("## Search windows")[1].split("##")[0]
    to_screen = list(csv.DictReader((tmp_path / "try" / "new.csv").read_text().splitlines()))
    assert {r["record_id"] for r in to_screen} >= {"pubmed:99000001", "pubmed:99000002", "pubmed:99000003"}
    # what the README says of the sheet: how many rows, and that only the demo records have abstracts
    said = (ROOT / "README.md").read_text().split("## Try a living update offline", 1)[1].split("\n## ", 1)[0]
    assert f"holds the {len(to_screen)} records still to screen" in " ".join(said.split())
    with_abstract = {r["record_id"] for r in to_screen if r["abstract"].strip()}
    assert with_abstract == {"pubmed:99000001", "pubmed:99000002", "pubmed:99000003"}
