"""Run wrk and read its figures."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int

    def row(self) -> str:
        return (
            f"{self.requests_per_second:10.0f} req/s  p50 {self.p50_ms:7.2f} ms  "
            f"p99 {self.p99_ms:7.2f} ms  errors {self.errors}"
        )


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip())
    if not match:
        raise ValueError(f"unreadable latency {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(output: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        errors += sum(int(g) for g in socket.groups())
    return WrkResult(rps, p50, p99, total, errors)


def run(
    url: str,
    *,
    token: str | None,
    connections: int,
    duration: int,
    threads: int = 2,
    post_body: str | None = None,
) -> WrkResult:
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if token is not None:
        args += ["-H", f"Authorization: Bearer {token}"]
    with tempfile.TemporaryDirectory() as tmp:
        if post_body is not None:
            script = Path(tmp) / "post.lua"
            escaped = post_body.replace("\\", "\\\\").replace('"', '\\"')
            script.write_text(
                'wrk.method = "POST"\n'
                f'wrk.body = "{escaped}"\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
            args += ["-s", str(script)]
        output = subprocess.run(
            [*args, url], capture_output=True, text=True, check=True, timeout=duration + 60
        ).stdout
    return parse(output)
