"""The offline provider: themed, branching questions; answers-based summaries; Pillow pictures."""

from __future__ import annotations

import asyncio
import io
import threading

import pytest
from PIL import Image, ImageChops, ImageStat

from app.ai import drawing
from app.ai.local import LocalProvider
from app.ai.local_bank import CLOSING, THEMES
from app.ai.local_text import detect_themes
from app.ai.protocol import EntrySnapshot, IntakeExchange, IntakeStep, VisualStyle
from app.catalog.data import EMOTION_IDS
from tests.helpers.waiting import loop_turns_meanwhile

local = LocalProvider()


def test_every_option_in_the_bank_uses_catalog_ids_and_valid_follow_ups() -> None:
    questions = [q for t in THEMES for q in t.questions] + list(CLOSING.values())
    assert len({q.text for q in questions}) == len(questions), "question texts must be unique"
    for theme in THEMES:
        for question in theme.questions:
            assert 2 <= len(question.choices) <= 4
            for choice in question.choices:
                assert set(choice.emotions) <= set(EMOTION_IDS)
                assert choice.next is None or theme.question(choice.next) is not None
    expected = {"work", "relationships", "family", "health", "study", "money", "loss"}
    assert expected | {"self_image", "general"} <= {t.id for t in THEMES}


@pytest.mark.parametrize(
    ("situation", "theme"),
    [
        ("My boss gave my promotion to a colleague", "work"),
        ("My girlfriend and I keep fighting", "relationships"),
        ("My mother is in hospital and my brother won't help", "family"),
        ("I have chronic pain and can't sleep", "health"),
        ("I failed my exam at university", "study"),
        ("I can't pay the rent this month and my debt grows", "money"),
        ("My dog died last week", "loss"),
        ("I feel so insecure about my appearance", "self_image"),
        ("Everything went sideways today", "general"),
    ],
)
def test_themes_are_detected_from_the_situation(situation: str, theme: str) -> None:
    assert detect_themes(situation)[0] == theme


async def test_opening_question_depends_on_the_theme() -> None:
    work = await local.start_intake("Deadline after deadline at work")
    money = await local.start_intake("My credit card debt keeps growing")
    assert work.scenarios[0].question != money.scenarios[0].question
    assert work.context["themes"][0] == "work"


async def _answer(step: IntakeStep, index: int, n: int) -> IntakeExchange:
    scenario = step.scenarios[0]
    return IntakeExchange(step=n, scenario=scenario, selected_option_id=scenario.options[index].id)


async def test_follow_ups_branch_on_the_chosen_option() -> None:
    situation = "My manager keeps piling work on me"
    first = await local.start_intake(situation)
    seen = set()
    for index in range(len(first.scenarios[0].options)):
        exchange = await _answer(first, index, 1)
        nxt = await local.continue_intake(situation, [exchange], first.context, rounds_left=2)
        seen.add(nxt.scenarios[0].question)
    assert len(seen) >= 2


async def test_full_flow_asks_three_questions_then_completes() -> None:
    situation = "I failed an exam and my parents are disappointed"
    step = await local.start_intake(situation)
    history: list[IntakeExchange] = []
    for n in range(1, 4):
        assert not step.is_complete
        history.append(await _answer(step, 0, n))
        step = await local.continue_intake(situation, history, step.context, rounds_left=3 - n)
    assert step.is_complete
    assert step.scenarios == []
    questions = [e.scenario.question for e in history]
    assert len(set(questions)) == 3
    assert questions[-1] in {q.text for q in CLOSING.values()}


async def test_same_answers_give_the_same_questions() -> None:
    a = await local.start_intake("my sister and I argue")
    b = await local.start_intake("my sister and I argue")
    assert a == b


async def test_summary_is_built_from_the_answers_and_emotions() -> None:
    situation = "My partner forgot our anniversary"
    first = await local.start_intake(situation)
    exchange = await _answer(first, 0, 1)
    chosen = first.scenarios[0].options[0].text
    summary = await local.summarize_intake(situation, [exchange], ["sadness", "anger"], 0.8)
    assert chosen in summary.situation_summary
    assert "sadness" in summary.ai_summary
    assert "anger" in summary.ai_summary
    assert any("Anger and sadness" in i for i in summary.insights)
    calm = await local.summarize_intake(situation, [exchange], ["contentment"], 0.1)
    assert calm.ai_summary != summary.ai_summary


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


async def _render(entry: EntrySnapshot, style: VisualStyle) -> bytes:
    analysis = await local.analyze_entry(entry, style)
    return (await local.render_image(analysis, entry, style)).data


SAD = EntrySnapshot(situation="My dog died", emotions=["sadness"], intensity=0.9)
ANGRY = EntrySnapshot(situation="My boss lied", emotions=["anger", "frustration"], intensity=0.3)


async def test_same_entry_gives_identical_bytes() -> None:
    assert await _render(SAD, "abstract") == await _render(SAD, "abstract")


@pytest.mark.parametrize("style", ["abstract", "diagram", "metaphor"])
async def test_pictures_are_symmetrical_and_muted(style: VisualStyle) -> None:
    image = _png(await _render(ANGRY, style))
    assert image.size == (drawing.SIZE, drawing.SIZE)
    mirrored = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    assert ImageChops.difference(image, mirrored).getbbox() is None
    saturation = ImageStat.Stat(image.convert("HSV").getchannel("S")).mean[0]
    assert saturation < 110, saturation  # of 255: muted, never neon


async def test_different_entries_and_styles_look_visibly_different() -> None:
    pictures = [
        _png(await _render(SAD, "abstract")),
        _png(await _render(ANGRY, "abstract")),
        _png(await _render(SAD, "metaphor")),
    ]
    for i in range(len(pictures)):
        for j in range(i + 1, len(pictures)):
            diff = ImageStat.Stat(ImageChops.difference(pictures[i], pictures[j])).mean
            assert sum(diff) / 3 > 8, (i, j, diff)


async def test_palette_comes_from_the_entry_emotions() -> None:
    analysis = await local.analyze_entry(SAD, "diagram")
    sadness_hue = drawing.mute("#4A6FA5")
    assert drawing.rgb_to_hex(sadness_hue) in analysis.color_palette
    assert "diagram" in analysis.image_prompt.lower()


async def test_drawing_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    loop_turned: list[bool] = []
    original = drawing.draw_png
    loop = asyncio.get_running_loop()

    def spy(palette: list[str], intensity: float, style: VisualStyle, seed: int) -> bytes:
        threads.append(threading.current_thread().name)
        # The loop answers from inside the drawing: it kept running while the picture was drawn.
        loop_turned.append(loop_turns_meanwhile(loop))
        return original(palette, intensity, style, seed)

    monkeypatch.setattr("app.ai.local.draw_png", spy)
    await _render(SAD, "abstract")
    assert threads
    assert threads[0] != threading.main_thread().name
    assert loop_turned == [True] * len(threads)
