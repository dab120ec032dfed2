"""Helpers shared by the benchmarks: the machine line every benchmark prints, and large inputs
built by replicating the shipped real records (ids made unique, content unchanged)."""

from __future__ import annotations

import gzip
import os
import platform
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "data" / "ncbi" / "pubmed_baseline" / "medline16n0902.xml.gz"
REVIEW_EFETCH = next((ROOT / "search_strings" / "ep_pd_nec" / "snapshot" / "pubmed").glob("efetch*.xml"))


def machine() -> str:
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def pubmed_articles(paths: list[Path]) -> list[bytes]:
    """Each PubmedArticle of the given files, serialised."""
    out = []
    for path in paths:
        with gzip.open(path) if path.suffix == ".gz" else open(path, "rb") as handle:
            tree = etree.parse(handle)
        out.extend(etree.tostring(a) for a in tree.iter("PubmedArticle"))
        # Baseline files hold bare MedlineCitation elements: wrap them as efetch does.
        bare = [c for c in tree.iter("MedlineCitation") if c.getparent().tag != "PubmedArticle"]
        out.extend(b"<PubmedArticle>" + etree.tostring(c) + b"</PubmedArticle>" for c in bare)
    return out


def write_replicated_pubmed(target: Path, n: int, sources: list[Path]) -> int:
    """Write a PubmedArticleSet of ``n`` articles cycling through the sources; PMIDs made unique."""
    articles = pubmed_articles(sources)
    with open(target, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n')
        for i in range(n):
            article = articles[i % len(articles)]
            copy = i // len(articles)
            if copy:
                # A distinct PMID per copy: the first <PMID ...>digits</PMID> gets a suffix.
                start = article.index(b"<PMID")
                close = article.index(b"</PMID>", start)
                article = article[:close] + b"%d" % (copy * 10) + article[close:]
            out.write(article)
            out.write(b"\n")
        out.write(b"</PubmedArticleSet>\n")
    return n
