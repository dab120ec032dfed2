import pytest

from litreview.errors import SourceResponseError
from litreview.sources.pubmed import build_efetch, build_esearch, parse_esearch


def test_history_keys_and_translation(data_dir):
    result = parse_esearch((data_dir / "ncbi/entrez/esearch2.xml").read_bytes())
    assert result.count == 42249 and len(result.ids) == 100
    assert result.webenv.startswith("MCID_") and result.query_key == "1"
    assert "[Date - Entry]" in result.query_translation


def test_translation_stack_is_kept(data_dir):
    result = parse_esearch((data_dir / "ncbi/entrez/esearch7.xml").read_bytes())
    assert result.translation_stack and "molecular weight" in result.translation_stack[0]


def test_errors_and_warnings_are_kept(data_dir):
    result = parse_esearch((data_dir / "ncbi/entrez/esearch8.xml").read_bytes())
    assert result.count == 0
    assert any("abcXYZ" in e for e in result.errors)
    assert any("No items found" in w for w in result.warnings)


def test_garbage_is_a_response_error():
    with pytest.raises(SourceResponseError):
        parse_esearch(b"<html>gateway timeout</html>", "x")


def test_esearch_request_has_window_and_history():
    req = build_esearch("nec[tiab]", maxdate="2022/07/18")
    params = dict(req.params)
    assert params["usehistory"] == "y" and params["datetype"] == "edat"
    assert params["maxdate"] == "2022/07/18" and params["mindate"] == "1800/01/01"


def test_efetch_is_a_post_of_pmids():
    req = build_efetch(["1", "22", "333"])
    assert req.method == "POST"
    assert dict(req.params)["id"] == "1,22,333"
    assert build_efetch(["1", "22"]).key() != req.key()
