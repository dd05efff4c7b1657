"""Turn the summary's aggregates into an intensity trend and a few plain sentences.

Everything here works on numbers PostgreSQL has already aggregated; no entry is read in Python.
Every threshold below exists so that a pattern is only claimed when the data can carry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.analytics.schemas import EmotionShare, IntensityTrend
from app.catalog.data import EMOTIONS_BY_ID

# Below this many entries in the period, patterns only say that more entries are needed.
MIN_ENTRIES_FOR_PATTERNS = 5
# The trend needs daily averages on at least this many distinct days...
MIN_TREND_DAYS = 3
# ...and the least-squares line must move at least this much (on the 0-1 intensity scale) between
# the first and the last day with entries; a smaller change is noise and reads as "stable".
TREND_DEAD_BAND = 0.1
# Two emotions "come together" only if they share at least this many entries.
MIN_PAIR_ENTRIES = 3
# A weekday takes part in the weekly rhythm only with this many entries, and at least
# MIN_WEEKDAYS weekdays must take part.
MIN_WEEKDAY_ENTRIES = 2
MIN_WEEKDAYS = 2
# Weekday averages closer than this are "about the same".
WEEKDAY_SPREAD = 0.05
# A word is a theme when at least this many situations use it. Themes are looked for in the
# latest THEME_SAMPLE situations of the period (see queries.SUMMARY for why).
MIN_THEME_ENTRIES = 3
THEME_SAMPLE = 100
# The previous period's intensity is compared only if it had this many entries.
MIN_PREVIOUS_ENTRIES = 3
# Averages closer than this "stayed about the same".
INTENSITY_CHANGE = 0.05
MAX_PATTERNS = 5

WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """The aggregates of one summary query (see queries.SUMMARY)."""

    total_entries: int
    average_intensity: Decimal | None
    shares: list[EmotionShare]
    trend_slope: float | None
    trend_days: int
    trend_span_days: int
    pair_first: str | None
    pair_second: str | None
    pair_entries: int
    peak_isodow: int | None
    peak_intensity: Decimal | None
    low_intensity: Decimal | None
    weekdays_counted: int
    theme_word: str | None
    theme_entries: int
    theme_sample_size: int
    previous_entries: int
    previous_intensity: Decimal | None
    period_days: int | None


def intensity_trend(facts: SummaryFacts) -> IntensityTrend:
    """Least-squares slope of the daily average intensity, judged over the days it spans.

    slope (per day) x days between the first and last day with entries = the fitted change in
    intensity across the data. |change| < TREND_DEAD_BAND, or fewer than MIN_TREND_DAYS days with
    entries, is "stable".
    """
    if facts.trend_days < MIN_TREND_DAYS or facts.trend_slope is None:
        return "stable"
    change = facts.trend_slope * facts.trend_span_days
    if change >= TREND_DEAD_BAND:
        return "increasing"
    if change <= -TREND_DEAD_BAND:
        return "decreasing"
    return "stable"


def _name(emotion_id: str) -> str:
    emotion = EMOTIONS_BY_ID.get(emotion_id)
    return (emotion.name if emotion else emotion_id).lower()


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _most_common(facts: SummaryFacts) -> str:
    top = [s for s in facts.shares if s.count == facts.shares[0].count]
    mentions = sum(s.count for s in facts.shares)
    if len(top) == 1:
        share = top[0]
        return _capitalised(
            f"{_name(share.emotion)} was your most frequent emotion: {share.count} of "
            f"{mentions} mentions ({share.percentage:.1f}%)."
        )
    names = _joined([_name(s.emotion) for s in top])
    return _capitalised(f"{names} were your most frequent emotions, {top[0].count} mentions each.")


def _pair(facts: SummaryFacts) -> str:
    if facts.pair_first is None or facts.pair_second is None:
        return "Your entries rarely name two emotions together, so no pair stands out yet."
    if facts.pair_entries < MIN_PAIR_ENTRIES:
        return (
            f"No two emotions have come together in {MIN_PAIR_ENTRIES} or more entries yet, "
            "so no pair stands out."
        )
    return _capitalised(
        f"{_name(facts.pair_first)} and {_name(facts.pair_second)} often come together: "
        f"in {facts.pair_entries} of your {facts.total_entries} entries."
    )


def _weekday(facts: SummaryFacts) -> str:
    if (
        facts.weekdays_counted < MIN_WEEKDAYS
        or facts.peak_isodow is None
        or facts.peak_intensity is None
        or facts.low_intensity is None
    ):
        return (
            f"A weekly rhythm needs at least {MIN_WEEKDAY_ENTRIES} entries on each of "
            f"{MIN_WEEKDAYS} or more weekdays; keep writing to see one."
        )
    if facts.peak_intensity - facts.low_intensity < Decimal(str(WEEKDAY_SPREAD)):
        return "Your intensity is about the same whichever day of the week you write."
    return (
        f"Your intensity peaks on {WEEKDAYS[facts.peak_isodow - 1]}: "
        f"{facts.peak_intensity:.2f} on average, against {facts.average_intensity:.2f} overall."
    )


def _theme(facts: SummaryFacts) -> str:
    if facts.theme_word is None or facts.theme_entries < MIN_THEME_ENTRIES:
        return "No word recurs in your situations often enough to call it a theme yet."
    latest = "" if facts.theme_sample_size >= facts.total_entries else "latest "
    return (
        f"“{facts.theme_word}” keeps coming up: {facts.theme_entries} of your "
        f"{latest}{facts.theme_sample_size} situations mention it."
    )


def _previous(facts: SummaryFacts) -> str | None:
    if facts.period_days is None:  # `all` has nothing before it
        return None
    before = f"the previous {facts.period_days} days"
    if facts.previous_entries == 0:
        return f"You wrote {facts.total_entries} entries; {before} had none to compare with."
    difference = facts.total_entries - facts.previous_entries
    if difference == 0:
        count = f"You wrote {facts.total_entries} entries, as many as in {before}"
    else:
        more_or_fewer = "more" if difference > 0 else "fewer"
        count = (
            f"You wrote {facts.total_entries} entries, {abs(difference)} {more_or_fewer} than "
            f"in {before}"
        )
    if (
        facts.previous_entries < MIN_PREVIOUS_ENTRIES
        or facts.previous_intensity is None
        or facts.average_intensity is None
    ):
        return count + "."
    now, then = facts.average_intensity, facts.previous_intensity
    if abs(now - then) < Decimal(str(INTENSITY_CHANGE)):
        return f"{count}, and your average intensity stayed about the same ({now:.2f})."
    verb = "rose" if now > then else "fell"
    return f"{count}, and your average intensity {verb} from {then:.2f} to {now:.2f}."


def patterns(facts: SummaryFacts) -> list[str]:
    """3-5 sentences, or one saying that more entries are needed."""
    if facts.total_entries == 0:
        return ["No entries in this period yet. Write a few to see your patterns here."]
    if facts.total_entries < MIN_ENTRIES_FOR_PATTERNS:
        return [
            f"Patterns need at least {MIN_ENTRIES_FOR_PATTERNS} entries in a period; you have "
            f"{facts.total_entries} so far. Keep writing to see them."
        ]
    found = [_most_common(facts), _pair(facts), _weekday(facts), _theme(facts)]
    previous = _previous(facts)
    if previous is not None:
        found.append(previous)
    return found[:MAX_PATTERNS]
