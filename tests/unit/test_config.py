import pytest
from tests.conftest import REVIEW

from litreview.config import Settings, load_protocol
from litreview.errors import ConfigError


def test_ep_pd_nec_protocol():
    protocol = load_protocol(REVIEW)
    assert protocol.review_id == "ep_pd_nec"
    assert [s.name for s in protocol.sources] == ["pubmed", "embase", "ctgov"]
    assert protocol.source("pubmed").maxdate == "2022/07/18"
    assert protocol.source("ctgov").maxdate == "2022-08-02"
    assert protocol.reported["databases"] == 258 and protocol.reported["registers"] == 36


def test_query_file_is_the_published_string_byte_for_byte(data_dir):
    published = (data_dir / "review/medline_embase_query_as_published.txt").read_bytes()
    assert (REVIEW / "medline.txt").read_bytes() == published


def test_malformed_toml_names_file_and_line(review_copy):
    path = review_copy / "review.toml"
    lines = path.read_text().splitlines()
    lines[9] = 'id = "unterminated'
    path.write_text("\n".join(lines))
    with pytest.raises(ConfigError) as info:
        load_protocol(review_copy)
    assert "review.toml:10" in str(info.value)


def test_unknown_source_kind(review_copy):
    path = review_copy / "review.toml"
    path.write_text(path.read_text().replace('kind = "ctgov"', 'kind = "scopus"'))
    with pytest.raises(ConfigError, match=r"review\.toml:\d+: sources\[3\]\.kind: must be one of"):
        load_protocol(review_copy)


def test_bad_date(review_copy):
    path = review_copy / "review.toml"
    path.write_text(path.read_text().replace('maxdate = "2022-08-02"', 'maxdate = "Aug 2022"'))
    with pytest.raises(ConfigError, match="not a date"):
        load_protocol(review_copy)


def test_missing_protocol(tmp_path):
    with pytest.raises(ConfigError, match="protocol not found"):
        load_protocol(tmp_path)


def test_settings_hide_the_api_key():
    settings = Settings.from_env({"LITREVIEW_NCBI_API_KEY": "sekret123", "LITREVIEW_EUTILS_URL": "http://x"})
    assert "sekret123" not in repr(settings)
    assert settings.eutils_url == "http://x/"


@pytest.mark.parametrize(
    "fmt", ["ris", "nbib", "pubmed-xml", "endnote-xml", "ctgov-json", "csv", "jsonl", "bibtex"]
)
def test_review_toml_and_the_importers_accept_the_same_formats(review_copy, tmp_path, fmt):
    """One table of readers: a format review.toml accepts can be read, and the other way round."""
    from litreview.sources.importers import FORMATS, load_records

    path = review_copy / "review.toml"
    path.write_text(path.read_text().replace('format = "ris"', f'format = "{fmt}"'))
    if fmt not in FORMATS:
        with pytest.raises(ConfigError, match=r"sources\[2\]\.format: must be one of"):
            load_protocol(review_copy)
        with pytest.raises(ConfigError, match="not supported"):
            list(load_records(tmp_path / "x", fmt, source="x"))
        return
    assert load_protocol(review_copy).source("embase").format == fmt
    empty = tmp_path / "empty"
    empty.write_text("")
    try:
        list(load_records(empty, fmt, source="x"))
    except ConfigError as exc:
        assert "not supported" not in str(exc)
    except Exception:  # an empty file may be refused by the reader itself: it was dispatched
        pass


@pytest.mark.parametrize(
    ("setting", "message"),
    [("reviewers_per_record = 0", "whole number from 1"),
     ('reviewers_per_record = { title_abstract = 2, abstract = 1 }', "unknown stage"),
     ('unblind = ["screening"]', r"screening\.unblind: must be a list drawn from")],
)  # fmt: skip
def test_votes_per_stage_and_unblind_are_checked_with_their_line(review_copy, setting, message):
    path = review_copy / "review.toml"
    text = path.read_text().replace("[screening]\n", f"[screening]\n{setting}\n", 1)
    path.write_text(text)
    line = text.splitlines().index(setting) + 1
    with pytest.raises(ConfigError, match=message) as info:
        load_protocol(review_copy)
    assert f"review.toml:{line}" in str(info.value)
    path.write_text(text.replace(setting, "reviewers_per_record = { title_abstract = 2 }"))
    assert load_protocol(review_copy).screening["reviewers_per_record"] == {"title_abstract": 2}
