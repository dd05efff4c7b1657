"""The drawing screen's benchmark: offline /feeling and /story under load, and their neighbours.

    cd backend && uv run python -m bench.drawings        # 8 and 32 clients, 10 s each

It starts `emotionviz serve --workers 2` as a user would (embedded PostgreSQL in a throw-away
DATA_DIR, no Gemini key: the offline painter and story bank, request limits off), then drives
wrk against POST /api/v1/visualizations/feeling and /story without a token (as the app calls
them) at each concurrency, and prints req/s, p50 and p99. It then measures GET
/api/v1/entries?limit=50 for a signed-in reader alone and again while 32 clients draw stories,
and samples the API workers' resident memory throughout (the peak is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from bench import wrk
from bench.run import LIMITS_OFF, free_port, seed, serving, wait_ready, worker_rss_mb

FEELING = {"feeling_category": "bad", "selected_emotions": ["fuming", "freaked_out", "down"]}
STORY = {
    "feeling_category": "bad",
    "selected_emotions": ["freaked_out"],
    "story_text": (
        "Tomorrow I have to give a speech at the company annual gala in front of four hundred "
        "people, and I keep imagining that I will forget my words and everyone will laugh."
    ),
}


class PeakRss:
    """Samples the workers' RSS in the background; `peak` is the highest seen per worker."""

    def __init__(self, server_pid: int) -> None:
        self._server = psutil.Process(server_pid)
        self.peak: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            for child in self._server.children(recursive=True):
                try:
                    if "postgres" in child.name() or "resource_tracker" in " ".join(
                        child.cmdline()
                    ):
                        continue
                    rss = child.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.peak[child.pid] = max(self.peak.get(child.pid, 0.0), rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="emotionviz-bench-drawings-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "GEMINI_API_KEY"}},
        "DATA_DIR": str(data_dir),
        "AI_PROVIDER": "local",
        "RATE_LIMIT_ENABLED": "false",
        **LIMITS_OFF,
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results: dict[str, object] = {"workers": args.workers, "duration_s": args.duration}
    rows: list[str] = []
    with serving(env, port, args.workers, data_dir) as server:
        wait_ready(f"{base}/health/ready", server)
        reader = seed(base)
        with PeakRss(server.pid) as rss:
            for name, path, body in (
                ("feeling", "/api/v1/visualizations/feeling", FEELING),
                ("story", "/api/v1/visualizations/story", STORY),
            ):
                for clients in (8, 32):
                    url, posted = f"{base}{path}", json.dumps(body)
                    for duration in (2, args.duration):  # warm-up, then the measured run
                        result = wrk.run(
                            url,
                            token=None,
                            connections=clients,
                            duration=duration,
                            post_body=posted,
                        )
                    results[f"{name}_c{clients}"] = vars(result)
                    rows.append(f"{name:8} {clients:3} clients {result.row()}")
            entries = f"{base}/api/v1/entries?limit=50"
            wrk.run(entries, token=reader, connections=16, duration=2)
            quiet = wrk.run(entries, token=reader, connections=16, duration=args.duration)
            with ThreadPoolExecutor(2) as pool:
                drawing = pool.submit(
                    wrk.run,
                    f"{base}/api/v1/visualizations/story",
                    token=None,
                    connections=32,
                    duration=args.duration + 2,
                    post_body=json.dumps(STORY),
                )
                time.sleep(1)
                busy = pool.submit(
                    wrk.run, entries, token=reader, connections=16, duration=args.duration
                ).result()
                drawing.result()
        results["entries_quiet"] = vars(quiet)
        results["entries_while_drawing"] = vars(busy)
        results["peak_worker_rss_mb"] = sorted(round(v, 1) for v in rss.peak.values())
        results["worker_rss_mb_after"] = worker_rss_mb(server)

    ratio = busy.p99_ms / quiet.p99_ms
    results["entries_p99_ratio"] = round(ratio, 2)
    print(f"\nmachine: {os.cpu_count()} cores; {args.workers} workers; wrk {args.duration} s runs")
    print("\n".join(rows))
    print(f"GET /entries alone          {quiet.row()}")
    print(f"GET /entries while drawing  {busy.row()}")
    print(f"GET /entries p99 while 32 clients draw stories: {ratio:.2f}x alone")
    print(f"peak worker RSS (MB): {results['peak_worker_rss_mb']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
