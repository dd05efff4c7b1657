"""The `emotionviz` command (README, "The `emotionviz` command")."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from app.ops import serving
from app.ops.embedded_pg import SUPERUSER, EmbeddedPostgres, bin_path
from app.platform.config import BACKEND_DIR, Settings, get_settings
from app.platform.db.database import libpq_url
from app.platform.observability.logging import configure_logging

cli = typer.Typer(help="EmotionVisualizer backend.", no_args_is_help=True, add_completion=False)
media_cli = typer.Typer(help="The pictures' store.", no_args_is_help=True)
cli.add_typer(media_cli, name="media")
log = logging.getLogger("app.cli")


def _raise_on_sigterm(signum: int, frame: Any) -> None:
    # Turn SIGTERM into an exception so `finally` blocks run and PostgreSQL stops cleanly.
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def database(settings: Settings, *, migrate: bool = True) -> Iterator[Settings]:
    """Yield settings whose DATABASE_URL works: the configured one, or a started embedded server.

    The URL is also put in the environment so child processes (uvicorn workers, reload) use it.
    """
    embedded: EmbeddedPostgres | None = None
    if settings.uses_embedded_database:
        embedded = EmbeddedPostgres(settings.embedded_pgdata, settings.embedded_postgres_port)
        os.environ["DATABASE_URL"] = embedded.start()
        if embedded.port:
            log.info(
                "embedded postgres also listens on TCP",
                extra={
                    "address": f"127.0.0.1:{embedded.port}",
                    "user": SUPERUSER,
                    "password_file": str(embedded.password_file),
                },
            )
        get_settings.cache_clear()
        settings = get_settings()
    try:
        if migrate:
            from app.platform.db.migrate import upgrade

            upgrade()
            log.info("database migrated to head")
        yield settings
    finally:
        if embedded is not None and embedded.owned:
            embedded.stop()


def _prepare(settings: Settings) -> None:
    paths = [settings.data_dir, settings.logs_path]
    if not settings.media_storage_url:
        paths.append(settings.media_path)
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
    configure_logging(settings)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)


def _prepare_metrics_dir(settings: Settings) -> None:
    """Let every API worker process write Prometheus samples to one place that /metrics reads.

    Must happen before app.platform.observability.metrics is imported anywhere
    (prometheus_client reads the
    variable at import). Wiped at each start: counters restart with the service.
    """
    import shutil

    metrics_dir = settings.data_dir / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)


def _prepare_rate_limit_table(settings: Settings) -> None:
    """Give this run's API workers one rate-limit table to map together
    (app.platform.ratelimit.table).

    A fresh file per run: counters restart with the service, and a changed
    RATE_LIMIT_TABLE_SLOTS never meets a table laid out for another size.
    """
    if settings.rate_limit_storage_url is not None:
        return  # Redis keeps the counters
    table = settings.data_dir / "run" / "ratelimits.bin"
    table.parent.mkdir(parents=True, exist_ok=True)
    table.unlink(missing_ok=True)
    os.environ["RATE_LIMIT_TABLE"] = str(table)
    get_settings.cache_clear()


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; 0.0.0.0 for devices on the LAN.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart when code under backend/app changes.")] = (
        False
    ),
    workers: Annotated[int, typer.Option(min=1, help="API worker processes.")] = 1,
) -> None:
    """Start the API (and, by default, the job worker) on the embedded or configured database."""
    import uvicorn

    settings = get_settings()
    _prepare(settings)
    _prepare_metrics_dir(settings)
    _prepare_rate_limit_table(settings)
    with database(get_settings()) as settings:
        log.info(
            "serving",
            extra={"host": host, "port": port, "workers": workers, "reload": reload},
        )
        options: dict[str, Any] = {
            "host": host,
            "port": port,
            "reload": reload,
            "reload_dirs": [str(BACKEND_DIR / "app")] if reload else None,
            "workers": None if reload else workers,
            "log_config": None,
            "access_log": False,
            "proxy_headers": True,
            "server_header": False,
            # Importing the app takes seconds on a loaded 2-core box; uvicorn's 5 s default
            # would kill healthy workers while they start.
            "timeout_worker_healthcheck": 30,
        }
        if workers > 1 and not reload and serving.REUSE_PORT:
            # A listening socket per worker, so connections spread evenly (app.ops.serving).
            serving.run_workers(uvicorn.Config("app.main:app", **options))
        else:
            uvicorn.run("app.main:app", **options)


@cli.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="Jobs run at once (default WORKER_CONCURRENCY).")
    ] = None,
) -> None:
    """Run the visualization job worker on its own (the compose `worker` service)."""
    import asyncio

    from app.ai.factory import build_provider
    from app.visualizations.runner import run_worker

    settings = get_settings()
    _prepare(settings)
    with database(settings) as settings:

        async def run() -> None:
            provider = build_provider(settings)
            try:
                await run_worker(settings, provider, concurrency=concurrency)
            finally:
                await provider.aclose()

        log.info("worker starting", extra={"concurrency": concurrency})
        asyncio.run(run())


@cli.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply database migrations (the server also applies them on start)."""
    settings = get_settings()
    _prepare(settings)
    with database(settings, migrate=False):
        from app.platform.db.migrate import upgrade

        upgrade(revision=revision)
        typer.echo(f"migrated to {revision}")


@cli.command()
def seed() -> None:
    """Create the development user test@example.com / Test123! with sample entries (idempotent)."""
    import asyncio

    from app.entries.seed import SEED_EMAIL, run_seed

    settings = get_settings()
    _prepare(settings)
    with database(settings) as settings:
        result = asyncio.run(run_seed(settings))
    user = "created" if result.user_created else "already there"
    typer.echo(
        f"{SEED_EMAIL}: {user}; {result.entries_created} sample entries added"
        + ("" if result.entries_created else " (the user already has entries)")
    )


@cli.command()
def psql() -> None:
    """Open psql on the database (the embedded one is started if needed)."""
    settings = get_settings()
    _prepare(settings)
    with database(settings, migrate=False) as settings:
        assert settings.database_url is not None
        url = libpq_url(settings.database_url.get_secret_value())
        executable = str(bin_path("psql"))
        # Not exec: the embedded server must be stopped after psql exits.
        import subprocess

        code = subprocess.call([executable, url])  # noqa: S603
    sys.exit(code)


@cli.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Archive to write (a tar file).")],
) -> None:
    """Back up the database (pg_dump, custom format) and, with the local store, the pictures.

    With MEDIA_STORAGE_URL set the pictures are in the bucket, not in the archive: copy the
    bucket with the store's own tools (docs/DEPLOY.md).
    """
    from app.ops.backup import create_backup

    settings = get_settings()
    _prepare(settings)
    media_dir = None if settings.media_storage_url else settings.media_path
    with database(settings, migrate=False) as settings:
        assert settings.database_url is not None
        manifest = create_backup(
            settings.database_url.get_secret_value(), media_dir, file, settings.media_storage_url
        )
    if media_dir is None:
        typer.echo(
            f"backup written to {file}: the database only. The pictures are in "
            f"{settings.media_storage_url} and not in this archive; copy the bucket with your "
            "store's tools (see docs/DEPLOY.md, 'Backups')."
        )
    else:
        typer.echo(
            f"backup written to {file}: the database and {manifest['media_files']} media files"
        )


@cli.command()
def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Archive to read.")],
) -> None:
    """Replace the database (and, with the local store, the pictures) with those in FILE."""
    from app.ops.backup import BackupRefused, inspect_backup, restore_backup
    from app.platform.db.migrate import upgrade

    settings = get_settings()
    _prepare(settings)
    media_dir = None if settings.media_storage_url else settings.media_path
    try:
        # Checked before the database is even started; restore_backup checks again what it reads.
        inspect_backup(file)
        with database(settings, migrate=False) as settings:
            assert settings.database_url is not None
            manifest = restore_backup(settings.database_url.get_secret_value(), media_dir, file)
            upgrade()
    except BackupRefused as exc:
        typer.echo(f"restore refused: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"restored {file} (taken {manifest['created_at']})")
    archived = int(str(manifest.get("media_files", 0)))
    if media_dir is None:
        typer.echo(
            f"The database was restored; {settings.media_storage_url} was left as it is. "
            + (
                f"The archive also holds {archived} media files: extract its media/ folder and "
                "run `emotionviz media push --source <that folder>` to copy them into the bucket."
                if archived
                else "Restore the bucket's pictures with your store's tools if they were lost."
            )
        )


@media_cli.command("push")
def media_push(
    source: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Media directory to copy from (default: MEDIA_DIR)."),
    ] = None,
) -> None:
    """Copy local pictures into the bucket of MEDIA_STORAGE_URL (skips what is already there)."""
    import asyncio

    from app.media.factory import open_media_store
    from app.media.local import LocalMediaStore
    from app.media.push import push_media

    settings = get_settings()
    _prepare(settings)
    if not settings.media_storage_url:
        typer.echo(
            "MEDIA_STORAGE_URL is not set: set it to the bucket to copy into "
            "(s3://BUCKET[/PREFIX], with the AWS_* settings), then run this again.",
            err=True,
        )
        raise typer.Exit(2)
    local = LocalMediaStore(source or settings.media_path)

    async def run() -> None:
        target = await open_media_store(settings)
        try:
            report = await push_media(local, target)
        finally:
            await target.aclose()
        typer.echo(
            f"{local.location} -> {target.location}: {report.copied} copied, "
            f"{report.already_there} already there, {len(report.failed)} failed"
        )
        for failure in report.failed[:20]:
            typer.echo(f"  {failure}", err=True)
        if report.failed:
            raise typer.Exit(1)

    asyncio.run(run())


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
