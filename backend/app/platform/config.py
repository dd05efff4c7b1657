"""Settings, read once from the environment and `.env` (every one listed in .env.example)."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# backend/app/platform/config.py -> the repository root, so `data/` is found wherever the
# command runs.
REPO_ROOT = Path(__file__).resolve().parents[3]
BACKEND_DIR = REPO_ROOT / "backend"

APP_VERSION = "0.1.0"

# s3://BUCKET[/PREFIX]: a bucket name as S3 allows it, a prefix of plain path characters.
_MEDIA_STORAGE_URL = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/-]*)?$")
# SigV4 presigned links live at most 7 days.
MAX_SIGNED_URL_TTL_SECONDS = 7 * 24 * 3600

_LOG_LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARNING", "ERROR")
_LOG_FORMATS: tuple[str, ...] = ("auto", "json", "text")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=(REPO_ROOT / ".env", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # --- runtime ---------------------------------------------------------------------------
    debug: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"  # any case: `warning` too
    # Console lines: `auto` is readable text on a terminal, JSON otherwise; the log file is JSON.
    log_format: Literal["auto", "json", "text"] = "auto"
    # Access lines (and request metrics) are written in batches this far apart; 0: at once.
    access_log_batch_ms: int = Field(default=100, ge=0, le=10_000)
    data_dir: Path = REPO_ROOT / "data"
    media_dir: Path | None = None
    public_base_url: str | None = None
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://localhost:3000", "http://localhost:8000"]
    )
    max_body_size: int = 1024 * 1024

    # --- database --------------------------------------------------------------------------
    database_url: SecretStr | None = None
    embedded_postgres_port: int | None = None
    # Connections each API process keeps. No overflow: under load, overflow connections were
    # opened and closed per request (a PostgreSQL backend forked each time); waiting a moment
    # for a pooled one is cheaper. Keep DB_POOL_SIZE x workers under the server's max_connections.
    db_pool_size: int = 20
    db_max_overflow: int = 0
    db_pool_timeout_seconds: float = 5.0
    db_connect_timeout_seconds: float = 5.0
    db_statement_timeout_ms: int = 30_000

    # --- auth ------------------------------------------------------------------------------
    jwt_secret_key: SecretStr | None = None
    access_token_expire_minutes: int = Field(default=60, ge=1, le=60 * 24 * 30)
    # No session (a login and every token refreshed from it) outlives this, refreshed or not.
    session_max_age_days: int = Field(default=30, ge=1, le=365)
    # How long a process reuses a signed-in user's loaded profile (app.auth.deps.ActiveUserCache).
    # Whether the account is still active is checked on every request regardless.
    auth_user_cache_seconds: float = Field(default=2.0, ge=0, le=60)
    # argon2 hashes computed at once by all the API processes sharing DATA_DIR (flock'd slots).
    # Each takes a core for ~18 ms; leaving one core free keeps other requests fast while logins
    # are flooding in.
    password_hash_concurrency: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) - 1), ge=1
    )

    # --- AI --------------------------------------------------------------------------------
    ai_provider: Literal["auto", "gemini", "local"] = "auto"
    gemini_api_key: SecretStr | None = None
    nanobanana_api_key: SecretStr | None = None
    gemini_base_url: str | None = None
    gemini_api_version: str = "v1beta"
    gemini_text_model: str = "gemini-flash-latest"
    nanobanana_model: str = "gemini-3-pro-image"
    nanobanana_image_size: Literal["1K", "2K", "4K"] = "1K"
    # Gemini 3 reasons worse below its default temperature of 1.0, so that is the default here.
    gemini_temperature: float = Field(default=1.0, ge=0, le=2)
    # How long Gemini thinks before an answer someone is waiting for (the intake's questions and
    # summaries); "" leaves it to the model. Background analysis always uses the model's default.
    gemini_thinking_level: Literal["", "minimal", "low", "medium", "high"] = "low"
    nanobanana_aspect_ratio: str = "1:1"
    gemini_text_timeout_seconds: float = Field(default=30.0, gt=0)
    nanobanana_timeout_seconds: float = Field(default=120.0, gt=0)
    ai_max_retries: int = Field(default=3, ge=0, le=10)
    ai_retry_base_delay_seconds: float = Field(default=1.0, ge=0)
    ai_circuit_failure_threshold: int = Field(default=5, ge=1)
    ai_circuit_reset_seconds: float = Field(default=30.0, gt=0)
    # AI calls in flight at once in this process, by kind (app.ai.capacity); a call that cannot
    # get a slot within AI_SLOT_WAIT_SECONDS is refused with 503 AI_CAPACITY_EXHAUSTED.
    ai_text_concurrency: int = Field(default=256, ge=1, le=10_000)
    ai_image_concurrency: int = Field(default=16, ge=1, le=1_000)
    ai_slot_wait_seconds: float = Field(default=10.0, ge=0)
    # An interactive text request's whole AI budget: the wait for a slot, every attempt and the
    # pauses between them. An intake step's in-flight claim lasts as long.
    ai_text_deadline_seconds: float = Field(default=55.0, gt=0)
    # Each person's AI spend per UTC day (app.quota), shared by every process through PostgreSQL.
    ai_text_calls_per_day: int = Field(default=200, ge=0)
    ai_images_per_day: int = Field(default=30, ge=0)

    # --- the drawing screen ------------------------------------------------------------------
    # Each drawing answers within these (everything included: limits, the wait for an AI slot,
    # every attempt), below the app's own time-outs of 60 and 90 s.
    drawing_feeling_deadline_seconds: float = Field(default=55.0, gt=0)
    drawing_story_deadline_seconds: float = Field(default=85.0, gt=0)
    # Drawings without a token, per client address and in total (signed-in drawings count
    # against the person's AI_IMAGES_PER_DAY instead).
    anonymous_drawings_per_hour: int = Field(default=20, ge=1)
    anonymous_drawings_per_day: int = Field(default=500, ge=1)

    # --- jobs ------------------------------------------------------------------------------
    worker_in_process: bool = True
    worker_concurrency: int = Field(default=2, ge=1, le=64)
    job_max_attempts: int = Field(default=3, ge=1, le=20)
    job_lease_seconds: float = Field(default=60.0, gt=1)
    job_retry_base_delay_seconds: float = Field(default=5.0, ge=0)
    signed_url_ttl_seconds: int = Field(default=3600, ge=60, le=MAX_SIGNED_URL_TTL_SECONDS)
    job_retry_max_delay_seconds: float = Field(default=300.0, ge=0)
    # Idle workers wake on NOTIFY; this is only the safety net should a notification be lost.
    worker_idle_recheck_seconds: float = Field(default=30.0, gt=0)
    worker_shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    visualization_default_estimate_seconds: int = Field(default=30, ge=1)

    # --- media storage -------------------------------------------------------------------
    # Unset: pictures are files under MEDIA_DIR. s3://BUCKET[/PREFIX]: an S3-compatible store,
    # reached with the standard AWS settings below (read here, so `.env` works for them too).
    media_storage_url: str | None = None
    # Where phones reach the store, when not at AWS_ENDPOINT_URL (links are signed for it).
    media_public_endpoint_url: str | None = None
    # Bounds every call to the store, its retries included: a hanging store fails, never hangs.
    media_storage_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    aws_endpoint_url: str | None = None
    aws_region: str | None = None
    # Unset: botocore's own chain (shared config files, the instance's or task's role).
    aws_access_key_id: SecretStr | None = None
    aws_secret_access_key: SecretStr | None = None
    aws_session_token: SecretStr | None = None

    # --- rate limits -----------------------------------------------------------------------
    rate_limit_enabled: bool = True
    rate_limit_per_minute: int = Field(default=100, ge=1)
    rate_limit_per_hour: int = Field(default=1000, ge=1)
    rate_limit_auth_per_minute: int = Field(default=20, ge=1)
    # Password attempts (app.auth.throttle): per e-mail and address, per address across
    # e-mails, and per e-mail across addresses the account does not know.
    rate_limit_login_failures_per_hour: int = Field(default=10, ge=1)
    rate_limit_login_failures_per_address_per_hour: int = Field(default=50, ge=1)
    rate_limit_login_failures_per_email_per_hour: int = Field(default=50, ge=1)
    visualization_concurrency_limit: int = Field(default=10, ge=1)
    rate_limit_storage_url: SecretStr | None = None
    # Without RATE_LIMIT_STORAGE_URL: the counters' table, a file the workers of one server map
    # together (`emotionviz serve` sets it per run); unset, each process counts alone.
    rate_limit_table: Path | None = None
    # Records in that table (32 bytes each); an identity uses one per limit window.
    rate_limit_table_slots: int = Field(default=65536, ge=1024, le=16_777_216)
    # Progress WebSockets one person may hold open on one process; the next is closed with 1008.
    ws_max_per_user: int = Field(default=5, ge=1)
    # /health/ready and /metrics reuse their database reading for this long.
    probe_cache_seconds: float = Field(default=1.0, ge=0, le=60)

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        if info.field_name == "log_level":
            normalised, valid = value.strip().upper(), _LOG_LEVELS
        else:
            normalised, valid = value.strip().lower(), _LOG_FORMATS
        if normalised not in valid:
            raise ValueError(
                f"{str(info.field_name).upper()} must be one of {', '.join(valid)} (any case), "
                f"not {value!r}"
            )
        return normalised

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @field_validator("media_storage_url", mode="after")
    @classmethod
    def _storage_url(cls, value: str | None) -> str | None:
        if value is not None and not _MEDIA_STORAGE_URL.fullmatch(value):
            raise ValueError(
                "MEDIA_STORAGE_URL must look like s3://BUCKET or s3://BUCKET/PREFIX (a lower-case "
                "bucket name); unset it to keep pictures under MEDIA_DIR"
            )
        return value

    @model_validator(mode="after")
    def _key_pair(self) -> Settings:
        one_of_two = (self.aws_access_key_id is None) != (self.aws_secret_access_key is None)
        if self.media_storage_url and one_of_two:
            raise ValueError("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither")
        return self

    @field_validator("data_dir", "media_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def media_path(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def logs_path(self) -> Path:
        return self.data_dir / "logs"

    @property
    def embedded_pgdata(self) -> Path:
        return self.data_dir / "pg-embedded"

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def effective_nanobanana_key(self) -> SecretStr | None:
        # Nano Banana Pro is served by the Gemini API, so one key usually covers both.
        return self.nanobanana_api_key or self.gemini_api_key

    @property
    def resolved_ai_provider(self) -> Literal["gemini", "local"]:
        if self.ai_provider == "auto":
            return "gemini" if self.gemini_api_key else "local"
        return self.ai_provider


@functools.cache
def get_settings() -> Settings:
    return Settings()
