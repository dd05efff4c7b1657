"""Fixtures of the reliability suite: tracked processes, temporary DATA_DIRs, PostgreSQL cleanup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.embedded_pg import EmbeddedPostgres
from tests.fakes.fixtures import fake_gemini  # noqa: F401
from tests.reliability.processes import Processes, processes


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A DATA_DIR whose embedded PostgreSQL (if a process started one) is stopped afterwards."""
    path = tmp_path / "data"
    yield path
    # Runs after `procs` is torn down (fixtures unwind in reverse order of request).
    EmbeddedPostgres(path / "pg-embedded").stop()


@pytest.fixture
def procs(data_dir: Path, tmp_path: Path) -> Iterator[Processes]:
    with processes(tmp_path / "logs") as tracker:
        yield tracker
