"""The same checks against both providers: each method's output satisfies the protocol."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.ai.protocol import (
    AIProvider,
    EntrySnapshot,
    IntakeExchange,
    IntakeStep,
    IntakeSummary,
    VisualAnalysis,
    VisualStyle,
)
from app.catalog.data import EMOTION_IDS

SITUATION = "My manager criticised my project in front of the whole team and I froze."
ENTRY = EntrySnapshot(situation=SITUATION, emotions=["anger", "anxiety"], intensity=0.7)


def assert_valid_step(step: IntakeStep) -> None:
    IntakeStep.model_validate(step.model_dump())
    option_ids = [o.id for s in step.scenarios for o in s.options]
    assert len(option_ids) == len(set(option_ids)), "option ids must be unique in a step"
    for scenario in step.scenarios:
        assert scenario.question.strip()
        assert 2 <= len(scenario.options) <= 4
        for option in scenario.options:
            assert option.text.strip()
            assert option.emotion_indicators
            assert {str(e) for e in option.emotion_indicators} <= set(EMOTION_IDS)


async def test_provider_satisfies_the_protocol(provider: AIProvider) -> None:
    assert isinstance(provider, AIProvider)
    assert provider.name in ("local", "gemini")


async def test_start_intake_offers_questions_with_catalog_indicators(provider: AIProvider) -> None:
    step = await provider.start_intake(SITUATION)
    assert not step.is_complete
    assert len(step.scenarios) >= 1
    assert_valid_step(step)
    assert step.context.get("provider") == provider.name


async def test_continue_intake_follows_the_chosen_option(provider: AIProvider) -> None:
    first = await provider.start_intake(SITUATION)
    exchange = IntakeExchange(
        step=1, scenario=first.scenarios[0], selected_option_id=first.scenarios[0].options[0].id
    )
    second = await provider.continue_intake(SITUATION, [exchange], first.context, rounds_left=2)
    assert_valid_step(second)
    assert second.is_complete or second.scenarios
    if second.scenarios:
        first_ids = {o.id for o in first.scenarios[0].options}
        assert first_ids.isdisjoint(o.id for s in second.scenarios for o in s.options)


async def test_continue_intake_completes_when_no_rounds_are_left(provider: AIProvider) -> None:
    first = await provider.start_intake(SITUATION)
    exchange = IntakeExchange(
        step=1, scenario=first.scenarios[0], selected_option_id=first.scenarios[0].options[1].id
    )
    final = await provider.continue_intake(SITUATION, [exchange], first.context, rounds_left=0)
    assert final.is_complete
    assert final.scenarios == []


async def test_summarize_intake_returns_summary_and_insights(provider: AIProvider) -> None:
    first = await provider.start_intake(SITUATION)
    exchange = IntakeExchange(
        step=1, scenario=first.scenarios[0], selected_option_id=first.scenarios[0].options[0].id
    )
    summary = await provider.summarize_intake(SITUATION, [exchange], ["anger", "sadness"], 0.6)
    IntakeSummary.model_validate(summary.model_dump())
    assert summary.situation_summary.strip()
    assert summary.ai_summary.strip()
    assert 1 <= len(summary.insights) <= 6


@pytest.mark.parametrize("style", ["abstract", "diagram", "metaphor"])
async def test_analyze_entry_gives_a_plan_for_each_style(
    provider: AIProvider, style: VisualStyle
) -> None:
    analysis = await provider.analyze_entry(ENTRY, style)
    VisualAnalysis.model_validate(analysis.model_dump())
    assert all(c.startswith("#") and len(c) == 7 for c in analysis.color_palette)
    assert analysis.image_prompt.strip()
    assert analysis.shapes


async def test_render_image_returns_a_decodable_picture(provider: AIProvider) -> None:
    analysis = await provider.analyze_entry(ENTRY, "abstract")
    image = await provider.render_image(analysis, ENTRY, "abstract")
    assert image.mime_type in ("image/png", "image/jpeg", "image/webp")
    with Image.open(io.BytesIO(image.data)) as picture:
        assert (picture.format or "").lower() in image.mime_type
        assert picture.width > 0
    assert image.metadata.get("provider") == provider.name
    assert not any(isinstance(v, bytes) for v in image.metadata.values())


async def test_readiness_reports_both_ai_services(provider: AIProvider) -> None:
    report = provider.readiness()
    assert set(report) == {"gemini_api", "nanobanana_api"}
    expected = "not_configured" if provider.name == "local" else "healthy"
    assert set(report.values()) == {expected}
