"""GET /analytics/summary on a fixed dataset with hand-computed expectations.

The clock is pinned to Wednesday 2 April 2025, 12:00 UTC, so "30d" in UTC is 4 March 00:00 ..
3 April 00:00 (exclusive) and the previous 30 days are 2 February .. 4 March.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.analytics import patterns as pattern_rules
from app.models import User
from tests.helpers.dated_rows import Rows, utc
from tests.helpers.envelope import assert_error
from tests.helpers.users import UserFactory

URL = "/api/v1/analytics/summary"


async def _summary(client: httpx.AsyncClient, user_headers: dict[str, str], **params: str) -> Any:
    response = await client.get(URL, params=params, headers=user_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


async def _month_of_entries(rows: Rows, users: UserFactory) -> User:
    user = await users.create()
    # Previous period: 3 entries, average 0.40.
    p1 = await rows.entry(user, utc(2025, 2, 10), ["sadness"], "0.30")
    await rows.entry(user, utc(2025, 2, 20), ["sadness"], "0.40")
    # One second before the UTC period; 00:59:59 on 4 March (a Tuesday) in Berlin.
    await rows.entry(user, utc(2025, 3, 3, 23, 59, 59), ["fear"], "0.50")
    # The period (4 March is a Tuesday, 10 and 17 March Mondays).
    e1 = await rows.entry(
        user, utc(2025, 3, 4, 9), ["anxiety", "frustration"], "0.40", "Deadline at work slipped"
    )
    e2 = await rows.entry(
        user,
        utc(2025, 3, 10, 9),
        ["anxiety", "frustration", "sadness"],
        "0.50",
        "Work meeting went badly",
    )
    e3 = await rows.entry(
        user, utc(2025, 3, 11, 18), ["anxiety"], "0.60", "Argument with my sister"
    )
    await rows.entry(
        user, utc(2025, 3, 17, 9), ["anxiety", "frustration"], "0.70", "WORK review tomorrow"
    )
    await rows.entry(user, utc(2025, 3, 25, 12), ["joy"], "0.80", "Weekend trip with friends")
    await rows.entry(user, utc(2025, 4, 1, 10), ["joy", "contentment"], "0.90", "Quiet evening")
    # The period ends at midnight UTC, exclusive.
    await rows.entry(user, utc(2025, 4, 3, 0), ["anger"], "0.10")
    # Only completed visualizations made in the period count.
    await rows.visualization(e1, "completed", utc(2025, 3, 5))
    await rows.visualization(e2, "failed", utc(2025, 3, 11))
    await rows.visualization(e3, "pending", utc(2025, 3, 12))
    await rows.visualization(p1, "completed", utc(2025, 2, 11))
    # Another user's entries and pictures never count.
    other = await users.create()
    for day in (5, 6, 7, 8, 9):
        foreign = await rows.entry(other, utc(2025, 3, day), ["anger", "disgust"], "1.00", "Work")
    await rows.visualization(foreign, "completed", utc(2025, 3, 10))
    return user


async def test_summary_of_thirty_days_in_utc(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await _month_of_entries(rows, users)

    data = await _summary(client, users.headers(user))  # default period 30d, UTC

    assert data == {
        "period": "30d",
        "total_entries": 6,
        "total_visualizations": 1,
        # 11 mentions; sadness and contentment tie and follow the catalog (sadness comes first).
        "most_common_emotions": [
            {"emotion": "anxiety", "count": 4, "percentage": 36.4},
            {"emotion": "frustration", "count": 3, "percentage": 27.3},
            {"emotion": "joy", "count": 2, "percentage": 18.2},
            {"emotion": "sadness", "count": 1, "percentage": 9.1},
            {"emotion": "contentment", "count": 1, "percentage": 9.1},
        ],
        "average_intensity": 0.65,
        # Daily averages 0.4 .. 0.9 over 28 days: the fitted line climbs by about 0.49.
        "intensity_trend": "increasing",
        "patterns": [
            "Anxiety was your most frequent emotion: 4 of 11 mentions (36.4%).",
            "Anxiety and frustration often come together: in 3 of your 6 entries.",
            # Tuesdays 0.4, 0.6, 0.8, 0.9 -> 0.675 -> 0.68; Mondays 0.5, 0.7 -> 0.60.
            "Your intensity peaks on Tuesdays: 0.68 on average, against 0.65 overall.",
            "“work” keeps coming up: 3 of your 6 situations mention it.",
            "You wrote 6 entries, 3 more than in the previous 30 days, and your average "
            "intensity rose from 0.40 to 0.65.",
        ],
    }


async def test_summary_in_berlin_moves_a_late_evening_entry_into_the_period(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await _month_of_entries(rows, users)

    data = await _summary(client, users.headers(user), tz="Europe/Berlin")

    # The 23:59:59 UTC entry is Tuesday 4 March in Berlin: 7 entries, 4.4 / 7 = 0.63.
    assert data["total_entries"] == 7
    assert data["average_intensity"] == 0.63
    # 12 mentions now; the three single ones follow the catalog: sadness, fear, contentment.
    assert data["most_common_emotions"][3:] == [
        {"emotion": "sadness", "count": 1, "percentage": 8.3},
        {"emotion": "fear", "count": 1, "percentage": 8.3},
        {"emotion": "contentment", "count": 1, "percentage": 8.3},
    ]
    assert data["patterns"][2:] == [
        # Tuesdays now average 3.2 / 5 = 0.64 against Mondays' 0.60: too close to call.
        "Your intensity is about the same whichever day of the week you write.",
        "“work” keeps coming up: 3 of your 7 situations mention it.",
        # Only 2 entries before: too few to compare intensity.
        "You wrote 7 entries, 5 more than in the previous 30 days.",
    ]


async def test_summary_of_all_time_has_no_previous_period(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await _month_of_entries(rows, users)

    data = await _summary(client, users.headers(user), period="all")

    assert data["total_entries"] == 9
    assert data["total_visualizations"] == 2
    # 14 mentions; frustration and sadness tie at 3 and follow the catalog.
    assert data["most_common_emotions"] == [
        {"emotion": "anxiety", "count": 4, "percentage": 28.6},
        {"emotion": "sadness", "count": 3, "percentage": 21.4},
        {"emotion": "frustration", "count": 3, "percentage": 21.4},
        {"emotion": "joy", "count": 2, "percentage": 14.3},
        {"emotion": "fear", "count": 1, "percentage": 7.1},
        {"emotion": "contentment", "count": 1, "percentage": 7.1},
    ]
    # (0.3 + 0.4 + 0.5 + 3.9) / 9 = 0.5667
    assert data["average_intensity"] == 0.57
    assert len(data["patterns"]) == 4
    assert not any("previous" in sentence for sentence in data["patterns"])


async def test_summary_of_seven_days_counts_only_the_last_seven_local_days(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await _month_of_entries(rows, users)

    data = await _summary(client, users.headers(user), period="7d")

    # 27 March .. 2 April holds only the 1 April entry; 20 .. 26 March holds the 25 March one.
    assert data["total_entries"] == 1
    assert data["average_intensity"] == 0.9
    assert data["most_common_emotions"] == [
        {"emotion": "joy", "count": 1, "percentage": 50.0},
        {"emotion": "contentment", "count": 1, "percentage": 50.0},
    ]


async def test_summary_without_entries_is_empty_and_asks_for_entries(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    await _month_of_entries(rows, users)  # someone else's data
    user = await users.create()

    data = await _summary(client, users.headers(user), period="90d")

    assert data == {
        "period": "90d",
        "total_entries": 0,
        "total_visualizations": 0,
        "most_common_emotions": [],
        "average_intensity": None,
        "intensity_trend": "stable",
        "patterns": ["No entries in this period yet. Write a few to see your patterns here."],
    }


async def test_summary_with_few_entries_claims_no_pattern_and_no_trend(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    # Steep, but on only two days: not enough for a trend.
    await rows.entry(user, utc(2025, 3, 30), ["joy", "sadness"], "0.10", "work work")
    await rows.entry(user, utc(2025, 4, 1), ["joy", "sadness"], "0.90", "work")
    await rows.entry(user, utc(2025, 4, 1), ["joy", "sadness"], "0.90", "work")

    data = await _summary(client, users.headers(user))

    assert data["total_entries"] == 3
    assert data["intensity_trend"] == "stable"
    assert data["patterns"] == [
        "Patterns need at least 5 entries in a period; you have 3 so far. Keep writing to see them."
    ]


async def test_summary_trend_is_decreasing_when_daily_intensity_falls(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    for day, intensity in ((20, "0.90"), (22, "0.80"), (25, "0.60"), (28, "0.40"), (31, "0.20")):
        await rows.entry(user, utc(2025, 3, day), ["sadness"], intensity)

    data = await _summary(client, users.headers(user))

    assert data["intensity_trend"] == "decreasing"


async def test_summary_trend_is_stable_inside_the_dead_band(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory
) -> None:
    user = await users.create()
    for day, intensity in ((20, "0.50"), (21, "0.55"), (22, "0.50"), (23, "0.55"), (24, "0.50")):
        await rows.entry(user, utc(2025, 3, day), ["contentment"], intensity)

    data = await _summary(client, users.headers(user))

    assert data["intensity_trend"] == "stable"
    # Five entries on five different weekdays: none has the two a weekly rhythm needs.
    assert (
        "A weekly rhythm needs at least 2 entries on each of 2 or more weekdays; "
        "keep writing to see one."
    ) in data["patterns"]


async def test_summary_rejects_unknown_period_and_time_zone(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    headers = users.headers(await users.create())
    for params in ({"period": "1y"}, {"period": "7"}, {"tz": "Europe/Atlantis"}):
        response = await client.get(URL, params=params, headers=headers)
        assert_error(response, 400, "VALIDATION_ERROR")


async def test_summary_rejects_a_zone_python_knows_but_postgresql_does_not(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    headers = users.headers(await users.create())
    # Python's zoneinfo reads these files from the system tz database; PostgreSQL refuses them.
    for name in ("posixrules", "localtime"):
        for url in (URL, "/api/v1/analytics/emotions/timeline"):
            response = await client.get(url, params={"tz": name}, headers=headers)
            error: Any = assert_error(response, 400, "VALIDATION_ERROR")["error"]
            assert [d["field"] for d in error["details"]] == ["tz"]
    # The transaction is still usable after the refused statement.
    assert (await client.get(URL, headers=headers)).status_code == 200


async def test_summary_requires_a_token(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(URL), 401, "UNAUTHORIZED")


async def test_summary_looks_for_themes_in_the_latest_situations_only(
    client: httpx.AsyncClient, rows: Rows, users: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pattern_rules, "THEME_SAMPLE", 3)
    user = await users.create()
    for day in (19, 20, 21, 22):  # older: "rent" four times, the most frequent word overall
        await rows.entry(user, utc(2025, 3, day), ["anxiety"], "0.50", "The rent went up")
    for day in (27, 28, 29):  # the latest three: "exam" (and "tomorrow", later in the alphabet)
        await rows.entry(user, utc(2025, 3, day), ["fear"], "0.50", "Exam tomorrow")

    data = await _summary(client, users.headers(user))

    assert (
        data["patterns"][3] == "“exam” keeps coming up: 3 of your latest 3 situations mention it."
    )
