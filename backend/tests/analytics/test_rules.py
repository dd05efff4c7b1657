"""The pure rules behind the analytics: period windows, the intensity trend, pattern sentences."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from app.analytics.patterns import SummaryFacts, intensity_trend, patterns
from app.analytics.schemas import EmotionShare
from app.analytics.window import BEGINNING_OF_TIME, period_window

UTC = dt.UTC


def test_window_of_seven_days_in_berlin_starts_at_local_midnight_across_dst() -> None:
    # Wednesday 2 April 2025, 12:00 UTC; Berlin went from UTC+1 to UTC+2 on 30 March.
    window = period_window(7, "Europe/Berlin", dt.datetime(2025, 4, 2, 12, tzinfo=UTC))

    assert (window.first_day, window.last_day) == (dt.date(2025, 3, 27), dt.date(2025, 4, 2))
    assert window.start_at == dt.datetime(2025, 3, 26, 23, tzinfo=UTC)  # midnight CET
    assert window.end_at == dt.datetime(2025, 4, 2, 22, tzinfo=UTC)  # midnight CEST
    assert window.previous_start_at == dt.datetime(2025, 3, 19, 23, tzinfo=UTC)


def test_window_uses_the_local_date_of_now() -> None:
    # 23:30 UTC on 1 April is already 2 April in Tokyo.
    window = period_window(30, "Asia/Tokyo", dt.datetime(2025, 4, 1, 23, 30, tzinfo=UTC))

    assert window.last_day == dt.date(2025, 4, 2)
    assert window.first_day == dt.date(2025, 3, 4)


def test_window_of_all_time_has_no_lower_bound_and_no_previous_period() -> None:
    window = period_window(None, "UTC", dt.datetime(2025, 4, 2, 12, tzinfo=UTC))

    assert window.start_at == window.previous_start_at == BEGINNING_OF_TIME
    assert window.end_at == dt.datetime(2025, 4, 3, tzinfo=UTC)


def _facts(**changes: object) -> SummaryFacts:
    base = SummaryFacts(
        total_entries=10,
        average_intensity=Decimal("0.50"),
        shares=[
            EmotionShare(emotion="joy", count=4, percentage=40.0),
            EmotionShare(emotion="sadness", count=4, percentage=40.0),
            EmotionShare(emotion="anger", count=2, percentage=20.0),
        ],
        trend_slope=0.0,
        trend_days=10,
        trend_span_days=20,
        pair_first="joy",
        pair_second="sadness",
        pair_entries=2,
        peak_isodow=5,
        peak_intensity=Decimal("0.70"),
        low_intensity=Decimal("0.40"),
        weekdays_counted=3,
        theme_word="exam",
        theme_entries=2,
        theme_sample_size=10,
        previous_entries=10,
        previous_intensity=Decimal("0.52"),
        period_days=30,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("slope", "days", "span", "expected"),
    [
        (0.01, 10, 10, "increasing"),  # change 0.10: on the edge of the dead band
        (0.0099, 10, 10, "stable"),
        (-0.01, 10, 10, "decreasing"),
        (-0.0099, 10, 10, "stable"),
        (0.5, 2, 1, "stable"),  # steep, but two days are not a trend
        (None, 0, 0, "stable"),
    ],
)
def test_intensity_trend_uses_the_fitted_change_and_a_dead_band(
    slope: float | None, days: int, span: int, expected: str
) -> None:
    facts = _facts(trend_slope=slope, trend_days=days, trend_span_days=span)
    assert intensity_trend(facts) == expected


def test_patterns_name_tied_emotions_together_and_refuse_weak_pairs_and_themes() -> None:
    assert patterns(_facts()) == [
        "Joy and sadness were your most frequent emotions, 4 mentions each.",
        "No two emotions have come together in 3 or more entries yet, so no pair stands out.",
        "Your intensity peaks on Fridays: 0.70 on average, against 0.50 overall.",
        "No word recurs in your situations often enough to call it a theme yet.",
        "You wrote 10 entries, as many as in the previous 30 days, and your average intensity "
        "stayed about the same (0.50).",
    ]


def test_patterns_report_a_fall_in_intensity_and_fewer_entries() -> None:
    facts = _facts(previous_entries=12, previous_intensity=Decimal("0.75"))
    assert patterns(facts)[-1] == (
        "You wrote 10 entries, 2 fewer than in the previous 30 days, and your average "
        "intensity fell from 0.75 to 0.50."
    )


def test_patterns_say_when_the_previous_period_was_empty() -> None:
    facts = _facts(previous_entries=0, previous_intensity=None)
    assert patterns(facts)[-1] == (
        "You wrote 10 entries; the previous 30 days had none to compare with."
    )


def test_patterns_say_when_a_theme_was_found_in_the_latest_situations_only() -> None:
    facts = _facts(total_entries=900, theme_entries=41, theme_sample_size=200)
    assert (
        patterns(facts)[3] == "“exam” keeps coming up: 41 of your latest 200 situations mention it."
    )


def test_patterns_never_exceed_five_and_need_five_entries() -> None:
    assert len(patterns(_facts())) == 5
    assert patterns(_facts(total_entries=4)) == [
        "Patterns need at least 5 entries in a period; you have 4 so far. Keep writing to see them."
    ]
