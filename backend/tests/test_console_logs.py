"""Console logs a person can read on a terminal (LOG_FORMAT=auto), JSON everywhere else.

app.platform.observability.logging: stdout gets TextFormatter lines when it is a TTY, JSON when it
is a pipe (containers, CI); DATA_DIR/logs/app.log is always JSON.
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.platform.config import Settings
from app.platform.context import request_id_var
from app.platform.observability.access_log import AccessRecorder
from app.platform.observability.logging import (
    JsonFormatter,
    TextFormatter,
    configure_logging,
    console_formatter,
)

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl"
TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}"


class FakeStream(io.StringIO):
    """A console whose isatty() answers what the test says."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class ClosedStream(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


@pytest.fixture(autouse=True)
def colour_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)


# --- which formatter the console gets --------------------------------------------------------
def test_auto_is_text_with_colour_on_a_terminal_and_json_on_a_pipe() -> None:
    on_tty = console_formatter("auto", FakeStream(tty=True))
    assert isinstance(on_tty, TextFormatter)
    assert on_tty.colour
    assert type(console_formatter("auto", FakeStream(tty=False))) is JsonFormatter


def test_log_format_forces_either_way_and_text_on_a_pipe_has_no_colour() -> None:
    assert type(console_formatter("json", FakeStream(tty=True))) is JsonFormatter
    forced = console_formatter("text", FakeStream(tty=False))
    assert isinstance(forced, TextFormatter)
    assert not forced.colour


def test_no_color_turns_the_colour_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    formatter = console_formatter("auto", FakeStream(tty=True))
    assert isinstance(formatter, TextFormatter)
    assert not formatter.colour


def test_a_stream_that_cannot_say_is_not_a_terminal() -> None:
    assert type(console_formatter("auto", ClosedStream())) is JsonFormatter


@pytest.mark.usefixtures("restore_root_logging")
@pytest.mark.parametrize("tty", [True, False])
def test_configure_logging_writes_text_to_a_terminal_and_json_to_the_file_always(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    console = FakeStream(tty=tty)
    monkeypatch.setattr(sys, "stdout", console)
    configure_logging(Settings(_env_file=None, data_dir=tmp_path), to_file=True)

    logging.getLogger("app.test").warning("hello %s", "there", extra={"entry_id": 7})
    for handler in logging.getLogger().handlers:
        handler.flush()

    written = console.getvalue()
    if tty:
        assert re.fullmatch(
            TIME + r" \x1b\[33mWARNING \x1b\[0m app\.test  hello there  entry_id=7\n", written
        ), written
    else:
        assert json.loads(written)["msg"] == "hello there"
    in_file = json.loads((tmp_path / "logs" / "app.log").read_text())
    assert (in_file["msg"], in_file["entry_id"], in_file["level"]) == ("hello there", 7, "WARNING")


@pytest.mark.usefixtures("restore_root_logging")
def test_json_on_the_console_and_in_the_file_is_formatted_once_per_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both handlers share the JSON formatter, whose line is cached per formatter: one JSON
    encoding per record, not one per handler (the access log writes one a request)."""
    console = FakeStream(tty=False)
    monkeypatch.setattr(sys, "stdout", console)
    encoded: list[str] = []
    real_format = JsonFormatter._format

    def counting(self: JsonFormatter, record: logging.LogRecord) -> str:
        encoded.append(record.getMessage())
        return real_format(self, record)

    monkeypatch.setattr(JsonFormatter, "_format", counting)
    configure_logging(Settings(_env_file=None, data_dir=tmp_path), to_file=True)

    logging.getLogger("app.test").warning("once")
    for handler in logging.getLogger().handlers:
        handler.flush()

    assert encoded == ["once"]
    assert json.loads(console.getvalue())["msg"] == "once"
    assert json.loads((tmp_path / "logs" / "app.log").read_text())["msg"] == "once"


# --- what a text line looks like --------------------------------------------------------------
def _record_with_an_exception() -> logging.LogRecord:
    try:
        raise ValueError("the picture could not be drawn")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.getLogger("app.jobs").makeRecord(
        "app.jobs",
        logging.ERROR,
        __file__,
        1,
        "job %s failed with password=%s",
        ("j-1", "Hunter2-Secret"),
        exc_info,
        extra={
            "attempt": 2,
            "reason": "no slot free",
            "retry": True,
            "detail": {"kind": "image"},
            "missing": None,
            "header": f"Bearer {JWT}",
            "_internal": "never shown",
        },
    )
    record.created = 1_700_000_000.25
    record.msecs = 250.0
    return record


def test_a_text_line_has_time_level_logger_message_fields_and_the_traceback() -> None:
    record = _record_with_an_exception()
    token = request_id_var.set("req-42")
    try:
        line = TextFormatter().format(record)
    finally:
        request_id_var.reset(token)

    first, *traceback = line.split("\n")
    assert re.fullmatch(
        TIME + r" ERROR    app\.jobs  job j-1 failed with password=\[REDACTED\]"
        r"  request_id=req-42 attempt=2 reason=\"no slot free\" retry=True"
        r' detail=\{"kind":"image"\} header="Bearer \[REDACTED\]"',
        first,
    ), first
    assert first.startswith(
        logging.Formatter().formatTime(record, "%Y-%m-%d %H:%M:%S") + ".250 "
    )  # local time
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-1] == "ValueError: the picture could not be drawn"
    assert "_internal" not in line
    assert "missing" not in line  # fields left empty are left out
    # Redaction covers the text line as it covers the JSON one.
    assert "Hunter2-Secret" not in line
    assert JWT not in line
    assert "Hunter2-Secret" not in JsonFormatter().format(_record_with_an_exception())


def test_colour_wraps_only_the_level() -> None:
    record = logging.makeLogRecord({"name": "app.x", "levelname": "ERROR", "msg": "m"})
    line = TextFormatter(colour=True).format(record)
    assert "\x1b[31mERROR   \x1b[0m app.x  m" in line


async def test_access_lines_written_in_a_batch_read_well_each_with_its_own_request() -> None:
    access = logging.getLogger("app.access")
    console = FakeStream(tty=True)
    handler = logging.StreamHandler(console)
    handler.setFormatter(TextFormatter())
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    recorder = AccessRecorder(batch_seconds=60)  # written only by the flush below
    try:
        for number, user in enumerate(["u-1", None]):
            scope = {
                "type": "http",
                "method": "GET",
                "path": f"/api/v1/entries/e-{number}",
                "route": SimpleNamespace(path="/api/v1/entries/{entry_id}"),
                "client": ("10.0.0.5", 5000),
                "state": {"user_id": user},
            }
            recorder.record(scope, 200 + number, 0.0123, f"req-{number}")
        assert console.getvalue() == ""
        contextvars.Context().run(recorder.flush)  # as the timer or the app's shutdown does
    finally:
        access.removeHandler(handler)
        access.setLevel(level)

    lines = console.getvalue().splitlines()
    fields = "method=GET route=/api/v1/entries/{entry_id} status=%d duration_ms=12.3"
    assert re.fullmatch(
        TIME
        + r" INFO     app\.access  GET /api/v1/entries/e-0 200  "
        + re.escape(fields % 200 + " user_id=u-1 client=10.0.0.5 request_id=req-0"),
        lines[0],
    ), lines[0]
    assert re.fullmatch(
        TIME
        + r" INFO     app\.access  GET /api/v1/entries/e-1 201  "
        + re.escape(fields % 201 + " client=10.0.0.5 request_id=req-1"),
        lines[1],
    ), lines[1]
    assert len(lines) == 2
