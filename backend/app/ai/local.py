"""LocalProvider: the product's offline mode — a curated question bank and Pillow-drawn pictures.

Deterministic: the same situation and answers give the same questions, the same entry gives the
same picture (byte for byte). Nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from app.ai import prompts
from app.ai.capacity import AICapacity
from app.ai.drawing import draw_png, muted_palette, seed_for
from app.ai.local_bank import CLOSING, EMOTION_FAMILY, THEMES, THEMES_BY_ID, Question
from app.ai.local_text import detect_themes, entry_summary, summarize
from app.ai.protocol import (
    EntrySnapshot,
    IntakeExchange,
    IntakeStep,
    IntakeSummary,
    ProviderName,
    RenderedImage,
    Scenario,
    ScenarioOption,
    VisualAnalysis,
    VisualStyle,
)
from app.ai.readiness import AIStatus
from app.ai.telemetry import AICallKind, track_call
from app.catalog.data import IntakeEmotionId

TEXT_MODEL = "local-question-bank"
IMAGE_MODEL = "local-pillow"
# open -> theme follow-up -> closing: three questions, then the flow is complete.
MAX_QUESTIONS = 3

SHAPES: dict[VisualStyle, list[str]] = {
    "abstract": ["soft overlapping ellipses", "horizontal bands"],
    "diagram": ["a central circle", "a ring of connected nodes", "thin spokes"],
    "metaphor": ["a low sun", "layered mountain ridges", "still water with ripples"],
}

_ALL_QUESTIONS: dict[str, Question] = {q.text: q for theme in THEMES for q in theme.questions} | {
    q.text: q for q in CLOSING.values()
}


def _scenario(question: Question, step: int) -> Scenario:
    scenario_id = f"q{step}"
    return Scenario(
        id=scenario_id,
        question=question.text,
        options=[
            ScenarioOption(
                id=f"{scenario_id}-{chr(ord('a') + i)}",
                text=choice.text,
                emotion_indicators=[IntakeEmotionId(e) for e in choice.emotions],
            )
            for i, choice in enumerate(question.choices)
        ],
    )


def _chosen_indicators(history: list[IntakeExchange]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for exchange in history:
        for option in exchange.scenario.options:
            if option.id == exchange.selected_option_id:
                counts.update(str(e) for e in option.emotion_indicators)
    return counts


class LocalProvider:
    name: ProviderName = "local"

    def __init__(self, capacity: AICapacity | None = None) -> None:
        # Offline calls cost no money, but they take the same slots as Gemini's, so the limits,
        # the 503 and /metrics behave alike whichever provider runs.
        self.capacity = capacity or AICapacity.with_default_limits()

    @asynccontextmanager
    async def _call(self, kind: AICallKind, operation: str, model: str) -> AsyncIterator[None]:
        async with self.capacity.slot(kind).hold():
            with track_call(self.name, kind, operation, model):
                yield

    async def start_intake(self, situation: str) -> IntakeStep:
        async with self._call("text", "start_intake", TEXT_MODEL):
            themes = detect_themes(situation)
            opening = THEMES_BY_ID[themes[0]].questions[0]
            return IntakeStep(
                scenarios=[_scenario(opening, 1)],
                context={"provider": self.name, "themes": themes, "asked": [opening.key]},
            )

    async def continue_intake(
        self,
        situation: str,
        history: list[IntakeExchange],
        context: dict[str, Any],
        *,
        rounds_left: int,
    ) -> IntakeStep:
        async with self._call("text", "continue_intake", TEXT_MODEL):
            themes = detect_themes(situation)
            theme = THEMES_BY_ID[themes[0]]
            asked = [
                _ALL_QUESTIONS[e.scenario.question].key
                for e in history
                if e.scenario.question in _ALL_QUESTIONS
            ]
            step = len(history) + 1
            next_question = None
            if rounds_left > 0 and len(history) < MAX_QUESTIONS:
                next_question = self._next_question(theme.id, history, asked, rounds_left)
            base = {"provider": self.name, "themes": themes}
            if next_question is None:
                return IntakeStep(is_complete=True, context={**base, "asked": asked})
            return IntakeStep(
                scenarios=[_scenario(next_question, step)],
                context={**base, "asked": [*asked, next_question.key]},
            )

    @staticmethod
    def _next_question(
        theme_id: str, history: list[IntakeExchange], asked: list[str], rounds_left: int
    ) -> Question | None:
        """The follow-up the last choice leads to; the closing question when it's the last."""
        theme = THEMES_BY_ID[theme_id]
        last = history[-1] if history else None
        if last is not None and rounds_left > 1:
            question = _ALL_QUESTIONS.get(last.scenario.question)
            picked = [
                i for i, o in enumerate(last.scenario.options) if o.id == last.selected_option_id
            ]
            if question is not None and picked and picked[0] < len(question.choices):
                follow_up_key = question.choices[picked[0]].next
                follow_up = theme.question(follow_up_key) if follow_up_key else None
                if follow_up is not None and follow_up.key not in asked:
                    return follow_up
        if any(key.startswith("close_") for key in asked):
            return None
        pointed = _chosen_indicators(history).most_common()
        family = EMOTION_FAMILY.get(pointed[0][0], "low") if pointed else "low"
        return CLOSING[family]

    async def summarize_intake(
        self,
        situation: str,
        history: list[IntakeExchange],
        final_emotions: list[str],
        intensity: float,
    ) -> IntakeSummary:
        async with self._call("text", "summarize_intake", TEXT_MODEL):
            return summarize(situation, history, final_emotions, intensity)

    async def analyze_entry(self, entry: EntrySnapshot, style: VisualStyle) -> VisualAnalysis:
        async with self._call("text", "analyze_entry", TEXT_MODEL):
            summary, insights = entry_summary(entry)
            palette = muted_palette(entry.emotions)
            feeling = ", ".join(entry.emotions) or "mixed feelings"
            scene = {
                "abstract": f"soft forms in the colours of {feeling}",
                "diagram": f"a calm centre with its causes around it, coloured by {feeling}",
                "metaphor": f"a quiet landscape whose weather carries {feeling}",
            }[style]
            analysis = VisualAnalysis(
                summary=summary,
                insights=insights,
                color_palette=palette,
                shapes=SHAPES[style],
                image_prompt=scene,
            )
            # Stored like Gemini's plan, so an entry can later be redrawn by Nano Banana Pro.
            return analysis.model_copy(
                update={"image_prompt": prompts.compose_image_prompt(analysis, style)}
            )

    async def render_image(
        self, analysis: VisualAnalysis, entry: EntrySnapshot, style: VisualStyle
    ) -> RenderedImage:
        async with self._call("image", "render_image", IMAGE_MODEL):
            palette = muted_palette(entry.emotions)
            seed = seed_for(
                entry.situation, sorted(entry.emotions), f"{entry.intensity:.2f}", style
            )
            # Drawing is CPU work: off the event loop.
            data = await asyncio.to_thread(draw_png, palette, entry.intensity, style, seed)
            return RenderedImage(
                data=data,
                mime_type="image/png",
                metadata={
                    "provider": self.name,
                    "model": IMAGE_MODEL,
                    "style": style,
                    "palette": palette,
                    "seed": seed,
                },
            )

    def readiness(self) -> dict[str, AIStatus]:
        return {"gemini_api": "not_configured", "nanobanana_api": "not_configured"}

    def problems(self) -> dict[str, str]:
        return {}

    async def aclose(self) -> None:
        return None
