"""A test-only provider for fault injection: each render follows a script (succeed, raise, stall).

It is not a stand-in for the product's providers (those are tested through the LocalProvider and
the fake Gemini server); it exists to make failures and timing deterministic.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from app.ai.protocol import EntrySnapshot, ProviderName, RenderedImage, VisualAnalysis, VisualStyle

# Two blocks of known colours, so the extracted palette can be checked against the real pixels.
BLOCK_COLOURS = ((200, 60, 60), (40, 90, 200))


def two_colour_png(size: int = 320) -> bytes:
    image = Image.new("RGB", (size, size), BLOCK_COLOURS[0])
    ImageDraw.Draw(image).rectangle((0, size // 2, size, size), fill=BLOCK_COLOURS[1])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class ScriptedProvider:
    """`script` holds one step per render call: None = succeed, an exception = raise it."""

    script: Sequence[BaseException | None] = ()
    render_delay: float = 0.0
    name: ProviderName = "local"
    analyze_calls: int = 0
    render_calls: list[str] = field(default_factory=list)
    rendering: asyncio.Event = field(default_factory=asyncio.Event)

    async def analyze_entry(self, entry: EntrySnapshot, style: VisualStyle) -> VisualAnalysis:
        self.analyze_calls += 1
        return VisualAnalysis(
            summary=f"About: {entry.situation[:40]}",
            insights=["It matters to you.", "It will pass."],
            color_palette=["#AABBCC", "#112233"],
            shapes=["circles", "soft waves"],
            image_prompt=f"{style} picture",
        )

    async def render_image(
        self, analysis: VisualAnalysis, entry: EntrySnapshot, style: VisualStyle
    ) -> RenderedImage:
        step = len(self.render_calls)
        self.render_calls.append(entry.situation)
        self.rendering.set()
        if self.render_delay:
            await asyncio.sleep(self.render_delay)
        outcome = self.script[step] if step < len(self.script) else None
        if outcome is not None:
            raise outcome
        return RenderedImage(
            data=two_colour_png(),
            mime_type="image/png",
            metadata={"model": "scripted", "raw": b"\x89PNG", "text": "here it is"},
        )
