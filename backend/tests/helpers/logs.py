"""Capturing log lines as the app's JSON formatter writes them."""

from __future__ import annotations

import json
import logging

from app.platform.observability.logging import JsonFormatter


class FormattedLines(logging.Handler):
    """Formats at emit time, as the real handlers do (the request id lives in a contextvar)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))

    def request_ids(self) -> list[object]:
        return [line["request_id"] for line in self.lines]
