"""Build search_strings/ep_pd_nec/update_demo/: what a living update of the shipped review would
receive, so a newcomer can try `litreview update` offline (README, "Try a living update offline").

This is a DEMONSTRATION, not PubMed's or the registry's answer. The world "changes" on litreview's
own loopback stand-in for E-utilities and ClinicalTrials.gov: three PubMed records that do not exist
(PMIDs 99000001-99000003, titles starting "[litreview demo record]") appear in 2023, and two of the
shipped registry trials change status and enrolment (and, as the reconstruction has no
first-posted dates, are given 2020-01-01 so the registry's date filter can place them). The update is then run against that server
with `--record`, so the snapshot holds exactly the requests an update asks and the answers in each
source's native format. The shipped review's own snapshot is replayed first, untouched.

Run: python scripts/build_update_demo.py   (offline; takes under a minute)
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from lxml import etree

from litreview.testing.loopback import Article, Corpus, LoopbackServer, read_articles

ROOT = Path(__file__).resolve().parents[1]
REVIEW = ROOT / "search_strings" / "ep_pd_nec"
OUT = REVIEW / "update_demo"
ASOF = "2023-06-30"
DEMO = [  # (pmid, entrez date, title, abstract)
    ("99000001", date(2023, 1, 16),
     "[litreview demo record] Nivolumab plus chemotherapy as first-line treatment of extrapulmonary "
     "poorly differentiated neuroendocrine carcinoma: a phase II trial",
     "Demonstration record for litreview's living-update walk-through; not a real publication."),
    ("99000002", date(2023, 3, 2),
     "[litreview demo record] Second-line treatment after platinum-etoposide in gastroenteropancreatic "
     "neuroendocrine carcinoma: a retrospective cohort",
     "Demonstration record for litreview's living-update walk-through; not a real publication."),
    ("99000003", date(2023, 5, 22),
     "[litreview demo record] Pulmonary large cell neuroendocrine carcinoma: a case report",
     "Demonstration record for litreview's living-update walk-through; not a real publication."),
]  # fmt: skip
CHANGED = {0: ("COMPLETED", 64), 5: ("TERMINATED", 12)}  # index in the shipped page: (status, enrolment)


def demo_article(pmid: str, edat: date, title: str, abstract: str) -> bytes:
    article = etree.Element("PubmedArticle")
    citation = etree.SubElement(article, "MedlineCitation", Status="PubMed-not-MEDLINE", Owner="NLM")
    etree.SubElement(citation, "PMID", Version="1").text = pmid
    art = etree.SubElement(citation, "Article", PubModel="Print")
    journal = etree.SubElement(art, "Journal")
    issue = etree.SubElement(journal, "JournalIssue", CitedMedium="Internet")
    etree.SubElement(etree.SubElement(issue, "PubDate"), "Year").text = str(edat.year)
    etree.SubElement(journal, "Title").text = "litreview demonstration"
    etree.SubElement(art, "ArticleTitle").text = title
    etree.SubElement(etree.SubElement(art, "Abstract"), "AbstractText").text = abstract
    authors = etree.SubElement(art, "AuthorList", CompleteYN="Y")
    author = etree.SubElement(authors, "Author", ValidYN="Y")
    etree.SubElement(author, "LastName").text = "Demo"
    etree.SubElement(author, "Initials").text = "L"
    etree.SubElement(art, "Language").text = "eng"
    types = etree.SubElement(art, "PublicationTypeList")
    etree.SubElement(types, "PublicationType", UI="D016428").text = "Journal Article"
    data = etree.SubElement(article, "PubmedData")
    history = etree.SubElement(data, "History")
    entrez = etree.SubElement(history, "PubMedPubDate", PubStatus="entrez")
    for tag, value in (("Year", edat.year), ("Month", edat.month), ("Day", edat.day)):
        etree.SubElement(entrez, tag).text = str(value)
    ids = etree.SubElement(data, "ArticleIdList")
    etree.SubElement(ids, "ArticleId", IdType="pubmed").text = pmid
    return etree.tostring(article)


def main() -> None:
    from prefect.testing.utilities import prefect_test_harness

    from litreview.pipeline.tasks import review_flow, update_flow

    shipped = REVIEW / "snapshot"
    index = json.loads((shipped / "index.json").read_text())["entries"]
    efetch = next(e for e in index if e["endpoint"] == "efetch.fcgi")
    page = next(e for e in index if e["endpoint"] == "studies")
    corpus = Corpus(data_timestamp=f"{ASOF}T09:00:00")
    for xml in read_articles(shipped / efetch["file"]):
        pmid = etree.fromstring(xml).findtext(".//PMID")
        corpus.articles[pmid] = Article(pmid, date(2000, 1, 1), xml)  # all before the first window ended
    for pmid, edat, title, abstract in DEMO:
        corpus.articles[pmid] = Article(pmid, edat, demo_article(pmid, edat, title, abstract))
    corpus.studies = json.loads((shipped / page["file"]).read_text())["studies"]
    for i, (status, enrolment) in CHANGED.items():
        module = corpus.studies[i]["protocolSection"]
        module["statusModule"]["overallStatus"] = status
        module["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2023-04-03", "type": "ACTUAL"}
        # the reconstruction carries no first-posted dates; the registry filter needs one
        module["statusModule"].setdefault(
            "studyFirstPostDateStruct", {"date": "2020-01-01", "type": "ACTUAL"}
        )
        module.setdefault("designModule", {})["enrollmentInfo"] = {"count": enrolment, "type": "ACTUAL"}
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer(corpus) as server, prefect_test_harness():
        os.environ.update({"LITREVIEW_EUTILS_URL": server.eutils_url, "LITREVIEW_CTGOV_URL": server.ctgov_url,
                           "LITREVIEW_HTTP_BACKOFF": "0"})  # fmt: skip
        workspace = Path(tmp) / "ws"
        review_flow(review_dir=str(REVIEW), workspace=str(workspace), mode="replay", run_id="shipped")
        recorded = Path(tmp) / "update_demo"
        update_flow(review_dir=str(REVIEW), workspace=str(workspace), mode="record", snapshot=str(recorded),
                    run_id="demo-update", asof=ASOF)  # fmt: skip
        shutil.rmtree(OUT, ignore_errors=True)
        shutil.copytree(recorded, OUT)
    (OUT / "SOURCE.md").write_text(
        __doc__.split("Run:")[0].replace(
            "Build search_strings/ep_pd_nec/update_demo/: w", "# The update demo\n\nW", 1
        )
    )
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
