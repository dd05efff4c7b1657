"""Request parameters and response bodies of the analytics endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

SummaryPeriod = Literal["7d", "30d", "90d", "all"]
TimelinePeriod = Literal["7d", "30d", "90d"]
Granularity = Literal["day", "week", "month"]
IntensityTrend = Literal["increasing", "decreasing", "stable"]

PERIOD_DAYS: dict[str, int | None] = {"7d": 7, "30d": 30, "90d": 90, "all": None}


def check_time_zone(name: str) -> str:
    """Accept IANA zone names only (`Europe/Berlin`, `UTC`); raise ValueError otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        message = f"Unknown time zone {name!r}: use an IANA name such as Europe/Berlin."
        raise ValueError(message) from error
    return name


class EmotionShare(BaseModel):
    emotion: str
    count: int
    percentage: float = Field(description="Share of all emotion mentions in the period, 0-100.")


class AnalyticsSummary(BaseModel):
    period: SummaryPeriod
    total_entries: int
    total_visualizations: int = Field(description="Completed visualizations made in the period.")
    most_common_emotions: list[EmotionShare]
    average_intensity: float | None = Field(description="Two decimals; null without entries.")
    intensity_trend: IntensityTrend
    patterns: list[str]


class TimelinePoint(BaseModel):
    date: dt.date = Field(description="The bucket's first local day (ISO YYYY-MM-DD).")
    emotions: dict[str, int]
    avg_intensity: float | None


class EmotionTimeline(BaseModel):
    period: TimelinePeriod
    granularity: Granularity
    tz: str
    timeline: list[TimelinePoint]
