"""What Gemini and Nano Banana Pro are asked for the drawing screen.

The story enters as quoted data, like every person's text (app.ai.prompts). The infographic's
layout is spelled out exactly, because the app places its tap targets on the four corners.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from app.ai.prompts import DATA_RULE, quote_user_text
from app.catalog.feelings import ENERGY_INTENSITY, FeelingProfile
from app.drawings.story_analysis import StoryAnalysis

CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
_CORNER_CENTRES = ("(22%, 22%)", "(78%, 22%)", "(22%, 78%)", "(78%, 78%)")


def feeling_image_prompt(profiles: Sequence[FeelingProfile]) -> str:
    energy = sum(ENERGY_INTENSITY[p.energy] for p in profiles) / len(profiles)
    mood = "calm and airy" if energy < 0.45 else "balanced" if energy < 0.75 else "dense, vivid"
    feelings = "\n".join(
        f"- {p.name}: {', '.join(p.mood)}; colours {', '.join(p.palette_words)}; shapes: {p.shapes}"
        for p in profiles
    )
    return (
        "An abstract painting, square (1:1), expressing these feelings together:\n"
        f"{feelings}\n"
        f"Overall energy: {mood}. Blend the feelings' colours and shapes into one composition.\n"
        "Soft, muted, low-saturation colours; a balanced, symmetrical composition centred in the "
        "square frame; smooth gradients and organic forms. No objects, no people, no faces, no "
        "animals, no text, letters, numbers, signatures or logos anywhere in the image."
    )


STORY_SYSTEM = f"""You help a person see what lies behind a stressful story they wrote, for an \
infographic with the main stressor in the middle and its causes in the four corners.
{DATA_RULE}
Write everything in the story's own main language (a Chinese story gets Chinese, a Spanish one \
Spanish), and report that language as its ISO 639-1 code.
central_stressor: a general category of stress, not the event itself ("Public Performance \
Anxiety", not "Company Annual Gala"), at most 5 words, in Title Case where the language has case.
factors: 3 or 4 (never more), each a label of 2-4 words in Title Case where the language has \
case, with an insight of 1-3 short sentences: the psychological root cause, a thinking bias \
described without naming it, and light social context where relevant. No advice, no diagnosis.
Answer only with JSON matching the response schema."""


def story_prompt(story: str) -> str:
    return (
        f"The person's story:\n{quote_user_text(story)}\n\n"
        "Analyse it into the central stressor and its 3-4 factors."
    )


def story_image_prompt(analysis: StoryAnalysis) -> str:
    corners = "\n".join(
        f"- {CORNERS[i]} corner, centred at {_CORNER_CENTRES[i]}: a simple flat icon for this "
        f"factor with the label {json.dumps(f.factor, ensure_ascii=False)} beside it"
        for i, f in enumerate(analysis.factors)
    )
    empty = (
        f"\nThe {CORNERS[len(analysis.factors)]} corner stays empty."
        if len(analysis.factors) < len(CORNERS)
        else ""
    )
    return (
        "A clean, flat infographic, square (1:1), on a light plain background; not a scene, "
        "no people, no photographs.\n"
        "At the exact centre (50%, 50%): a larger simple flat icon for the central stressor with "
        f"the label {json.dumps(analysis.central_stressor, ensure_ascii=False)} under it.\n"
        f"{corners}{empty}\n"
        "Straight thin lines join each corner's icon to the centre. Flat, simple icons in muted, "
        "low-saturation colours. Every label is written exactly as given, spelled correctly, "
        f"in the language of the labels ({analysis.language}), large enough to read, and "
        "nothing else is written anywhere. Keep the layout symmetrical and every label fully "
        "inside the frame."
    )
