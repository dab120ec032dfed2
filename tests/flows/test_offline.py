"""Offline is offline: the default run (replaying the shipped snapshot) opens no connection beyond this
machine. Every proxy variable points at a loopback proxy that records what it is asked for; Prefect's
own ephemeral server is on loopback, so only non-loopback targets count."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import REVIEW


class RecordingProxy:
    """Accepts connections, records the request line (CONNECT host:port / GET http://...), closes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.asked: list[str] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    self.asked.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))

    def __enter__(self) -> RecordingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


def _outside(asked: list[str]) -> list[str]:
    local = ("127.0.0.1", "localhost", "[::1]", "::1")
    return [line for line in asked if line and not any(f" {h}" in line or f"//{h}" in line for h in local)]


def _run(
    args: list[str], proxy: RecordingProxy, home: Path, api: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process behind the proxy; with ``api``, reporting to that Prefect server."""
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY") and k != "DO_NOT_TRACK"}
    env.update(HTTP_PROXY=proxy.url, HTTPS_PROXY=proxy.url, ALL_PROXY=proxy.url, http_proxy=proxy.url,
               https_proxy=proxy.url, all_proxy=proxy.url, NO_PROXY="", no_proxy="", PREFECT_HOME=str(home))  # fmt: skip
    env.pop("PREFECT_SERVER_ANALYTICS_ENABLED", None)
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.run([sys.executable, "-m", "litreview.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def test_the_default_run_connects_to_nothing_outside_this_machine(tmp_path):
    with RecordingProxy() as proxy:
        done = _run(
            ["run", str(REVIEW), "--workspace", str(tmp_path / "w")], proxy, tmp_path / "prefect-home"
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip() == "", done.stderr[-2000:]  # a fresh Prefect home prints nothing either
    assert _outside(proxy.asked) == []


def test_a_snapshot_naming_an_unknown_dtd_is_refused_without_fetching_it(review_copy, tmp_path, harness_api):
    esearch = next((review_copy / "snapshot" / "pubmed").glob("esearch*.xml"))
    text = esearch.read_text()
    start = text.index("<!DOCTYPE")
    end = text.index(">", start) + 1
    esearch.write_text(text[:start] + '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20991231//EN" '
                       '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20991231/esearch_new.dtd">' + text[end:])  # fmt: skip
    index_path = review_copy / "snapshot" / "index.json"  # a recording made that way: its checksum agrees
    index = json.loads(index_path.read_text())
    for entry in index["entries"]:
        if entry["file"].endswith(esearch.name):
            body = esearch.read_bytes()
            entry["sha256"], entry["bytes"] = hashlib.sha256(body).hexdigest(), len(body)
    index_path.write_text(json.dumps(index))
    # the test above runs with a Prefect server of its own; this run reports to the session's
    with RecordingProxy() as proxy:
        done = _run(["run", str(review_copy), "--workspace", str(tmp_path / "w")], proxy, tmp_path / "home",
                    harness_api)  # fmt: skip
    assert done.returncode == 2 and "esearch_new.dtd" in done.stderr and "refusing to download" in done.stderr
    assert _outside(proxy.asked) == []
