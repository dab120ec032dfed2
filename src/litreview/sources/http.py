"""Live HTTP for the E-utilities, ClinicalTrials.gov, Europe PMC and open-access PDFs: routing, rate
limits, retries, recording.

One transport serves every source so mirrors, proxies and loopback servers stand in for the real
hosts (base URLs are settings; a PDF's URL is absolute, as Europe PMC gave it). Faults that a retry can cure — 429 (honouring Retry-After), 5xx,
connection resets, timeouts, and bodies cut off mid-document — are retried with backoff; anything
else, or a fault that outlasts the retries, raises a :class:`SourceError` that never contains the
API key. ``RecordTransport`` does a live fetch and keeps the bytes in a snapshot that ``replay``
serves later; ``CheckpointTransport`` keeps finished batches so an interrupted fetch resumes.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import httpx
from lxml import etree

from litreview.config import Settings
from litreview.errors import RetryableSourceError, SourceError, SourceResponseError
from litreview.sources.pdf import MAX_PDF_BYTES
from litreview.sources.transport import Request, Response, Snapshot, Transport
from litreview.version import __version__

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
# NCBI allows 3 requests/s per client, 10/s with an API key; CT.gov asks for polite use.
NCBI_RATE, NCBI_RATE_WITH_KEY, CTGOV_RATE = 3.0, 10.0, 10.0
# Europe PMC publishes no hard limit; PDFs are large, fetched one by one, from archives we ask politely.
EUROPEPMC_RATE, FULLTEXT_RATE = 5.0, 2.0
# Sources whose bodies are read with a cap, so a huge answer is refused before it fills memory.
BODY_LIMITS = {"fulltext": MAX_PDF_BYTES}


class RateLimiter:
    """At most ``rate`` request starts per second, shared by every thread that holds it."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def wait(self) -> None:
        with self._lock:  # serialise across threads: each caller takes the next free slot
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)


_LIMITERS: dict[tuple[str, float], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def shared_limiter(host: str, rate: float) -> RateLimiter:
    """One limiter per host and rate for the whole process, so parallel searches share the budget."""
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault((host, rate), RateLimiter(rate))


class LiveTransport:
    """Sends requests over HTTP with rate limiting and retries."""

    name = "live"

    def __init__(
        self,
        settings: Settings,
        *,
        max_tries: int | None = None,
        backoff: float | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        limiters: dict[str, RateLimiter] | None = None,
        client: httpx.Client | None = None,
        base_urls: dict[str, str] | None = None,
    ):
        self.settings = settings
        # Base URL per source; "" for a source whose requests carry absolute URLs (PDF links).
        self.base_urls = {
            "pubmed": settings.eutils_url,
            "ctgov": settings.ctgov_url,
            "europepmc": settings.europepmc_url,
            "fulltext": "",
            **(base_urls or {}),
        }
        self.max_tries = max_tries if max_tries is not None else settings.http_tries
        self.backoff = backoff if backoff is not None else settings.http_backoff
        self.sleep = sleep
        self.client = client or httpx.Client(
            timeout=timeout, headers={"User-Agent": f"litreview/{__version__}"}, follow_redirects=True
        )
        ncbi_rate = NCBI_RATE_WITH_KEY if settings.ncbi_api_key else NCBI_RATE
        self.limiters = limiters or {
            "pubmed": shared_limiter(settings.eutils_url, ncbi_rate),
            "ctgov": shared_limiter(settings.ctgov_url, CTGOV_RATE),
            "europepmc": shared_limiter(self.base_urls["europepmc"], EUROPEPMC_RATE),
            "fulltext": shared_limiter("fulltext", FULLTEXT_RATE),
        }
        self.requests = 0  # HTTP requests actually sent, retries included

    def close(self) -> None:
        self.client.close()

    def url(self, request: Request) -> str:
        if request.source not in self.base_urls:
            raise SourceError(f"{request.describe()}: no base URL for source {request.source!r}")
        return self.base_urls[request.source] + request.endpoint

    def limiter(self, source: str) -> RateLimiter:
        """The source's limiter; a source the caller's own limiters leave out gets the shared one."""
        if source not in self.limiters:
            rate = EUROPEPMC_RATE if source == "europepmc" else FULLTEXT_RATE
            self.limiters[source] = shared_limiter(self.base_urls.get(source) or source, rate)
        return self.limiters[source]

    def params(self, request: Request) -> dict[str, str]:
        params = dict(request.params)
        if request.source == "pubmed":  # who is asking: NCBI wants tool + email, and the key if any
            params.update(tool=self.settings.ncbi_tool)
            if self.settings.ncbi_email:
                params["email"] = self.settings.ncbi_email
            if self.settings.ncbi_api_key:
                params["api_key"] = self.settings.ncbi_api_key
        return params

    def fetch(self, request: Request) -> Response:
        last: RetryableSourceError | None = None
        for attempt in range(1, self.max_tries + 1):
            try:
                return self._once(request)
            except RetryableSourceError as exc:
                last = exc
                if attempt == self.max_tries:
                    break
                delay = exc.retry_after if exc.retry_after is not None else self.backoff * 2 ** (attempt - 1)
                self.sleep(min(delay, 120.0))
        assert last is not None
        raise SourceError(
            f"{request.describe()}: gave up after {self.max_tries} tries ({last}); "
            "nothing from this request was stored — run again to resume"
        ) from None

    def _once(self, request: Request) -> Response:
        url = self.url(request)
        self.limiter(request.source).wait()
        self.requests += 1
        where = request.describe()
        try:
            status, headers, content = self._exchange(request, url, where)
        except httpx.TimeoutException:
            raise RetryableSourceError(f"{where}: timed out") from None
        except httpx.TransportError as exc:  # resets, refused connections, bodies cut short
            raise RetryableSourceError(f"{where}: connection failed ({type(exc).__name__})") from None
        if status in RETRY_STATUS:
            raise RetryableSourceError(
                f"{where}: HTTP {status}", retry_after=_retry_after(headers.get("Retry-After"))
            )
        # The key never leaves this method: a service may echo it in any body, whatever the status
        # (NCBI's 200 answer "<ERROR>Invalid API key ...</ERROR>"), and a body is printed or recorded.
        body = self.redact_bytes(content)
        if status >= 400:
            text = body[:200].decode("utf-8", "replace")
            raise SourceResponseError(f"{where}: HTTP {status} {text}")
        _check_complete(body, request, where)
        return Response(body=body, status=status, headers=dict(headers))

    def _exchange(self, request: Request, url: str, where: str) -> tuple[int, httpx.Headers, bytes]:
        """One HTTP exchange: status, headers, body. A capped source's body is streamed and refused
        as soon as it passes the cap (a 200 MB PDF never fills memory)."""
        params = self.params(request) or None  # {} would drop the query of an absolute URL
        if request.method == "POST":
            reply = self.client.post(url, data=params)
            return reply.status_code, reply.headers, reply.content
        limit = BODY_LIMITS.get(request.source)
        if limit is None:
            reply = self.client.get(url, params=params)
            return reply.status_code, reply.headers, reply.content
        with self.client.stream("GET", url, params=params) as reply:
            headers = reply.headers  # case-insensitive, as Retry-After is looked up
            if reply.status_code in RETRY_STATUS:
                return reply.status_code, headers, b""
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise SourceResponseError(f"{where}: {int(declared):,} bytes, over the limit of {limit:,}")
            chunks, size = [], 0
            for chunk in reply.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise SourceResponseError(f"{where}: more than {limit:,} bytes, over the limit")
                chunks.append(chunk)
            return reply.status_code, headers, b"".join(chunks)

    def redact(self, text: str) -> str:
        return self.redact_bytes(text.encode("utf-8")).decode("utf-8")

    def redact_bytes(self, body: bytes) -> bytes:
        key = self.settings.ncbi_api_key
        if not key:
            return body
        for form in {key, urllib.parse.quote(key, safe=""), urllib.parse.quote_plus(key)}:
            body = body.replace(form.encode("utf-8"), b"***")
        return body


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to exponential backoff


_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


def payload_suffix(request: Request) -> str:
    """ClinicalTrials.gov and Europe PMC answer in JSON, the E-utilities in XML; full texts are PDFs."""
    if request.source == "fulltext":
        return ".pdf"
    return ".json" if request.source in ("ctgov", "europepmc") else ".xml"


def _check_complete(body: bytes, request: Request, where: str) -> None:
    """A body cut off mid-document is a transient fault: retry rather than parse half of it."""
    if payload_suffix(request) == ".pdf":
        # A PDF without its end marker was cut off; anything else (an HTML page) is for
        # check_pdf to refuse, not a fault a retry cures.
        if b"%PDF-" in body[:1024] and b"%%EOF" not in body[-2048:]:
            raise RetryableSourceError(f"{where}: incomplete PDF body ({len(body)} bytes)")
        return
    if payload_suffix(request) == ".json":
        try:
            json.loads(body)
        except ValueError:
            raise RetryableSourceError(f"{where}: incomplete JSON body ({len(body)} bytes)") from None
        return
    try:
        etree.fromstring(body, _SAFE_XML)
    except etree.XMLSyntaxError:
        raise RetryableSourceError(f"{where}: incomplete XML body ({len(body)} bytes)") from None


class RecordTransport:
    """Live fetches, each also written to a snapshot a later run can replay offline."""

    name = "record"

    def __init__(self, live: LiveTransport, root: Path):
        self.live = live
        self.snapshot = Snapshot(root)

    def fetch(self, request: Request) -> Response:
        response = self.live.fetch(request)
        path = self.snapshot.add(request, response.body, payload_suffix(request))
        self.snapshot.save()  # after every payload: an interrupted recording is still consistent
        return Response(body=response.body, status=response.status, payload_path=str(path))


class CheckpointTransport:
    """Keeps each finished response of a resumable request, so a rerun does not fetch it again."""

    def __init__(self, inner, root: Path, resumable: Callable[[Request], bool]):
        self.inner, self.snapshot, self.resumable = inner, Snapshot(root), resumable
        self.name = inner.name
        self.reused = 0

    def fetch(self, request: Request) -> Response:
        if self.resumable(request) and request.key() in self.snapshot.entries:
            self.reused += 1
            return self.snapshot.read(request)
        response = self.inner.fetch(request)
        if self.resumable(request):
            self.snapshot.add(request, response.body, payload_suffix(request))
            self.snapshot.save()
        return response


def open_transport(
    mode: str,
    *,
    snapshot: Path | None = None,
    record_into: Path | None = None,
    checkpoints: Path | None = None,
    settings: Settings | None = None,
) -> Transport:
    """The one way flows and commands get a transport: ``replay`` answers from ``snapshot``; ``live``
    and ``record`` search for real, keeping every raw response in ``record_into`` when given, and
    resuming finished efetch batches from ``checkpoints`` when given."""
    from litreview.sources.transport import ReplayTransport

    if mode == "replay":
        if snapshot is None:
            raise SourceError("replay needs a snapshot folder")
        return ReplayTransport(snapshot)
    if mode not in ("live", "record"):
        raise SourceError(f"transport {mode!r} is unknown (available: replay, live, record)")
    live = LiveTransport(settings or Settings.from_env())
    transport: Transport = live if record_into is None else RecordTransport(live, record_into)
    if checkpoints is not None:
        transport = CheckpointTransport(transport, checkpoints, lambda r: r.endpoint == "efetch.fcgi")
    return transport
