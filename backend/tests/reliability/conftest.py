"""Fixtures of the reliability suite: tracked processes, temporary DATA_DIRs, PostgreSQL cleanup."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.fixtures import fake_gemini  # noqa: F401
from tests.reliability.processes import Processes, private_temp_dir, processes, stop_postgres


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A DATA_DIR whose embedded PostgreSQL (if a process started one) is stopped afterwards."""
    root = private_temp_dir("emotionviz-reliability-")
    path = root / "data"
    try:
        yield path
    finally:
        # Runs after `procs` is torn down (fixtures unwind in reverse order of request).
        stop_postgres(path / "pg-embedded")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def procs(data_dir: Path, tmp_path: Path) -> Iterator[Processes]:
    with processes(tmp_path / "logs") as tracker:
        yield tracker
