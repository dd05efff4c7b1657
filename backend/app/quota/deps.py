"""The daily AI allowances, as a typed dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.platform.config import Settings
from app.quota.service import AIQuota


def quota_from_settings(settings: Settings) -> AIQuota:
    return AIQuota(settings.ai_text_calls_per_day, settings.ai_images_per_day)


async def get_ai_quota(conn: HTTPConnection) -> AIQuota:
    return quota_from_settings(conn.app.state.settings)


AIQuotaDep = Annotated[AIQuota, Depends(get_ai_quota)]
