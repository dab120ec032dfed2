"""One workbench served by uvicorn on a free loopback port in this process, for tests that need a
real socket (browsers, raw HTTP)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from litreview.testing.processes import free_port
from litreview.web.app import create_app
from litreview.web.workbench import Workbench


@contextmanager
def served(workbench: Workbench) -> Iterator[str]:
    """The base URL while the workbench is served; closes the workbench afterwards."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(workbench, rank=False), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the workbench did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(10)
        workbench.close()
