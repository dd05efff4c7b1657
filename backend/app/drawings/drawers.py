"""Who makes the drawing screen's pictures: Gemini and Nano Banana Pro, or this server offline.

Both hold the same AI slots as every other AI call (app.ai.capacity). The offline drawer paints
in low-priority threads, one picture per core at a time across all the server's processes
(app.platform.cpu_work): painting is pure CPU work, more at once would only slow every one of them
down, and the journal's requests keep their share of the cores meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from app.ai.capacity import AICapacity
from app.ai.drawing import seed_for
from app.ai.protocol import AIProvider, ProviderName
from app.ai.telemetry import AICallKind, track_call
from app.catalog.feelings import FeelingProfile
from app.drawings import pictures, prompts
from app.drawings.offline.feeling_art import describe_feeling, paint_feeling
from app.drawings.offline.story_art import BACKGROUND, paint_story
from app.drawings.offline.story_bank import analyse_story
from app.drawings.pictures import Picture
from app.drawings.story_analysis import StoryAnalysis
from app.platform.cpu_work import BoundedCpuWork

if TYPE_CHECKING:
    # google-genai (and aiohttp with it) is ~45 MB a process: only imported when Gemini is used.
    from app.ai.gemini import GeminiProvider

log = logging.getLogger(__name__)

T = TypeVar("T")
OFFLINE_PAINTER = "local-pillow"
OFFLINE_BANK = "local-story-bank"


@dataclass(frozen=True, slots=True)
class Drawing:
    picture: Picture
    prompt_used: str
    provider: ProviderName
    # How it was made (model, finish reason, seed...), never the picture's bytes.
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoryDrawing:
    analysis: StoryAnalysis
    drawing: Drawing


class Drawer(Protocol):
    name: ProviderName

    async def feeling(self, profiles: Sequence[FeelingProfile]) -> Drawing: ...

    async def story(self, text: str) -> StoryDrawing: ...


def describe_story(analysis: StoryAnalysis) -> str:
    corners = "; ".join(
        f'"{f.factor}" {prompts.CORNERS[i]}' for i, f in enumerate(analysis.factors)
    )
    return (
        f'A flat infographic on a light background: "{analysis.central_stressor}" with its icon '
        f"at the centre; {corners}, each with an icon and a line to the centre."
    )


class OfflineDrawer:
    """Pictures painted with Pillow, stories analysed by the curated bank: no network at all."""

    name: ProviderName = "local"

    def __init__(self, capacity: AICapacity, slots_dir: Path | None = None) -> None:
        self._capacity = capacity
        self._cores = BoundedCpuWork("drawing", os.cpu_count() or 1, slots_dir)

    async def _off_the_loop(
        self, kind: AICallKind, operation: str, model: str, work: Callable[[], T]
    ) -> T:
        async with self._capacity.slot(kind).hold():
            with track_call(self.name, kind, operation, model):
                return await self._cores.run(work)

    async def feeling(self, profiles: Sequence[FeelingProfile]) -> Drawing:
        # The same selection always gives the same picture, as the journal's offline pictures do.
        seed = seed_for(*(p.id for p in profiles))
        picture = await self._off_the_loop(
            "image",
            "draw_feeling",
            OFFLINE_PAINTER,
            lambda: pictures.finish(paint_feeling(profiles, seed=seed), compress_level=1),
        )
        metadata = {"model": OFFLINE_PAINTER, "seed": seed}
        return Drawing(picture, describe_feeling(profiles), self.name, metadata)

    async def story(self, text: str) -> StoryDrawing:
        story = await self._off_the_loop(
            "text", "analyse_story", OFFLINE_BANK, lambda: analyse_story(text)
        )
        picture = await self._off_the_loop(
            "image", "draw_story", OFFLINE_PAINTER, lambda: pictures.finish(paint_story(story))
        )
        metadata = {"model": OFFLINE_PAINTER, "category": story.category}
        drawing = Drawing(picture, describe_story(story.analysis), self.name, metadata)
        return StoryDrawing(story.analysis, drawing)


class GeminiDrawer:
    """The story analysed by Gemini (structured output), pictures drawn by Nano Banana Pro."""

    name: ProviderName = "gemini"

    def __init__(self, gemini: GeminiProvider) -> None:
        self._gemini = gemini

    async def feeling(self, profiles: Sequence[FeelingProfile]) -> Drawing:
        prompt = prompts.feeling_image_prompt(profiles)
        rendered = await self._gemini.generate_image("draw_feeling", prompt)
        image = await asyncio.to_thread(pictures.decode, rendered.data)
        if not pictures.is_square(image):
            # An abstract picture loses nothing that matters from its edges.
            log.info("feeling picture was %dx%d; centre-cropped", image.width, image.height)
            image = pictures.centre_crop(image)
        picture = await asyncio.to_thread(pictures.finish, image)
        return Drawing(picture, prompt, self.name, rendered.metadata)

    async def story(self, text: str) -> StoryDrawing:
        analysis = await self._gemini.generate_json(
            "analyse_story", prompts.STORY_SYSTEM, prompts.story_prompt(text), StoryAnalysis
        )
        prompt = prompts.story_image_prompt(analysis)
        picture, metadata = await self._square_story(prompt)
        return StoryDrawing(analysis, Drawing(picture, prompt, self.name, metadata))

    async def _square_story(self, prompt: str) -> tuple[Picture, dict[str, Any]]:
        """Never cropped (the labels sit in the corners): asked for once more, then padded."""
        for attempt in (1, 2):
            rendered = await self._gemini.generate_image("draw_story", prompt)
            image = await asyncio.to_thread(pictures.decode, rendered.data)
            if pictures.is_square(image):
                return await asyncio.to_thread(pictures.finish, image), rendered.metadata
            log.warning(
                "story picture was not square",
                extra={"width": image.width, "height": image.height, "attempt": attempt},
            )
        log.warning("story picture padded to a square after two non-square answers")
        padded = pictures.pad_to_square(image, BACKGROUND)
        return await asyncio.to_thread(pictures.finish, padded), rendered.metadata


def drawer_for(provider: AIProvider, slots_dir: Path | None = None) -> Drawer:
    if provider.name == "gemini":
        from app.ai.gemini import GeminiProvider

        assert isinstance(provider, GeminiProvider)
        return GeminiDrawer(provider)
    return OfflineDrawer(provider.capacity, slots_dir)
