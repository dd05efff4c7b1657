"""Serve the floor app the way `emotionviz serve` serves the project: same uvicorn options, and
with several workers a listening socket each (app.ops.serving), so both sides of the comparison
spread connections over their workers alike.

    python -m bench.floor_serve --port 8001 --workers 2 [--app bench.floor_fastapi:app]
"""

from __future__ import annotations

import argparse

import uvicorn

from app.ops import serving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--app", default="bench.floor_app:app", help="the floor to serve")
    args = parser.parse_args()
    config = uvicorn.Config(
        args.app,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_worker_healthcheck=30,
    )
    if args.workers > 1 and serving.REUSE_PORT:
        serving.run_workers(config)
    else:
        uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
