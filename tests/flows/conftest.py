"""One Prefect test harness for the whole session: its server costs seconds to start."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def harness_api(prefect_harness) -> str:
    """The harness server's API URL: a child process reporting there starts no Prefect server of its
    own (which costs seconds, and a migration of a fresh database)."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()
