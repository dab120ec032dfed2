import pytest
from tests.conftest import REVIEW

from litreview.query.evaluate import SearchableRecord, compile_query, explain, normalise, record_texts
from litreview.query.parser import parse
from litreview.query.repair import propose_repair
from litreview.records import Citation
from litreview.sources.pubmed_xml import load_pubmed_xml

RECORD = Citation(
    record_id="t:1",
    source="t",
    native_id="1",
    title="Poorly-differentiated neuroendocrine carcinoma: first-line chemotherapy",
    abstract="Patients with extrapulmonary NEC received etoposide and cisplatin. Colour and color vary.",
    keywords=("EP-PD-NEC",),
    mesh=("Carcinoma, Neuroendocrine", "Humans"),
    pub_types=("Journal Article", "Review"),
    language="eng",
    year=2021,
)


def matches(query: str, record=RECORD) -> bool:
    return compile_query(parse(query)).match(SearchableRecord(record))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"poorly differentiated"', True),  # hyphen = space
        ("POORLY-DIFFERENTIATED", True),  # case-insensitive
        ('"differentiated poorly"', False),  # phrase order
        ('"neuroendocrine carcinoma"[ti]', True),
        ('"neuroendocrine carcinoma"[ab]', False),
        ("chemo*", True),
        ("chemo", False),  # a word, not a prefix
        ("etopo*[tiab]", True),
        ("colou#r", False),  # exactly one letter
        ("colo#r", True),
        ("colo?r", True),  # zero or one letter: color and colour
        ("colo$1r", True),
        ("ep-pd-nec[ot]", True),
        ('"Carcinoma, Neuroendocrine"[mh]', True),
        ("Neuroendocrine[mh]", False),  # a heading matches whole
        ("review[pt]", True),
        ("english[la]", True),
        ("french[la]", False),
        ("2020:2022[dp]", True),
        ("2022:2023[dp]", False),
        ("neuroendocrine NOT cisplatin", False),
        ("neuroendocrine AND (lung OR cisplatin)", True),
        ("(etoposide adj2 cisplatin).ab.", True),  # adj2: at most one word between
        ("(etoposide adj1 cisplatin).ab.", False),
        ("(cisplatin adj2 etoposide).ab.", True),  # unordered
        ("cisplatin NEXT/1 etoposide", False),  # Embase NEXT is ordered
        ("1 neuroendocrine\n2 limit 1 to english", True),
        ("1 neuroendocrine\n2 limit 1 to french", False),
    ],
)
def test_term_semantics(query, expected):
    assert matches(query) is expected


def test_normalise_separates_every_punctuation_run():
    assert normalise("EP-PD-NEC, (Ki-67)") == " ep pd nec ki 67 "


def test_published_query_on_the_snapshot_agrees_with_explain():
    query = compile_query(parse(propose_repair((REVIEW / "medline.txt").read_text()).text))
    records = list(load_pubmed_xml(next((REVIEW / "snapshot" / "pubmed").glob("efetch*.xml"))))
    ids = set(query.run(records))
    assert 0 < len(ids) < len(records)
    for record in records:
        why = explain(query, record)
        assert why.matched is (record.record_id in ids)
        # a match needs every top-level clause to hold; a miss has at least one failing clause
        assert all(held for _, held in why.clauses) is why.matched
        for hit in why.hits:
            assert any(raw[hit.start : hit.end] == hit.text for raw in record_texts(record, hit.field))


def test_explain_names_field_and_span():
    why = explain(compile_query(parse('"poorly differentiated"[ti] AND cisplatin')), RECORD)
    assert why.matched
    spans = {(h.field, h.text) for h in why.hits}
    assert ("title", "Poorly-differentiated") in spans and ("abstract", "cisplatin") in spans


def test_local_approximations_are_noted():
    query = compile_query(parse("exp Neoplasms/ AND x\n"))
    assert any("narrower headings" in note for note in query.notes)
