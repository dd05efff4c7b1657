"""GET /entries: paging, sorting, totals from COUNT, and no N+1 queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.models import EmotionEntry, Visualization
from tests.helpers.envelope import assert_error
from tests.helpers.journal import ENTRIES, Journal
from tests.helpers.sql_recorder import recorded_statements
from tests.helpers.swift_decoding import ENTRY, assert_swift_decodes

BASE = datetime(2026, 1, 1, tzinfo=UTC)


async def _seed(session: AsyncSession, journal: Journal, count: int) -> list[EmotionEntry]:
    """Entries with distinct, known created_at/updated_at/intensity so every sort is checkable."""
    entries = [
        EmotionEntry(
            user_id=journal.user.id,
            situation=f"situation {i}",
            emotions=["joy"] if i % 2 else ["sadness", "fear"],
            intensity=Decimal((i * 37) % 101) / 100,
            notes=None if i % 3 else f"note {i}",
            created_at=BASE + timedelta(hours=i),
            # Set at insert (the trigger only stamps UPDATEs): the reverse of created_at's order.
            updated_at=BASE + timedelta(days=10, hours=-i),
        )
        for i in range(count)
    ]
    session.add_all(entries)
    await session.flush()
    return entries


async def _list(journal: Journal, **params: Any) -> httpx.Response:
    return await journal.client.get(ENTRIES, params=params, headers=journal.headers)


async def test_list_defaults_to_newest_first_fifty_at_offset_zero(
    journal: Journal, session: AsyncSession
) -> None:
    await _seed(session, journal, 55)
    response = await _list(journal)
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["total"], data["limit"], data["offset"]) == (55, 50, 0)
    assert len(data["entries"]) == 50
    assert data["entries"][0]["situation"] == "situation 54"
    assert data["entries"][-1]["situation"] == "situation 5"
    for entry in data["entries"]:
        assert_swift_decodes(entry, ENTRY)
        assert set(entry) >= {
            "id",
            "situation",
            "emotions",
            "intensity",
            "notes",
            "created_at",
            "updated_at",
            "has_visualization",
            "visualization_id",
            "source",
        }


async def test_list_pages_with_limit_and_offset_without_gaps_or_repeats(
    journal: Journal, session: AsyncSession
) -> None:
    await _seed(session, journal, 23)
    seen: list[str] = []
    for offset in range(0, 30, 10):
        data = (await _list(journal, limit=10, offset=offset)).json()["data"]
        assert data["total"] == 23
        assert (data["limit"], data["offset"]) == (10, offset)
        seen.extend(e["id"] for e in data["entries"])
    assert len(seen) == 23
    assert len(set(seen)) == 23


async def test_offset_past_the_end_gives_an_empty_page_with_the_real_total(
    journal: Journal, session: AsyncSession
) -> None:
    await _seed(session, journal, 3)
    data = (await _list(journal, offset=100)).json()["data"]
    assert data["entries"] == []
    assert data["total"] == 3


async def test_an_empty_journal_lists_nothing(journal: Journal) -> None:
    data = (await _list(journal)).json()["data"]
    assert data == {"entries": [], "total": 0, "limit": 50, "offset": 0}


def _key(entry: dict[str, Any], field: str) -> Any:
    return entry[field] if field == "intensity" else datetime.fromisoformat(entry[field])


@pytest.mark.parametrize(
    "sort",
    ["-created_at", "created_at", "-intensity", "intensity", "-updated_at", "updated_at"],
)
async def test_list_sorts_by_each_allowed_field_in_both_directions(
    journal: Journal, session: AsyncSession, sort: str
) -> None:
    await _seed(session, journal, 12)
    entries = (await _list(journal, sort=sort)).json()["data"]["entries"]
    field = sort.lstrip("-")
    keys = [_key(e, field) for e in entries]
    assert keys == sorted(keys, reverse=sort.startswith("-"))
    assert len(set(keys)) > 1


async def test_updated_at_sort_follows_updated_at_not_created_at(
    journal: Journal, session: AsyncSession
) -> None:
    await _seed(session, journal, 5)
    by_created = [
        e["id"] for e in (await _list(journal, sort="created_at")).json()["data"]["entries"]
    ]
    by_updated = [
        e["id"] for e in (await _list(journal, sort="-updated_at")).json()["data"]["entries"]
    ]
    assert by_created == by_updated


@pytest.mark.parametrize(
    "sort", ["name", "-situation", "user_id", "created_at;drop", "", "--intensity"]
)
async def test_an_unknown_sort_field_is_400_validation_error(journal: Journal, sort: str) -> None:
    body = assert_error(await _list(journal, sort=sort), 400, "VALIDATION_ERROR")
    assert {d["field"] for d in body["error"]["details"]} == {"sort"}


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": -1},
        {"limit": "ten"},
        {"limit": 1.5},
        {"offset": -1},
        {"offset": "x"},
        {"offset": 10**20},
        {"limit": 10**30},
    ],
)
async def test_out_of_range_paging_parameters_are_400(
    journal: Journal, params: dict[str, Any]
) -> None:
    assert_error(await _list(journal, **params), 400, "VALIDATION_ERROR")


async def test_limit_of_one_hundred_is_allowed(journal: Journal, session: AsyncSession) -> None:
    await _seed(session, journal, 3)
    data = (await _list(journal, limit=100)).json()["data"]
    assert data["limit"] == 100
    assert len(data["entries"]) == 3


async def test_list_shows_only_the_callers_entries(
    journal: Journal, other_journal: Journal, session: AsyncSession
) -> None:
    await _seed(session, journal, 4)
    await other_journal.create(situation="someone else's")
    mine = (await _list(journal)).json()["data"]
    theirs = (await _list(other_journal)).json()["data"]
    assert mine["total"] == 4
    assert theirs["total"] == 1
    assert all(e["situation"] != "someone else's" for e in mine["entries"])


async def test_list_reports_each_entrys_visualization(
    journal: Journal, session: AsyncSession
) -> None:
    entries = await _seed(session, journal, 3)
    visualization = Visualization(entry_id=entries[1].id, user_id=journal.user.id)
    session.add(visualization)
    await session.flush()
    listed = {e["id"]: e for e in (await _list(journal)).json()["data"]["entries"]}
    with_picture = listed[str(entries[1].id)]
    assert with_picture["has_visualization"] is True
    assert with_picture["visualization_id"] == str(visualization.id)
    for entry in (entries[0], entries[2]):
        assert listed[str(entry.id)]["has_visualization"] is False
        assert listed[str(entry.id)]["visualization_id"] is None


async def test_listing_costs_the_same_queries_for_2_or_40_entries_and_counts_in_sql(
    journal: Journal, session: AsyncSession, engine: AsyncEngine
) -> None:
    """No N+1 for visualizations, and `total` comes from COUNT, not from loading every row."""
    entries = await _seed(session, journal, 40)
    for entry in entries[::3]:
        session.add(Visualization(entry_id=entry.id, user_id=journal.user.id))
    await session.flush()
    with recorded_statements(engine) as few:
        assert (await _list(journal, limit=2)).status_code == 200
    with recorded_statements(engine) as many:
        assert (await _list(journal, limit=40)).status_code == 200
    # One round trip and nothing else: the page, its visualizations (joined), the total (a
    # COUNT subquery on the user's rows, not a count of the loaded page) and the check that
    # the caller's account is active (no probe before it: Claims).
    assert len(few) == len(many) == 1
    listing = many[0]
    assert "users.is_active" in listing
    assert "LIMIT" in listing
    assert "LEFT OUTER JOIN visualizations" in listing
    assert "(SELECT count(*)" in listing


async def test_list_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(ENTRIES), 401, "UNAUTHORIZED")
