"""The `emotionviz` command, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EMOTIONVIZ = str(Path(sys.executable).with_name("emotionviz"))


def run_cli(
    data_dir: Path, *args: str, code: int = 0, umask: int = -1
) -> subprocess.CompletedProcess[str]:
    """`emotionviz *args` on `data_dir` (no database URL from the environment); asserts `code`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    env["DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [EMOTIONVIZ, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        umask=umask,
    )
    assert result.returncode == code, result.stderr[-3000:] + result.stdout[-3000:]
    return result
