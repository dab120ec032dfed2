"""A private Prefect API server whose life is tied to this process.

Prefect starts a temporary server in a subprocess when no server is configured; killed with -9,
the CLI left it running (about 190 MB, holding the CLI's pipes open). This starts the same server
(uvicorn on Prefect's app factory, 127.0.0.1, UI off) with the kernel told to send it SIGTERM when
its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``). No Prefect import here: the caller passes
the settings the server must share with the client.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from litreview.errors import LitreviewError
from litreview.lifetime import end_with

START_TIMEOUT = 90.0  # seconds: a first start migrates Prefect's database


def can_tether() -> bool:
    return sys.platform.startswith("linux") and importlib.util.find_spec("uvicorn") is not None


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def tethered_server(settings_env: Mapping[str, str]) -> Iterator[str]:
    """Start the server, yield its API URL once it answers, stop it on exit (and on our death)."""
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.origin is not None
    port = _free_port()
    env = {**os.environ, **settings_env, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
           "PREFECT__SERVER_FINAL": "1"}  # fmt: skip
    args = [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "error", "--lifespan", "on"]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=log, preexec_fn=end_with(os.getpid()))  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}/api"
            _wait_until_healthy(process, url, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_healthy(process: subprocess.Popen, url: str, log) -> None:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            tail = log.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise LitreviewError(f"the Prefect server did not start (exit {process.returncode}): {tail[0]}")
        try:
            with direct.open(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise LitreviewError(f"the Prefect server did not answer within {START_TIMEOUT:.0f} s")
