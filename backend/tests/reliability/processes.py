"""Real `emotionviz` processes for the reliability suite: start, wait for, kill, always clean up.

Every process gets its own session (process group), so cleanup can kill it with everything it
spawned; its output goes to a log file under the test's temporary directory, whose tail is shown
when a process dies early. Traffic goes to 127.0.0.1 only, ports are random.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.ops.embedded_pg import EmbeddedPostgres
from tests.helpers.cli import EMOTIONVIZ
from tests.helpers.s3 import STORAGE_VARIABLES

JWT_SECRET = "reliability-secret-" + "r" * 40
# Variables of the developer's shell or of the test harness that must not leak into a process.
_SCRUBBED = (
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "GEMINI_API_KEY",
    "NANOBANANA_API_KEY",
    "GEMINI_BASE_URL",
    "RATE_LIMIT_STORAGE_URL",
    "PROMETHEUS_MULTIPROC_DIR",
    "JWT_SECRET_KEY",
    *STORAGE_VARIABLES,
)


def private_temp_dir(prefix: str) -> Path:
    """A temporary directory outside pytest's basetemp.

    The embedded PostgreSQL runs as another account and must traverse to its data directory;
    any pytest starting on the machine resets /tmp/pytest-of-<user> to 0700, which would lock
    it out in the middle of a test.
    """
    return Path(tempfile.mkdtemp(prefix=prefix))


def stop_postgres(pgdata: Path) -> None:
    """Stop an embedded PostgreSQL cleanly, or at once if it will not stop (stuck in recovery)."""
    try:
        EmbeddedPostgres(pgdata).stop()
    except RuntimeError:
        with suppress(OSError, ValueError, IndexError):
            postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGQUIT)  # PostgreSQL's "immediate" shutdown


def process_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """A clean environment: private DATA_DIR, fixed JWT secret, quiet logs, limits off."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(
        {
            "DATA_DIR": str(data_dir),
            "JWT_SECRET_KEY": JWT_SECRET,
            "LOG_LEVEL": "WARNING",
            # Traffic loops send hundreds of requests a minute; the limits have their own test.
            "RATE_LIMIT_ENABLED": "false",
            "AI_PROVIDER": "local",
        }
    )
    env.update(overrides)
    return env


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def sigkill(self) -> None:
        """SIGKILL this process only (not its group): what a crash or the OOM killer does."""
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def kill_group(self) -> None:
        if not self.alive():
            # Already reaped: its pid, and so its group id, may belong to another process now.
            return
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=30)


@dataclass
class Processes:
    """Starts processes and remembers them; `kill_all` runs in every fixture's finally."""

    log_dir: Path
    started: list[Proc] = field(default_factory=list)
    _count: int = 0

    def spawn(self, name: str, args: list[str], env: dict[str, str]) -> Proc:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._count += 1
        log_path = self.log_dir / f"{self._count:02d}-{name}.log"
        with log_path.open("wb") as log_file:
            popen = subprocess.Popen(
                [EMOTIONVIZ, *args],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc = Proc(name, popen, log_path)
        self.started.append(proc)
        return proc

    def serve(self, name: str, port: int, env: dict[str, str]) -> Proc:
        proc = self.spawn(name, ["serve", "--host", "127.0.0.1", "--port", str(port)], env)
        wait_ready(proc, port)
        return proc

    def worker(self, name: str, env: dict[str, str], concurrency: int = 2) -> Proc:
        return self.spawn(name, ["worker", "--concurrency", str(concurrency)], env)

    def kill_all(self) -> None:
        for proc in reversed(self.started):
            proc.kill_group()


@contextmanager
def processes(log_dir: Path) -> Iterator[Processes]:
    tracker = Processes(log_dir)
    try:
        yield tracker
    finally:
        tracker.kill_all()


def wait_ready(proc: Proc, port: int, timeout: float = 120.0) -> None:
    """Until GET /health/ready answers 200 (the database is reachable), bounded in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            code = proc.popen.returncode
            raise AssertionError(f"{proc.name} exited with {code}:\n{proc.log_tail()}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{proc.name} was not ready within {timeout:.0f} s:\n{proc.log_tail()}")


def wait_for_exit(proc: Proc, timeout: float) -> int:
    return proc.popen.wait(timeout=timeout)
