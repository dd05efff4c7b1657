"""Offline story analysis: a curated bank of stress categories in English, Spanish and Chinese.

A story is matched against each category's keywords in its own language; the best category gives
the central stressor, and the factors whose keywords the story touches come first. Stories in any
other language get the English analysis (matched against every bank's keywords, since loan words
and cognates still carry some signal). The story text is never stored or logged here.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from app.drawings.offline import bank_en, bank_es, bank_zh
from app.drawings.offline.bank_types import (
    CATEGORY_ORDER,
    CENTRE_ICONS,
    FACTOR_ICONS,
    FALLBACK_CATEGORY,
    BankCategory,
)
from app.drawings.story_analysis import StoryAnalysis, StoryFactor

BANKS: dict[str, tuple[BankCategory, ...]] = {
    "en": bank_en.CATEGORIES,
    "es": bank_es.CATEGORIES,
    "zh": bank_zh.CATEGORIES,
}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(BANKS)
FALLBACK_LANGUAGE = "en"
_LATIN = frozenset({"en", "es"})
# One repeated word should not outvote a story's other signals.
_MAX_HITS_PER_KEYWORD = 3
# Four factors only when the story itself points at three or more of them; otherwise three, so
# a thin story is not padded out with a fourth, generic corner.
_FACTORS_FOR_RICH_STORY = 4
_FACTORS_DEFAULT = 3
_RICH_STORY_FACTORS = 3


@dataclass(frozen=True, slots=True)
class BankStory:
    analysis: StoryAnalysis
    category: str
    centre_icon: str
    factor_icons: list[str]


class _Identifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...


_identifier_lock = threading.Lock()
_identifier_instance: _Identifier | None = None


def _identifier() -> _Identifier:
    global _identifier_instance
    # Loading the model takes about half a second: once per process, not once per thread.
    with _identifier_lock:
        if _identifier_instance is None:
            from py3langid.langid import (  # type: ignore[import-untyped]
                MODEL_FILE,
                LanguageIdentifier,
            )

            _identifier_instance = LanguageIdentifier.from_model_file(MODEL_FILE)
        return _identifier_instance


def load_language_model() -> None:
    """Load the language model now (e.g. at start-up) rather than on the first story."""
    _identifier()


def _iso_639_1(code: str) -> str:
    base = code.lower().replace("_", "-").split("-")[0]
    # Every Chinese variant (Mandarin, Cantonese, Wu, traditional or simplified) is "zh".
    if base in ("zh", "zho", "chi", "cmn", "yue", "wuu"):
        return "zh"
    return base if len(base) == 2 and base.isascii() and base.isalpha() else FALLBACK_LANGUAGE


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's main language ("zh" for any Chinese)."""
    stripped = text.strip()
    if not stripped:
        return FALLBACK_LANGUAGE
    code, _score = _identifier().classify(stripped)
    return _iso_639_1(str(code))


def _fold(text: str) -> str:
    """Lower case without accents, so "Reunión", "reunion" and "REUNIÓN" match the same stem."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pattern(keyword: str, language: str) -> re.Pattern[str]:
    folded = _fold(keyword)
    if language not in _LATIN:
        return re.compile(re.escape(folded))
    if folded.endswith("*"):
        return re.compile(r"(?<!\w)" + re.escape(folded[:-1]))
    # A whole word, with its plural ("exam"/"exams", "reunión"/"reuniones").
    return re.compile(r"(?<!\w)" + re.escape(folded) + r"(?:e?s)?(?!\w)")


@dataclass(frozen=True, slots=True)
class _CompiledCategory:
    key: str
    patterns: tuple[re.Pattern[str], ...]
    factor_patterns: dict[str, tuple[re.Pattern[str], ...]]


@cache
def _compiled(language: str) -> tuple[_CompiledCategory, ...]:
    return tuple(
        _CompiledCategory(
            key=category.key,
            patterns=tuple(_pattern(k, language) for k in category.keywords),
            factor_patterns={
                f.key: tuple(_pattern(k, language) for k in f.keywords) for f in category.factors
            },
        )
        for category in BANKS[language]
    )


def _hits(patterns: tuple[re.Pattern[str], ...], folded: str) -> int:
    return sum(min(len(p.findall(folded)), _MAX_HITS_PER_KEYWORD) for p in patterns)


def _choose_category(folded: str, languages: tuple[str, ...]) -> str:
    scores = dict.fromkeys(CATEGORY_ORDER, 0)
    for language in languages:
        for category in _compiled(language):
            scores[category.key] += _hits(category.patterns, folded)
    best = max(CATEGORY_ORDER, key=lambda key: (scores[key], -CATEGORY_ORDER.index(key)))
    return best if scores[best] > 0 else FALLBACK_CATEGORY


def _choose_factors(folded: str, category: str, languages: tuple[str, ...]) -> list[str]:
    keys = [f.key for f in _category(FALLBACK_LANGUAGE, category).factors]
    scores = dict.fromkeys(keys, 0)
    for language in languages:
        compiled = next(c for c in _compiled(language) if c.key == category)
        for key, patterns in compiled.factor_patterns.items():
            scores[key] += _hits(patterns, folded)
    ranked = sorted(keys, key=lambda key: (-scores[key], keys.index(key)))
    touched = sum(1 for key in keys if scores[key] > 0)
    count = _FACTORS_FOR_RICH_STORY if touched >= _RICH_STORY_FACTORS else _FACTORS_DEFAULT
    return ranked[:count]


def _category(language: str, key: str) -> BankCategory:
    return next(c for c in BANKS[language] if c.key == key)


def analyse_story(text: str) -> BankStory:
    """The bank's analysis of a story, in the story's language (English for unsupported ones)."""
    detected = detect_language(text)
    language = detected if detected in BANKS else FALLBACK_LANGUAGE
    keyword_languages = (detected,) if detected in BANKS else SUPPORTED_LANGUAGES
    folded = _fold(text)
    category_key = _choose_category(folded, keyword_languages)
    factor_keys = _choose_factors(folded, category_key, keyword_languages)
    category = _category(language, category_key)
    factors = {f.key: f for f in category.factors}
    analysis = StoryAnalysis(
        central_stressor=category.stressor,
        factors=[
            StoryFactor(factor=factors[k].label, insight=factors[k].insight) for k in factor_keys
        ],
        language=language,
    )
    return BankStory(
        analysis=analysis,
        category=category_key,
        centre_icon=CENTRE_ICONS[category_key],
        factor_icons=[FACTOR_ICONS[category_key][k] for k in factor_keys],
    )


def bank_strings() -> Iterator[str]:
    """Every piece of text the bank can put into an analysis (and so into a picture)."""
    for categories in BANKS.values():
        for category in categories:
            yield category.stressor
            for factor in category.factors:
                yield factor.label
                yield factor.insight
