"""The S3 store against a real S3-protocol server (moto, on loopback, started by the suite)."""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.media.keys import picture_keys, visualization_keys
from app.media.s3 import S3MediaStore
from app.media.store import MediaStoreUnavailable
from app.platform.config import Settings
from app.platform.observability.logging import redact
from tests.helpers.s3 import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3Server, s3_settings


def _settings(server: S3Server, bucket: str, prefix: str = "", **overrides: Any) -> Settings:
    return Settings(_env_file=None, **s3_settings(server, bucket, prefix, **overrides))


@pytest.fixture
async def store(s3_server: S3Server, s3_bucket: str) -> AsyncIterator[S3MediaStore]:
    opened = await S3MediaStore.open(_settings(s3_server, s3_bucket, "pics"))
    yield opened
    await opened.aclose()


async def test_put_stores_the_bytes_under_the_prefix_with_type_and_cache_headers(
    s3_server: S3Server, s3_bucket: str, store: S3MediaStore
) -> None:
    image, thumbnail = picture_keys(uuid.uuid4(), "png")
    await store.put(image, b"\x89PNG first")
    await store.put(image, b"\x89PNG second")  # a re-run overwrites the same key
    await store.put(thumbnail, b"jpeg")

    assert s3_server.objects(s3_bucket) == {f"pics/{image}": 11, f"pics/{thumbnail}": 4}
    stored = s3_server.get(s3_bucket, f"pics/{image}")
    assert stored["Data"] == b"\x89PNG second"
    assert stored["ContentType"] == "image/png"
    assert stored["CacheControl"] == "private, max-age=3600, immutable"
    assert s3_server.get(s3_bucket, f"pics/{thumbnail}")["ContentType"] == "image/jpeg"
    assert await store.read(image) == b"\x89PNG second"
    assert await store.size(thumbnail) == 4
    assert store.location == f"s3://{s3_bucket}/pics"


async def test_missing_objects_read_as_none(store: S3MediaStore) -> None:
    image, _ = picture_keys(uuid.uuid4(), "png")
    assert await store.read(image) is None
    assert await store.size(image) is None


async def test_a_presigned_link_loads_without_headers_and_expires_with_the_ttl(
    s3_server: S3Server, s3_bucket: str, store: S3MediaStore
) -> None:
    image, _ = picture_keys(uuid.uuid4(), "png")
    await store.put(image, b"\x89PNG bytes")

    url = await store.url_for(image, "http://api.example")
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    # Path-style on the configured endpoint, SigV4, valid for SIGNED_URL_TTL_SECONDS.
    assert f"{parts.scheme}://{parts.netloc}" == s3_server.endpoint_url
    assert parts.path == f"/{s3_bucket}/pics/{image}"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == "3600"
    assert query["X-Amz-SignedHeaders"] == "host"
    assert S3_SECRET_ACCESS_KEY not in url

    async with httpx.AsyncClient() as client:
        loaded = await client.get(url)  # what AsyncImage does: a plain GET
        unsigned = await client.get(f"{s3_server.endpoint_url}{parts.path}")
    assert loaded.status_code == 200
    assert loaded.content == b"\x89PNG bytes"
    assert loaded.headers["content-type"] == "image/png"
    assert loaded.headers["cache-control"] == "private, max-age=3600, immutable"
    # The object itself is private: without the signature the store refuses it.
    assert unsigned.status_code == 403


async def test_links_are_signed_for_the_public_endpoint_when_phones_use_another_address(
    s3_server: S3Server, s3_bucket: str
) -> None:
    public = f"http://localhost:{s3_server.port}"
    store = await S3MediaStore.open(
        _settings(
            s3_server, s3_bucket, media_public_endpoint_url=public, signed_url_ttl_seconds=600
        )
    )
    try:
        image, _ = picture_keys(uuid.uuid4(), "jpg")
        await store.put(image, b"jpeg bytes")  # the servers' own address: 127.0.0.1
        url = await store.url_for(image, "http://api.example")
    finally:
        await store.aclose()
    assert url.startswith(f"{public}/{s3_bucket}/{image}?")
    assert "X-Amz-Expires=600" in url
    async with httpx.AsyncClient() as client:
        loaded = await client.get(url)
    assert loaded.status_code == 200
    assert loaded.content == b"jpeg bytes"


async def test_delete_removes_every_key_of_one_visualization_and_nothing_else(
    s3_server: S3Server, s3_bucket: str, store: S3MediaStore
) -> None:
    gone, kept = uuid.uuid4(), uuid.uuid4()
    for key in (*picture_keys(gone, "webp"), *picture_keys(kept, "png")):
        await store.put(key, b"x")

    await store.delete(visualization_keys(gone))
    await store.delete(visualization_keys(gone))  # idempotent: absent keys are no error

    assert sorted(s3_server.objects(s3_bucket)) == sorted(
        f"pics/{k}" for k in picture_keys(kept, "png")
    )


async def test_a_store_that_is_down_is_unavailable_then_works_again_when_back(
    s3_server: S3Server, s3_bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    # botocore retries a refused connection with a backoff; the time budget ends that early.
    store = await S3MediaStore.open(
        _settings(s3_server, s3_bucket, "pics", media_storage_timeout_seconds=1.0)
    )
    image, _ = picture_keys(uuid.uuid4(), "png")
    operations: dict[str, Callable[[], Awaitable[object]]] = {
        "storing": lambda: store.put(image, b"x"),
        "reading": lambda: store.read(image),
        "looking up": lambda: store.size(image),
        "deleting": lambda: store.delete([image]),
    }
    caplog.set_level(logging.DEBUG)
    s3_server.stop()
    try:
        for name, operation in operations.items():
            with pytest.raises(MediaStoreUnavailable) as caught:
                await operation()
            message = str(caught.value)
            assert message.startswith(name)
            assert f"s3://{s3_bucket}/pics" in message
            assert "EndpointConnectionError" in message or "no answer within 1 s" in message
            assert S3_SECRET_ACCESS_KEY not in message
    finally:
        s3_server.start()
    try:
        await store.put(image, b"back")  # the same client recovers by itself
        assert await store.read(image) == b"back"
    finally:
        await store.aclose()
    assert S3_SECRET_ACCESS_KEY not in caplog.text


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An endpoint that accepts connections and never answers: a store that hangs."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


async def test_a_store_that_hangs_fails_within_its_timeout_instead_of_hanging(
    s3_server: S3Server, silent_server: str
) -> None:
    settings = _settings(
        s3_server, "media-hangs", aws_endpoint_url=silent_server, media_storage_timeout_seconds=0.5
    )
    store = await S3MediaStore.open(settings)
    image, _ = picture_keys(uuid.uuid4(), "png")
    try:
        with pytest.raises(MediaStoreUnavailable) as caught:
            await store.put(image, b"x")
    finally:
        await store.aclose()
    assert "storing" in str(caught.value)


async def test_a_missing_bucket_is_an_error_not_a_missing_picture(s3_server: S3Server) -> None:
    store = await S3MediaStore.open(_settings(s3_server, "media-no-such-bucket"))
    image, _ = picture_keys(uuid.uuid4(), "png")
    try:
        with pytest.raises(MediaStoreUnavailable, match="NoSuchBucket"):
            await store.put(image, b"x")
    finally:
        await store.aclose()


def test_presigned_links_and_key_ids_are_redacted_from_logs() -> None:
    line = (
        "GET http://s3/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP"
        "%2F20261201%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=0123abcd"
        " with AKIAABCDEFGHIJKLMNOP"
    )
    cleaned = redact(line)
    assert "AKIAABCDEFGHIJKLMNOP" not in cleaned
    assert "0123abcd" not in cleaned
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in cleaned
    assert S3_ACCESS_KEY_ID not in redact(f"key id {S3_ACCESS_KEY_ID}")
