"""Request and response models of the visualization routes (docs/API.md, "Visualizations")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.ai.protocol import VisualStyle
from app.platform.http.schemas import RequestModel


class VisualizationCreate(RequestModel):
    entry_id: uuid.UUID
    style: VisualStyle = "abstract"


class VisualizationQueued(BaseModel):
    visualization_id: uuid.UUID
    status: Literal["pending"]
    estimated_time_seconds: int
    polling_url: str


class ColorPaletteElement(BaseModel):
    type: Literal["color_palette"]
    values: list[str] = Field(
        description="Hex colours taken from the generated image, most prominent first."
    )


class ShapeElement(BaseModel):
    type: Literal["shape"]
    description: str = Field(description="The shapes the picture is built from.")


VisualElement = Annotated[ColorPaletteElement | ShapeElement, Field(discriminator="type")]


def visual_elements(palette: list[str], shapes: str) -> list[dict[str, object]]:
    """What a completed visualization stores as `visual_elements` (and answers as it is)."""
    return [
        ColorPaletteElement(type="color_palette", values=palette).model_dump(),
        ShapeElement(type="shape", description=shapes).model_dump(),
    ]


class VisualizationCompleted(BaseModel):
    id: uuid.UUID
    entry_id: uuid.UUID
    status: Literal["completed"]
    image_url: str = Field(description="Signed URL, valid for a limited time; no headers needed.")
    thumbnail_url: str
    summary: str | None
    insights: list[str]
    visual_elements: list[VisualElement]
    created_at: datetime
    completed_at: datetime | None


class VisualizationInProgress(BaseModel):
    id: uuid.UUID
    status: Literal["pending", "processing"]
    progress: int = Field(ge=0, le=100)
    estimated_time_remaining_seconds: int


class VisualizationFailed(BaseModel):
    id: uuid.UUID
    status: Literal["failed"]
    error_message: str
    retry_allowed: bool


VisualizationOut = Annotated[
    VisualizationCompleted | VisualizationInProgress | VisualizationFailed,
    Field(discriminator="status"),
]


class VisualizationListItem(BaseModel):
    id: uuid.UUID
    entry_id: uuid.UUID
    status: str
    image_url: str | None
    thumbnail_url: str | None
    created_at: datetime


class VisualizationList(BaseModel):
    visualizations: list[VisualizationListItem]
    total: int
    limit: int
    offset: int
