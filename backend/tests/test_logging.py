"""JSON log lines: redaction, one formatting per record, rotation of the log file."""

from __future__ import annotations

import io
import logging
import logging.handlers
from pathlib import Path

import orjson
import pytest

from app.platform.observability.logging import JsonFormatter, redact

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl"
KEY = "AIza" + "S" * 35


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Authorization: Bearer {JWT}", JWT),
        ("authorization: bearer abc.def-ghi", "abc.def-ghi"),
        (f"token {JWT} leaked", JWT),
        (f"url ?key={KEY}&alt=json", KEY),
        (f'{{"api_key": "{KEY}"}}', KEY),
        ("x-goog-api-key: plain-key-value", "plain-key-value"),
        ('{"password": "Hunter2-Secret"}', "Hunter2-Secret"),
        ("PASSWORD=Hunter2-Secret", "Hunter2-Secret"),
    ],
)
def test_redact_removes_every_kind_of_secret(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_a_line_with_nothing_secret_looking_is_left_as_it_is() -> None:
    line = '{"msg":"GET /api/v1/entries 200","route":"/api/v1/entries","status":200}'
    assert redact(line) == line


class _CountingFormatter(JsonFormatter):
    calls = 0

    def _format(self, record: logging.LogRecord) -> str:
        type(self).calls += 1
        return super()._format(record)


def test_a_record_is_formatted_once_however_many_handlers_write_it(tmp_path: Path) -> None:
    formatter = _CountingFormatter()
    stream = io.StringIO()
    to_stream = logging.StreamHandler(stream)
    # The rotating file formats in its rollover check as well as when it writes.
    to_file = logging.handlers.RotatingFileHandler(
        tmp_path / "app.log", maxBytes=10_000, backupCount=1, delay=True
    )
    logger = logging.getLogger("tests.format_once")
    logger.propagate = False
    for handler in (to_stream, to_file):
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    try:
        logger.warning("password=%s", "Hunter2-Secret", extra={"route": "/x"})
    finally:
        for handler in (to_stream, to_file):
            logger.removeHandler(handler)
            handler.close()
    assert _CountingFormatter.calls == 1
    written = [stream.getvalue(), (tmp_path / "app.log").read_text()]
    assert written[0] == written[1]
    entry = orjson.loads(written[0])
    assert entry["route"] == "/x"
    assert entry["level"] == "WARNING"
    assert "Hunter2-Secret" not in written[0]
    assert "_json_line" not in entry


def test_the_log_file_rolls_over_at_its_size_limit(tmp_path: Path) -> None:
    handler = logging.handlers.RotatingFileHandler(
        tmp_path / "app.log", maxBytes=400, backupCount=2, delay=True
    )
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.rotation")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for number in range(20):
            logger.warning("line %d", number)
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert (tmp_path / "app.log.1").exists()
    assert (tmp_path / "app.log").stat().st_size < 400
