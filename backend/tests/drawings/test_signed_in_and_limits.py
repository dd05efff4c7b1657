"""Who draws: a signed-in person keeps the drawing in their journal; anonymous drawings are
limited per address and in total and store nothing; no connection is held while drawing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select, update

from app.auth.tokens import TokenService
from app.main import create_app
from app.models import EmotionEntry, User, Visualization
from app.platform.config import Settings
from app.platform.db.database import Database, create_engine
from tests.drawings.stories import ONE_PER_LANGUAGE
from tests.fakes import replies
from tests.fakes.fixtures import make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.helpers.clients import client_for
from tests.helpers.db_activity import busy_connections
from tests.helpers.envelope import assert_error
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually

API = "/api/v1"
FEELING = f"{API}/visualizations/feeling"
STORY = f"{API}/visualizations/story"
CHOICE = {"feeling_category": "good", "selected_emotions": ["pumped", "cozy", "chill"]}


async def _rows(database: Database) -> tuple[int, int]:
    async with database.sessionmaker() as session:
        entries = await session.scalar(select(func.count()).select_from(EmotionEntry))
        pictures = await session.scalar(select(func.count()).select_from(Visualization))
    return entries or 0, pictures or 0


async def test_a_signed_in_feeling_is_kept_in_the_journal(
    client: httpx.AsyncClient, users: UserFactory, database: Database
) -> None:
    user = await users.create()
    headers = users.headers(user)

    drawn = await client.post(FEELING, json=CHOICE, headers=headers)

    assert drawn.status_code == 200, drawn.text
    listed = (await client.get(f"{API}/entries", headers=headers)).json()["data"]
    (entry,) = listed["entries"]
    assert entry["emotions"] == ["pumped", "cozy", "chill"]
    assert entry["situation"] == "Drawn with Draw My Feelings: Pumped, Cozy, Chill"
    assert entry["intensity"] == 0.5  # (0.9 + 0.3 + 0.3) / 3
    assert entry["has_visualization"] is True
    picture = (
        await client.get(f"{API}/visualizations/{entry['visualization_id']}", headers=headers)
    ).json()["data"]
    assert picture["status"] == "completed"
    elements = {e["type"]: e for e in picture["visual_elements"]}
    assert elements["color_palette"]["values"] == drawn.json()["data"]["dominant_colors"]
    image = await client.get(picture["image_url"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert (await client.get(picture["thumbnail_url"])).status_code == 200
    async with database.sessionmaker() as session:
        row = await session.scalar(select(EmotionEntry).where(EmotionEntry.user_id == user.id))
        stored = await session.scalar(select(Visualization).where(Visualization.user_id == user.id))
    assert row is not None
    assert stored is not None
    assert (row.source, row.intensity) == ("draw_my_feelings", Decimal("0.50"))
    assert (stored.style, stored.provider) == ("abstract", "local")
    me = (await client.get(f"{API}/auth/me", headers=headers)).json()["data"]
    assert me["ai_usage"]["images"]["used"] == 1
    assert me["entry_count"] == me["visualization_count"] == 1


async def test_a_signed_in_story_is_kept_with_its_analysis(
    client: httpx.AsyncClient, users: UserFactory, database: Database
) -> None:
    user = await users.create()
    story = ONE_PER_LANGUAGE["es"]
    body = {"feeling_category": "bad", "selected_emotions": ["freaked_out"], "story_text": story}

    drawn = (await client.post(STORY, json=body, headers=users.headers(user))).json()["data"]

    async with database.sessionmaker() as session:
        entry = await session.scalar(select(EmotionEntry).where(EmotionEntry.user_id == user.id))
        picture = await session.scalar(
            select(Visualization).where(Visualization.user_id == user.id)
        )
    assert entry is not None
    assert picture is not None
    assert entry.situation == story.strip()
    assert entry.emotions == ["freaked_out"]
    assert entry.intensity == Decimal("0.90")
    assert picture.style == "diagram"
    assert picture.summary == drawn["story_analysis"]["central_stressor"]
    assert picture.gemini_analysis == drawn["story_analysis"]
    assert len(picture.insights or []) == len(drawn["story_analysis"]["factors"])


async def test_anonymous_drawings_store_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    before = await _rows(database)
    assert (await client.post(FEELING, json=CHOICE)).status_code == 200
    assert await _rows(database) == before


@pytest.mark.parametrize(
    "authorization", ["Bearer not-a-token", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Token abc"]
)
async def test_a_bad_token_is_401_never_anonymous(
    client: httpx.AsyncClient, authorization: str
) -> None:
    response = await client.post(FEELING, json=CHOICE, headers={"Authorization": authorization})
    assert_error(response, 401, "UNAUTHORIZED")


async def test_an_expired_token_or_a_disabled_account_is_401(
    client: httpx.AsyncClient, users: UserFactory, settings: Settings, database: Database
) -> None:
    user = await users.create()
    assert settings.jwt_secret_key is not None
    login = users.session_of(user)
    expired = (
        TokenService(settings.jwt_secret_key.get_secret_value(), -1)
        .issue(user.id, login.id, logged_in_at=login.created_at, session_ends_at=login.expires_at)
        .token
    )
    response = await client.post(
        FEELING, json=CHOICE, headers={"Authorization": f"Bearer {expired}"}
    )
    assert_error(response, 401, "UNAUTHORIZED")

    headers = users.headers(user)
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.id == user.id).values(is_active=False))
    assert_error(await client.post(FEELING, json=CHOICE, headers=headers), 401, "UNAUTHORIZED")


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "rate_limit_enabled": True,
            "anonymous_drawings_per_hour": 3,
            "anonymous_drawings_per_day": 5,
            "ai_images_per_day": 2,
        }
    )


async def _client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(create_app(settings, database=database)):
        yield client


async def test_anonymous_drawings_are_limited_per_address_and_in_total(
    limited: Settings, database: Database
) -> None:
    async for client in _client(limited, database):
        for _ in range(3):
            assert (await client.post(FEELING, json=CHOICE)).status_code == 200
        refused = await client.post(FEELING, json=CHOICE)
        error = assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
        assert error["error"]["details"]["retry_after_seconds"] == int(
            refused.headers["retry-after"]
        )
        assert error["error"]["details"]["limit"] == 3

        # Other addresses share the day's total of five.
        app = client._transport.app  # type: ignore[attr-defined]
        transport = httpx.ASGITransport(app=app, client=("10.0.0.2", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as elsewhere:
            assert (await elsewhere.post(FEELING, json=CHOICE)).status_code == 200
            assert (await elsewhere.post(FEELING, json=CHOICE)).status_code == 200
            error = assert_error(
                await elsewhere.post(FEELING, json=CHOICE), 429, "RATE_LIMIT_EXCEEDED"
            )
            assert error["error"]["details"]["limit"] == 5


async def test_signed_in_drawings_count_against_the_persons_daily_pictures(
    limited: Settings, database: Database, users: UserFactory
) -> None:
    headers = users.headers(await users.create())
    async for client in _client(limited, database):
        for _ in range(2):
            assert (await client.post(FEELING, json=CHOICE, headers=headers)).status_code == 200
        refused = await client.post(FEELING, json=CHOICE, headers=headers)
        error = assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
        assert error["error"]["details"]["quota"] == "image"
        # The anonymous limit (3 an hour) is the address's own: untouched by the person's drawings.
        assert (await client.post(FEELING, json=CHOICE)).status_code == 200


async def test_a_failed_signed_in_drawing_is_not_counted_and_keeps_nothing(
    settings: Settings, database: Database, users: UserFactory, fake_gemini: FakeGemini
) -> None:
    provider = make_gemini_provider(fake_gemini, settings)
    user: User = await users.create()
    headers = users.headers(user)
    before = await _rows(database)
    try:
        async for client in client_for(
            create_app(settings, database=database, ai_provider=provider)
        ):
            fake_gemini.script(replies.refusal_reply("IMAGE_SAFETY"))
            assert_error(
                await client.post(FEELING, json=CHOICE, headers=headers), 400, "CONTENT_FILTERED"
            )
            me = (await client.get(f"{API}/auth/me", headers=headers)).json()["data"]
    finally:
        await provider.aclose()
    assert me["ai_usage"]["images"]["used"] == 0
    assert await _rows(database) == before


async def test_no_connection_is_held_while_a_signed_in_picture_is_made(
    settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    fake_gemini: FakeGemini,
    pg_url: str,
) -> None:
    pool_settings = settings.model_copy(update={"db_pool_size": 2, "db_max_overflow": 0})
    database = Database.from_engine(create_engine(pool_settings))
    provider = make_gemini_provider(fake_gemini, pool_settings)
    people = [await committed_users.create() for _ in range(6)]
    try:
        async for client in client_for(
            create_app(pool_settings, database=database, ai_provider=provider)
        ):
            idle = await busy_connections(pg_url)
            fake_gemini.hold()
            drawing = [
                asyncio.create_task(
                    client.post(FEELING, json=CHOICE, headers=committed_users.headers(person))
                )
                for person in people
            ]
            await eventually(lambda: fake_gemini.held == len(people), what="all at Gemini")
            assert await busy_connections(pg_url) == idle
            fake_gemini.release()
            answers = await asyncio.gather(*drawing)
            assert [a.status_code for a in answers] == [200] * len(people)
    finally:
        fake_gemini.release()
        await provider.aclose()
        await database.dispose()
    async with committed_db.sessionmaker() as session:
        kept = await session.scalar(
            select(func.count())
            .select_from(Visualization)
            .where(Visualization.user_id.in_([p.id for p in people]))
        )
    assert kept == len(people)
