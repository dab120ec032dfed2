"""Transports move request bytes; ``replay`` serves a recorded snapshot through the same code.

A :class:`Request` is a pure description (source, endpoint, parameters). Its ``key`` ignores the
parameters that identify the caller (``api_key``, ``email``, ``tool``), so a snapshot recorded with
one NCBI account replays for anyone, and secrets never reach a snapshot's index.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from litreview.errors import SourceError, SourceResponseError
from litreview.files import atomic_write_bytes, sha256_bytes

# Parameters that say who is asking rather than what is asked.
CALLER_PARAMS = frozenset({"api_key", "email", "tool"})
INDEX_NAME = "index.json"
INDEX_FORMAT = 1


@dataclass(frozen=True)
class Request:
    """One HTTP request to a source, described without doing it."""

    source: str
    endpoint: str
    params: tuple[tuple[str, str], ...] = ()
    method: str = "GET"

    @classmethod
    def make(cls, source: str, endpoint: str, params: dict[str, object], method: str = "GET"):
        items = tuple((k, str(v)) for k, v in params.items() if v not in (None, ""))
        return cls(source=source, endpoint=endpoint, params=items, method=method)

    def public_params(self) -> dict[str, str]:
        """Parameters that define the question (caller identity and secrets removed)."""
        return {k: v for k, v in self.params if k not in CALLER_PARAMS}

    def key(self) -> str:
        blob = json.dumps(
            [self.source, self.endpoint, sorted(self.public_params().items())],
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]

    def describe(self) -> str:
        params = "&".join(f"{k}={v}" for k, v in sorted(self.public_params().items()))
        return f"{self.source} {self.method} {self.endpoint}?{params}"


@dataclass(frozen=True)
class Response:
    """A payload as received, and where its raw bytes are kept."""

    body: bytes
    status: int = 200
    payload_path: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    """Anything that turns a Request into a Response (live HTTP, snapshot replay, recorder)."""

    name: str

    def fetch(self, request: Request) -> Response: ...


class Snapshot:
    """A folder of raw payloads plus ``index.json`` mapping request keys to files."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.index_path = self.root / INDEX_NAME
        self.entries: dict[str, dict[str, object]] = {}
        if self.index_path.exists():
            self.entries = self._load_index()

    def _load_index(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
            entries = data["entries"]
            return {str(e["key"]): e for e in entries}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"{self.index_path}: not a readable snapshot index ({exc})") from exc

    def add(self, request: Request, body: bytes, suffix: str) -> Path:
        """Store a payload for a request (used by the record transport and snapshot builders)."""
        key = request.key()
        # A PDF's endpoint is a whole URL: only letters, digits, "._-" reach a file name.
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", request.endpoint.strip("/"))[:80]
        name = f"{stem or 'root'}-{key}{suffix}"
        relative = Path(request.source) / name
        atomic_write_bytes(self.root / relative, body)
        self.entries[key] = {
            "key": key,
            "source": request.source,
            "endpoint": request.endpoint,
            "method": request.method,
            "params": request.public_params(),
            "file": relative.as_posix(),
            "sha256": sha256_bytes(body),
            "bytes": len(body),
        }
        return self.root / relative

    def save(self) -> None:
        ordered = sorted(self.entries.values(), key=lambda e: (str(e["source"]), str(e["file"])))
        data = {"format": INDEX_FORMAT, "entries": ordered}
        text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        atomic_write_bytes(self.index_path, text.encode("utf-8"))

    def read(self, request: Request) -> Response:
        entry = self.entries.get(request.key())
        if entry is None:
            known = sorted(
                {str(e["endpoint"]) for e in self.entries.values() if e["source"] == request.source}
            )
            raise SourceError(
                f"{self.index_path}: no recorded response for {request.describe()} "
                f"(recorded {request.source} endpoints: {', '.join(known) or 'none'}); "
                "record the snapshot again with --record"
            )
        path = self.root / str(entry["file"])
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"{path}: snapshot payload missing or unreadable") from exc
        if sha256_bytes(body) != entry.get("sha256"):
            raise SourceResponseError(
                f"{path}: snapshot payload does not match the checksum in {INDEX_NAME} "
                "(the file was changed or damaged after recording)"
            )
        return Response(body=body, payload_path=str(path))

    def files(self) -> Iterable[Path]:
        return (self.root / str(e["file"]) for e in self.entries.values())


class ReplayTransport:
    """Serves responses from a recorded snapshot; never touches the network."""

    name = "replay"

    def __init__(self, root: Path):
        self.snapshot = Snapshot(root)
        if not self.snapshot.index_path.exists():
            raise SourceError(f"{self.snapshot.index_path}: snapshot index not found")

    def fetch(self, request: Request) -> Response:
        return self.snapshot.read(request)
