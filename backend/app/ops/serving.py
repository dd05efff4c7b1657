"""Several uvicorn workers, each with its own listening socket (SO_REUSEPORT).

uvicorn's multi-worker mode hands every worker the same listening socket, and whichever worker
wakes first accepts whatever is queued: a burst of new connections lands mostly on one of them.
Measured with `wrk -c64` against `serve --workers 2`, one worker held 42 connections and the other
22 for the whole run (16 connections: 13 and 3), so one event loop queued requests while the
other idled. With SO_REUSEPORT each worker listens on its own socket bound to the same address,
and the kernel spreads new connections across them by a hash of the client's address and port.

uvicorn's supervisor (restarts, health checks, signals) is kept: it passes the socket to each
worker process by pickling it, and `_PerWorkerSocket` pickles into a fresh socket bound with
SO_REUSEPORT in the worker that unpickles it. The supervisor's own socket only holds the address
(bound, never listening), so it receives no connections.

Two consequences to know. A port already in use must still fail at start: SO_REUSEPORT would let
a second server (a stale deployment) quietly share it, so the supervisor first binds a plain
socket, which fails if anything holds the port. And connections waiting in a worker's own queue
when that worker dies are reset (with one shared socket another worker would have taken them);
uvicorn restarts the worker and the kernel sends new connections to the live ones.

Linux only: macOS and the BSDs accept SO_REUSEPORT but do not spread TCP connections over the
sockets, so there workers share one socket as uvicorn does.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

log = logging.getLogger(__name__)

REUSE_PORT = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def _share_address(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def _worker_socket(family: int, address: Any) -> socket.socket:
    """Runs in the worker as it unpickles its socket: its own, on the supervisor's address."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    _share_address(sock)
    sock.bind(address)
    return sock


class _PerWorkerSocket(socket.socket):
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return _worker_socket, (self.family, self.getsockname())


def _reserve(host: str, port: int) -> _PerWorkerSocket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if port != 0:
        # Without SO_REUSEPORT this bind fails if any socket holds the port, reusable or not.
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    sock = _PerWorkerSocket(family, socket.SOCK_STREAM)
    _share_address(sock)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def run_workers(config: uvicorn.Config) -> None:
    """`uvicorn.run` for `config.workers` > 1 processes, each listening on its own socket."""
    assert REUSE_PORT
    assert config.workers > 1
    try:
        sock = _reserve(config.host, config.port)
    except OSError as exc:
        log.error("cannot listen on %s:%s: %s", config.host, config.port, exc)
        raise SystemExit(3) from exc  # uvicorn's STARTUP_FAILURE
    log.info(
        "listening on http://%s:%d with %d workers, a socket each",
        config.host,
        sock.getsockname()[1],
        config.workers,
    )
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
