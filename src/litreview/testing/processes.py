"""Servers started as processes by tests and benchmarks: a free loopback port, and waiting until
one answers (with its own output in the error when it died or never came up)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_serving(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> float:
    """Seconds until ``url`` answers at all; RuntimeError if ``proc`` exits or time runs out."""
    start = time.monotonic()
    while True:
        if proc.poll() is not None:
            said = proc.stderr.read().decode(errors="replace")[-3000:] if proc.stderr else ""
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode} before serving {url}: {said}")
        try:
            httpx.get(url, timeout=2)
            return time.monotonic() - start
        except httpx.TransportError:
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.05)


@contextlib.contextmanager
def web_servers(
    workspace: str, out: Path, count: int, secret: str, options: Sequence[str] = ()
) -> Iterator[list[str]]:
    """``count`` `litreview web` processes on one workspace, sharing one session key (as behind a
    load balancer), with any further ``options``; yields their base URLs once all answer, and stops
    them on exit."""
    env = {**os.environ, "LITREVIEW_SECRET_KEY": secret}
    ports = [free_port() for _ in range(count)]
    procs = [subprocess.Popen([sys.executable, "-m", "litreview.cli", "web", "--workspace", workspace, "--out",
                               str(out), "--port", str(port), *options], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for port in ports]  # fmt: skip
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, proc in zip(bases, procs, strict=True):
            wait_serving(f"{base}/login", proc, timeout=60)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
