"""GET /analytics/emotions/timeline: buckets in the caller's time zone (hand-computed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from fastapi import FastAPI

from app.analytics.deps import current_time
from tests.helpers.dated_rows import Rows, utc
from tests.helpers.envelope import assert_error
from tests.helpers.users import UserFactory

URL = "/api/v1/analytics/emotions/timeline"


async def _timeline(
    client: httpx.AsyncClient, headers: dict[str, str], **params: str
) -> list[dict[str, Any]]:
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]["timeline"]  # type: ignore[no-any-return]


def _as_tuples(timeline: list[dict[str, Any]]) -> list[tuple[str, dict[str, int], float | None]]:
    return [(p["date"], p["emotions"], p["avg_intensity"]) for p in timeline]


async def _dst_week(rows: Rows, users: UserFactory) -> dict[str, str]:
    """Entries around midnight in the week Berlin moved its clocks (30 March 2025, 02:00 CET)."""
    user = await users.create()
    other = await users.create()
    # 23:30 UTC on the 29th is 00:30 on the 30th in Berlin (still UTC+1).
    await rows.entry(user, utc(2025, 3, 29, 23, 30), ["joy"], "0.20")
    # 22:30 UTC on the 30th is 00:30 on the 31st in Berlin (now UTC+2).
    await rows.entry(user, utc(2025, 3, 30, 22, 30), ["sadness"], "0.40")
    await rows.entry(user, utc(2025, 3, 30, 10, 0), ["joy", "sadness"], "0.60")
    # Before the UTC window (which starts 27 March 00:00Z), inside Berlin's (26 March 23:00Z).
    await rows.entry(user, utc(2025, 3, 26, 23, 30), ["fear"], "1.00")
    # Later today in UTC; already tomorrow in Berlin, so outside Berlin's window.
    await rows.entry(user, utc(2025, 4, 2, 22, 30), ["anger"], "0.50")
    # Someone else's entries never show.
    await rows.entry(other, utc(2025, 3, 30, 10, 0), ["disgust"], "0.90")
    return users.headers(user)


async def test_timeline_days_in_utc_put_late_evening_entries_on_their_utc_day(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    headers = await _dst_week(rows, users)

    timeline = await _timeline(client, headers, period="7d", granularity="day")

    assert _as_tuples(timeline) == [
        ("2025-03-27", {}, None),
        ("2025-03-28", {}, None),
        ("2025-03-29", {"joy": 1}, 0.2),
        ("2025-03-30", {"sadness": 2, "joy": 1}, 0.5),
        ("2025-03-31", {}, None),
        ("2025-04-01", {}, None),
        ("2025-04-02", {"anger": 1}, 0.5),
    ]


async def test_timeline_days_in_berlin_move_entries_after_local_midnight_across_dst(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    headers = await _dst_week(rows, users)

    timeline = await _timeline(client, headers, period="7d", granularity="day", tz="Europe/Berlin")

    assert _as_tuples(timeline) == [
        ("2025-03-27", {"fear": 1}, 1.0),
        ("2025-03-28", {}, None),
        ("2025-03-29", {}, None),
        ("2025-03-30", {"joy": 2, "sadness": 1}, 0.4),
        ("2025-03-31", {"sadness": 1}, 0.4),
        ("2025-04-01", {}, None),
        ("2025-04-02", {}, None),
    ]


async def test_timeline_emotion_counts_are_ordered_by_count_then_catalog(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    # Catalog order: joy, sadness, anger, ... contentment, frustration. Alphabetical differs.
    await rows.entry(user, utc(2025, 4, 2, 8), ["frustration", "contentment"], "0.50")
    await rows.entry(user, utc(2025, 4, 2, 9), ["anger", "joy"], "0.50")
    await rows.entry(user, utc(2025, 4, 2, 10), ["frustration"], "0.50")

    timeline = await _timeline(client, users.headers(user), period="7d")

    assert list(timeline[-1]["emotions"].items()) == [
        ("frustration", 2),
        ("joy", 1),
        ("anger", 1),
        ("contentment", 1),
    ]


async def test_timeline_weeks_start_on_monday_and_span_months(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    # 30 days up to Wednesday 2 April: 4 March (a Tuesday) .. 2 April, in ISO weeks from 3 March.
    await rows.entry(user, utc(2025, 3, 3, 12), ["joy"], "0.90")  # Monday before the period
    await rows.entry(user, utc(2025, 3, 4, 8), ["fear"], "0.25")
    await rows.entry(user, utc(2025, 3, 31, 8), ["anxiety"], "0.30")  # Monday, March
    await rows.entry(user, utc(2025, 4, 1, 8), ["anxiety", "joy"], "0.50")  # same week, April

    timeline = await _timeline(client, users.headers(user), period="30d", granularity="week")

    assert _as_tuples(timeline) == [
        # The first week is partial: only the days inside the period count.
        ("2025-03-03", {"fear": 1}, 0.25),
        ("2025-03-10", {}, None),
        ("2025-03-17", {}, None),
        ("2025-03-24", {}, None),
        ("2025-03-31", {"anxiety": 2, "joy": 1}, 0.4),
    ]


async def test_timeline_months_in_berlin_follow_local_month_boundaries(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    # 90 days up to 2 April: 3 January .. 2 April.
    await rows.entry(user, utc(2025, 1, 2, 12), ["anger"], "0.10")  # before the period
    await rows.entry(user, utc(2025, 1, 31, 23, 30), ["surprise"], "0.50")  # 1 Feb in Berlin
    await rows.entry(user, utc(2025, 3, 31, 22, 30), ["joy"], "0.70")  # 1 April in Berlin

    headers = users.headers(user)
    berlin = await _timeline(client, headers, period="90d", granularity="month", tz="Europe/Berlin")
    in_utc = await _timeline(client, headers, period="90d", granularity="month")

    assert _as_tuples(berlin) == [
        ("2025-01-01", {}, None),
        ("2025-02-01", {"surprise": 1}, 0.5),
        ("2025-03-01", {}, None),
        ("2025-04-01", {"joy": 1}, 0.7),
    ]
    assert _as_tuples(in_utc) == [
        ("2025-01-01", {"surprise": 1}, 0.5),
        ("2025-02-01", {}, None),
        ("2025-03-01", {"joy": 1}, 0.7),
        ("2025-04-01", {}, None),
    ]


async def test_timeline_of_user_without_entries_has_every_day_empty_oldest_first(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    other = await users.create()
    await rows.entry(other, utc(2025, 4, 1), ["joy"], "0.50")

    timeline = await _timeline(client, users.headers(user))  # defaults: 30d, day, UTC

    expected_dates = [
        (dt.date(2025, 3, 4) + dt.timedelta(days=offset)).isoformat() for offset in range(30)
    ]
    assert [p["date"] for p in timeline] == expected_dates
    assert all(p["emotions"] == {} and p["avg_intensity"] is None for p in timeline)


async def test_timeline_average_intensity_is_rounded_to_two_decimals(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    for intensity in ("0.33", "0.33", "0.34"):
        await rows.entry(user, utc(2025, 4, 2, 9), ["joy"], intensity)

    timeline = await _timeline(client, users.headers(user), period="7d")

    assert timeline[-1] == {"date": "2025-04-02", "emotions": {"joy": 3}, "avg_intensity": 0.33}


async def test_timeline_echoes_the_parameters_it_used(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    response = await client.get(
        URL,
        params={"period": "90d", "granularity": "week", "tz": "America/New_York"},
        headers=users.headers(user),
    )
    data = response.json()["data"]
    assert (data["period"], data["granularity"], data["tz"]) == ("90d", "week", "America/New_York")


async def test_timeline_rejects_unknown_period_granularity_and_time_zone(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    headers = users.headers(await users.create())
    for params, field in (
        ({"period": "all"}, "period"),
        ({"period": "1y"}, "period"),
        ({"granularity": "year"}, "granularity"),
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
        ({"tz": ""}, "tz"),
        ({"tz": "x" * 200}, "tz"),
    ):
        response = await client.get(URL, params=params, headers=headers)
        error: Any = assert_error(response, 400, "VALIDATION_ERROR")["error"]
        assert [d["field"] for d in error["details"]] == [field], params


async def test_timeline_requires_a_token(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(URL), 401, "UNAUTHORIZED")


async def test_entries_created_through_the_api_show_up_today_on_the_real_clock(
    app: FastAPI, client: httpx.AsyncClient, users: UserFactory
) -> None:
    app.dependency_overrides.pop(current_time)  # this test runs on the real clock
    headers = users.headers(await users.create())
    body = {"situation": "Presentation at work", "emotions": ["anxiety", "joy"], "intensity": 0.7}
    created = await client.post("/api/v1/entries", json=body, headers=headers)
    assert created.status_code == 201
    created_at = dt.datetime.fromisoformat(created.json()["data"]["entry"]["created_at"])

    timeline = await _timeline(client, headers, period="7d")
    summary = (await client.get("/api/v1/analytics/summary", headers=headers)).json()["data"]

    assert [point for point in timeline if point["emotions"]] == [
        {
            "date": created_at.astimezone(dt.UTC).date().isoformat(),
            "emotions": {"joy": 1, "anxiety": 1},
            "avg_intensity": 0.7,
        }
    ]
    assert (summary["total_entries"], summary["average_intensity"]) == (1, 0.7)
