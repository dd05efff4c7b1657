"""Analytics of one user's entries (docs/ANALYTICS.md): one SQL statement per endpoint.

`now` is a parameter so the period a request covers is decided by its caller (the route passes
the current time; tests pin it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics import patterns as pattern_rules
from app.analytics.queries import STOPWORDS, SUMMARY, TIMELINE
from app.analytics.schemas import (
    PERIOD_DAYS,
    AnalyticsSummary,
    EmotionShare,
    EmotionTimeline,
    Granularity,
    SummaryPeriod,
    TimelinePeriod,
    TimelinePoint,
)
from app.analytics.window import Window, period_window
from app.catalog.data import EMOTION_IDS
from app.platform.http.errors import ValidationFailed

_CATALOG = list(EMOTION_IDS)
_STOPWORDS = list(STOPWORDS)
# PostgreSQL's "invalid parameter value": what AT TIME ZONE raises for a zone it does not know.
_INVALID_PARAMETER_VALUE = "22023"


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


async def _execute(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Any:
    """Run an analytics statement; a zone Python knows but this server does not is a 400."""
    try:
        return await session.execute(statement, params)
    except sa_exc.DBAPIError as error:
        orig = error.orig
        if getattr(orig, "sqlstate", None) == _INVALID_PARAMETER_VALUE and "time zone" in str(orig):
            message = f"Unknown time zone {params['tz']!r}: use an IANA name such as Europe/Berlin."
            raise ValidationFailed(
                message,
                details=[{"field": "tz", "location": "query", "message": message}],
            ) from None
        raise


def _window_params(user_id: uuid.UUID, window: Window, tz: str) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "tz": tz,
        "start_at": window.start_at,
        "end_at": window.end_at,
        "catalog": _CATALOG,
    }


def summary_params(
    user_id: uuid.UUID, period: SummaryPeriod, tz: str, now: dt.datetime
) -> tuple[Window, dict[str, Any]]:
    window = period_window(PERIOD_DAYS[period], tz, now)
    return window, _window_params(user_id, window, tz) | {
        "previous_start_at": window.previous_start_at,
        "stopwords": _STOPWORDS,
        "min_weekday_entries": pattern_rules.MIN_WEEKDAY_ENTRIES,
        "theme_sample": pattern_rules.THEME_SAMPLE,
    }


def timeline_params(
    user_id: uuid.UUID, period: TimelinePeriod, granularity: Granularity, tz: str, now: dt.datetime
) -> dict[str, Any]:
    window = period_window(PERIOD_DAYS[period], tz, now)
    return _window_params(user_id, window, tz) | {
        "granularity": granularity,
        "first_day": window.first_day,
        "last_day": window.last_day,
    }


async def summarize(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    period: SummaryPeriod,
    tz: str,
    now: dt.datetime,
) -> AnalyticsSummary:
    window, params = summary_params(user_id, period, tz, now)
    row = (await _execute(session, SUMMARY, params)).mappings().one()
    shares = [EmotionShare.model_validate(share) for share in row["most_common"]]
    facts = pattern_rules.SummaryFacts(
        total_entries=row["total_entries"],
        average_intensity=row["average_intensity"],
        shares=shares,
        trend_slope=row["trend_slope"],
        trend_days=row["trend_days"],
        trend_span_days=row["trend_span_days"],
        pair_first=row["pair_first"],
        pair_second=row["pair_second"],
        pair_entries=row["pair_entries"] or 0,
        peak_isodow=row["peak_isodow"],
        peak_intensity=row["peak_intensity"],
        low_intensity=row["low_intensity"],
        weekdays_counted=row["weekdays_counted"] or 0,
        theme_word=row["theme_word"],
        theme_entries=row["theme_entries"] or 0,
        theme_sample_size=row["theme_sample_size"] or 0,
        previous_entries=row["previous_entries"],
        previous_intensity=row["previous_intensity"],
        period_days=window.days,
    )
    return AnalyticsSummary(
        period=period,
        total_entries=facts.total_entries,
        total_visualizations=row["total_visualizations"],
        most_common_emotions=shares,
        average_intensity=_float(facts.average_intensity),
        intensity_trend=pattern_rules.intensity_trend(facts),
        patterns=pattern_rules.patterns(facts),
    )


async def timeline(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    period: TimelinePeriod,
    granularity: Granularity,
    tz: str,
    now: dt.datetime,
) -> EmotionTimeline:
    params = timeline_params(user_id, period, granularity, tz, now)
    rows = (await _execute(session, TIMELINE, params)).mappings().all()
    points = [
        TimelinePoint(
            date=row["date"], emotions=row["emotions"], avg_intensity=_float(row["avg_intensity"])
        )
        for row in rows
    ]
    return EmotionTimeline(period=period, granularity=granularity, tz=tz, timeline=points)
