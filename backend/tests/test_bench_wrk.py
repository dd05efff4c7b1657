"""The benchmark reads wrk's figures correctly (bench/wrk.py)."""

from __future__ import annotations

import pytest

from bench.wrk import parse

SAMPLE = """Running 10s test @ http://127.0.0.1:8000/api/v1/entries?limit=50
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    30.12ms   10.01ms 120.00ms   80.00%
    Req/Sec     1.07k   100.00     1.30k    70.00%
  Latency Distribution
     50%   28.50ms
     75%   33.00ms
     90%   40.00ms
     99%    1.20s
  21400 requests in 10.01s, 40.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   2138.06
Transfer/sec:      4.00MB
"""


def test_parse_reads_throughput_percentiles_and_every_kind_of_error() -> None:
    result = parse(SAMPLE)
    assert result.requests_per_second == 2138.06
    assert result.p50_ms == 28.5
    assert result.p99_ms == 1200.0
    assert result.requests == 21400
    assert result.errors == 7 + 2 + 3


def test_parse_reads_microsecond_latencies() -> None:
    text = SAMPLE.replace("28.50ms", "950.00us").replace("Socket errors", "Ignored")
    result = parse(text.replace("  Non-2xx or 3xx responses: 7\n", ""))
    assert result.p50_ms == pytest.approx(0.95)
    assert result.errors == 0
