"""A loopback HTTP server that answers like the E-utilities, ClinicalTrials.gov API v2 and Europe PMC.

It serves a corpus of real PubMed articles (optionally replicated with new PMIDs and spread over
Entrez dates), real CT.gov study objects, Europe PMC search results and the files (PDFs, or the
HTML page a publisher sends instead) their links point to, and injects scripted faults: 429 with Retry-After,
5xx, connection resets, slow answers (timeouts), bodies cut off mid-document, records added
between esearch and efetch, and a repeated ``nextPageToken``. Tests and benchmarks point
``LITREVIEW_EUTILS_URL`` / ``LITREVIEW_CTGOV_URL`` at it; nothing leaves the machine.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from litreview.sources.pubmed import eutils_day

# As NCBI sends it (tests/data/ncbi/entrez/esearch*.xml); Bio.Entrez needs the DTD named.
_ESEARCH_DOCTYPE = (
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
)
_PMID = re.compile(rb"(<PMID[^>]*>)(\d+)(</PMID>)")


@dataclass
class Article:
    pmid: str
    edat: date
    xml: bytes  # one <PubmedArticle> element


@dataclass
class Fault:
    """One scripted fault for the next request to ``endpoint`` (esearch.fcgi, efetch.fcgi, studies,
    search for Europe PMC, or a served file's name)."""

    endpoint: str
    # 429 | 500 | 502 | 503 | reset | timeout | truncate (hang up mid-body) | cut (short body, honest
    # length) | add_records (after answering) | repeat_token | ok (answer normally: positions a fault)
    # | echo_key (an error body that repeats the api_key sent: 200 for esearch, 400 for efetch)
    kind: str
    retry_after: float = 0.0
    delay: float = 2.0
    records: int = 0


@dataclass
class Corpus:
    articles: dict[str, Article] = field(default_factory=dict)
    studies: list[dict] = field(default_factory=list)
    data_timestamp: str = "2022-08-02T09:00:00"
    # Europe PMC ``resultType=core`` result objects; "{files}" in their URLs becomes files_url.
    europepmc: list[dict] = field(default_factory=list)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # name -> (body, content type)


def read_articles(path: Path) -> list[bytes]:
    """Every PubmedArticle of a PubMed XML file; bare baseline MedlineCitations are wrapped."""
    with gzip.open(path) if path.suffix == ".gz" else open(path, "rb") as handle:
        tree = etree.parse(handle, etree.XMLParser(resolve_entities=False, no_network=True))
    out = [etree.tostring(a, with_tail=False) for a in tree.iter("PubmedArticle")]
    bare = [c for c in tree.iter("MedlineCitation") if c.getparent().tag != "PubmedArticle"]
    out.extend(b"<PubmedArticle>" + etree.tostring(c, with_tail=False) + b"</PubmedArticle>" for c in bare)
    return out


def with_pmid(article: bytes, pmid: str) -> bytes:
    """The article with its (first) PMID replaced."""
    return _PMID.sub(lambda m: m.group(1) + pmid.encode() + m.group(3), article, count=1)


def replicate(
    templates: list[bytes],
    n: int,
    *,
    first_pmid: int = 40_000_000,
    start: date = date(2000, 1, 1),
    end: date = date(2022, 7, 18),
) -> dict[str, Article]:
    """``n`` articles cycling through real templates, each with a new PMID and an Entrez date."""
    span = (end - start).days
    out: dict[str, Article] = {}
    for i in range(n):
        pmid = str(first_pmid + i)
        xml = with_pmid(templates[i % len(templates)], pmid)
        out[pmid] = Article(pmid, start + timedelta(days=(i * span) // max(n, 1)), xml)
    return out  # fmt: skip


def load_studies(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("NCT*.json"))]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # a client that gave up on an injected delay has gone: its broken pipe is the fault working, and
        # its traceback, printed from this thread when the test is over, landed in another test's output
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """Run in a thread: ``with LoopbackServer(corpus) as server: server.eutils_url ...``."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.log: list[tuple[str, str, dict[str, str]]] = []  # (method, endpoint, params)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._added = 0

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def eutils_url(self) -> str:
        return self.base + "eutils/"

    @property
    def ctgov_url(self) -> str:
        return self.base + "ctgov/"

    @property
    def europepmc_url(self) -> str:
        return self.base + "europepmc/"

    @property
    def files_url(self) -> str:
        return self.base + "files/"

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            for fault in faults:
                self.faults[fault.endpoint].append(fault)

    def requests_to(self, endpoint: str) -> list[dict[str, str]]:
        return [params for _, ep, params in self.log if ep == endpoint]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- answers -------------------------------------------------------------------------------
    def next_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(endpoint)
            return queue.popleft() if queue else None

    def esearch(self, params: dict[str, str]) -> bytes:
        lo, hi = _window(params)
        with self._lock:
            hits = sorted(
                (a for a in self.corpus.articles.values() if lo <= a.edat <= hi),
                key=lambda a: (a.edat, int(a.pmid)), reverse=True,
            )  # fmt: skip
        retmax = int(params.get("retmax", "20"))
        ids = "".join(f"<Id>{a.pmid}</Id>" for a in hits[:retmax])
        term = _xml_text(params.get("term", ""))
        return (
            f'<?xml version="1.0" encoding="UTF-8" ?>\n{_ESEARCH_DOCTYPE}\n<eSearchResult><Count>{len(hits)}</Count>'
            f"<RetMax>{min(retmax, len(hits))}</RetMax><RetStart>0</RetStart><QueryKey>1</QueryKey>"
            f"<WebEnv>LOOPBACK_{len(self.log)}</WebEnv><IdList>{ids}</IdList><TranslationSet/>"
            f"<QueryTranslation>{term}</QueryTranslation></eSearchResult>\n"
        ).encode()

    def efetch(self, params: dict[str, str]) -> bytes:
        ids = [i for i in params.get("id", "").split(",") if i]
        with self._lock:
            parts = [self.corpus.articles[i].xml for i in ids if i in self.corpus.articles]
        return (
            b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n' + b"\n".join(parts) + b"\n</PubmedArticleSet>\n"
        )

    def add_records(self, n: int) -> None:
        """New articles dated today: a search repeated now would count them."""
        with self._lock:
            templates = [a.xml for a in list(self.corpus.articles.values())[:5]]
            for k in range(n):
                pmid = str(90_000_000 + self._added)
                self._added += 1
                xml = with_pmid(templates[k % len(templates)], pmid)
                self.corpus.articles[pmid] = Article(pmid, date.today(), xml)

    def europepmc_search(self, params: dict[str, str]) -> bytes:
        """The results naming the article the query names (PMCID:, EXT_ID: ... AND SRC:MED, DOI:)."""
        query = params.get("query", "")
        wanted = {
            "pmcid": re.findall(r"PMCID:(PMC\d+)", query),
            "pmid": re.findall(r"EXT_ID:(\d+) AND SRC:MED", query),
            "doi": [d.lower() for d in re.findall(r'DOI:"([^"]+)"', query)],
        }
        hits = [
            r for r in self.corpus.europepmc
            if any(str(r.get(k, "")).lower() in {v.lower() for v in vs} for k, vs in wanted.items() if vs)
        ]  # fmt: skip
        data = {"version": "6.9", "hitCount": len(hits), "request": {"queryString": query},
                "resultList": {"result": hits}}  # fmt: skip
        return json.dumps(data).replace("{files}", self.files_url).encode()

    def studies(self, params: dict[str, str], repeat_token: bool) -> bytes:
        studies = self.corpus.studies
        ranges = _ranges(params.get("filter.advanced", ""))
        chosen = [s for s in studies if all(lo <= _study_date(s, f) <= hi for f, (lo, hi) in ranges.items())]
        size = min(int(params.get("pageSize", "10")), 1000)
        offset = int(params.get("pageToken", "0") or 0)
        page = chosen[offset : offset + size]
        data: dict[str, object] = {"studies": page}
        if params.get("countTotal") == "true":
            data["totalCount"] = len(chosen)
        if offset + size < len(chosen):
            data["nextPageToken"] = params.get("pageToken", "0") if repeat_token else str(offset + size)
        return json.dumps(data).encode()


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _window(params: dict[str, str]) -> tuple[date, date]:
    return (eutils_day(params.get("mindate", ""), end=False) or date(1800, 1, 1),
            eutils_day(params.get("maxdate", ""), end=True) or date(3000, 12, 31))  # fmt: skip


def _ranges(advanced: str) -> dict[str, tuple[str, str]]:
    """``AREA[Field]RANGE[lo,hi]`` clauses of a filter.advanced expression."""
    out = {}
    for m in re.finditer(r"AREA\[(\w+)\]RANGE\[([^,\]]*),([^\]]*)\]", advanced):
        lo, hi = m.group(2), m.group(3)
        out[m.group(1)] = ("0000" if lo in ("", "MIN") else lo, "9999" if hi in ("", "MAX") else hi)
    return out


def _study_date(study: dict, field: str) -> str:
    status = study.get("protocolSection", {}).get("statusModule", {})
    key = {
        "StudyFirstPostDate": "studyFirstPostDateStruct",
        "LastUpdatePostDate": "lastUpdatePostDateStruct",
    }[field]
    return str(status.get(key, {}).get("date", ""))


def _handler_for(server: LoopbackServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._answer(dict(parse_qsl(urlsplit(self.path).query)))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            params = dict(parse_qsl(urlsplit(self.path).query))
            params.update(parse_qsl(body))
            self._answer(params)

        def _answer(self, params: dict[str, str]) -> None:
            endpoint = urlsplit(self.path).path.rsplit("/", 1)[-1]
            server.log.append((self.command, endpoint, params))
            fault = server.next_fault(endpoint)
            kind = fault.kind if fault else ""
            if kind in ("429", "500", "502", "503"):
                headers = {"Retry-After": str(fault.retry_after)} if kind == "429" and fault else {}
                return self._send(int(kind), b"busy", "text/plain", headers)
            if kind == "reset":
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if kind == "timeout" and fault:
                time.sleep(fault.delay)
            if kind == "echo_key":  # NCBI's own way: 200 OK and an <ERROR> that repeats the key sent
                text = (
                    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD '
                    'esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
                    f"<eSearchResult><ERROR>Invalid API key {params.get('api_key', '')}</ERROR></eSearchResult>"
                )
                return self._send(200 if endpoint != "efetch.fcgi" else 400, text.encode(), "text/xml")
            if endpoint == "esearch.fcgi":
                body, ctype = server.esearch(params), "text/xml"
            elif endpoint == "efetch.fcgi":
                body, ctype = server.efetch(params), "text/xml"
            elif endpoint == "studies":
                body, ctype = server.studies(params, kind == "repeat_token"), "application/json"
            elif endpoint == "search":
                body, ctype = server.europepmc_search(params), "application/json"
            elif "/files/" in urlsplit(self.path).path and endpoint in server.corpus.files:
                body, ctype = server.corpus.files[endpoint]
            elif endpoint == "version":
                body = json.dumps(
                    {"apiVersion": "2.0.3", "dataTimestamp": server.corpus.data_timestamp}
                ).encode()
                ctype = "application/json"
            else:
                return self._send(404, b"unknown endpoint", "text/plain")
            if kind == "truncate":
                # Promise the whole body, send half, hang up: the client sees a cut-off document.
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if kind == "cut":  # a short body whose length header matches: only parsing notices
                body = body[: len(body) // 2]
            self._send(200, body, ctype)
            if kind == "add_records" and fault:
                server.add_records(fault.records)
            return None

        def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    return Handler
