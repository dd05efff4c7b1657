"""A write is acknowledged only after its transaction committed.

If the commit ran after the response was sent, a client could hold a 201 for a row that a failed
commit (a crash, a lost connection, a deferred constraint) never stored. A deferred constraint
trigger makes the commit of marked entries fail, deterministically, at COMMIT time.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import httpx
import pytest

from app.ops.embedded_pg import EmbeddedPostgres
from tests.helpers.network import free_port
from tests.reliability.client import entry_body, register, report
from tests.reliability.processes import Processes, process_env

# Processes get bounds of their own (up to 120 s to be ready): the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(300)]

MARKER = "refused-at-commit"

_FAIL_AT_COMMIT = f"""
CREATE FUNCTION reliability_fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.situation LIKE '%{MARKER}%' THEN
        RAISE EXCEPTION 'commit refused for the test';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER reliability_fail_at_commit AFTER INSERT ON emotion_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reliability_fail_at_commit();
"""


async def test_a_write_whose_commit_fails_is_never_acknowledged(
    data_dir: Path, procs: Processes
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    procs.serve("api", port, process_env(data_dir))
    conn = await asyncpg.connect(EmbeddedPostgres(data_dir / "pg-embedded").libpq_url())
    try:
        await conn.execute(_FAIL_AT_COMMIT)
    finally:
        await conn.close()

    # A fresh connection per request: a failure must not spill over onto the next request.
    fresh = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=10, limits=fresh) as client:
        headers = await register(client, base)
        url = f"{base}/api/v1/entries"
        try:
            refused = await client.post(url, json=entry_body(f"{MARKER} 1"), headers=headers)
            refused_status: int | None = refused.status_code
        except httpx.HTTPError:
            refused_status = None  # no answer is not an acknowledgement either
        stored = await client.post(url, json=entry_body("an ordinary entry"), headers=headers)
        listed = (await client.get(url, headers=headers)).json()["data"]

    # The failed commit surfaces as an error answer, never as the 201 of a row that isn't there.
    assert refused_status != 201
    assert refused_status is not None
    assert refused_status >= 500
    assert stored.status_code == 201
    assert [e["situation"] for e in listed["entries"]] == ["an ordinary entry"]
    report("commit_before_ack", refused_status=refused_status)
