"""`restore` reads only a backup's own files: anything else refuses the whole archive, untouched."""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.media.keys import picture_keys
from app.ops.backup import BackupRefused, restore_backup
from app.platform.db.database import libpq_url
from tests.helpers.cli import run_cli
from tests.helpers.database import run_sql

IMAGE_KEY, _ = picture_keys(uuid.UUID("00000000-0000-4000-8000-000000000001"), "png")
MANIFEST = json.dumps({"format": 1, "created_at": "2026-12-01T00:00:00+00:00"}).encode()


def _file(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes | None]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, bytes | None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def _write(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _backup_plus(*extra: tuple[tarfile.TarInfo, bytes | None]) -> Callable[[Path], Path]:
    """A well-formed backup with `extra` members after its own."""
    members = [_file("manifest.json", MANIFEST), _file("database.dump", b"PGDMP")]
    return lambda path: _write(path, [*members, *extra])


def _not_a_tar(path: Path) -> Path:
    path.write_bytes(b"this is not a tar archive at all" * 40)
    return path


# (archive builder, what the refusal says)
REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "symlink": (
        _backup_plus(_special(f"media/{IMAGE_KEY}", tarfile.SYMTYPE, "/etc/passwd")),
        f"its member 'media/{IMAGE_KEY}' is a symbolic link (to '/etc/passwd')",
    ),
    "hardlink": (
        _backup_plus(_special(f"media/{IMAGE_KEY}", tarfile.LNKTYPE, "database.dump")),
        f"its member 'media/{IMAGE_KEY}' is a hard link (to 'database.dump')",
    ),
    "dotdot": (
        _backup_plus(_file("media/../../outside.txt")),
        "its member 'media/../../outside.txt' is a path that leaves the archive (..)",
    ),
    "absolute": (
        _backup_plus(_file("/tmp/emotionviz-absolute.txt")),
        "its member '/tmp/emotionviz-absolute.txt' is an absolute path",
    ),
    "unexpected_file": (
        _backup_plus(_file("media/visualizations/notes.txt")),
        "its member 'media/visualizations/notes.txt' is not a file a backup holds",
    ),
    "directory": (
        _backup_plus(_special("media/visualizations", tarfile.DIRTYPE)),
        "its member 'media/visualizations' is not a regular file",
    ),
    "device": (
        _backup_plus(_special("database.dump.dev", tarfile.CHRTYPE)),
        "its member 'database.dump.dev' is not a regular file",
    ),
    "duplicate": (
        _backup_plus(_file("manifest.json", MANIFEST)),
        "its member 'manifest.json' is in it twice",
    ),
    "no_dump": (
        lambda path: _write(path, [_file("manifest.json", MANIFEST)]),
        "no database.dump in it",
    ),
    "not_a_tar": (_not_a_tar, "not a readable tar archive"),
    "other_format": (
        lambda path: _write(
            path, [_file("manifest.json", b'{"format": 9}'), _file("database.dump")]
        ),
        "unsupported backup format 9",
    ),
}


@pytest.fixture(scope="module")
def canary_database(pg_url: str) -> Iterator[str]:
    """A scratch database holding one row, to show a refused restore never reached it."""
    name = f"restore_refused_{uuid.uuid4().hex[:6]}"
    admin = libpq_url(pg_url)
    asyncio.run(run_sql(admin, f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url).set(database=name).render_as_string(False)
    asyncio.run(run_sql(libpq_url(url), "CREATE TABLE canary AS SELECT 'still here' AS note"))
    try:
        yield url
    finally:
        asyncio.run(run_sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _media_with_a_picture(root: Path) -> Path:
    media = root / "media"
    (media / IMAGE_KEY).parent.mkdir(parents=True)
    (media / IMAGE_KEY).write_bytes(b"the picture already there")
    return media


def _snapshot(media: Path) -> dict[str, bytes]:
    return {
        p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("case", list(REFUSED))
def test_restore_refuses_an_archive_with_anything_but_a_backups_files_and_changes_nothing(
    case: str, canary_database: str, tmp_path: Path
) -> None:
    build, message = REFUSED[case]
    archive = build(tmp_path / "suspect.tar")
    media = _media_with_a_picture(tmp_path)
    before = _snapshot(media)

    with pytest.raises(BackupRefused) as refused:
        restore_backup(canary_database, media, archive)

    assert message in str(refused.value)
    assert str(archive) in str(refused.value)
    row = asyncio.run(run_sql(libpq_url(canary_database), "SELECT note FROM canary"))
    assert row is not None
    assert row["note"] == "still here"
    assert _snapshot(media) == before
    assert not media.with_name("media.restoring").exists()
    assert not Path("/tmp/emotionviz-absolute.txt").exists()
    assert not (tmp_path.parent / "outside.txt").exists()


@pytest.mark.slow
def test_restore_command_refuses_with_the_offending_member_before_starting_the_database(
    tmp_path: Path,
) -> None:
    build, message = REFUSED["symlink"]
    archive = build(tmp_path / "suspect.tar")
    data_dir = tmp_path / "data"
    media = _media_with_a_picture(data_dir)
    before = _snapshot(media)

    result = run_cli(data_dir, "restore", str(archive), code=2)

    assert "restore refused:" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert _snapshot(media) == before
    # Refused before the database was even started: no embedded cluster was created.
    assert not (data_dir / "pg-embedded").exists()
