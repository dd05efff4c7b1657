"""Pictures in an S3-compatible object store (AWS S3, Cloudflare R2, MinIO, Google Cloud
Storage's S3 interoperability), through aiobotocore: botocore's request signing, credential
chain and retries, on aiohttp.

One client per process, opened in the lifespan (or by the worker, or the CLI) and closed with
it. Clients get presigned GET links: the store serves the bytes, the link expires after
SIGNED_URL_TTL_SECONDS, and SigV4 binds it to one key, so it reveals nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

import aiohttp
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import SecretStr

from app.media.keys import is_valid_key, media_type_for
from app.media.store import MediaStoreUnavailable
from app.platform.config import Settings

if TYPE_CHECKING:
    from aiobotocore.session import ClientCreatorContext
    from types_aiobotocore_s3 import S3Client

T = TypeVar("T")

# Transient answers (throttling, 5xx) are retried by botocore inside the call's time budget.
_ATTEMPTS = 3
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    prefix: str  # "" or "some/prefix/" (with the trailing slash)

    @property
    def url(self) -> str:
        return f"s3://{self.name}/{self.prefix}".rstrip("/")

    def object_key(self, key: str) -> str:
        if not is_valid_key(key):
            raise ValueError(f"invalid media key: {key!r}")
        return self.prefix + key


def client_config(settings: Settings) -> AioConfig:
    timeout = settings.media_storage_timeout_seconds
    return AioConfig(
        signature_version="s3v4",
        # Path-style (endpoint/bucket/key) whenever an endpoint is configured: MinIO, R2 and
        # GCS all accept it, and a bucket name need not resolve as a host name (compose's
        # `minio`, a LAN address). On AWS itself botocore picks virtual-hosted style.
        s3={"addressing_style": "path" if settings.aws_endpoint_url else "auto"},
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"max_attempts": _ATTEMPTS, "mode": "standard"},
        # botocore adds CRC checksums to every upload by default; several S3-compatible stores
        # (GCS's interoperability API, older MinIO and R2 releases) reject them. Only where the
        # S3 API requires one.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


class S3MediaStore:
    kind: Literal["s3"] = "s3"

    def __init__(
        self,
        bucket: Bucket,
        client: S3Client,
        presigner: S3Client,
        *,
        ttl_seconds: int,
        timeout_seconds: float,
        stack: contextlib.AsyncExitStack,
    ) -> None:
        self.bucket = bucket
        self._client = client
        # Presigning is computed locally; a second client only when phones reach the store by
        # another address than the servers do (SigV4 signs the host, so it must be that one).
        self._presigner = presigner
        self._ttl_seconds = ttl_seconds
        self._timeout_seconds = timeout_seconds
        self._stack = stack

    @classmethod
    async def open(cls, settings: Settings) -> S3MediaStore:
        assert settings.media_storage_url is not None
        name, _, prefix = settings.media_storage_url.removeprefix("s3://").partition("/")
        bucket = Bucket(name, f"{prefix.strip('/')}/" if prefix.strip("/") else "")
        session = get_session()
        config = client_config(settings)

        def client(endpoint_url: str | None) -> ClientCreatorContext[S3Client]:
            return session.create_client(
                "s3",
                region_name=settings.aws_region or "us-east-1",
                endpoint_url=endpoint_url,
                config=config,
                aws_access_key_id=_secret(settings.aws_access_key_id),
                aws_secret_access_key=_secret(settings.aws_secret_access_key),
                aws_session_token=_secret(settings.aws_session_token),
            )

        stack = contextlib.AsyncExitStack()
        try:
            servers = await stack.enter_async_context(client(settings.aws_endpoint_url))
            presigner = servers
            if settings.media_public_endpoint_url:
                presigner = await stack.enter_async_context(
                    client(settings.media_public_endpoint_url)
                )
        except BaseException:
            await stack.aclose()
            raise
        return cls(
            bucket,
            servers,
            presigner,
            ttl_seconds=settings.signed_url_ttl_seconds,
            timeout_seconds=settings.media_storage_timeout_seconds,
            stack=stack,
        )

    @property
    def location(self) -> str:
        return self.bucket.url

    async def _call(self, what: str, call: Awaitable[T]) -> T:
        """One store operation, botocore's retries included, bounded in time."""
        try:
            async with asyncio.timeout(self._timeout_seconds):
                return await call
        except ClientError as exc:
            raise MediaStoreUnavailable(f"{what} in {self.location}: {exc}") from exc
        except (BotoCoreError, aiohttp.ClientError, OSError) as exc:
            # TimeoutError is an OSError: a store that hangs ends up here too.
            detail = str(exc) or f"no answer within {self._timeout_seconds:g} s"
            raise MediaStoreUnavailable(
                f"{what} in {self.location}: {type(exc).__name__}: {detail}"
            ) from exc

    async def put(self, key: str, data: bytes) -> None:
        # One PUT is atomic in S3: a reader sees the whole old object or the whole new one.
        await self._call(
            f"storing {key}",
            self._client.put_object(
                Bucket=self.bucket.name,
                Key=self.bucket.object_key(key),
                Body=data,
                ContentType=media_type_for(key),
                # A key's bytes never change once a link to them is handed out (only completed
                # visualizations get links), so clients may cache for the link's lifetime.
                CacheControl=f"private, max-age={self._ttl_seconds}, immutable",
            ),
        )

    async def read(self, key: str) -> bytes | None:
        async def fetch() -> bytes:
            response = await self._client.get_object(
                Bucket=self.bucket.name, Key=self.bucket.object_key(key)
            )
            async with response["Body"] as body:
                return await body.read()

        try:
            return await self._call(f"reading {key}", fetch())
        except MediaStoreUnavailable as exc:
            if _is_missing(exc):
                return None
            raise

    async def size(self, key: str) -> int | None:
        try:
            head = await self._call(
                f"looking up {key}",
                self._client.head_object(Bucket=self.bucket.name, Key=self.bucket.object_key(key)),
            )
        except MediaStoreUnavailable as exc:
            if _is_missing(exc):
                return None
            raise
        return head["ContentLength"]

    async def delete(self, keys: Iterable[str]) -> None:
        # One DELETE per key rather than DeleteObjects: GCS's S3 interface has no multi-delete.
        # Deleting an absent key succeeds, so this needs no list permission and is idempotent.
        object_keys = [self.bucket.object_key(key) for key in keys]

        async def delete_all() -> None:
            results = await asyncio.gather(
                *(
                    self._client.delete_object(Bucket=self.bucket.name, Key=object_key)
                    for object_key in object_keys
                ),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, BaseException):
                    raise result

        await self._call(f"deleting {len(object_keys)} objects", delete_all())

    async def url_for(self, key: str, base_url: str) -> str:
        url: str = await self._presigner.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket.name, "Key": self.bucket.object_key(key)},
            ExpiresIn=self._ttl_seconds,
        )
        return url

    async def aclose(self) -> None:
        await self._stack.aclose()


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def _is_missing(exc: MediaStoreUnavailable) -> bool:
    cause = exc.__cause__
    return isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") in (
        _MISSING
    )
