"""Safe XML reading: no DTD loading, no network, no entity expansion, no entity declarations.

Untrusted exports can carry billion-laughs entity bombs or external entities that read local
files. We refuse any document whose prologue declares entities, and parse with lxml set never to
resolve entities, load DTDs or touch the network.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from litreview.errors import RecordParseError
from litreview.sources.common import squeeze

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PROLOGUE_BYTES = 64 * 1024


# Real exports compress 5-15 times; a file that inflates far more is built to exhaust memory or disk.
GZIP_MAX_RATIO = 100
_GZIP_FLOOR = 16 * 1024 * 1024  # small outputs may compress well: no check below this much
# No bibliographic record is this large (PubMed's largest, thousands of authors, is about 2 MB):
# a bigger one is refused before its elements fill memory.
MAX_RECORD_BYTES = 8 * 1024 * 1024


def open_maybe_gzip(path: Path) -> IO[bytes]:
    """Open a file for binary reading, transparently un-gzipping ``.gz`` (by magic number).

    Decompression is bounded: once the output passes 16 MB, producing more than
    ``GZIP_MAX_RATIO`` times the compressed bytes read so far stops with a RecordParseError (a
    compression bomb) within seconds, before the output exhausts anything.
    """
    handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        return io.BufferedReader(_Bounded(handle, str(path)))
    return handle


class _Bounded(io.RawIOBase):
    """A gzip stream that refuses to inflate more than GZIP_MAX_RATIO times what it has read."""

    def __init__(self, compressed: IO[bytes], source: str):
        self._compressed, self._source, self._produced = compressed, source, 0
        self._raw = gzip.open(compressed, "rb")  # noqa: SIM115 - closed by close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        self._produced += len(data)
        if self._produced > _GZIP_FLOOR and self._produced > GZIP_MAX_RATIO * self._compressed.tell():
            raise RecordParseError(
                f"decompresses to more than {GZIP_MAX_RATIO} times its size: refused as a likely "
                "compression bomb (real exports compress 5-15 times)",
                path=self._source,
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        self._compressed.close()
        super().close()


class _PrologueChecked(io.RawIOBase):
    """Wraps a byte stream; checks the prologue for entity declarations before passing it on."""

    def __init__(self, raw: IO[bytes], source: str):
        self._raw = raw
        head = raw.read(_PROLOGUE_BYTES)
        doctype_end = head.find(b"]>")
        prologue = head if doctype_end < 0 else head[: doctype_end + 2]
        if b"<!DOCTYPE" in prologue and _ENTITY_DECL.search(prologue):
            line = prologue[: _ENTITY_DECL.search(prologue).start()].count(b"\n") + 1  # type: ignore[union-attr]
            raise RecordParseError(
                "XML entity declarations are not accepted (possible entity bomb or external "
                "entity); export the file again without an inline DTD",
                path=source,
                line=line,
            )
        self._head = head
        self._source = source
        self.root: etree._Element | None = None  # set by iter_elements when the root starts
        self.wanted: frozenset[str] = frozenset()
        self._open_record: etree._Element | None = None
        self.finished: etree._Element | None = None  # the last record whose end was read
        self._record_bytes = 0

    def readable(self) -> bool:
        return True

    def _prune(self, incoming: int) -> None:
        """Free every finished element that is not inside a record, before reading more.

        The parser only ever adds to the open elements (the chain of last children), so each
        earlier sibling along that chain is complete: a record already handed out, or anything
        else, which nobody will read. Without this, a file of millions of tiny non-record
        elements grows the tree without bound. A record being read is never touched, and is
        refused once it passes MAX_RECORD_BYTES.
        """
        node: etree._Element | None = self.root
        while node is not None and node.tag not in self.wanted:
            count = len(node)
            if count > 1:
                del node[: count - 1]
            node = node[-1] if count else None
        if node is None or node is self.finished:  # no record open (the last one has ended)
            self._open_record = None
            return
        record: etree._Element = node
        if record is not self._open_record:
            self._open_record, self._record_bytes = record, 0
        self._record_bytes += incoming
        if self._record_bytes > MAX_RECORD_BYTES:
            raise RecordParseError(
                f"a <{record.tag}> element larger than {MAX_RECORD_BYTES // 2**20} MB: not a bibliographic "
                "record (a damaged or hostile file?)",
                path=self._source,
                line=record.sourceline,
            )

    def readinto(self, buffer) -> int:
        self._prune(len(buffer))
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def iter_elements(
    stream: IO[bytes], tags: tuple[str, ...], source: str, nested: bool = True
) -> Iterator[etree._Element]:
    """Yield each completed outermost element with one of ``tags``, freeing memory behind it.

    ``nested=False`` says no wanted element can sit inside another, which skips a check per record.

    Raises RecordParseError (naming ``source``, the line, and the index of the record that was
    being read) when the XML is malformed or cut off.
    """
    guard = _PrologueChecked(stream, source)
    guard.wanted = frozenset(tags)
    checked = io.BufferedReader(guard)
    root = _root_tag(guard._head)
    # The root's start event hands the guard the tree it prunes; records need only their end.
    context = etree.iterparse(
        checked,
        events=("start", "end"),
        tag=(*tags, "{*}" + root) if root and root not in tags else tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=False,
        remove_blank_text=True,  # no whitespace-only text nodes: ~10% faster on large exports
    )
    wanted = set(tags)
    index = 0
    try:
        for event, element in context:
            parent = element.getparent()
            if event == "start" or element.tag not in wanted:
                if parent is None and guard.root is None:
                    guard.root = element
                continue
            if nested and parent is not None and parent.tag in wanted:
                continue  # nested inside a wanted element: handled with its parent
            index += 1
            guard.finished = element
            yield element
            # Free what we have read: the element and the siblings before it.
            element.clear(keep_tail=False)
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if hasattr(exc, "lineno") else None
        raise RecordParseError(
            f"malformed or truncated XML: {exc.msg if hasattr(exc, 'msg') else exc}",
            path=source,
            index=index + 1,
            line=line,
        ) from exc
    except (OSError, EOFError) as exc:  # e.g. a cut-off gzip member
        raise RecordParseError(f"cannot read: {exc}", path=source, index=index + 1) from exc


_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def _root_tag(head: bytes) -> str:
    """The local name of the document element: the first tag that is not a declaration,
    processing instruction or comment."""
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", b"", head, flags=re.DOTALL)
    found = _ROOT.search(body)
    return found.group(2).decode("ascii") if found else ""


def text_of(element: etree._Element | None) -> str:
    """All text inside an element (markup such as <i> flattened), whitespace collapsed."""
    if element is None:
        return ""
    if len(element) == 0:  # no markup inside: the common case, kept cheap
        return squeeze(element.text) if element.text else ""
    return " ".join("".join(element.itertext()).split())
