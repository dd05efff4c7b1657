"""API1:2023 Broken Object Level Authorization: every route that takes an id, tried by another user.

Each refusal is 403 (the row exists but is someone else's), changes nothing, and the owner still
gets the row — so the test cannot pass merely because the id was wrong.
"""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.media.keys import visualization_prefix
from app.media.local import LocalMediaStore
from app.media.signing import MediaSigner
from app.models import EmotionEntry, IntakeSession, Visualization
from tests.helpers.envelope import assert_refused
from tests.helpers.parties import Party, insert_entry, insert_visualization
from tests.helpers.routes import API
from tests.helpers.websocket import websocket_call


async def test_another_users_entry_cannot_be_read_changed_or_deleted(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    entry = await insert_entry(db, owner.user, "Owner's private situation")
    url = f"{API}/entries/{entry.id}"

    read = await client.get(url, headers=intruder.headers)
    changed = await client.put(url, json={"situation": "Taken over"}, headers=intruder.headers)
    deleted = await client.delete(url, headers=intruder.headers)

    for response in (read, changed, deleted):
        assert_refused(response, 403, "FORBIDDEN")
        assert "Owner's private situation" not in response.text
    mine = await client.get(url, headers=owner.headers)
    assert mine.status_code == 200
    assert mine.json()["data"]["situation"] == "Owner's private situation"


async def test_another_users_entries_never_appear_in_a_listing(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    entry = await insert_entry(db, owner.user)
    await insert_visualization(db, entry)

    entries = (await client.get(f"{API}/entries", headers=intruder.headers)).json()["data"]
    drawings = (await client.get(f"{API}/visualizations", headers=intruder.headers)).json()["data"]
    me = (await client.get(f"{API}/auth/me", headers=intruder.headers)).json()["data"]

    assert (entries["entries"], entries["total"]) == ([], 0)
    assert (drawings["visualizations"], drawings["total"]) == ([], 0)
    assert (me["entry_count"], me["visualization_count"]) == (0, 0)


async def test_another_users_visualization_cannot_be_read_or_deleted(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    visualization = await insert_visualization(db, await insert_entry(db, owner.user))
    url = f"{API}/visualizations/{visualization.id}"

    assert_refused(await client.get(url, headers=intruder.headers), 403, "FORBIDDEN")
    assert_refused(await client.delete(url, headers=intruder.headers), 403, "FORBIDDEN")

    assert (await client.get(url, headers=owner.headers)).status_code == 200


async def test_visualizing_another_users_entry_is_refused_and_queues_nothing(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    entry = await insert_entry(db, owner.user)

    response = await client.post(
        f"{API}/visualizations", json={"entry_id": str(entry.id)}, headers=intruder.headers
    )

    assert_refused(response, 403, "FORBIDDEN")
    queued = await db.scalar(
        select(func.count()).select_from(Visualization).where(Visualization.entry_id == entry.id)
    )
    assert queued == 0


async def test_another_users_intake_session_cannot_be_refined_or_completed(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    started = await client.post(
        f"{API}/intake/analyze",
        json={"situation": "My manager moved the deadline"},
        headers=owner.headers,
    )
    assert started.status_code == 200, started.text
    session_id = started.json()["data"]["session_id"]
    option_id = started.json()["data"]["scenarios"][0]["options"][0]["id"]

    refined = await client.post(
        f"{API}/intake/refine",
        json={"session_id": session_id, "selected_option_id": option_id},
        headers=intruder.headers,
    )
    completed = await client.post(
        f"{API}/intake/complete",
        json={"session_id": session_id, "final_emotions": ["joy"], "intensity": 0.5},
        headers=intruder.headers,
    )

    assert_refused(refined, 403, "FORBIDDEN")
    assert_refused(completed, 403, "FORBIDDEN")
    row = await db.scalar(
        select(IntakeSession)
        .where(IntakeSession.id == uuid.UUID(session_id))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    assert (row.current_step, row.is_complete) == (1, False)
    stolen = await db.scalar(
        select(func.count())
        .select_from(EmotionEntry)
        .where(EmotionEntry.user_id == intruder.user.id)
    )
    assert stolen == 0


async def test_another_users_visualization_progress_websocket_is_closed_with_1008(
    app: FastAPI,
    client: httpx.AsyncClient,  # runs the app's lifespan
    db: AsyncSession,
    owner: Party,
    intruder: Party,
) -> None:
    visualization = await insert_visualization(db, await insert_entry(db, owner.user))
    path = f"{API}/ws/visualizations/{visualization.id}"

    refused = await websocket_call(app, path, f"token={intruder.token}")
    allowed = await websocket_call(app, path, f"token={owner.token}")

    assert refused.close_code == 1008
    assert refused.messages == []
    assert allowed.messages, "the owner's connection should carry progress"
    assert '"type":"progress"' in allowed.messages[0]["text"].replace(" ", "")


async def test_a_media_signature_opens_only_the_image_it_was_signed_for(
    client: httpx.AsyncClient, settings: object, app: FastAPI
) -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    store = LocalMediaStore(app.state.settings.media_path)
    for visualization_id in (mine, theirs):
        await store.put(f"{visualization_prefix(visualization_id)}/image.png", b"\x89PNG fake")
    signer = MediaSigner(app.state.tokens.secret, 600)
    my_url = signer.sign(f"{visualization_prefix(mine)}/image.png", "http://test")
    their_key = f"{visualization_prefix(theirs)}/image.png"
    query = my_url.split("?", 1)[1]

    assert (await client.get(my_url)).status_code == 200
    # The same signature and expiry on another visualization's key (image or thumbnail).
    for key in (their_key, f"{visualization_prefix(mine)}/thumbnail.png"):
        assert_refused(await client.get(f"{API}/media/{key}?{query}"), 403, "FORBIDDEN")
