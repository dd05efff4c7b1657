"""What every AI provider does for the services (intake, visualizations), and the data it uses.

Two implementations: `GeminiProvider` (google-genai: Gemini text + Nano Banana Pro images) and
`LocalProvider` (deterministic, offline). Services depend only on this module.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from app.ai.capacity import AICapacity
from app.ai.readiness import AIStatus
from app.catalog.data import IntakeEmotionId

ProviderName = Literal["gemini", "local"]
VisualStyle = Literal["abstract", "diagram", "metaphor"]
HexColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]


# --- intake ------------------------------------------------------------------------------------
class ScenarioOption(BaseModel):
    id: str = Field(description="Stable within the scenario, e.g. 'a', 'b'.")
    text: str
    emotion_indicators: list[IntakeEmotionId] = Field(min_length=1, max_length=4)


class Scenario(BaseModel):
    id: str
    question: str
    options: list[ScenarioOption] = Field(min_length=2, max_length=4)


class IntakeExchange(BaseModel):
    """One round of the conversation: what was asked, offered and chosen."""

    step: int
    scenario: Scenario
    selected_option_id: str | None = None
    additional_context: str | None = None


class IntakeStep(BaseModel):
    """The provider's next move: more questions, or enough to finish."""

    scenarios: list[Scenario] = Field(default_factory=list, max_length=3)
    is_complete: bool = False
    # Free-form notes the provider wants back on the next call (themes, hypotheses).
    context: dict[str, Any] = Field(default_factory=dict)


class IntakeSummary(BaseModel):
    situation_summary: str = Field(description="One paragraph restating the situation.")
    ai_summary: str = Field(description="What seems to be going on, addressed to the person.")
    insights: list[str] = Field(min_length=1, max_length=6)


# --- visualization -----------------------------------------------------------------------------
class EntrySnapshot(BaseModel):
    """The entry as the provider sees it (never ids or user data beyond the text)."""

    situation: str
    emotions: list[str]
    intensity: float
    notes: str | None = None


class VisualAnalysis(BaseModel):
    summary: str
    insights: list[str] = Field(min_length=1, max_length=6)
    color_palette: list[HexColour] = Field(min_length=2, max_length=8, description="#RRGGBB")
    shapes: list[str] = Field(min_length=1, max_length=8)
    image_prompt: str


class RenderedImage(BaseModel):
    data: bytes
    mime_type: str
    # What the image model said besides the picture (text parts, finish reason, usage): stored
    # as `nanobanana_response`; never the bytes.
    metadata: dict[str, Any] = Field(default_factory=dict)


@runtime_checkable
class AIProvider(Protocol):
    name: ProviderName
    # The process's AI slots (app.ai.capacity), which every call of this provider holds.
    capacity: AICapacity

    async def start_intake(self, situation: str) -> IntakeStep: ...

    async def continue_intake(
        self,
        situation: str,
        history: list[IntakeExchange],
        context: dict[str, Any],
        *,
        rounds_left: int,
    ) -> IntakeStep:
        """The next step after the last exchange in `history` (which carries the chosen option).

        `rounds_left` is how many more questions the caller will still accept; at 0 the step is
        `is_complete` with no scenarios. A provider may also finish earlier.
        """
        ...

    async def summarize_intake(
        self,
        situation: str,
        history: list[IntakeExchange],
        final_emotions: list[str],
        intensity: float,
    ) -> IntakeSummary: ...

    async def analyze_entry(self, entry: EntrySnapshot, style: VisualStyle) -> VisualAnalysis: ...

    async def render_image(
        self, analysis: VisualAnalysis, entry: EntrySnapshot, style: VisualStyle
    ) -> RenderedImage: ...

    def readiness(self) -> dict[str, AIStatus]: ...

    def problems(self) -> dict[str, str]:
        """Why each unhealthy service is so, for operators (never sent to clients)."""
        ...

    async def aclose(self) -> None: ...
