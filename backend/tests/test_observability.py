"""Observability: JSON access logs with their fields, rotating under DATA_DIR/logs."""

from __future__ import annotations

import json
import logging
import logging.handlers
from pathlib import Path

import httpx
import pytest

from app.platform.config import Settings
from app.platform.observability.logging import configure_logging
from tests.helpers.logs import FormattedLines
from tests.helpers.users import UserFactory


@pytest.mark.usefixtures("restore_root_logging")
def test_logs_go_to_a_rotating_file_under_data_dir_logs(settings: Settings, tmp_path: Path) -> None:
    configure_logging(settings.model_copy(update={"data_dir": tmp_path}), to_file=True)
    files = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(files) == 1
    handler = files[0]
    assert Path(handler.baseFilename) == tmp_path / "logs" / "app.log"
    assert (handler.maxBytes, handler.backupCount) == (10 * 1024 * 1024, 5)

    # Rotation itself: shrink the threshold and write past it.
    handler.maxBytes = 2_000
    for n in range(40):
        logging.getLogger("app.test").warning("line %d of a log that must rotate", n)
    handler.flush()
    rotated = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert rotated[:2] == ["app.log", "app.log.1"]
    assert len(rotated) <= 6  # app.log + backupCount
    line = json.loads((tmp_path / "logs" / "app.log").read_text().splitlines()[-1])
    assert line["msg"] == "line 39 of a log that must rotate"
    assert {"ts", "level", "logger", "msg", "pid"} <= set(line)


async def test_access_log_lines_carry_request_id_user_route_status_and_duration(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    access = logging.getLogger("app.access")
    capture, level = FormattedLines(), access.level
    access.addHandler(capture)
    access.setLevel(logging.INFO)
    try:
        user = await users.create()
        await client.get(
            "/api/v1/entries/not-a-uuid", headers={**users.headers(user), "X-Request-ID": "obs-1"}
        )
    finally:
        access.removeHandler(capture)
        access.setLevel(level)

    (line,) = capture.lines
    assert line["request_id"] == "obs-1"
    assert line["user_id"] == str(user.id)
    assert line["route"] == "/api/v1/entries/{entry_id}"
    assert (line["method"], line["status"]) == ("GET", 400)
    assert isinstance(line["duration_ms"], float)
    assert line["logger"] == "app.access"
