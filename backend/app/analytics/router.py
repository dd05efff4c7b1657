"""GET /analytics/summary and /analytics/emotions/timeline (docs/ANALYTICS.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from app.analytics import service
from app.analytics.deps import Now
from app.analytics.schemas import (
    AnalyticsSummary,
    EmotionTimeline,
    Granularity,
    SummaryPeriod,
    TimelinePeriod,
    check_time_zone,
)
from app.auth.deps import CurrentUser
from app.platform.db.database import SessionDep
from app.platform.http.envelope import Envelope, ok

router = APIRouter(prefix="/analytics", tags=["analytics"])

TimeZoneQuery = Annotated[
    str,
    Query(
        max_length=64,
        description="IANA time zone that decides where days begin, e.g. Europe/Berlin.",
    ),
    AfterValidator(check_time_zone),
]


@router.get("/summary", summary="Totals, frequent emotions, intensity trend and patterns")
async def get_summary(
    user: CurrentUser,
    session: SessionDep,
    now: Now,
    period: SummaryPeriod = "30d",
    tz: TimeZoneQuery = "UTC",
) -> Envelope[AnalyticsSummary]:
    summary = await service.summarize(session, user.id, period=period, tz=tz, now=now)
    return ok(summary)


@router.get("/emotions/timeline", summary="Emotion counts and average intensity per bucket")
async def get_emotion_timeline(
    user: CurrentUser,
    session: SessionDep,
    now: Now,
    period: TimelinePeriod = "30d",
    granularity: Granularity = "day",
    tz: TimeZoneQuery = "UTC",
) -> Envelope[EmotionTimeline]:
    timeline = await service.timeline(
        session,
        user.id,
        period=period,
        granularity=granularity,
        tz=tz,
        now=now,
    )
    return ok(timeline)
