"""`emotionviz media push`, and what `backup` / `restore` say with object storage."""

from __future__ import annotations

import asyncio
import os
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.media.keys import picture_keys
from app.platform.db.database import libpq_url
from app.platform.db.migrate import upgrade
from tests.helpers.cli import EMOTIONVIZ
from tests.helpers.database import run_sql
from tests.helpers.s3 import S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY, S3Server

pytestmark = pytest.mark.slow


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    env.update({"DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING", **extra})
    return env


def _bucket_env(server: S3Server, bucket: str) -> dict[str, str]:
    return {
        "MEDIA_STORAGE_URL": f"s3://{bucket}/emotionviz",
        "AWS_ENDPOINT_URL": server.endpoint_url,
        "AWS_REGION": S3_REGION,
        "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
    }


def _run(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [EMOTIONVIZ, *args], env=env, capture_output=True, text=True, check=False, timeout=180
    )
    assert result.returncode == code, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _write(root: Path, key: str, data: bytes) -> None:
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.mark.timeout(180)  # four `emotionviz` runs (about 12 s), each bounded at 180 s
def test_media_push_copies_local_pictures_into_the_bucket_and_skips_them_next_time(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    media = tmp_path / "data" / "media"
    first, second = picture_keys(uuid.uuid4(), "png"), picture_keys(uuid.uuid4(), "webp")
    for key in (*first, second[0]):
        _write(media, key, f"bytes of {key}".encode())
    _write(media, "visualizations/notes.txt", b"not a picture")
    env = _env(tmp_path / "data", **_bucket_env(s3_server, s3_bucket))

    copied = _run(env, "media", "push")
    assert f"-> s3://{s3_bucket}/emotionviz: 3 copied, 0 already there, 0 failed" in copied.stdout
    stored = s3_server.objects(s3_bucket)
    assert set(stored) == {f"emotionviz/{key}" for key in (*first, second[0])}
    assert s3_server.get(s3_bucket, f"emotionviz/{first[0]}")["ContentType"] == "image/png"

    again = _run(env, "media", "push")
    assert "0 copied, 3 already there, 0 failed" in again.stdout

    # An object that differs (a copy cut short elsewhere) is copied again; local files stay.
    s3_server.put(s3_bucket, f"emotionviz/{first[0]}", b"short")
    _write(tmp_path / "elsewhere", second[1], b"a thumbnail from a backup")
    from_backup = _run(env, "media", "push", "--source", str(tmp_path / "elsewhere"))
    assert "1 copied, 0 already there, 0 failed" in from_backup.stdout
    repaired = _run(env, "media", "push")
    assert "1 copied, 2 already there, 0 failed" in repaired.stdout
    assert (
        s3_server.get(s3_bucket, f"emotionviz/{first[0]}")["Data"]
        == f"bytes of {first[0]}".encode()
    )
    assert (media / first[0]).exists()


def test_media_push_without_a_bucket_says_what_to_set(tmp_path: Path) -> None:
    result = _run(_env(tmp_path / "data"), "media", "push", code=2)
    assert "MEDIA_STORAGE_URL is not set" in result.stderr


def test_media_push_to_a_store_that_is_down_fails_and_says_which_files(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    media = tmp_path / "data" / "media"
    image, _ = picture_keys(uuid.uuid4(), "png")
    _write(media, image, b"png")
    env = _env(
        tmp_path / "data",
        **{
            **_bucket_env(s3_server, s3_bucket),
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens there
            "MEDIA_STORAGE_TIMEOUT_SECONDS": "1",
        },
    )
    result = _run(env, "media", "push", code=1)
    assert "0 copied, 0 already there, 1 failed" in result.stdout
    assert image in result.stderr
    assert S3_SECRET_ACCESS_KEY not in result.stdout + result.stderr


@pytest.fixture
def two_databases(pg_url: str) -> Iterator[tuple[str, str]]:
    """Two scratch databases on the suite's server, reached by DATABASE_URL like a managed one."""
    admin = libpq_url(pg_url)
    names = [f"objstore_{uuid.uuid4().hex[:6]}" for _ in range(2)]
    for name in names:
        asyncio.run(run_sql(admin, f'CREATE DATABASE "{name}"'))
    urls = [make_url(pg_url).set(database=n).render_as_string(False) for n in names]
    try:
        yield urls[0], urls[1]
    finally:
        for name in names:
            asyncio.run(run_sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_backup_with_object_storage_holds_the_database_only_and_says_where_pictures_are(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str, two_databases: tuple[str, str]
) -> None:
    source, target = two_databases
    upgrade(source)
    bucket = _bucket_env(s3_server, s3_bucket)
    s3_server.put(s3_bucket, f"emotionviz/{picture_keys(uuid.uuid4(), 'png')[0]}", b"png")
    archive = tmp_path / "backup.tar"

    backed_up = _run(_env(tmp_path / "a", DATABASE_URL=source, **bucket), "backup", str(archive))
    assert "the database only" in backed_up.stdout
    assert f"s3://{s3_bucket}/emotionviz" in backed_up.stdout
    assert "docs/DEPLOY.md" in backed_up.stdout
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["database.dump", "manifest.json"]

    restored = _run(_env(tmp_path / "b", DATABASE_URL=target, **bucket), "restore", str(archive))
    assert f"s3://{s3_bucket}/emotionviz was left as it is" in restored.stdout
    assert len(s3_server.objects(s3_bucket)) == 1  # restoring never touches the bucket
