"""Shared fixtures: paths to the project's own copies of the data (no ../shared needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
REVIEW = ROOT / "search_strings" / "ep_pd_nec"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def review_copy(tmp_path: Path) -> Path:
    """A private copy of the EP-PD-NEC review folder that a test may damage."""
    target = tmp_path / "ep_pd_nec"
    shutil.copytree(REVIEW, target)
    return target


@pytest.fixture(scope="session")
def cluster():
    """A private PostgreSQL cluster for the session (skipped without PostgreSQL, except in CI)."""
    import os

    from litreview.testing.postgres import PrivateCluster, binaries

    if binaries() is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI must run the PostgreSQL tests: install Debian's postgresql (.ci/run does)")
        pytest.skip("PostgreSQL is not installed here (CI installs it)")
    with PrivateCluster() as running:
        yield running
