# cython: language_level=3
"""The walk of one MedlineCitation, compiled: the same parts the pure-Python walk in
pubmed_xml.py reads, read from libxml2's nodes directly instead of through one Python proxy object
per element. pubmed_xml.py uses it when it was built; tests hold the two walks to the same output."""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport strcmp, strlen

from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element, import_lxml__etree

import_lxml__etree()

# pubmed_xml._PLAIN: the parts whose text is the value as it stands
_PLAIN = (b"Title", b"ISOAbbreviation", b"MedlineTA", b"Volume", b"Issue", b"MedlinePgn", b"StartPage", b"EndPage")


cdef inline bint _is(tree.xmlNode* c, const char* name) noexcept:
    return c.type == tree.XML_ELEMENT_NODE and c.ns is NULL and strcmp(<const char*>c.name, name) == 0


cdef inline str _decode(const tree.xmlChar* text):
    if text is NULL:
        return ""
    return PyUnicode_DecodeUTF8(<const char*>text, strlen(<const char*>text), NULL)


cdef object _leading_text(tree.xmlNode* c):
    """lxml's ``element.text``: the text before the first child element, None when there is none."""
    cdef tree.xmlNode* child = c.children
    if child is NULL or child.type != tree.XML_TEXT_NODE:
        return None
    if child.next is NULL or child.next.type != tree.XML_TEXT_NODE:
        return _decode(child.content)  # the common case: one text node
    parts = []
    while child is not NULL and child.type == tree.XML_TEXT_NODE:
        parts.append(_decode(child.content))
        child = child.next
    return "".join(parts)


cdef inline bint _ascii_space(unsigned char b) noexcept:
    return b == 32 or b == 10 or b == 9 or b == 13


cdef str _stripped(tree.xmlNode* c):
    """``(element.text or "").strip()``. ASCII spaces are trimmed before decoding; where a
    non-ASCII character ends the text (it may be a no-break space), str.strip has the last word."""
    cdef tree.xmlNode* child = c.children
    cdef const char* text
    cdef Py_ssize_t start, end
    if child is NULL or child.type != tree.XML_TEXT_NODE:
        return ""
    if child.next is not NULL and child.next.type == tree.XML_TEXT_NODE:
        return _leading_text(c).strip()
    text = <const char*>child.content
    if text is NULL:
        return ""
    start, end = 0, strlen(text)
    while start < end and _ascii_space(<unsigned char>text[start]):
        start += 1
    while end > start and _ascii_space(<unsigned char>text[end - 1]):
        end -= 1
    value = PyUnicode_DecodeUTF8(text + start, end - start, NULL)
    if end > start and (<unsigned char>text[start] >= 128 or <unsigned char>text[end - 1] >= 128):
        return value.strip()
    return value


cdef Py_ssize_t _text_bytes(tree.xmlNode* c) noexcept:
    """How many bytes of text lie inside (text nodes at any depth)."""
    cdef Py_ssize_t total = 0
    while c is not NULL:
        if c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE:
            if c.content is not NULL:
                total += strlen(<const char*>c.content)
        elif c.type == tree.XML_ELEMENT_NODE:
            total += _text_bytes(c.children)
        c = c.next
    return total


cdef inline Py_ssize_t _space_at(const unsigned char* s, Py_ssize_t i, Py_ssize_t n) noexcept:
    """The length in bytes of the whitespace character at s[i] (UTF-8), or 0: the characters
    Python's str.split() splits on (str.isspace), so the result is " ".join(text.split())."""
    cdef unsigned char b = s[i]
    if b == 32 or 9 <= b <= 13 or 28 <= b <= 31:
        return 1
    if b == 0xC2 and i + 1 < n and (s[i + 1] == 0x85 or s[i + 1] == 0xA0):
        return 2  # U+0085, U+00A0
    if i + 2 < n:
        if b == 0xE1 and s[i + 1] == 0x9A and s[i + 2] == 0x80:
            return 3  # U+1680
        if b == 0xE2 and s[i + 1] == 0x80 and (s[i + 2] <= 0x8A or s[i + 2] == 0xA8 or s[i + 2] == 0xA9 or s[i + 2] == 0xAF):
            return 3  # U+2000..U+200A, U+2028, U+2029, U+202F
        if b == 0xE2 and s[i + 1] == 0x81 and s[i + 2] == 0x9F:
            return 3  # U+205F
        if b == 0xE3 and s[i + 1] == 0x80 and s[i + 2] == 0x80:
            return 3  # U+3000
    return 0


cdef void _squeeze_into(tree.xmlNode* c, unsigned char* out, Py_ssize_t* used, bint* gap) noexcept:
    """Copy the text inside ``c`` into ``out`` with every whitespace run made one space and none
    at either end (a run only becomes a space when more text follows)."""
    cdef const unsigned char* text
    cdef Py_ssize_t i, n, width
    cdef Py_ssize_t at = used[0]
    cdef bint pending = gap[0]
    cdef unsigned char b
    while c is not NULL:
        if (c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE) and c.content is not NULL:
            text = <const unsigned char*>c.content
            n = strlen(<const char*>text)
            i = 0
            while i < n:
                b = text[i]
                if 32 < b < 128:  # the common case: printable ASCII, never a space
                    width = 0
                else:
                    width = _space_at(text, i, n)
                if width:
                    pending = at > 0
                    i += width
                else:
                    if pending:
                        out[at] = 32
                        at += 1
                        pending = False
                    out[at] = b
                    at += 1
                    i += 1
        elif c.type == tree.XML_ELEMENT_NODE:
            used[0], gap[0] = at, pending
            _squeeze_into(c.children, out, used, gap)
            at, pending = used[0], gap[0]
        c = c.next
    used[0], gap[0] = at, pending


cdef str _text_of(tree.xmlNode* c):
    """xmlsafe.text_of: all text inside, markup flattened, whitespace collapsed (common.squeeze),
    done on the UTF-8 bytes in one pass and decoded once."""
    cdef Py_ssize_t total = _text_bytes(c.children)
    cdef Py_ssize_t used = 0
    cdef bint gap = False
    cdef unsigned char* out
    if total == 0:
        return ""
    out = <unsigned char*>PyMem_Malloc(total)
    if out is NULL:
        raise MemoryError()
    try:
        _squeeze_into(c.children, out, &used, &gap)
        return PyUnicode_DecodeUTF8(<const char*>out, used, NULL)
    finally:
        PyMem_Free(out)


cdef object _attr(tree.xmlNode* c, const char* name):
    """An attribute without a namespace, as ``element.get(name)``: its text, or None."""
    cdef tree.xmlAttr* attr = c.properties
    cdef tree.xmlNode* text
    while attr is not NULL:
        if attr.ns is NULL and strcmp(<const char*>attr.name, name) == 0:
            value = ""
            text = attr.children
            while text is not NULL:
                value += _decode(text.content)
                text = text.next
            return value
        attr = attr.next
    return None


cdef int _plain_children(tree.xmlNode* parent, dict plain, tuple names) except -1:
    """Each child of ``parent`` named in ``names``: its stripped text under its tag (the last wins)."""
    cdef tree.xmlNode* c = parent.children
    cdef bytes name
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE and c.ns is NULL:
            for name in names:
                if strcmp(<const char*>c.name, name) == 0:
                    plain[_decode(c.name)] = _stripped(c)
                    break
        c = c.next
    return 0


cdef list _authors(tree.xmlNode* author_list):
    """pubmed_xml._author_list, compiled: names as "Last Initials", or the collective name."""
    cdef tree.xmlNode* author = author_list.children
    cdef tree.xmlNode* part
    cdef tree.xmlNode* last
    cdef tree.xmlNode* initials
    cdef tree.xmlNode* fore
    cdef tree.xmlNode* collective
    names = []
    while author is not NULL:
        if _is(author, b"Author"):
            last = initials = fore = collective = NULL
            part = author.children
            while part is not NULL:  # the last of each kind counts, as in the Python walk
                if _is(part, b"LastName"):
                    last = part
                elif _is(part, b"Initials"):
                    initials = part
                elif _is(part, b"ForeName"):
                    fore = part
                elif _is(part, b"CollectiveName"):
                    collective = part
                part = part.next
            group = _leading_text(collective) if collective is not NULL else None
            if group:
                name = " ".join(group.split())
            else:
                family = _stripped(last) if last is not NULL else ""
                given = _leading_text(initials) if initials is not NULL else None
                if given:
                    given = given.strip()
                else:
                    forename = _leading_text(fore) if fore is not NULL else None
                    given = "".join([p[0] for p in forename.split() if p]) if forename else ""
                name = f"{family} {given}" if family and given else family or given
            if name:
                names.append(name)
        author = author.next
    return names


def medline_parts(_Element medline):
    """(pmid, title, plain, year_kind, year_text, doi, pii, language, abstract, authors, pub_types,
    keywords, mesh, has_databank) of a MedlineCitation element, as the Python walk gives them."""
    cdef tree.xmlNode* c = medline._c_node.children
    cdef tree.xmlNode* a
    cdef tree.xmlNode* j
    cdef tree.xmlNode* k
    cdef tree.xmlNode* d
    pmid = title = language = doi = pii = ""
    year_kind = year_text = ""
    plain = {}
    article_plain = {}  # read after the citation's own parts, as in the Python walk, so they win
    abstract = []
    authors = []
    pub_types = []
    keywords = []
    mesh = []
    has_databank = False
    while c is not NULL:
        if c.type != tree.XML_ELEMENT_NODE or c.ns is not NULL:
            pass
        elif _is(c, b"PMID"):
            pmid = pmid or _stripped(c)
        elif _is(c, b"Article"):
            a = c.children
            while a is not NULL:
                if _is(a, b"Journal"):
                    _plain_children(a, article_plain, (b"Title", b"ISOAbbreviation"))
                    j = a.children
                    while j is not NULL:
                        if _is(j, b"JournalIssue"):
                            _plain_children(j, article_plain, (b"Volume", b"Issue"))
                            k = j.children
                            while k is not NULL:
                                if _is(k, b"PubDate"):
                                    d = k.children
                                    while d is not NULL:
                                        if _is(d, b"Year"):
                                            year_kind, year_text = "Year", _leading_text(d) or ""
                                        elif _is(d, b"MedlineDate"):
                                            year_kind, year_text = "MedlineDate", _leading_text(d) or ""
                                        d = d.next
                                k = k.next
                        j = j.next
                elif _is(a, b"ArticleTitle"):
                    title = _text_of(a)
                elif _is(a, b"Pagination"):  # Pagination/*: any plain part, as the Python walk reads it
                    _plain_children(a, article_plain, _PLAIN)
                elif _is(a, b"ELocationID"):
                    kind = _attr(a, b"EIdType")
                    if kind == "doi" and not doi:
                        doi = _stripped(a)
                    elif kind == "pii" and not pii:
                        pii = _stripped(a)
                elif _is(a, b"Abstract"):
                    j = a.children
                    while j is not NULL:
                        if _is(j, b"AbstractText"):
                            label, text = _attr(j, b"Label"), _text_of(j)
                            abstract.append(f"{label}: {text}" if label else text)
                        j = j.next
                elif _is(a, b"AuthorList"):
                    authors = _authors(a)
                elif _is(a, b"Language"):
                    language = language or _stripped(a)
                elif _is(a, b"PublicationTypeList"):
                    j = a.children
                    while j is not NULL:
                        if _is(j, b"PublicationType"):
                            pub_types.append(_stripped(j))
                        j = j.next
                elif _is(a, b"DataBankList"):
                    has_databank = True
                a = a.next
        elif _is(c, b"KeywordList"):
            j = c.children
            while j is not NULL:
                if _is(j, b"Keyword"):
                    keywords.append(_text_of(j))
                j = j.next
        elif _is(c, b"MedlineJournalInfo"):
            _plain_children(c, plain, (b"MedlineTA",))
        elif _is(c, b"MeshHeadingList"):
            j = c.children
            while j is not NULL:
                if _is(j, b"MeshHeading"):
                    k = j.children
                    while k is not NULL:
                        if _is(k, b"DescriptorName"):
                            d = k.children
                            while d is not NULL:
                                if d.type == tree.XML_TEXT_NODE or d.type == tree.XML_CDATA_SECTION_NODE:
                                    mesh.append(_decode(d.content).strip())
                                d = d.next
                        k = k.next
                j = j.next
        c = c.next
    plain.update(article_plain)
    return (pmid, title, plain, year_kind, year_text, doi, pii, language, abstract, authors, pub_types,
            keywords, mesh, has_databank)
