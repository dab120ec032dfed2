"""Servers started as processes by tests and benchmarks: a free loopback port, and waiting until
one answers (with its own output in the error when it died or never came up)."""

from __future__ import annotations

import socket
import subprocess
import time

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
