"""`emotionviz backup` / `restore`: a backup restored into a fresh DATA_DIR has everything."""

from __future__ import annotations

import asyncio
import tarfile
import uuid
from pathlib import Path

import pytest

from app.media.keys import picture_keys
from app.ops.backup import create_backup, restore_backup
from app.ops.embedded_pg import EmbeddedPostgres
from app.platform.db.database import libpq_url
from tests.helpers.cli import run_cli
from tests.helpers.database import run_sql

pytestmark = pytest.mark.slow

SEED_SQL = """
WITH u AS (
    INSERT INTO users (email, hashed_password, name) VALUES ('backup@example.com', 'x', 'B')
    RETURNING id
), s AS (
    INSERT INTO intake_sessions (user_id, initial_situation, conversation_history)
    SELECT id, 'A hard week', '[{"step": 1}]'::jsonb FROM u RETURNING id, user_id
), e AS (
    INSERT INTO emotion_entries (user_id, situation, emotions, intensity, source, intake_session_id)
    SELECT user_id, 'A hard week', '{anxiety,sadness}', 0.65, 'intake_flow', id FROM s
    RETURNING id, user_id
)
INSERT INTO visualizations (entry_id, user_id, status, image_url, thumbnail_url, progress)
SELECT id, user_id, 'completed', 'ab/cd.png', 'ab/cd_thumb.png', 100 FROM e
"""

COUNT_SQL = """
SELECT (SELECT count(*) FROM users WHERE email = 'backup@example.com'),
       (SELECT count(*) FROM intake_sessions),
       (SELECT count(*) FROM emotion_entries WHERE intensity = 0.65),
       (SELECT count(*) FROM visualizations WHERE image_url = 'ab/cd.png')
"""


@pytest.mark.timeout(180)  # three `emotionviz` runs (about 10 s), each bounded at 180 s
def test_backup_restores_into_a_fresh_data_dir_with_every_row_and_image(tmp_path: Path) -> None:
    source, fresh = tmp_path / "source", tmp_path / "fresh"
    run_cli(source, "migrate")
    server = EmbeddedPostgres(source / "pg-embedded")
    server.start()
    try:
        asyncio.run(run_sql(server.libpq_url(), SEED_SQL))
    finally:
        server.stop()
    image_key, thumbnail_key = picture_keys(uuid.uuid4(), "png")
    image = source / "media" / image_key
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\x89PNG fake image bytes")
    (source / "media" / thumbnail_key).write_bytes(b"thumb")
    # A crashed write's temp file is no picture: left out, so the archive restores.
    (image.parent / ".tmp-crashed").write_bytes(b"half")

    archive = tmp_path / "backup.tar"
    # umask 0: the archive's privacy must not depend on the caller's umask.
    out = run_cli(source, "backup", str(archive), umask=0)
    assert "2 media files" in out.stdout
    assert archive.stat().st_mode & 0o777 == 0o600
    assert not archive.with_name(archive.name + ".partial").exists()
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(
            ["manifest.json", "database.dump", f"media/{image_key}", f"media/{thumbnail_key}"]
        )
    run_cli(fresh, "restore", str(archive))

    restored = EmbeddedPostgres(fresh / "pg-embedded")
    restored.start()
    try:
        counts = asyncio.run(run_sql(restored.libpq_url(), COUNT_SQL))
    finally:
        restored.stop()
    assert counts is not None
    assert tuple(counts) == (1, 1, 1, 1)
    assert (fresh / "media" / image_key).read_bytes() == b"\x89PNG fake image bytes"
    assert (fresh / "media" / thumbnail_key).read_bytes() == b"thumb"


def test_backup_and_restore_work_against_an_external_server(pg_url: str, tmp_path: Path) -> None:
    """The same functions on a server reached by DATABASE_URL (here: the suite's own server)."""
    admin = libpq_url(pg_url)
    names = [f"backup_{uuid.uuid4().hex[:6]}" for _ in range(2)]
    from sqlalchemy.engine import make_url

    from app.platform.db.migrate import upgrade

    urls = [make_url(pg_url).set(database=n).render_as_string(False) for n in names]
    for name in names:
        asyncio.run(run_sql(admin, f'CREATE DATABASE "{name}"'))
    try:
        upgrade(urls[0])
        asyncio.run(run_sql(libpq_url(urls[0]), SEED_SQL))
        media = tmp_path / "media"
        key, _ = picture_keys(uuid.uuid4(), "webp")
        (media / key).parent.mkdir(parents=True)
        (media / key).write_bytes(b"img")
        # A file already at the target, readable by all, is replaced by a private one.
        target = tmp_path / "b.tar"
        target.write_bytes(b"an older backup")
        target.chmod(0o644)
        manifest = create_backup(urls[0], media, target)
        assert manifest["media_files"] == 1
        assert target.stat().st_mode & 0o777 == 0o600
        restored_media = tmp_path / "restored-media"
        restore_backup(urls[1], restored_media, target)
        counts = asyncio.run(run_sql(libpq_url(urls[1]), COUNT_SQL))
        assert counts is not None
        assert tuple(counts) == (1, 1, 1, 1)
        assert (restored_media / key).read_bytes() == b"img"
    finally:
        for name in names:
            asyncio.run(run_sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
