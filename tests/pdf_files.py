"""Small real PDFs written by hand for the full-text tests: a text page, and hostile variants.

Written object by object (with a correct cross-reference table) so each hostile feature is exactly
what the test says it is: an OpenAction running JavaScript, a Flate stream built to inflate past the
limit, a file cut in half.
"""

from __future__ import annotations

import io
import zlib

from pypdf import PdfReader, PdfWriter

MB = 1024 * 1024


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def build_pdf(objects: list[bytes]) -> bytes:
    """Objects 1..n (1 is the catalog), the xref table with their offsets, the trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_pdf(*lines: str, catalog: bytes = b"", page: bytes = b"", content: bytes | None = None) -> bytes:
    """One page showing ``lines`` in Helvetica; ``catalog`` and ``page`` add entries to those
    dictionaries, ``content`` replaces the page's content stream object."""
    shown = b"".join(
        b"BT /F1 10 Tf 50 %d Td (%s) Tj ET\n"
        % (750 - 14 * i, line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)"))
        for i, line in enumerate(lines)
    )
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents 5 0 R " + page + b">>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            content if content is not None else stream(shown),
        ]
    )


def deflated_zeros(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros deflated (about 1 KB per MB), built without holding them."""
    deflate = zlib.compressobj(9)
    block = bytes(MB)
    parts = [deflate.compress(block) for _ in range(megabytes)]
    return b"".join([*parts, deflate.flush()])


def encrypted(pdf: bytes, user_password: str) -> bytes:
    """``pdf`` encrypted with AES-128; an empty user password only restricts, it opens without one."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


XFA_SCRIPT = (
    b'<?xml version="1.0"?><xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform name="f">'
    b'<event activity="initialize"><script contentType="application/x-javascript">app.alert("xfa");</script>'
    b"</event></subform></template></xdp:xdp>"
)


def xfa_pdf(script: bytes = XFA_SCRIPT) -> bytes:
    """A one-page PDF whose AcroForm carries an XFA form: Acrobat and Reader run the JavaScript in its
    ``<script>`` elements when the file opens (no ``/JS`` key or ``/S /JavaScript`` action anywhere)."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R /NeedsRendering true >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(b"BT /F1 10 Tf 50 750 Td (An article) Tj ET\n"),
            b"<< /Fields [] /XFA 7 0 R >>",
            stream(script),
        ]
    )
