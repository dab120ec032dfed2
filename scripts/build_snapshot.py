"""Build search_strings/ep_pd_nec/snapshot/ from public facts (tests/data/review, tests/data/ctgov).

The snapshot is a reconstruction: each payload is written in the source's native format (PubMed
esearch XML, efetch PubMed XML, an Embase-style RIS export, ClinicalTrials.gov API v2 pages) from
facts the paper and the registry publish. Nothing is invented: fields the facts lack (abstracts,
full journal names, Embase accession numbers, PubMed's QueryTranslation, the registry's data
version) are left out. Requests are built with litreview's own request builders, so the replay
transport finds them exactly as a live run would ask.

Run: python scripts/build_snapshot.py [--data tests/data] [--review search_strings/ep_pd_nec]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from litreview.config import load_protocol
from litreview.files import atomic_write_bytes
from litreview.pipeline.query_plan import plan_query
from litreview.sources import ctgov, pubmed
from litreview.sources.transport import Snapshot

ROOT = Path(__file__).resolve().parents[1]
WEBENV = "SNAPSHOT_ep_pd_nec_reconstruction"
PUBMED_DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
)
ESEARCH_DOCTYPE = (
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
)


def split_author(name: str) -> tuple[str, str]:
    """'Genus TSE' -> ('Genus', 'TSE'): the references list 'Surname INITIALS'."""
    parts = name.split()
    if len(parts) > 1 and parts[-1].isupper() and parts[-1].isalpha():
        return " ".join(parts[:-1]), parts[-1]
    return name, ""


def real_authors(ref: dict) -> list[str]:
    return [a for a in ref["authors"] if a.strip().lower() not in {"et al.", "et al"}]


def esearch_xml(pmids: list[str]) -> bytes:
    ids = "".join(f"<Id>{p}</Id>\n" for p in pmids)
    body = (
        f'<?xml version="1.0" encoding="UTF-8" ?>\n{ESEARCH_DOCTYPE}\n'
        f"<eSearchResult><Count>{len(pmids)}</Count><RetMax>{len(pmids)}</RetMax>"
        f"<RetStart>0</RetStart><QueryKey>1</QueryKey><WebEnv>{WEBENV}</WebEnv>"
        f"<IdList>\n{ids}</IdList><TranslationSet/></eSearchResult>\n"
    )
    return body.encode("utf-8")


def article_xml(ref: dict) -> str:
    authors = real_authors(ref)
    complete = "N" if len(authors) < len(ref["authors"]) else "Y"
    author_xml = "".join(
        f'<Author ValidYN="Y"><LastName>{escape(last)}</LastName><Initials>{escape(ini)}</Initials></Author>'
        for last, ini in map(split_author, authors)
    )
    types = "".join(f"<PublicationType>{escape(t)}</PublicationType>" for t in ref["pub_types"])
    mesh = "".join(
        f"<MeshHeading><DescriptorName>{escape(m)}</DescriptorName></MeshHeading>" for m in ref["mesh_terms"]
    )
    ids = f'<ArticleId IdType="pubmed">{ref["pmid"]}</ArticleId>'
    if ref["doi"]:
        ids += f'<ArticleId IdType="doi">{escape(ref["doi"])}</ArticleId>'
    volume = f"<Volume>{escape(ref['volume'])}</Volume>" if ref.get("volume") else ""
    pages = (
        f"<Pagination><MedlinePgn>{escape(ref['pages'])}</MedlinePgn></Pagination>"
        if ref.get("pages")
        else ""
    )
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{ref["pmid"]}</PMID>'
        f'<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print">{volume}'
        f"<PubDate><Year>{ref['year']}</Year></PubDate></JournalIssue>"
        f"<ISOAbbreviation>{escape(ref['journal'] or '')}</ISOAbbreviation></Journal>"
        f"<ArticleTitle>{escape(ref['title'])}</ArticleTitle>{pages}"
        f'<AuthorList CompleteYN="{complete}">{author_xml}</AuthorList>'
        f"<PublicationTypeList>{types}</PublicationTypeList></Article>"
        f"<MeshHeadingList>{mesh}</MeshHeadingList></MedlineCitation>"
        f"<PubmedData><ArticleIdList>{ids}</ArticleIdList></PubmedData></PubmedArticle>\n"
    )


def efetch_xml(refs: list[dict]) -> bytes:
    articles = "".join(article_xml(r) for r in refs)
    text = f'<?xml version="1.0" ?>\n{PUBMED_DOCTYPE}\n<PubmedArticleSet>\n{articles}</PubmedArticleSet>\n'
    return text.encode("utf-8")


def ris_record(ref: dict) -> str:
    lines = ["TY  - CONF" if ref["is_conference_abstract"] else "TY  - JOUR"]
    lines += [f"A1  - {a}" for a in real_authors(ref)]
    lines.append(f"T1  - {ref['title']}")
    lines.append(f"Y1  - {ref['year']}//")
    lines.append(f"JA  - {ref['journal']}")
    if ref.get("volume"):
        lines.append(f"VL  - {ref['volume']}")
    if ref.get("pages"):
        start, _, end = ref["pages"].partition("-")
        lines.append(f"SP  - {start}")
        if end:
            lines.append(f"EP  - {end}")
    lines.append("M3  - " + ("Conference Abstract" if ref["is_conference_abstract"] else "Article"))
    if ref["doi"]:
        lines.append(f"DO  - {ref['doi']}")
        lines.append(f"L2  - https://doi.org/{ref['doi']}")
    lines.append("DB  - Embase")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n\n"


def build(data: Path, review: Path) -> None:
    protocol = load_protocol(review)
    refs = json.loads((data / "review" / "references.json").read_text(encoding="utf-8"))
    target = protocol.snapshot_dir
    for old in target.iterdir() if target.exists() else []:  # SOURCE.md is written by hand
        if old.is_dir():
            shutil.rmtree(old)
        elif old.name != "SOURCE.md":
            old.unlink()
    snapshot = Snapshot(target)

    # PubMed: the references that have a PMID, as esearch + one efetch batch.
    spec = protocol.source("pubmed")
    with_pmid = sorted((r for r in refs if r["pmid"]), key=lambda r: -int(r["pmid"]))
    pmids = [r["pmid"] for r in with_pmid]
    snapshot.add(
        pubmed.build_esearch(
            plan_query(protocol, spec, "pubmed").term,
            mindate=spec.mindate,
            maxdate=spec.maxdate,
            datetype=spec.datetype,
        ),
        esearch_xml(pmids),
        ".xml",
    )
    # efetch asks for the listed PMIDs in ascending order, 500 per POST (see sources/pubmed.py).
    ascending = sorted(with_pmid, key=lambda r: int(r["pmid"]))
    for start in range(0, len(ascending), pubmed.EFETCH_BATCH):
        batch = ascending[start : start + pubmed.EFETCH_BATCH]
        snapshot.add(pubmed.build_efetch([r["pmid"] for r in batch]), efetch_xml(batch), ".xml")

    # Embase: an RIS export of the journal articles and conference abstracts.
    embase = protocol.source("embase")
    assert embase.file is not None
    ris = "".join(ris_record(r) for r in refs if r["journal"])
    atomic_write_bytes(embase.file, ris.encode("utf-8"))

    # ClinicalTrials.gov: the review's registry records as one API v2 page.
    reg = protocol.source("ctgov")
    studies = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((data / "ctgov").glob("NCT*.json"))]
    page = {"studies": studies, "totalCount": len(studies)}
    request = ctgov.build_studies(
        cond=" ".join(reg.query_text().split()), first_posted_max=reg.maxdate.replace("/", "-")
    )
    snapshot.add(request, (json.dumps(page, indent=1, ensure_ascii=False) + "\n").encode("utf-8"), ".json")
    # /version: the registry's data timestamp was not recorded from the live API; say so.
    version = {
        "apiVersion": None,
        "dataTimestamp": None,
        "note": "reconstruction: not recorded from the live API",
    }
    snapshot.add(ctgov.build_version(), json.dumps(version).encode("utf-8"), ".json")
    snapshot.save()
    print(
        f"snapshot: {len(pmids)} PubMed records, {ris.count('ER  -')} RIS records, "
        f"{len(studies)} registry studies -> {target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data")
    parser.add_argument("--review", type=Path, default=ROOT / "search_strings" / "ep_pd_nec")
    args = parser.parse_args()
    build(args.data, args.review)


if __name__ == "__main__":
    main()
