import gzip
import io
import os

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.conftest import REVIEW

from litreview.errors import RecordParseError
from litreview.sources.pubmed_xml import load_pubmed_xml, parse_pubmed_xml, python_medline_parts


def test_efetch_fixture_fields(data_dir):
    records = list(load_pubmed_xml(data_dir / "ncbi/entrez/pubmed2.xml"))
    assert len(records) == 2  # one PubmedBookArticle, one PubmedArticle
    article = next(r for r in records if r.record_type != "book")
    assert article.record_id == "pubmed:11748933"
    assert article.doi == "10.1006/cryo.2001.2328"
    assert article.authors[:2] == ("Taddei AR", "Barbato F")
    assert article.journal_abbrev == "Cryobiology"
    assert article.year == 2001 and article.volume == "42" and article.pages == "244-55"
    assert article.mesh and "Journal Article" in article.pub_types
    assert article.provenance is not None and article.provenance.index >= 1


def test_databank_nct_ids_are_read(data_dir):
    (record,) = load_pubmed_xml(data_dir / "ncbi/pubmed_baseline/pubmed-29768149.xml")
    assert record.nct_ids == ("NCT02149199",)
    assert record.abstract  # structured abstract sections joined


def test_gzipped_baseline_streams_every_citation(data_dir):
    records = list(load_pubmed_xml(data_dir / "ncbi/pubmed_baseline/medline16n0902.xml.gz"))
    assert len(records) == 604
    assert len({r.pmid for r in records}) == 604
    assert all(r.title for r in records)


def test_truncated_xml_names_file_and_record(data_dir, tmp_path):
    blob = (data_dir / "ncbi/entrez/pubmed2.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(blob[: len(blob) * 2 // 3])
    with pytest.raises(RecordParseError) as info:
        list(load_pubmed_xml(cut))
    assert "cut.xml" in str(info.value) and info.value.index is not None


def test_truncated_gzip_is_an_error(data_dir, tmp_path):
    blob = (data_dir / "ncbi/pubmed_baseline/medline16n0902.xml.gz").read_bytes()
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(RecordParseError):
        list(load_pubmed_xml(cut))


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_entity_declarations_are_rejected(doctype):
    xml = f'<?xml version="1.0"?>\n{doctype}\n<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>'
    with pytest.raises(RecordParseError, match="entity"):
        list(parse_pubmed_xml(io.BytesIO(xml.encode()), payload="bomb.xml"))


def test_article_without_pmid_is_an_error():
    xml = b"<PubmedArticleSet><PubmedArticle><MedlineCitation/></PubmedArticle></PubmedArticleSet>"
    with pytest.raises(RecordParseError, match="record 1"):
        list(parse_pubmed_xml(io.BytesIO(xml), payload="x.xml"))


def test_gzip_detected_by_magic_not_name(data_dir, tmp_path):
    plain = (data_dir / "ncbi/entrez/pubmed1.xml").read_bytes()
    odd = tmp_path / "export.dat"
    odd.write_bytes(gzip.compress(plain))
    assert len(list(load_pubmed_xml(odd))) == 2


def test_parts_are_read_from_their_own_places_only():
    """Author forms, and look-alike elements elsewhere (investigators, comment PMIDs, reference
    ids, other dates) that must not leak into the citation."""
    xml = b"""<PubmedArticleSet><PubmedArticle><MedlineCitation>
      <PMID>1</PMID><DateCompleted><Year>1999</Year></DateCompleted>
      <Article><Journal><JournalIssue><Volume>7</Volume><PubDate><MedlineDate>2001 Winter-2002</MedlineDate></PubDate>
      </JournalIssue><Title>J Full</Title></Journal><ArticleTitle>A <i>b</i>
        c</ArticleTitle>
      <Pagination><StartPage>5</StartPage><EndPage>9</EndPage></Pagination>
      <AuthorList>
        <Author><LastName>Smith</LastName><ForeName>Anna Beth</ForeName></Author>
        <Author><CollectiveName>The  Trial
          Group</CollectiveName></Author>
        <Author><LastName>Jones</LastName><ForeName>Carl</ForeName><Initials>CD</Initials></Author>
        <Author><Initials>QX</Initials></Author>
        <Author><LastName>Lee</LastName></Author>
      </AuthorList></Article>
      <CommentsCorrectionsList><CommentsCorrections><PMID>2</PMID></CommentsCorrections></CommentsCorrectionsList>
      <MeshHeadingList><MeshHeading><DescriptorName> Humans </DescriptorName><QualifierName>x</QualifierName>
      </MeshHeading></MeshHeadingList>
      <InvestigatorList><Investigator><LastName>Ghost</LastName><Initials>G</Initials></Investigator></InvestigatorList>
    </MedlineCitation><PubmedData>
      <History><PubMedPubDate PubStatus="received"><Year>2000</Year></PubMedPubDate>
        <PubMedPubDate PubStatus="entrez"><Year>2001</Year><Month>3</Month><Day>4</Day></PubMedPubDate></History>
      <ArticleIdList><ArticleId IdType="pubmed">1</ArticleId><ArticleId IdType="doi">10.1/x</ArticleId></ArticleIdList>
      <ReferenceList><Reference><ArticleIdList><ArticleId IdType="pmc">PMC9</ArticleId></ArticleIdList></Reference>
      </ReferenceList></PubmedData></PubmedArticle></PubmedArticleSet>"""
    (record,) = parse_pubmed_xml(io.BytesIO(xml))
    assert record.pmid == "1" and record.title == "A b c" and record.journal == "J Full"
    assert record.authors == ("Smith AB", "The Trial Group", "Jones CD", "QX", "Lee")
    assert record.year == 2001 and record.volume == "7" and record.pages == "5-9"
    assert record.mesh == ("Humans",) and record.doi == "10.1/x" and record.pmcid == ""
    assert record.entrez_date == "2001-03-04"


# -- the compiled MedlineCitation walk --------------------------------------------------------------


def _compiled_walk():
    try:
        from litreview.sources._medline_walk import medline_parts
    except ImportError:
        return None
    return medline_parts


def test_compiled_walk_is_built_where_ci_runs():
    """CI installs with a C compiler: there the compiled walk must exist, or the tests below
    would silently compare the Python walk with itself."""
    if os.environ.get("CI"):
        assert _compiled_walk() is not None


def _medline_elements(data_dir):
    from litreview.sources.pubmed_xml import ARTICLE_TAGS

    paths = sorted((data_dir / "ncbi").rglob("*.xml*")) + sorted(REVIEW.rglob("efetch*.xml"))
    for path in paths:
        blob = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        if not any(tag.encode() in blob for tag in ARTICLE_TAGS):
            continue
        for remove_blank_text in (True, False):
            root = etree.fromstring(blob, etree.XMLParser(remove_blank_text=remove_blank_text))
            yield from root.iter("MedlineCitation")


def test_both_walks_know_the_same_plain_parts():
    if _compiled_walk() is None:
        pytest.skip("the compiled walk was not built (no C compiler at install)")
    from litreview.sources import _medline_walk, pubmed_xml

    assert {name.decode() for name in _medline_walk._PLAIN} == pubmed_xml._PLAIN


def test_compiled_walk_reads_every_shipped_record_as_the_python_walk_does(data_dir):
    walk = _compiled_walk()
    if walk is None:
        pytest.skip("the compiled walk was not built (no C compiler at install)")
    records = list(_medline_elements(data_dir))
    assert len(records) > 600
    for medline in records:
        assert walk(medline) == python_medline_parts(medline), medline.findtext("PMID")


def _element(name: str, children: list[str], attrs: str = "") -> str:
    return f"<{name}{attrs}>{''.join(children)}</{name}>"


# Every character Python's str.split() splits on that XML allows, and near misses (zero-width and
# other spaces str.isspace() rejects, neighbours of U+2028 and U+202F in UTF-8).
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\x0b\x0c\x1c\x1d\x1e\x1f")
NEAR_MISSES = "\u200b\u180e\u2060\ufeff\u2030\u200c\u2027\u202a\u00e9\u1681\u3001"
TEXT = st.one_of(
    st.sampled_from(
        ["", " ", "Smith", " padded ", "two  spaces", "caf\u00e9", "A&amp;B", "x<i>italic</i>y", "<![CDATA[raw]]>",
         "a<!-- note -->b", "line\nbreak", "<b></b>", "NCT01234567", "2019", "2019 Jan-Feb"]
    ),
    st.text(alphabet=SPACES + NEAR_MISSES + "ab<", max_size=12).map(lambda t: t.replace("<", "<i>x</i>")),
)  # fmt: skip


def _leaf(name: str) -> st.SearchStrategy[str]:
    attrs = st.sampled_from(
        ["", ' EIdType="doi"', ' EIdType="pii"', ' Label="METHODS"', ' Label=""', ' x:y="1" xmlns:x="urn:x"']
    )
    return st.builds(lambda t, a: f"<{name}{a}>{t}</{name}>", TEXT, attrs)


def _shuffled(items: list[str], order) -> list[str]:
    order.shuffle(items)
    return items


def _some(*names: str, most: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(st.one_of(*[_leaf(n) for n in names]), max_size=most)


AUTHOR = st.builds(
    lambda parts: _element("Author", parts, ' ValidYN="Y"'),
    _some("LastName", "ForeName", "Initials", "CollectiveName", "Suffix", "AffiliationInfo", most=5),
)
ARTICLE = st.builds(
    lambda journal, issue, date, rest, authors, order: _element(
        "Article",
        _shuffled(
            [
                _element("Journal", [*journal, _element("JournalIssue", [*issue, _element("PubDate", date)])]),
                _element("AuthorList", authors),
                *rest,
            ],
            order,
        ),
    ),
    _some("Title", "ISOAbbreviation", "ISSN"),
    _some("Volume", "Issue"),
    _some("Year", "MedlineDate", "Month"),
    st.lists(
        st.one_of(
            _leaf("ArticleTitle"), _leaf("ELocationID"), _leaf("Language"), _leaf("VernacularTitle"),
            st.builds(lambda p: _element("Pagination", p), _some("MedlinePgn", "StartPage", "EndPage", "Other", "Volume", "Title")),
            st.builds(lambda p: _element("Abstract", p), _some("AbstractText", "CopyrightInformation")),
            st.builds(lambda p: _element("PublicationTypeList", p), _some("PublicationType")),
            st.builds(lambda p: _element("DataBankList", p), _some("DataBank")),
            TEXT.map(lambda t: f'<x:ArticleTitle xmlns:x="urn:x">{t}</x:ArticleTitle>'),
        ),
        max_size=8,
    ),
    st.lists(AUTHOR, max_size=4),
    st.randoms(use_true_random=False),
)  # fmt: skip
MEDLINE = st.builds(
    lambda pmids, articles, rest: _element("MedlineCitation", [*pmids, *articles, *rest]),
    _some("PMID", most=2),
    st.lists(ARTICLE, max_size=2),
    st.lists(
        st.one_of(
            st.builds(lambda p: _element("KeywordList", p), _some("Keyword")),
            st.builds(lambda p: _element("MedlineJournalInfo", p), _some("MedlineTA", "Country")),
            st.builds(
                lambda names: _element("MeshHeadingList", [_element("MeshHeading", [n]) for n in names]),
                st.lists(_leaf("DescriptorName"), max_size=3),
            ),
        ),
        max_size=4,
    ),
)


@settings(max_examples=300, deadline=None)
@given(xml=MEDLINE, remove_blank_text=st.booleans())
# the Python walk reads every child of Pagination whose tag is a plain part, not just the page ones
@example(
    xml="<MedlineCitation><PMID>1</PMID><Article><Pagination><Volume>9</Volume></Pagination></Article></MedlineCitation>",
    remove_blank_text=True,
)
# ... and the article's parts come after the citation's own, so a stray MedlineTA there wins
@example(
    xml="<MedlineCitation><PMID>1</PMID><Article><Pagination><MedlineTA>A</MedlineTA></Pagination></Article>"
    "<MedlineJournalInfo><MedlineTA>B</MedlineTA></MedlineJournalInfo></MedlineCitation>",
    remove_blank_text=True,
)
def test_compiled_walk_reads_generated_records_as_the_python_walk_does(xml, remove_blank_text):
    """Markup, CDATA, comments, entities, Unicode spaces, repeated and empty parts, namespaced
    look-alikes, parts in any order: the compiled walk gives what the Python walk gives."""
    walk = _compiled_walk()
    if walk is None:
        pytest.skip("the compiled walk was not built (no C compiler at install)")
    medline = etree.fromstring(xml, etree.XMLParser(remove_blank_text=remove_blank_text))
    assert walk(medline) == python_medline_parts(medline)
