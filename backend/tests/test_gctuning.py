"""The serving process's garbage-collector tuning (in a child process: it is process-wide)."""

from __future__ import annotations

import subprocess
import sys

from app.ops.gctuning import YOUNG_GENERATION_THRESHOLD

_CHILD = """
import gc
import app.main  # what a server worker has imported by then
from app.ops.gctuning import tune_for_serving
before = gc.get_threshold()
tune_for_serving()
print(gc.get_freeze_count(), *before, *gc.get_threshold())
"""


def test_serving_freezes_start_up_objects_and_collects_the_young_less_often() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    frozen, *thresholds = map(int, out)
    before, after = thresholds[:3], thresholds[3:]
    assert frozen > 50_000  # FastAPI, pydantic, SQLAlchemy, the Gemini SDK, the app's modules
    assert after == [YOUNG_GENERATION_THRESHOLD, *before[1:]]
