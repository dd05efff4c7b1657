"""The local provider's words: theme detection, summaries and insights built from the answers."""

from __future__ import annotations

import re
from collections import Counter

from app.ai.local_bank import THEMES, THEMES_BY_ID
from app.ai.protocol import EntrySnapshot, IntakeExchange, IntakeSummary
from app.catalog.data import EMOTIONS_BY_ID

EMOTION_INSIGHTS: dict[str, str] = {
    "joy": "Joy is here too: it is worth noticing what made room for it.",
    "sadness": "Sadness usually marks something that mattered to you; it deserves time, not a fix.",
    "anger": "Anger often points at a boundary or a value that feels crossed.",
    "fear": "Fear is trying to protect you; asking what exactly it protects can shrink it.",
    "disgust": "Disgust can signal that something clashes with what you believe is right.",
    "surprise": "Surprise means your expectations were shaken; give yourself time to re-orient.",
    "anxiety": "Anxiety lives in the future: separating what you can act on from what you can't "
    "often eases it.",
    "contentment": "There is some calm in this, a place you can return to when it gets loud.",
    "frustration": "Frustration tends to grow where effort meets a wall; the wall may be worth "
    "naming out loud.",
    "excitement": "Excitement and nerves feel alike in the body; this energy can be used.",
}
PAIR_INSIGHTS: dict[frozenset[str], str] = {
    frozenset({"anger", "sadness"}): "Anger and sadness together often mean you were hurt by "
    "someone or something you cared about.",
    frozenset({"anxiety", "fear"}): "Worry and fear together can make a risk look larger than "
    "it is; writing down the actual worst case may help.",
    frozenset({"frustration", "anger"}): "Repeated frustration that turns into anger suggests "
    "the situation has gone on too long without change.",
    frozenset({"joy", "sadness"}): "Feeling joy and sadness at once is common when something "
    "is both precious and changing.",
    frozenset({"excitement", "fear"}): "Excitement mixed with fear is the usual feeling at the "
    "edge of something new.",
}


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9' -]+", " ", text.lower()) + " "


def detect_themes(text: str) -> list[str]:
    """Themes whose keywords appear in the text, strongest first; `general` when none do."""
    words = _words(text)
    scores: Counter[str] = Counter()
    for theme in THEMES:
        for stem in theme.keywords:
            # A stem starts a word: "colleague" matches "colleagues", not "xcolleague".
            hits = len(re.findall(r"(?<![a-z])" + re.escape(stem), words))
            if hits:
                scores[theme.id] += hits
    ranked = [theme_id for theme_id, _ in scores.most_common()]
    # most_common keeps insertion order for ties, which is the bank's order: deterministic.
    return ranked or ["general"]


def intensity_words(intensity: float) -> str:
    if intensity >= 0.75:
        return "very strongly"
    if intensity >= 0.5:
        return "strongly"
    if intensity >= 0.25:
        return "noticeably"
    return "mildly"


def _names(emotion_ids: list[str]) -> str:
    names = [EMOTIONS_BY_ID[e].name.lower() for e in emotion_ids if e in EMOTIONS_BY_ID]
    if not names:
        return "mixed feelings"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _excerpt(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def _chosen(history: list[IntakeExchange]) -> list[tuple[str, list[str]]]:
    """(option text, indicators) of each option the person picked."""
    picked: list[tuple[str, list[str]]] = []
    for exchange in history:
        picked.extend(
            (option.text, [str(e) for e in option.emotion_indicators])
            for option in exchange.scenario.options
            if option.id == exchange.selected_option_id
        )
    return picked


def emotion_insights(emotions: list[str], limit: int = 3) -> list[str]:
    insights = [text for pair, text in PAIR_INSIGHTS.items() if pair <= set(emotions)][:1]
    insights += [EMOTION_INSIGHTS[e] for e in emotions if e in EMOTION_INSIGHTS]
    return insights[:limit]


def summarize(
    situation: str, history: list[IntakeExchange], final_emotions: list[str], intensity: float
) -> IntakeSummary:
    theme = THEMES_BY_ID[detect_themes(situation)[0]]
    picked = _chosen(history)
    answers = "; ".join(f"“{text}”" for text, _ in picked)
    situation_summary = f"You described a situation about {theme.label}: “{_excerpt(situation)}”"
    if answers:
        situation_summary += f" Along the way you answered {answers}."
    pointed = Counter(e for _, indicators in picked for e in indicators)
    ai_summary = (
        f"You feel {_names(final_emotions)}, {intensity_words(intensity)} "
        f"({round(intensity * 100)}%)."
    )
    insights = emotion_insights(final_emotions)
    unnamed = [e for e, _ in pointed.most_common() if e not in final_emotions]
    if unnamed:
        ai_summary += f" Your answers also hinted at {_names(unnamed[:2])}."
        insights.append(
            f"Your answers pointed to {_names(unnamed[:1])}, which you didn't name at the end: "
            "it may be worth a second look."
        )
    elif picked:
        ai_summary += " Your answers and the emotions you named tell the same story."
    if picked:
        insights.append(f"What you chose last — “{picked[-1][0]}” — is a good place to start.")
    if intensity >= 0.75:
        insights.append("This is intense; being gentle with yourself today is not a luxury.")
    return IntakeSummary(
        situation_summary=situation_summary, ai_summary=ai_summary, insights=insights[:6]
    )


def entry_summary(entry: EntrySnapshot) -> tuple[str, list[str]]:
    theme = THEMES_BY_ID[detect_themes(entry.situation + " " + (entry.notes or ""))[0]]
    summary = (
        f"A moment about {theme.label}, felt {intensity_words(entry.intensity)}: "
        f"{_names(entry.emotions)}."
    )
    insights = emotion_insights(entry.emotions, limit=4) or [
        "Naming what you feel is already a step towards understanding it."
    ]
    return summary, insights
