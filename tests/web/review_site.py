"""A small review with its folder (a search query, a rule, four exclusion reasons) and a workspace of
real CSV records (Cohen 2006 antihistamines) and Embase-style RIS records, served by the workbench
in a thread: what the keyboard, highlighting and lead-tool browser tests and the user guide's tour use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from litreview.sources.importers import load_records
from litreview.testing.workspaces import build_workspace
from litreview.web.accounts import add_user
from litreview.web.workbench import Workbench

from .conftest import DATA, PASSWORD
from .serving import served

REASONS = ("Not about antihistamines", "Wrong population", "Wrong comparator", "Wrong design")
REVIEW_TOML = """
[review]
id = "antihistamines_demo"
title = "Second-generation antihistamines (demonstration review)"

[[sources]]
name = "pubmed"
kind = "pubmed"
label = "MEDLINE (PubMed)"
query_file = "pubmed.txt"
group = "databases"

[[sources]]
name = "embase"
kind = "file"
label = "Embase"
file = "embase.ris"
format = "ris"
group = "databases"

[criteria]
include = ["Second-generation antihistamines in allergic rhinitis or urticaria"]
exclude = {reasons}

[screening]

[[screening.rules]]
id = "EX-CHILDREN"
outcome = "exclude"
reason = "Wrong population"
query = '(child* OR infant* OR paediatric OR pediatric)[tiab] NOT (adult* OR adolescent*)[tiab]'
"""
QUERY = "(antihistamine* OR cetirizine OR loratadine OR fexofenadine)[tiab] AND (allerg* OR rhinitis OR urticaria)[tiab]\n"
# made-up Embase-style records (RIS) for the tests: the exports' shape, not real citations
EMBASE_RIS = """TY  - JOUR
AN  - L9001
T1  - Cetirizine in children with perennial allergic rhinitis: a randomised trial
AB  - Children aged 6 to 11 years with perennial allergic rhinitis received cetirizine 10 mg or placebo once daily for four weeks; nasal symptom scores fell more with cetirizine.
JF  - Demonstration Journal of Allergy
PY  - 2001
DB  - Embase
ER  - 

TY  - JOUR
AN  - L9002
T1  - Fexofenadine versus loratadine in adults with seasonal allergic rhinitis
AB  - Adults with seasonal allergic rhinitis were randomised to fexofenadine 120 mg or loratadine 10 mg for two weeks. Both antihistamines reduced total symptom scores.
JF  - Demonstration Journal of Allergy
PY  - 2003
DB  - Embase
ER  - 
"""


@dataclass
class Site:
    review: Path  # the review folder
    root: Path  # the workspace
    ids: list[str]  # the queue, in protocol order
    embase: list[str]


def make_site(base: Path, n: int = 16) -> Site:
    review = base / "review"
    review.mkdir(parents=True)
    (review / "review.toml").write_text(REVIEW_TOML.format(reasons=list(REASONS)))
    (review / "pubmed.txt").write_text(QUERY)
    (review / "embase.ris").write_text(EMBASE_RIS)
    records = list(load_records(DATA, "csv", source="pubmed"))[:n]
    embase = list(load_records(review / "embase.ris", "ris", source="embase"))
    root = base / "ws"
    build_workspace(root, [*records, *embase], review_id="antihistamines_demo", exclusion_reasons=REASONS)
    for name, role in (("lea", "lead"), ("ana", "reviewer"), ("ben", "reviewer")):
        add_user(root, name, role, PASSWORD)
    ids = sorted(r.record_id for r in [*records, *embase])
    return Site(review, root, ids, [r.record_id for r in embase])


@contextmanager
def serving(site: Site) -> Iterator[str]:
    """The workbench over the site's workspace, with its review folder (query and rules marked)."""
    with served(Workbench(site.root, site.review)) as url:
        yield url
