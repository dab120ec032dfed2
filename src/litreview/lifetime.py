"""Child processes that end with their parent: the kernel sends them SIGTERM when it dies (Linux
``prctl(PR_SET_PDEATHSIG)``), so a CLI or a web server killed with -9 leaves nothing running (a
Prefect server, a ranking worker holding a fitted model)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def end_with(parent: int) -> Callable[[], None]:
    """What a child runs first (``preexec_fn``, a pool's ``initializer``) to die with ``parent``.
    Between fork and exec nothing may allocate much: the C library is loaded here, beforehand."""
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None

    def in_child() -> None:
        if libc is not None:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took hold
            os._exit(1)

    return in_child
