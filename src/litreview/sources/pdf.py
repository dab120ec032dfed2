"""Checking a full-text PDF before anything keeps it: a real PDF, whole, within limits, no active
content, no decompression bomb; its checksum, page count and the text of its first pages.

Every refusal is one :class:`FullTextError` naming the file with a one-line reason. The checks run
cheapest first: the size (from the length, or from ``stat`` for a file on disk, so a 200 MB file is
never read), the magic bytes, the end marker, every Flate stream inflated into a counter (never into
memory), then pypdf under explicit limits for encryption, actions and the text of the first pages.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pypdf import Configuration, PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from litreview.errors import FullTextError

MB = 1024 * 1024
MAX_PDF_BYTES = 100 * MB  # a journal article with figures is a few MB; supplements rarely pass 50
# One decoded stream (a page's content, a Flate image) may hold this much; a scanned A4 page as an
# uncompressed RGB bitmap at 300 dpi is about 26 MB.
MAX_STREAM_BYTES = 80 * MB
MAX_DECODED_BYTES = 1024 * MB  # all streams of one file together: bounds the time the bomb scan takes
FIRST_PAGES = 3  # the title page carries the DOI; references (other records' DOIs) come later
MAX_TEXT_CHARS = 50_000
PAGE_BREAK = "\f"  # between pages in CheckedPdf.text (as pdftotext writes them): the first page is findable
MAX_OBJECTS = 200_000  # objects visited looking for actions: bounds time on a crafted object graph

_HEADER_WINDOW = 1024  # the PDF reference lets the %PDF- header start anywhere in the first KB
_TRAILER_WINDOW = 2048  # ... and readers accept a little junk after %%EOF
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_INFLATE_CHUNK = 64 * 1024
# Action types that run code or open other programs when a viewer opens or touches the file.
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "a Launch action (it opens another program)",
    "/SubmitForm": "a SubmitForm action (it sends data out)",
    "/ImportData": "an ImportData action (it reads another file)",
}  # and a URI action whose address is javascript: (_script_address)
# an action's script; the document's script tree; an XFA form, whose scripts a viewer runs as well
_ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/XFA": "an XFA form (it can run scripts)"}


@dataclass(frozen=True, slots=True)
class CheckedPdf:
    """A PDF that passed every check, with what storing and identifying it needs."""

    name: str
    size: int
    sha256: str
    pages: int
    text: str  # the first pages' text (at most FIRST_PAGES pages, MAX_TEXT_CHARS characters; PAGE_BREAK between)


def check_pdf_file(path: Path | str, max_bytes: int = MAX_PDF_BYTES) -> CheckedPdf:
    """Check a PDF on disk: its size from ``stat`` first, so an oversized file is refused unread."""
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FullTextError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
        raise FullTextError(path, "is not a regular file")
    _check_size(info.st_size, max_bytes, path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)  # a file growing while read is still bounded
    except OSError as exc:
        raise FullTextError(path, f"cannot be read ({exc.strerror or exc})") from None
    return check_pdf(data, str(path), max_bytes)


def check_pdf(data: bytes, name: str, max_bytes: int = MAX_PDF_BYTES) -> CheckedPdf:
    """Check PDF bytes (an upload, a download) and read what identifies them; refuse with a
    :class:`FullTextError` whose message is one line."""
    _check_size(len(data), max_bytes, name)
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise FullTextError(name, f"not a PDF ({_looks_like(data)})")
    if b"%%EOF" not in data[-_TRAILER_WINDOW:]:
        raise FullTextError(name, "truncated: the PDF's end-of-file marker is missing")
    _check_streams(data, name)
    with apply_configuration(_PYPDF_LIMITS):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            _check_encryption(reader, name)
            action = _active_content(reader, name)
            if action:
                raise FullTextError(name, f"holds {action}; a PDF with active content is not kept")
            pages = len(reader.pages)
            text = _first_pages_text(reader, name)
        except FullTextError:
            raise
        except LimitReachedError:
            raise FullTextError(name, _bomb_reason()) from None
        except Exception as exc:  # pypdf's errors on a broken file are many and unrelated classes
            raise FullTextError(name, f"cannot be read as a PDF ({_one_line(exc)})") from None
    if pages < 1:
        raise FullTextError(name, "cannot be read as a PDF (it has no pages)")
    return CheckedPdf(
        name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages, text=text
    )


# pypdf's own guards, set explicitly rather than trusting its defaults (or another caller's
# overrides of them) to stay as they are; applied per call, so other threads are unaffected.
_PYPDF_LIMITS = Configuration(
    maximum_declared_stream_length=MAX_PDF_BYTES,
    array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
    zlib_maximum_output_length=MAX_STREAM_BYTES,
    lzw_maximum_output_length=MAX_STREAM_BYTES,
    run_length_maximum_output_length=MAX_STREAM_BYTES,
    brotli_maximum_output_length=MAX_STREAM_BYTES,
    jbig2_maximum_output_length=MAX_STREAM_BYTES,
    image_maximum_buffer_size=MAX_STREAM_BYTES,
    stream_decoding_work_maximum_length=2 * MAX_STREAM_BYTES,
    jbig2dec_binary=None,  # never hand a hostile file to an external program
)


def _check_size(size: int, max_bytes: int, name: Path | str) -> None:
    if size > max_bytes:
        raise FullTextError(name, f"{size:,} bytes, over the limit of {max_bytes:,} bytes")
    if size == 0:
        raise FullTextError(name, "not a PDF (the file is empty)")


def _looks_like(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "it is an HTML page"
    if head.startswith(b"<?xml"):
        return "it is an XML document"
    if head.startswith(b"pk\x03\x04"):
        return "it is a ZIP archive (a Word or EPUB file?)"
    return "it does not start with %PDF-"


def _check_streams(data: bytes, name: str) -> None:
    """Inflate every Flate stream into a counter: a stream growing past MAX_STREAM_BYTES, or all
    together past MAX_DECODED_BYTES, is a decompression bomb. Memory stays at one chunk."""
    total = 0
    for size in _inflated_sizes(data, MAX_STREAM_BYTES):
        total += size
        if size > MAX_STREAM_BYTES or total > MAX_DECODED_BYTES:
            raise FullTextError(name, _bomb_reason())


def _inflated_sizes(data: bytes, limit: int) -> Iterator[int]:
    """The inflated size of each zlib stream after a ``stream`` keyword, counted up to ``limit`` + 1.
    Streams in other encodings (JPEG, ...) fail at their first bytes and are skipped."""
    view = memoryview(data)
    for match in _STREAM_START.finditer(data):
        inflater = zlib.decompressobj()
        size, pos = 0, match.end()
        try:
            while not inflater.eof and pos < len(data) and size <= limit:
                pending = bytes(view[pos : pos + _INFLATE_CHUNK])
                pos += len(pending)
                # past the stream's end zlib leaves the tail as it was: stop there, not loop
                while pending and size <= limit and not inflater.eof:
                    size += len(inflater.decompress(pending, _INFLATE_CHUNK))
                    pending = inflater.unconsumed_tail
        except zlib.error:
            pass  # not Flate, or a damaged stream: pypdf decides about those
        if size:
            yield size


def _bomb_reason() -> str:
    return f"a decompression bomb: its content inflates beyond {MAX_STREAM_BYTES // MB} MB"


def _check_encryption(reader: PdfReader, name: str) -> None:
    """A file that needs a password to open is refused. One that is encrypted only to restrict
    printing or copying (an empty user password: common in publishers' PDFs) opens, so it passes."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # an unknown cipher, or one needing a missing crypto library
        raise FullTextError(name, f"encrypted in a way litreview cannot open ({_one_line(exc)})") from None
    if not opened:
        raise FullTextError(name, "encrypted: it needs a password to open")


def _active_content(reader: PdfReader, name: str) -> str:
    """What in the object graph would run code in a viewer (JavaScript, a launch action), or ''.
    Walks the dictionaries from the trailer (object streams included, names decoded by pypdf)."""
    stack: list[object] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise FullTextError(name, f"more than {MAX_OBJECTS:,} objects: too complex to check")
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in _ACTIVE_KEYS:
                    return _ACTIVE_KEYS[key]
                if key == "/S":
                    kind = value.get_object() if isinstance(value, IndirectObject) else value
                    if kind in _ACTIVE_ACTIONS:
                        return _ACTIVE_ACTIONS[kind]
                if key == "/URI" and _script_address(value):
                    return "a javascript: link"
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return ""


def _script_address(value: object) -> bool:
    """Whether a URI action's address is script (``javascript:``), however spaced or cased: browsers
    drop blanks, tabs and line breaks in an address before reading its scheme."""
    address = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(address, bytes):
        address = address.decode("latin-1")
    if not isinstance(address, str):
        return False
    return "".join(c for c in address if c > " ").lower().startswith("javascript:")


def _first_pages_text(reader: PdfReader, name: str) -> str:
    parts: list[str] = []
    length = 0
    for page in reader.pages[:FIRST_PAGES]:
        try:
            text = page.extract_text() or ""
        except LimitReachedError:
            raise FullTextError(name, _bomb_reason()) from None
        except Exception:
            text = ""  # a page whose text pypdf cannot read: the file name may still identify it
        parts.append(text)
        length += len(text)
        if length >= MAX_TEXT_CHARS:
            break
    return PAGE_BREAK.join(parts)[:MAX_TEXT_CHARS]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
