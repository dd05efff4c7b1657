"""The local store's signed media URLs: tampering, expiry, path escapes, headers; files on disk
and their removal after an entry's deletion commits."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from app.media.deletions import MediaDeletions
from app.media.local import LocalMediaStore
from app.media.signing import MediaSigner
from app.models import EmotionEntry, Visualization
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.envelope import assert_error
from tests.helpers.settings import TEST_JWT_SECRET
from tests.helpers.users import UserFactory
from tests.visualizations.scripted_provider import two_colour_png


@pytest.fixture
def store(settings: Settings) -> LocalMediaStore:
    return LocalMediaStore(settings.media_path)


@pytest.fixture
def signer(app: FastAPI, settings: Settings) -> MediaSigner:
    return MediaSigner(app.state.tokens.secret, settings.signed_url_ttl_seconds)


async def _stored_key(store: LocalMediaStore) -> str:
    key = f"visualizations/{uuid.uuid4()}/image.png"
    await store.put(key, two_colour_png(32))
    return key


def _path_and_query(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


async def test_signed_url_serves_the_image_with_type_and_cache_headers(
    client: httpx.AsyncClient, store: LocalMediaStore, signer: MediaSigner
) -> None:
    url = signer.sign(await _stored_key(store), "http://test")
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    # Pictures keep their private caching (every other API answer is no-store).
    assert response.headers["cache-control"].startswith("private, max-age=")
    max_age = int(response.headers["cache-control"].split("max-age=")[1].split(",")[0])
    assert 3500 < max_age <= 3600
    assert response.content == (store.root / urlsplit(url).path.split("/media/")[1]).read_bytes()


async def test_tampered_signatures_keys_and_expiries_are_refused(
    client: httpx.AsyncClient, store: LocalMediaStore, signer: MediaSigner
) -> None:
    key, other = await _stored_key(store), await _stored_key(store)
    path, query = _path_and_query(signer.sign(key, "http://test"))
    flipped = query["signature"][:-1] + ("A" if query["signature"][-1] != "A" else "B")
    attempts = [
        (path, {**query, "signature": flipped}),
        (path, {**query, "expires": str(int(query["expires"]) + 3600)}),
        (path.replace(key, other), query),  # a valid signature for another image
        (path, {"expires": query["expires"]}),
    ]
    for attempt_path, params in attempts:
        response = await client.get(attempt_path, params=params)
        assert response.status_code in (400, 403), (attempt_path, params)
        assert response.json()["success"] is False
    # A signature from another server's secret is worthless here.
    foreign = MediaSigner("another-secret-" + "y" * 40, 3600).sign(key, "http://test")
    assert_error(await client.get(foreign), 403, "FORBIDDEN")


async def test_expired_url_is_refused(
    client: httpx.AsyncClient, store: LocalMediaStore, signer: MediaSigner
) -> None:
    key = await _stored_key(store)
    expired = signer.sign(key, "http://test", now=time.time() - 2 * signer.ttl_seconds)
    body = assert_error(await client.get(expired), 403, "FORBIDDEN")
    assert "expired" in body["error"]["message"]


@pytest.mark.parametrize(
    "key",
    [
        "../secret",
        "visualizations/../../secret",
        "visualizations/%2e%2e/%2e%2e/secret",
        f"visualizations/{uuid.uuid4()}/../../../secret",
        f"visualizations/{uuid.uuid4()}/image.svg",
        "/etc/passwd",
    ],
)
async def test_keys_outside_the_layout_never_reach_the_disk(
    client: httpx.AsyncClient, settings: Settings, signer: MediaSigner, key: str
) -> None:
    # Even correctly signed, a key outside the fixed layout is not served.
    (settings.data_dir / "secret").parent.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "secret").write_text("top secret")
    _, query = _path_and_query(signer.sign(key, "http://test"))
    response = await client.get(f"/api/v1/media/{key}", params=query)
    assert response.status_code in (403, 404)
    assert b"top secret" not in response.content
    assert LocalMediaStore(settings.media_path).path_for(key) is None


async def _entry_with_stored_image(
    users: UserFactory, store: LocalMediaStore
) -> tuple[EmotionEntry, str]:
    user = await users.create()
    entry = EmotionEntry(user_id=user.id, situation="s", emotions=["joy"], intensity=Decimal("0.1"))
    users.session.add(entry)
    await users.session.flush()
    visualization = Visualization(entry_id=entry.id, user_id=user.id)
    users.session.add(visualization)
    await users.session.flush()
    key = f"visualizations/{visualization.id}/image.png"
    await store.put(key, b"png")
    return entry, key


@pytest.fixture
def deletions(store: LocalMediaStore, database: Database, settings: Settings) -> MediaDeletions:
    return MediaDeletions.from_settings(store, database, settings)


async def test_deleting_an_entry_removes_its_images_only_after_commit(
    users: UserFactory, store: LocalMediaStore, deletions: MediaDeletions
) -> None:
    from app.entries.service import delete_entry

    entry, key = await _entry_with_stored_image(users, store)
    keep = await _stored_key(store)

    await delete_entry(users.session, entry, deletions)
    await deletions.drain()
    assert (store.root / key).exists(), "files must survive until the delete is committed"
    await users.session.commit()
    await deletions.drain()

    assert not (store.root / key).exists()
    assert not (store.root / key).parent.exists()
    assert (store.root / keep).exists()


async def test_a_rolled_back_entry_delete_keeps_its_images(
    users: UserFactory, store: LocalMediaStore, deletions: MediaDeletions
) -> None:
    from app.entries.service import delete_entry

    entry, key = await _entry_with_stored_image(users, store)

    await delete_entry(users.session, entry, deletions)
    await users.session.rollback()
    await users.session.commit()
    await deletions.drain()

    assert (store.root / key).exists()


def test_signing_key_is_derived_not_the_jwt_secret() -> None:
    signer = MediaSigner(TEST_JWT_SECRET, 60)
    url = signer.sign("visualizations/x/image.png", "http://h")
    assert TEST_JWT_SECRET not in url
    _, query = _path_and_query(url)
    key = "visualizations/x/image.png"
    assert signer.verify(key, int(query["expires"]), query["signature"]) is None
