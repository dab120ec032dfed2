"""A workspace of real records (Cohen 2006 antihistamines: titles and abstracts) with a hostile
record, rule suggestions, a duplicate and a maybe pair, and three accounts."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from litreview.records import Citation, Decision, Link
from litreview.sources.importers import load_records
from litreview.testing.workspaces import build_workspace
from litreview.web.accounts import add_user

DATA = Path(__file__).resolve().parents[1] / "data" / "screening" / "Cohen_2006_Antihistamines.csv"
PASSWORD = "correct horse 1"
XSS_TITLE = "<script>alert(1)</script> Hostile title from an RIS export"
REASONS = ("wrong population", "wrong intervention", "wrong design")


@dataclass
class Bench:
    root: Path
    ids: list[str]  # in the order the queue shows them (protocol order)
    duplicate: tuple[str, str]  # (duplicate, representative)
    maybe: tuple[str, str]
    excluded_by_rule: str
    suggested: str


def make_bench(root: Path, n: int = 40) -> Bench:
    records = list(load_records(DATA, "csv", source="medline"))[:n]
    hostile = Citation("medline:xss", "medline", "xss", title=XSS_TITLE,
                       abstract="<img src=x onerror=alert(2)> an abstract with markup in it")  # fmt: skip
    records.insert(3, hostile)
    ids = [r.record_id for r in records]
    duplicate = (ids[-1], ids[-2])
    maybe = (ids[-3], ids[-4])
    auto = [
        Decision(ids[1], "title_abstract", "exclude", "Not about antihistamines", rule_id="EX-OFF"),
        Decision(ids[2], "title_abstract", "include", "Names an antihistamine", rule_id="IN-DRUG"),
    ]
    links = [
        Link(*duplicate, "duplicate", "doi+title", 1.0),
        Link(*maybe, "maybe-duplicate", "title 0.91", 0.91),
    ]
    build_workspace(root, records, review_id="cohen_antihistamines", exclusion_reasons=REASONS, auto=auto,
                    links=links)  # fmt: skip
    for name, role in (("lea", "lead"), ("ana", "reviewer"), ("ben", "reviewer")):
        add_user(root, name, role, PASSWORD)
    queue = sorted(i for i in ids if i != duplicate[0])  # protocol order: by record id, as `screen export`
    return Bench(root, queue, duplicate, maybe, ids[1], ids[2])


@pytest.fixture(scope="session")
def bench_template(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    return make_bench(tmp_path_factory.mktemp("template") / "ws")


@pytest.fixture
def bench(bench_template: Bench, tmp_path: Path) -> Bench:
    """A fresh copy of the template workspace (its accounts' scrypt hashes are made once)."""
    root = tmp_path / "ws"
    shutil.copytree(bench_template.root, root)
    return replace(bench_template, root=root)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def signed_in(app, name: str):
    """A test client of ``app`` signed in as ``name`` (the fixtures' password)."""
    from starlette.testclient import TestClient

    c = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    token = csrf_of(c.get("/login").text)
    answer = c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303
    return c


def extraction_workspace(root: Path, record_ids: tuple[str, ...] = (), publications: tuple = ()) -> list:
    """A workspace of three registry trials at ``root``, the first two included at full text, with two
    extractors per record, a lead (lea) and two reviewers (ana, ben): the extraction tests' start.
    ``record_ids``: the trials' ids instead of their own; ``publications``: citations also in the
    workspace (included at full text too). Returns the three trials."""
    from dataclasses import replace

    from tests.conftest import REVIEW
    from tests.unit.test_extraction import shared_trials

    from litreview.extract.forms import EXTRACTION_META
    from litreview.records import Stage
    from litreview.store.workspace import Workspace

    trials = shared_trials()[:3]
    trials = (
        [replace(t, record_id=i) for t, i in zip(trials, record_ids, strict=True)] if record_ids else trials
    )
    build_workspace(root, [*trials, *publications], review_id="ep_pd_nec")
    with Workspace.existing(root) as ws, ws.transaction():
        ws.add_human_decisions("setup", [Decision(t.record_id, stage, "include", "", "lea", "human")
                                         for t in [*trials[:2], *publications] for stage in Stage])  # fmt: skip
        ws.set_meta(EXTRACTION_META, {"spec": str(REVIEW / "extraction.toml"), "extractors_per_record": 2})
    for name, role in (("lea", "lead"), ("ana", "reviewer"), ("ben", "reviewer")):
        add_user(root, name, role, PASSWORD)
    return trials
