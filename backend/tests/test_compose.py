"""Docker Compose and the Dockerfile, checked by structure (no Docker engine runs in CI)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from app.cli import cli
from app.platform.config import BACKEND_DIR, REPO_ROOT


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = compose["services"]
    return result


def test_compose_has_db_api_worker_adminer_under_tools_and_minio_under_s3(
    services: dict[str, Any],
) -> None:
    assert set(services) == {"db", "api", "worker", "adminer", "minio", "minio-setup"}
    assert services["adminer"]["profiles"] == ["tools"]
    assert services["minio"]["profiles"] == services["minio-setup"]["profiles"] == ["s3"]
    for name in ("db", "api", "worker"):
        assert "profiles" not in services[name]
        # The default stack never waits for a service of an optional profile.
        assert set(services[name].get("depends_on", {})) <= {"db"}


def test_minio_keeps_its_data_under_data_and_the_bucket_is_created_once_healthy(
    services: dict[str, Any],
) -> None:
    minio, setup = services["minio"], services["minio-setup"]
    assert minio["image"].startswith("${MINIO_IMAGE:-quay.io/minio/minio:RELEASE.")
    assert minio["command"][:2] == ["server", "/data"]
    assert minio["volumes"] == ["./data/minio:/data"]
    assert minio["healthcheck"]["test"] == ["CMD", "mc", "ready", "local"]
    assert setup["depends_on"] == {"minio": {"condition": "service_healthy"}}
    assert setup["restart"] == "no"
    script = " ".join(setup["command"])
    # $$ is Compose's escape: the container's shell expands these, not Compose.
    assert 'mc alias set local http://minio:9000 "$${MINIO_ROOT_USER}"' in script
    assert 'mc mb --ignore-existing "local/$${MEDIA_BUCKET}"' in script
    assert setup["environment"]["MEDIA_BUCKET"] == "${MEDIA_BUCKET:-emotionviz-media}"
    for name in ("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"):
        assert setup["environment"][name] == minio["environment"][name]


def test_the_s3_profile_is_documented_with_the_settings_that_point_the_app_at_it() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    deploy = (REPO_ROOT / "docs" / "DEPLOY.md").read_text()
    assert "docker compose --profile s3 up" in readme
    for line in ("MEDIA_STORAGE_URL=s3://emotionviz-media", "AWS_ENDPOINT_URL=http://minio:9000"):
        assert line in deploy


def test_db_is_postgres_15_or_newer_with_bind_mounted_data_and_healthcheck(
    services: dict[str, Any],
) -> None:
    db = services["db"]
    image, tag = db["image"].split(":")
    assert image == "postgres"
    assert int(tag.split("-")[0].split(".")[0]) >= 15
    assert "./data/postgres:/var/lib/postgresql/data" in db["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_api_reloads_from_bind_mounted_source_and_persists_data(services: dict[str, Any]) -> None:
    api = services["api"]
    assert api["build"] == {"context": "./backend", "target": "development"}
    assert "./backend:/app/backend" in api["volumes"]
    assert "./data:/data" in api["volumes"]
    assert api["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "/health" in " ".join(api["healthcheck"]["test"])
    command = api["command"]
    assert command[:2] == ["emotionviz", "serve"]
    assert "--reload" in command
    assert api["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "@db:5432/" in api["environment"]["DATABASE_URL"]
    # The worker service does the jobs; the API must not also run them in-process here.
    assert api["environment"]["WORKER_IN_PROCESS"] == "false"


def test_worker_runs_the_same_image_with_the_worker_command(services: dict[str, Any]) -> None:
    worker, api = services["worker"], services["api"]
    assert worker["build"] == api["build"]
    assert worker["volumes"] == api["volumes"]
    assert worker["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "emotionviz worker" in " ".join(worker["command"])
    assert worker["command"][0] == "watchfiles"


def test_only_the_api_is_published_beyond_this_machine(services: dict[str, Any]) -> None:
    """A phone on the LAN needs the API; PostgreSQL, adminer and MinIO's console never.

    MinIO's S3 API serves the pictures' presigned links, so it may be opened to the LAN on
    purpose (MINIO_BIND_ADDRESS), never by default. Every port is pinned here, so a new one
    has to be thought about.
    """
    published = {name: service.get("ports", []) for name, service in services.items()}
    assert published == {
        "db": ["127.0.0.1:${POSTGRES_PORT:-5432}:5432"],
        "api": ["${API_PORT:-8000}:8000"],
        "worker": [],
        "adminer": ["127.0.0.1:${ADMINER_PORT:-8080}:8080"],
        "minio": [
            "${MINIO_BIND_ADDRESS:-127.0.0.1}:${MINIO_PORT:-9000}:9000",
            "127.0.0.1:${MINIO_CONSOLE_PORT:-9001}:9001",
        ],
        "minio-setup": [],
    }


def test_the_docs_say_to_set_strong_passwords_anywhere_but_a_laptop() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    compose_section = readme.split("## Docker Compose", 1)[1].split("\n## ", 1)[0]
    for name in ("POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"):
        assert name in compose_section
    assert "anywhere but a laptop" in compose_section


def test_compose_commands_exist_in_the_cli(services: dict[str, Any]) -> None:
    """Container commands are the native ones, so they must be real CLI subcommands."""
    import typer.main

    group = typer.main.get_command(cli)
    names = set(group.commands)  # type: ignore[attr-defined]
    assert services["api"]["command"][1] in names
    # The worker runs under watchfiles: `watchfiles --filter python "emotionviz worker" <dir>`.
    worker_program = next(part for part in services["worker"]["command"] if "emotionviz" in part)
    assert worker_program.split()[1] in names


def test_dockerfile_has_development_and_production_targets_installed_with_uv() -> None:
    text = (BACKEND_DIR / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", text, flags=re.MULTILINE)
    assert {"development", "production"} <= set(stages)
    assert "uv sync --frozen" in text
    assert "--no-dev" in text.split("AS production", 1)[1]
    assert "USER app" in text.split("AS production", 1)[1]
    assert (BACKEND_DIR / "uv.lock").exists()


def test_env_example_lists_every_setting() -> None:
    from app.platform.config import Settings

    example = (REPO_ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    expected = {name.upper() for name in Settings.model_fields}
    missing = expected - documented
    assert not missing, f".env.example does not mention: {sorted(missing)}"


def test_env_example_separates_what_the_app_reads_from_what_only_compose_reads() -> None:
    """Above the Compose section: only settings the app reads; in it: only what Compose reads
    and the app does not."""
    from app.platform.config import Settings

    example = (REPO_ROOT / ".env.example").read_text()
    app_part, compose_part = example.split("# --- read by Docker Compose only", 1)
    variable = r"^#?\s*([A-Z][A-Z0-9_]+)="
    settings = {name.upper() for name in Settings.model_fields}
    compose = set(
        re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (REPO_ROOT / "docker-compose.yml").read_text())
    )
    app_documented = set(re.findall(variable, app_part, flags=re.MULTILINE))
    compose_documented = set(re.findall(variable, compose_part, flags=re.MULTILINE))
    assert app_documented <= settings, sorted(app_documented - settings)
    assert compose_documented <= compose - settings, sorted(
        compose_documented - (compose - settings)
    )


def test_gitignore_keeps_data_and_env_out_of_git() -> None:
    lines = (REPO_ROOT / ".gitignore").read_text().splitlines()
    assert "data/" in lines
    assert ".env" in lines


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    commands = [line.strip() for block in blocks[:2] for line in block.splitlines() if line.strip()]
    assert commands[0] == "cd backend && uv run emotionviz serve"
    assert commands[1] == "cd backend && uv run pytest"
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci
