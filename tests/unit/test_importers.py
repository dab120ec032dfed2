"""Every import format: the record model it yields, and bad files rejected with file and position."""

import tracemalloc
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import DATA

from litreview.errors import ConfigError, RecordParseError
from litreview.sources.common import read_csv_table, squeeze
from litreview.sources.importers import detect_format, load_records

MEDLINE = DATA / "ncbi" / "medline"
ENDNOTE = DATA / "exports" / "endnote_sample.xml"


def test_medline_nbib_records():
    records = list(load_records(MEDLINE / "pubmed_result2.txt", "nbib", source="pubmed"))
    assert len(records) == 4
    first = records[0]
    assert first.record_id == "pubmed:16403221" and first.pmid == "16403221"
    assert first.doi == "10.1186/1471-2105-7-10" and first.year == 2006
    assert first.authors[0] == "Casbon, James A" and "Databases, Protein" in first.mesh
    assert first.abstract.startswith("BACKGROUND") or len(first.abstract) > 100  # continuation lines joined


def test_endnote_xml_records():
    first, second = load_records(ENDNOTE, "endnote-xml", source="endnote")
    assert first.record_id == "endnote:28463756" and first.doi == "10.1016/j.ejca.2017.03.032"
    assert first.authors == ("Walter, T.", "Tougeron, D.") and first.year == 2017
    assert first.journal == "European Journal of Cancer" and first.journal_abbrev == "Eur J Cancer"
    assert first.nct_ids == ("NCT02113800",) and first.keywords == (
        "Neuroendocrine carcinoma",
        "Chemotherapy",
    )
    assert second.record_type == "conference-abstract" and second.record_id.startswith("endnote:h")


def test_csv_bib_dedupe_and_asreview_columns(tmp_path):
    bib = tmp_path / "bib.csv"
    bib.write_text(
        '"ID","title","year","author","pages","volume","number","ENTRYTYPE","journal"\n'
        '"id_1","New insights.",2011,"Zuber, J and Le Quintrec, M","23-35",7,1,"article","Nat Rev Nephrol"\n'
        '"id_2",,2011,"Zuber, J.","23-35",7,1,"article","Nat Rev Nephrol"\n',
        encoding="utf-8",
    )
    one, two = load_records(bib, "csv", source="set")
    assert one.record_id == "set:id_1" and one.authors == ("Zuber, J", "Le Quintrec, M") and one.issue == "1"
    assert two.title == "" and two.authors == ("Zuber, J.",)  # kept: a row without a title is still a study
    asreview = tmp_path / "asreview.csv"
    asreview.write_text(
        "\ufefftitle,abstract,authors,keywords,doi,year\r\nA,Abs,X; Y,k1; k2,https://doi.org/10.1000/ABC,2020\r\n"
    )
    (row,) = load_records(asreview, "csv", source="asr")
    assert row.authors == ("X", "Y") and row.keywords == ("k1", "k2") and row.doi == "10.1000/ABC"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_with_semicolons_or_tabs_reads_as_the_comma_export(tmp_path, delimiter):
    """Excel saves CSV with semicolons where the decimal mark is a comma; some tools export tabs.
    Titles full of commas and semicolons must not mislead the choice: the header decides."""
    rows = [
        ["id", "title", "abstract", "authors", "year"],
        ["1", "Carboplatin, etoposide; and more", "Small cell; large cell, 12 patients", "A; B", "2020"],
        ["2", "Second, with a comma", "", "C", "2021"],
    ]

    def write(name, sep):
        import csv

        with open(tmp_path / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, delimiter=sep).writerows(rows)
        records = load_records(tmp_path / name, "csv", source="x")
        return [(r.record_id, r.title, r.abstract, r.authors, r.year) for r in records]

    expected = write("comma.csv", ",")
    assert [r[1] for r in expected] == ["Carboplatin, etoposide; and more", "Second, with a comma"]
    assert write("other.csv", delimiter) == expected


def test_csv_header_with_a_quoted_semicolon_is_still_comma_separated(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('id,title,"notes; more; and more",abstract\n1,"A, b",x,c\n', encoding="utf-8")
    (record,) = load_records(path, "csv", source="x")
    assert record.title == "A, b" and record.abstract == "c"


WOS_TAGS = [
    "PT",
    "AU",
    "BA",
    "BE",
    "GP",
    "AF",
    "BF",
    "CA",
    "TI",
    "SO",
    "SE",
    "BS",
    "LA",
    "DT",
    "CT",
    "CY",
    "CL",
    "SP",
    "HO",
    "DE",
    "ID",
    "AB",
    "C1",
    "C3",
    "RP",
    "EM",
    "RI",
    "OI",
    "FU",
    "FP",
    "FX",
    "CR",
    "NR",
    "TC",
    "Z9",
    "U1",
    "U2",
    "PU",
    "PI",
    "PA",
    "SN",
    "EI",
    "BN",
    "J9",
    "JI",
    "PD",
    "PY",
    "VL",
    "IS",
    "PN",
    "SU",
    "SI",
    "MA",
    "BP",
    "EP",
    "AR",
    "DI",
    "DL",
    "D2",
    "EA",
    "PG",
    "WC",
    "WE",
    "SC",
    "GA",
    "PM",
    "OA",
    "HC",
    "HP",
    "DA",
    "UT",
]


WOS_ARTICLE = dict(PT="J", AU="Walter, T; Tougeron, D", TI="Poorly differentiated gastro-entero-pancreatic neuroendocrine carcinomas",
                   SO="EUROPEAN JOURNAL OF CANCER", LA="English", DT="Article", DE="Neuroendocrine carcinoma; Chemotherapy",
                   ID="SMALL-CELL CARCINOMA; ETOPOSIDE", AB='Platinum-etoposide is "standard" first line.',
                   PY="2017", VL="79", BP="158", EP="168", DI="10.1016/j.ejca.2017.03.032", PM="28463756",
                   UT="WOS:000402706500019")  # fmt: skip
WOS_ABSTRACT = dict(PT="J", AU="Doe, A", TI='"Real-world" outcomes of NEC: a registry', SO="ANNALS OF ONCOLOGY",
                    DT="Meeting Abstract", ID="SURVIVAL", PY="2019", VL="30", SU="5", UT="WOS:000491295400101")  # fmt: skip


def test_web_of_science_tab_delimited_export(tmp_path):
    """Web of Science's "Tab delimited file" export: field tags, never quoted, a tab after the last
    field. There ID is Keywords Plus (not a record id), UT the accession, PM the PMID, BP/EP the pages."""
    article, abstract = WOS_ARTICLE, WOS_ABSTRACT
    path = tmp_path / "savedrecs.txt"
    lines = ["\t".join(WOS_TAGS) + "\t"] + [
        "\t".join(row.get(t, "") for t in WOS_TAGS) + "\t" for row in (article, abstract)
    ]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert detect_format(path) == "csv"  # by its first line: .txt is also MEDLINE's and RIS's
    first, second = load_records(path, "csv", source="wos")
    assert (
        first.record_id == "wos:28463756"
        and first.pmid == "28463756"
        and first.accession == "WOS:000402706500019"
    )
    assert first.keywords == (
        "Neuroendocrine carcinoma",
        "Chemotherapy",
    )  # author keywords, not Keywords Plus
    assert first.pages == "158-168" and first.doi == "10.1016/j.ejca.2017.03.032" and first.year == 2017
    assert first.authors == ("Walter, T", "Tougeron, D") and first.journal == "EUROPEAN JOURNAL OF CANCER"
    assert (
        first.abstract == 'Platinum-etoposide is "standard" first line.'
        and first.record_type == "journal-article"
    )
    assert (
        second.record_id == "wos:WOS:000491295400101"
        and second.title == '"Real-world" outcomes of NEC: a registry'
    )
    assert second.record_type == "conference-abstract"


def wos_plain_text(records) -> str:
    """Records as Web of Science's "Plain text file" export writes them: one author a line, long
    text wrapped onto lines indented by three spaces, each record closed by ER."""
    import textwrap

    lines = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for record in records:
        for tag, value in record.items():
            if tag == "AU":
                parts = value.split("; ")
            else:
                parts = textwrap.wrap(value, 30, break_long_words=False, break_on_hyphens=False)
            lines += [f"{tag} {parts[0]}"] + [f"   {part}" for part in parts[1:]]
        lines += ["ER", ""]
    return "\ufeff" + "\n".join([*lines, "EF"]) + "\n"


def test_web_of_science_plain_text_gives_the_records_its_tab_delimited_export_does(tmp_path):
    plain = tmp_path / "savedrecs.txt"
    plain.write_text(wos_plain_text([WOS_ARTICLE, WOS_ABSTRACT]), encoding="utf-8")
    assert detect_format(plain) == "wos-text"
    table = tmp_path / "savedrecs.tsv"
    table.write_text("\n".join(["\t".join(WOS_TAGS)] + ["\t".join(r.get(t, "") for t in WOS_TAGS) for r in (WOS_ARTICLE, WOS_ABSTRACT)]), encoding="utf-8")  # fmt: skip

    def fields(path, fmt):
        return [replace(r, provenance=None) for r in load_records(path, fmt, source="wos")]

    assert fields(plain, "wos-text") == fields(table, "csv")
    first, second = load_records(plain, "wos-text", source="wos")
    assert first.title == WOS_ARTICLE["TI"] and first.authors == (
        "Walter, T",
        "Tougeron, D",
    )  # wrapped text rejoined
    assert (
        first.keywords == ("Neuroendocrine carcinoma", "Chemotherapy")
        and second.record_type == "conference-abstract"
    )
    ciw = tmp_path / "export.ciw"  # the "EndNote Desktop" export: the same text
    ciw.write_text(plain.read_text(encoding="utf-8"), encoding="utf-8")
    assert detect_format(ciw) == "wos-text"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PT J\nTI A study\nUT WOS:1\n", r"cut.txt:1 \(record 1\): record not closed by ER"),
        (
            "PT J\nTI A study\nUT WOS:1\nER\n\nPT J\nTI B\n  half indented\n",
            r"cut.txt:8: not a Web of Science tagged line",
        ),
        ("PT J\nTI No accession\nER\n", r"cut.txt:1 \(record 1\): record has no UT"),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n", r"cut.txt: no Web of Science records"),
    ],
)
def test_a_broken_web_of_science_file_is_refused_with_its_line(tmp_path, text, message):
    path = tmp_path / "cut.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecordParseError, match=message):
        list(load_records(path, "wos-text", source="wos"))


def test_a_tab_delimited_field_spanning_lines_is_refused_with_its_line(tmp_path):
    path = tmp_path / "excel.tsv"
    path.write_text('id\ttitle\tabstract\n1\tA\t"two\nlines"\n2\tB\tc\n', encoding="utf-8")
    with pytest.raises(
        RecordParseError, match=r"excel.tsv:3 \(record 2\): row has fewer fields than the header"
    ):
        list(load_records(path, "csv", source="x"))


def test_scopus_csv_export(tmp_path):
    header = ("Authors,Author full names,Author(s) ID,Title,Year,Source title,Volume,Issue,Art. No.,Page start,Page end,"
              "Page count,Cited by,DOI,Link,Abstract,Author Keywords,Index Keywords,PubMed ID,"
              "Language of Original Document,Abbreviated Source Title,Document Type,Publication Stage,Open Access,Source,EID")  # fmt: skip
    rows = [
        {"Authors": "Walter T.; Tougeron D.", "Title": "Poorly differentiated carcinomas", "Year": "2017",
         "Source title": "European Journal of Cancer", "Volume": "79", "Page start": "158", "Page end": "168",
         "DOI": "10.1016/j.ejca.2017.03.032", "Abstract": "Platinum, etoposide.", "Author Keywords": "NEC; Chemotherapy",
         "Index Keywords": "etoposide", "PubMed ID": "28463756", "Language of Original Document": "English",
         "Document Type": "Article", "Source": "Scopus", "EID": "2-s2.0-85018463612"},
        {"Authors": "Doe A.", "Title": "Registry outcomes", "Year": "2019", "Source title": "Annals of Oncology",
         "Document Type": "Conference Paper", "Source": "Scopus", "EID": "2-s2.0-85075000000"},
    ]  # fmt: skip
    import csv

    path = tmp_path / "scopus.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=header.split(","))
        writer.writeheader()
        writer.writerows(rows)
    first, second = load_records(path, "csv", source="scopus")
    assert first.pmid == "28463756" and first.accession == "2-s2.0-85018463612" and first.pages == "158-168"
    assert first.keywords == ("NEC", "Chemotherapy") and first.journal == "European Journal of Cancer"
    assert first.language == "English" and first.authors == ("Walter T.", "Tougeron D.")
    assert second.record_id == "scopus:2-s2.0-85075000000" and second.record_type == "conference-abstract"
    (before_2023,) = load_records(write_csv(tmp_path / "old.csv", header.split(","), [{**rows[0], "Authors": "Walter T., Tougeron D., Ruszniewski P."}]), "csv", source="s")  # fmt: skip
    assert before_2023.authors == (
        "Walter T.",
        "Tougeron D.",
        "Ruszniewski P.",
    )  # Scopus's separator before 2023


@pytest.mark.parametrize("authors", ["Wright Jr., T C", "Smith, J. W., 2nd", "Savell, V. H., Jr."])
def test_a_bibtex_name_with_a_suffix_is_not_split_as_scopus_initials(authors):
    """Names as bib-dedupe's labelled sets write them: the comma before a suffix is no separator."""
    from litreview.sources.csv_records import split_authors

    assert split_authors(authors) == (authors,)
    assert split_authors(f"{authors} and Doe, A") == (authors, "Doe, A")


def write_csv(path, header, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_zotero_csv_export(tmp_path):
    header = ["Key", "Item Type", "Publication Year", "Author", "Title", "Publication Title", "ISBN", "ISSN", "DOI",
              "Url", "Abstract Note", "Date", "Date Added", "Pages", "Num Pages", "Issue", "Volume",
              "Journal Abbreviation", "Language", "Type", "Library Catalog", "Extra", "Notes", "Manual Tags",
              "Automatic Tags"]  # fmt: skip
    rows = [
        {"Key": "ABCD1234", "Item Type": "journalArticle", "Publication Year": "2017", "Author": "Walter, T.; Tougeron, D.",
         "Title": "Poorly differentiated carcinomas", "Publication Title": "European Journal of Cancer",
         "DOI": "10.1016/j.ejca.2017.03.032", "Abstract Note": "Platinum, etoposide.", "Date": "2017-07",
         "Pages": "158-168", "Volume": "79", "Language": "eng", "Library Catalog": "PubMed",
         "Extra": "PMID: 28463756", "Manual Tags": "NEC; Chemotherapy"},
        {"Key": "EFGH5678", "Item Type": "conferencePaper", "Publication Year": "2019", "Author": "Doe, A.",
         "Title": "Registry outcomes", "Publication Title": "Annals of Oncology", "Type": "Poster"},
    ]  # fmt: skip
    first, second = load_records(write_csv(tmp_path / "zotero.csv", header, rows), "csv", source="z")
    assert first.record_id == "z:ABCD1234" and first.pmid == "28463756" and first.year == 2017
    assert first.abstract == "Platinum, etoposide." and first.journal == "European Journal of Cancer"
    assert first.keywords == ("NEC", "Chemotherapy") and first.record_type == "journal-article"
    assert second.record_type == "conference-abstract" and second.pmid == ""


def test_covidence_csv_export(tmp_path):
    header = ["Title", "Authors", "Abstract", "Published Year", "Published Month", "Journal", "Volume", "Issue",
              "Pages", "Accession Number", "DOI", "Ref", "Covidence #", "Study", "Notes", "Tags"]  # fmt: skip
    rows = [{"Title": "Poorly differentiated carcinomas", "Authors": "Walter T; Tougeron D", "Abstract": "Platinum.",
             "Published Year": "2017", "Journal": "Eur J Cancer", "Accession Number": "28463756",
             "DOI": "10.1016/j.ejca.2017.03.032", "Covidence #": "#1042", "Study": "Walter 2017"}]  # fmt: skip
    (record,) = load_records(write_csv(tmp_path / "covidence.csv", header, rows), "csv", source="cov")
    assert record.record_id == "cov:#1042" and record.year == 2017 and record.accession == "28463756"
    assert record.authors == ("Walter T", "Tougeron D") and record.journal == "Eur J Cancer"


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("nbib", "", "no MEDLINE records"),
        ("nbib", "PMID- 1\nTI  - ok\n\nTI  - no pmid\n", "no PMID"),
        ("nbib", "PMID- 1\nthis is not medline\n", "not a MEDLINE line"),
        ("csv", "title,doi\n", "no rows"),
        ("csv", "name,colour\nx,y\n", "no title or doi column"),
        ("csv", 'title,doi\n"unclosed,x\n', "malformed CSV"),
        ("csv", "title,doi\na,b,c\n", "more fields than the header"),
        ("csv", "id,title,doi\n7,,\n", "no bibliographic field"),
        ("endnote-xml", "<xml><records><record><titles><title>cut", "truncated XML"),
        ("endnote-xml", "<xml><records></records></xml>", "no EndNote"),
        (
            "endnote-xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><xml><records/></xml>',
            "entity declarations",
        ),
    ],
)
def test_bad_files_name_the_file_and_position(tmp_path, fmt, content, message):
    path = tmp_path / f"bad.{fmt}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RecordParseError, match=message) as info:
        list(load_records(path, fmt, source="x"))
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("fmt", "record", "bad_line"),
    [("nbib", "PMID- {i}\nTI  - {title}\n\n", 2), ("csv", "{title},10.1000/{i}\n", 1),
     ("ris", "TY  - JOUR\nTI  - {title}\nER  - \n", 2)],
)  # fmt: skip
def test_wrong_encoding_names_the_exact_line(tmp_path, fmt, record, bad_line):
    """The one Latin-1 byte sits thousands of lines in, past the block a text stream decodes ahead."""
    path = tmp_path / f"latin1.{fmt}"
    lines = ["title,doi\n"] if fmt == "csv" else []
    for i in range(3000):
        lines.append(record.format(i=i, title="caf\xe9" if i == 2000 else f"title {i}"))
    path.write_bytes("".join(lines).encode("latin-1"))
    expected = len("".join(lines[: 2000 + (fmt == "csv")]).splitlines()) + bad_line
    with pytest.raises(RecordParseError, match="not UTF-8 text: byte 0xE9") as info:
        list(load_records(path, fmt, source="x"))
    assert info.value.line == expected


def test_format_detection(tmp_path):
    assert detect_format(MEDLINE / "pubmed_result1.txt") == "nbib"
    assert detect_format(ENDNOTE) == "endnote-xml"
    assert detect_format(DATA / "ncbi" / "pubmed_baseline" / "pubmed-29768149.xml") == "pubmed-xml"
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    with pytest.raises(ConfigError, match="cannot tell the format"):
        detect_format(odd)


def test_large_nbib_streams_in_bounded_memory(tmp_path):
    template = (MEDLINE / "pubmed_result1.txt").read_text().strip()
    plain = tmp_path / "big.nbib"
    with open(plain, "w") as out:
        for i in range(5_000):
            out.write(template.replace("PMID- 12230038", f"PMID- {30_000_000 + i}") + "\n\n")
    tracemalloc.start()
    count = sum(1 for _ in load_records(plain, "nbib", source="pubmed"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 5_000 and peak < 2_000_000  # under 2 MB for a 6 MB file: streamed, not loaded
    assert plain.stat().st_size > 6_000_000


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_squeeze_collapses_every_whitespace_run(text):
    """The fast path (printable ASCII) gives what splitting on any Unicode whitespace gives."""
    assert squeeze(text) == " ".join(text.split())
    assert squeeze("50\xa0mg ") == "50 mg" and squeeze("a  b\n") == "a b"


@pytest.mark.parametrize("rows_before", [0, 2])
def test_an_unclosed_quote_names_the_line_its_row_begins_on(tmp_path, rows_before):
    """The reader runs to the end of the file looking for the closing quote; the line to fix is the
    row's first, not the last line read nor the last good row's."""
    lines = ["id,title,doi"] + [f"{i},Fine title {i},10.1000/x{i}" for i in range(rows_before)]
    lines += ['9,"Unclosed title, 2020,10.1000/y', "10,Next title,10.1000/z", "11,Last,10.1000/w"]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = rows_before + 2
    with pytest.raises(RecordParseError, match=rf"export\.csv:{line}: malformed CSV: a quoted field opened"):
        list(load_records(path, "csv", source="x"))
    with pytest.raises(RecordParseError, match=rf"export\.csv:{line}: malformed CSV: a quoted field opened"):
        read_csv_table(path)


def test_the_protocol_and_the_readers_name_the_same_formats():
    # review.toml's `format` is checked against config.FILE_FORMATS; each must have a reader
    from litreview.config import FILE_FORMATS
    from litreview.sources.importers import FORMATS

    assert sorted(FORMATS) == sorted(FILE_FORMATS)


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("phdthesis", "thesis"),  # BibTeX
        ("mastersthesis", "thesis"),
        ("Dissertation/Thesis", "thesis"),  # ProQuest
        ("thesis", "thesis"),  # Zotero
        ("incollection", "book-chapter"),
        ("Book Chapter", "book-chapter"),  # Scopus, Web of Science
        ("bookSection", "book-chapter"),  # Zotero
        ("book", "book"),
        ("Edited Book", "book"),
        ("Book Review", "journal-article"),  # a journal's review of a book is no book
        ("Proceedings Paper", "conference-abstract"),
        ("Article", "journal-article"),
        ("misc", "journal-article"),  # a preprint, a web page: anything
        ("techreport", "report"),  # BibTeX
        ("Technical Report", "report"),
        ("Case Reports", "journal-article"),  # PubMed's publication type: an article
        ("Trial registry record", "registry-record"),  # a trial registry's entry as a database labels it
        ("Clinical Trial Registration", "registry-record"),
        ("Clinical Trial", "journal-article"),  # a trial's report, not its registry entry
    ],
)
def test_a_csv_exports_item_type_is_kept_as_the_record_type(tmp_path, label, kind):
    path = write_csv(tmp_path / "x.csv", ["ID", "title", "year", "ENTRYTYPE"], [
        {"ID": "k1", "title": "Organising couriers", "year": "2021", "ENTRYTYPE": label}])  # fmt: skip
    (record,) = load_records(path, "csv", source="scholar")
    assert record.record_type == kind


def test_ris_and_endnote_theses_books_and_chapters_keep_their_type(tmp_path):
    ris = tmp_path / "x.ris"
    ris.write_text(
        "".join(
            f"TY  - {ty}\nTI  - Item {ty}\nPY  - 2020\nER  - \n\n"
            for ty in ("THES", "CHAP", "BOOK", "JOUR", "RPRT")
        )
    )
    assert [r.record_type for r in load_records(ris, "ris", source="r")] == [
        "thesis", "book-chapter", "book", "journal-article", "report"]  # fmt: skip
    names = ("Thesis", "Book Section", "Book", "Journal Article", "Conference Proceedings", "Report")
    records = "".join(
        f'<record><ref-type name="{n}">0</ref-type><titles><title>Item {n}</title></titles>'
        f"<dates><year>2020</year></dates></record>"
        for n in names
    )
    xml = tmp_path / "x.xml"
    xml.write_text(f'<?xml version="1.0" encoding="UTF-8"?><xml><records>{records}</records></xml>')
    assert [r.record_type for r in load_records(xml, "endnote-xml", source="e")] == [
        "thesis", "book-chapter", "book", "journal-article", "conference-abstract", "report"]  # fmt: skip


def test_a_ris_records_work_type_trial_registry_record_makes_it_a_registry_entry(tmp_path):
    ris = tmp_path / "x.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - Yoga for Glycaemic Control (YOGA-DM)\nM3  - Trial registry record\nPY  - 2021\nER  - \n\n"
        "TY  - JOUR\nTI  - Yoga and glycaemic control\nM3  - Journal Article\nPY  - 2022\nER  - \n"
    )
    assert [r.record_type for r in load_records(ris, "ris", source="central")] == [
        "registry-record", "journal-article"]  # fmt: skip
