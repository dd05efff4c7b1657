"""Two machines: an API and a worker that share nothing but the database, Redis (when this
machine has one) and the object store, as an operator would run them on separate hosts.

Each has its own DATA_DIR (its own disk). Before object storage the worker wrote the picture to
its own disk and the API's link to it answered 404; with MEDIA_STORAGE_URL both use the bucket.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.ops.embedded_pg import EmbeddedPostgres
from tests.helpers.network import free_port
from tests.helpers.s3 import S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY, S3Server
from tests.reliability.client import entry_body, register, report
from tests.reliability.processes import private_temp_dir, process_env, processes, stop_postgres

# Processes get bounds of their own (up to 120 s to be ready): the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(300)]

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@dataclass(frozen=True)
class Machines:
    api: str  # the API's base URL
    api_data: Path
    worker_data: Path
    bucket: str


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server) -> Iterator[Machines]:
    root = private_temp_dir("emotionviz-two-machines-")
    postgres = EmbeddedPostgres(root / "pg")
    bucket = s3_server.create_bucket()
    try:
        url = postgres.start()  # the managed PostgreSQL both hosts reach
        with processes(tmp_path_factory.mktemp("two-machines-logs")) as procs:
            shared = {
                "DATABASE_URL": url,
                "MEDIA_STORAGE_URL": f"s3://{bucket}/prod",
                "AWS_ENDPOINT_URL": s3_server.endpoint_url,
                "AWS_REGION": S3_REGION,
                "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
                **({"RATE_LIMIT_STORAGE_URL": REDIS_URL} if REDIS_URL else {}),
            }
            port = free_port()
            api_data, worker_data = root / "api-host", root / "worker-host"
            procs.serve("api", port, process_env(api_data, WORKER_IN_PROCESS="false", **shared))
            procs.worker("worker", process_env(worker_data, **shared))
            yield Machines(f"http://127.0.0.1:{port}", api_data, worker_data, bucket)
    finally:
        stop_postgres(postgres.pgdata)
        shutil.rmtree(root, ignore_errors=True)


def _pictures_on_disk(data_dir: Path) -> list[Path]:
    media = data_dir / "media"
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


async def test_a_picture_drawn_by_the_worker_loads_through_the_links_the_api_returns(
    machines: Machines, s3_server: S3Server
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        headers = await register(client, machines.api)
        created = await client.post(
            f"{machines.api}/api/v1/entries", json=entry_body("Two hosts"), headers=headers
        )
        entry_id = created.json()["data"]["entry"]["id"]
        queued = await client.post(
            f"{machines.api}/api/v1/visualizations", json={"entry_id": entry_id}, headers=headers
        )
        assert queued.status_code == 202, queued.text
        polling_url = machines.api + queued.json()["data"]["polling_url"]
        body = await _until_finished(client, polling_url, headers)
        assert body["status"] == "completed", body

        async with httpx.AsyncClient(timeout=10) as phone:  # a plain GET, as AsyncImage does
            image = await phone.get(body["image_url"])
            thumbnail = await phone.get(body["thumbnail_url"])
        assert image.status_code == 200, image.text
        assert image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")
        assert thumbnail.status_code == 200, thumbnail.text
        assert thumbnail.headers["content-type"] == "image/jpeg"

        prefix = f"prod/visualizations/{body['id']}/"
        stored = [key for key in s3_server.objects(machines.bucket) if key.startswith(prefix)]
        assert sorted(stored) == [f"{prefix}image.png", f"{prefix}thumbnail.jpg"]
        # Neither host kept a copy on its own disk.
        assert _pictures_on_disk(machines.api_data) == []
        assert _pictures_on_disk(machines.worker_data) == []

        # Deleting through the API removes the objects the worker stored.
        deleted = await client.delete(f"{machines.api}/api/v1/entries/{entry_id}", headers=headers)
        assert deleted.status_code == 204
        await _until_gone(s3_server, machines.bucket, prefix)
    report("two_machines", objects_stored=len(stored), redis=REDIS_URL is not None)


async def _until_finished(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        body: dict[str, Any] = (await client.get(url, headers=headers)).json()["data"]
        if body["status"] in ("completed", "failed"):
            return body
        assert asyncio.get_running_loop().time() < deadline, body
        await asyncio.sleep(0.2)


async def _until_gone(server: S3Server, bucket: str, prefix: str) -> None:
    deadline = asyncio.get_running_loop().time() + 30
    while any(key.startswith(prefix) for key in server.objects(bucket)):
        assert asyncio.get_running_loop().time() < deadline, server.objects(bucket)
        await asyncio.sleep(0.1)
