"""What the screening page marks: the search's terms (with the protocol's accepted repair) and the
rules' terms on records of every source, by the way each term points."""

from __future__ import annotations

import re
from pathlib import Path

from litreview.config import load_protocol
from litreview.query.evaluate import compile_query
from litreview.query.parser import parse
from litreview.screen.highlight import Source, WordList, marked_parts, protocol_sources, signed_terms
from litreview.sources.importers import load_records

ROOT = Path(__file__).resolve().parents[2]
EP_PD_NEC = ROOT / "search_strings" / "ep_pd_nec"
ESTROGENS = ROOT / "search_strings" / "cohen_estrogens"


def marks(parts) -> dict[str, set[str]]:
    """mark -> the marked texts (lower case)."""
    out: dict[str, set[str]] = {}
    for values in parts.values():
        for value in values:
            for seg in value:
                if seg.mark:
                    out.setdefault(seg.mark, set()).add(seg.text.lower())
    return out


def test_the_published_search_is_marked_with_its_accepted_repair():
    # medline.txt has a stray ')': parsed as written it is refused, and nothing of it was marked
    sources, problems = protocol_sources(load_protocol(EP_PD_NEC / "review.toml"))
    assert problems == []
    assert [s.label for s in sources if s.search] == ["search (pubmed)", "search (ctgov)"]
    assert {s.label for s in sources if not s.search} >= {"rule EX-NOT-NEC", "rule IN-TREATMENT-EP-NEC"}


def test_an_embase_ris_record_is_marked_like_a_pubmed_one():
    sources, _ = protocol_sources(load_protocol(EP_PD_NEC / "review.toml"))
    ris = EP_PD_NEC / "snapshot" / "embase" / "embase_export.ris"
    records = [r for r in load_records(ris, "ris", source="embase")
               if re.search(r"\bneuroendocrine carcinoma\b", r.title, re.IGNORECASE)]  # fmt: skip
    assert len(records) > 5
    for record in records:
        found = marks(marked_parts(record, sources, []))
        assert "neuroendocrine carcinoma" in found.get("query", set()), record.title


def test_a_csv_record_is_marked_with_the_rules_terms():
    sources, problems = protocol_sources(load_protocol(ESTROGENS / "review.toml"))
    assert problems == [] and not any(s.search for s in sources)  # a file source: no query file
    record = next(r for r in load_records(ESTROGENS / "records.csv", "csv", source="medline")
                  if "estrogen" in r.title.lower())  # fmt: skip
    # EX-NOT-ESTROGEN excludes what does *not* name estrogens: finding one points to inclusion
    assert "estrogen" in " ".join(marks(marked_parts(record, sources, [])).get("rule-include", set()))


def test_terms_point_the_way_their_rule_and_not_make_them():
    tree = parse('"merkel cell" NOT (extrapulmonary OR pancrea*)')
    assert [(t.text, sign) for t, sign in signed_terms(tree)] == [
        ("merkel cell", 1),
        ("extrapulmonary", -1),
        ("pancrea*", -1),
    ]
    rule = Source(compile_query(tree), -1, "rule EX-MERKEL", False)  # an exclude rule
    record = next(iter(load_records(ESTROGENS / "records.csv", "csv", source="medline")))
    from dataclasses import replace

    record = replace(record, title="Merkel cell carcinoma of the pancreas", abstract="")
    found = marks(marked_parts(record, [rule], [WordList("your words", include=("carcinoma",))]))
    assert found == {"rule-exclude": {"merkel cell"}, "rule-include": {"pancreas"}, "include": {"carcinoma"}}
