import pytest

from litreview.config import load_protocol
from litreview.errors import ConfigError
from litreview.pipeline.query_plan import plan_query


def test_accepted_repair_is_applied_and_stated(review_copy):
    protocol = load_protocol(review_copy)
    plan = plan_query(protocol, protocol.source("pubmed"), "pubmed")
    assert plan.repair == ("delete ')' at 1:169",)
    assert plan.written == (review_copy / "medline.txt").read_text()  # the file is never rewritten
    assert plan.term.startswith('(("neuroendocrine carcinoma"') and "'" not in plan.term
    assert plan.evidence()["repair_applied"] == ["delete ')' at 1:169"]


def test_query_changed_after_acceptance_is_refused(review_copy):
    query = review_copy / "medline.txt"
    query.write_text(query.read_text().replace("'SACT'", "'SACT' or 'CTX'"))
    protocol = load_protocol(review_copy)
    with pytest.raises(ConfigError, match="changed since its repair was accepted"):
        plan_query(protocol, protocol.source("pubmed"), "pubmed")


def test_unrepaired_broken_query_names_file_line_and_column(review_copy):
    toml = review_copy / "review.toml"
    text = toml.read_text()
    toml.write_text(text[: text.index("[repairs.pubmed]")] + text[text.index("[reported]") :])
    protocol = load_protocol(review_copy)
    with pytest.raises(ConfigError) as info:
        plan_query(protocol, protocol.source("pubmed"), "pubmed")
    assert "medline.txt:1: E001" in str(info.value) and "column 169" in str(info.value)
    assert "[repairs.pubmed]" in str(info.value)
