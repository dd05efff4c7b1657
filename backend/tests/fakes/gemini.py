"""A fake Gemini API: a real HTTP server on 127.0.0.1 (random port) speaking `generateContent`.

The real google-genai SDK reaches it through GEMINI_BASE_URL, so tests exercise the SDK's own
request building, response parsing and error raising.

API (see `tests/fakes/fixtures.py` for the pytest fixtures built on it):
- `with FakeGemini.running() as fake:` starts it; `fake.base_url` is what GEMINI_BASE_URL gets.
- `fake.script(*replies)` queues replies (builders in `tests/fakes/replies.py`: `text_reply`,
  `image_reply`, `error_reply`, `invalid_key_reply`, `blocked_reply`, `refusal_reply`,
  `no_image_reply`, `malformed_reply`, `dropped_connection`; `reply.after(seconds)` adds
  latency). Each request takes the next one; with the queue empty, a canned success fitting the
  request is sent (an image for IMAGE requests, else an intake / summary / analysis / story
  answer chosen by the response schema).
- `fake.requests` lists what arrived (`RecordedRequest`: model, api_version, headers, body,
  `prompt`, `system`, `generation_config`, `response_schema`).
- `fake.latency = seconds` delays every reply that has no delay of its own (slow or hanging
  Gemini for the reliability suite; replies are released at once when the fake shuts down).
- `fake.hold()` keeps every reply waiting until `fake.release()` (a Gemini as slow as the test
  needs, without guessing a latency); `fake.held` is how many requests are waiting right now,
  `fake.in_flight` how many are being answered (held, delayed or sending).
- `fake.snake_case = True` sends answers with snake_case keys; `fake.valid_keys = {...}` makes
  any other key fail as Google does (400 API_KEY_INVALID); no key at all is 401.
- Paths: /v1beta/models/{model}:generateContent and /v1/...; anything else is a Google-style 404.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.replies import (
    ANALYSIS_ANSWER,
    INTAKE_ANSWER,
    STORY_ANSWER,
    SUMMARY_ANSWER,
    FakeReply,
    error_reply,
    image_reply,
    invalid_key_reply,
    text_reply,
)

_PATH = re.compile(r"^/(?P<version>v1beta|v1)/models/(?P<model>[^/:]+):(?P<action>[A-Za-z]+)$")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {_CAMEL.sub("_", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    api_version: str | None
    model: str | None
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]

    @property
    def api_key(self) -> str | None:
        return self.headers.get("x-goog-api-key")

    @property
    def prompt(self) -> str:
        """All text the request sent as `contents`."""
        return "\n".join(
            part.get("text", "")
            for content in self.body.get("contents", [])
            for part in content.get("parts", [])
        )

    @property
    def system(self) -> str:
        instruction = self.body.get("systemInstruction") or {}
        return "\n".join(p.get("text", "") for p in instruction.get("parts", []))

    @property
    def generation_config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.body.get("generationConfig") or {}
        return config

    @property
    def response_schema(self) -> dict[str, Any] | None:
        config = self.generation_config
        schema = config.get("responseSchema") or config.get("responseJsonSchema")
        return schema if isinstance(schema, dict) else None

    @property
    def wants_image(self) -> bool:
        return "IMAGE" in (self.generation_config.get("responseModalities") or [])


class _QuietServer(ThreadingHTTPServer):
    # Hundreds of callers may connect at once (tests of AI calls in flight); the default
    # backlog of 5 would make the kernel drop their first SYNs.
    request_queue_size = 512

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (the worker-kill tests) is expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeGemini:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[FakeReply] = deque()
        self._closing = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.snake_case = False
        self.latency = 0.0
        self.valid_keys: set[str] | None = None
        self._server: ThreadingHTTPServer | None = None
        self._open = threading.Event()
        self._open.set()
        self._held = 0
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def _count_in_flight(self, change: int) -> None:
        with self._lock:
            self._in_flight += change

    def hold(self) -> None:
        """From now on every reply waits until `release()`."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    @property
    def held(self) -> int:
        """Requests waiting for `release()` right now."""
        with self._lock:
            return self._held

    def _wait_while_held(self) -> None:
        if self._open.is_set():
            return
        with self._lock:
            self._held += 1
        try:
            while not (self._open.wait(0.05) or self._closing.is_set()):
                pass
        finally:
            with self._lock:
                self._held -= 1

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the fake is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: FakeReply) -> None:
        with self._lock:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not yet consumed."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    # --- serving -------------------------------------------------------------------------------
    def _reply_for(self, request: RecordedRequest) -> FakeReply:
        if request.model is None:
            return error_reply(404, "NOT_FOUND", f"Method not found: {request.path}")
        if not request.api_key:
            return error_reply(401, "UNAUTHENTICATED", "Method doesn't allow unregistered callers.")
        if self.valid_keys is not None and request.api_key not in self.valid_keys:
            return invalid_key_reply()
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        return self._canned(request)

    @staticmethod
    def _canned(request: RecordedRequest) -> FakeReply:
        if request.wants_image:
            return image_reply()
        properties = (request.response_schema or {}).get("properties", {})
        if "scenarios" in properties:
            return text_reply(INTAKE_ANSWER)
        if "situation_summary" in properties:
            return text_reply(SUMMARY_ANSWER)
        if "color_palette" in properties:
            return text_reply(ANALYSIS_ANSWER)
        if "central_stressor" in properties:
            return text_reply(STORY_ANSWER)
        return text_reply({})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output quiet

            def do_POST(self) -> None:
                fake._count_in_flight(+1)
                try:
                    self._answer()
                finally:
                    fake._count_in_flight(-1)

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    body = {"_unparsed": raw.decode(errors="replace")}
                match = _PATH.match(self.path.split("?")[0])
                recorded = RecordedRequest(
                    method="POST",
                    path=self.path,
                    api_version=match["version"] if match else None,
                    model=match["model"] if match else None,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                reply = fake._reply_for(recorded)
                fake._wait_while_held()
                delay = reply.delay_seconds or fake.latency
                if delay and fake._closing.wait(delay):
                    return
                if reply.drop:
                    self.close_connection = True
                    return
                self._send(reply)

            def _send(self, reply: FakeReply) -> None:
                body = reply.body
                if isinstance(body, dict | list):
                    if fake.snake_case and reply.status == 200:
                        body = _snake(body)
                    payload = json.dumps(body).encode()
                elif isinstance(body, str):
                    payload = body.encode()
                else:
                    payload = body or b""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

        return Handler

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[FakeGemini]:
        fake = cls()
        server = _QuietServer(("127.0.0.1", 0), fake._handler())
        server.daemon_threads = True
        fake._server = server
        thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fake-gemini", daemon=True
        )
        thread.start()
        try:
            yield fake
        finally:
            fake._closing.set()
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
