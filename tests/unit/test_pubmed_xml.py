import gzip
import io

import pytest

from litreview.errors import RecordParseError
from litreview.sources.pubmed_xml import load_pubmed_xml, parse_pubmed_xml


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
