from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from app.catalog.data import CATALOG
from app.catalog.schemas import EmotionPublic, EmotionsPublic
from app.platform.http.envelope import Envelope, ok

router = APIRouter(prefix="/emotions", tags=["emotions"])

_EMOTIONS = EmotionsPublic(emotions=[EmotionPublic(**asdict(e)) for e in CATALOG])


@router.get("", summary="The emotion catalog")
async def list_emotions() -> Envelope[EmotionsPublic]:
    return ok(_EMOTIONS)
