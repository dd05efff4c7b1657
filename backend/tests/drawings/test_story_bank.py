"""The offline story bank: language, category, factors and the rules for their wording."""

from __future__ import annotations

import logging
import re

import pytest
from pydantic import ValidationError

from app.drawings.offline.bank_types import CATEGORY_ORDER, CENTRE_ICONS, FACTOR_ICONS
from app.drawings.offline.icons import ICONS
from app.drawings.offline.story_bank import BANKS, analyse_story, detect_language
from app.drawings.story_analysis import StoryAnalysis, StoryFactor
from tests.drawings.stories import OTHER_LANGUAGE_STORIES, STORIES

MINOR_WORDS = {
    "en": {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or",
           "the", "to", "with"},
    "es": {"a", "al", "ante", "como", "con", "contra", "de", "del", "desde", "e", "el", "en",
           "la", "las", "lo", "los", "o", "para", "por", "que", "se", "sin", "su", "sus", "u",
           "un", "una", "y"},
}  # fmt: skip
ADVICE = {
    "en": ("you should", "try to", "try ", "consider", "it helps", "remember to", "make sure"),
    "es": ("deberías", "intenta", "prueba a", "te ayudará", "recuerda", "conviene"),
    "zh": ("应该", "试着", "建议", "不妨", "记得"),
}
BIAS_NAMES = (
    "catastroph", "overgeneral", "mind reading", "mind-reading", "all-or-nothing",
    "black-and-white", "personaliz", "cognitive", "bias", "distortion", "sesgo", "catastrof",
    "distorsi", "generalizaci", "认知", "偏差", "灾难化", "过度概括", "读心", "非黑即白",
)  # fmt: skip
CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_END = re.compile(r"[.!?。！？]+")


def _title_case(text: str, language: str) -> bool:
    words = text.split()
    return all(
        w[0].isupper() or (i > 0 and w in MINOR_WORDS[language]) for i, w in enumerate(words)
    )


def _sentences(text: str) -> int:
    return len([s for s in SENTENCE_END.split(text) if s.strip()])


def _check_wording(language: str, stressor: str, factor: StoryFactor | tuple[str, str]) -> None:
    label, insight = factor if isinstance(factor, tuple) else (factor.factor, factor.insight)
    if language == "zh":
        # Chinese has no spaces: 2-4 words are about 4-8 characters.
        assert len(stressor) <= 8, stressor
        assert 4 <= len(label) <= 8, label
        assert all(CJK.search(text) for text in (stressor, label, insight))
    else:
        assert len(stressor.split()) <= 5, stressor
        assert 2 <= len(label.split()) <= 4, label
        assert _title_case(stressor, language), stressor
        assert _title_case(label, language), label
    assert 1 <= _sentences(insight) <= 3, insight
    lowered = insight.lower()
    assert not any(a in lowered for a in ADVICE[language]), insight
    assert not any(b in lowered for b in BIAS_NAMES), insight


@pytest.mark.parametrize(("language", "category", "story"), STORIES, ids=lambda v: str(v)[:14])
def test_realistic_stories_get_their_language_and_category(
    language: str, category: str, story: str
) -> None:
    assert len(story.strip()) >= 50
    result = analyse_story(story)
    analysis = result.analysis
    assert analysis.language == language
    assert result.category == category
    assert 3 <= len(analysis.factors) <= 4
    assert len(result.factor_icons) == len(analysis.factors)
    assert result.centre_icon == CENTRE_ICONS[category]
    for factor in analysis.factors:
        _check_wording(language, analysis.central_stressor, factor)
    text = " ".join([analysis.central_stressor] + [f.insight for f in analysis.factors])
    assert detect_language(text) == language


@pytest.mark.parametrize(("language", "story"), OTHER_LANGUAGE_STORIES)
def test_other_languages_get_the_english_analysis(language: str, story: str) -> None:
    assert detect_language(story) == language
    result = analyse_story(story)
    english = {c.stressor for c in BANKS["en"]}
    assert result.analysis.language == "en"
    assert result.analysis.central_stressor in english
    assert 3 <= len(result.analysis.factors) <= 4


def test_spanish_and_chinese_are_written_out_not_copied_from_english() -> None:
    for language in ("es", "zh"):
        for english, other in zip(BANKS["en"], BANKS[language], strict=True):
            assert other.stressor != english.stressor
            for en_factor, factor in zip(english.factors, other.factors, strict=True):
                assert factor.label != en_factor.label
                assert detect_language(factor.insight) == language, factor.insight


def test_every_bank_entry_follows_the_wording_rules() -> None:
    for language, categories in BANKS.items():
        for category in categories:
            assert len(category.factors) >= 3
            for factor in category.factors:
                _check_wording(language, category.stressor, (factor.label, factor.insight))


def test_the_three_banks_share_categories_factors_and_icons() -> None:
    for categories in BANKS.values():
        assert tuple(c.key for c in categories) == CATEGORY_ORDER
        for category in categories:
            assert [f.key for f in category.factors] == list(FACTOR_ICONS[category.key])
    used = set(CENTRE_ICONS.values()) | {
        i for icons in FACTOR_ICONS.values() for i in icons.values()
    }
    assert used <= set(ICONS)


def test_a_story_with_little_detail_gets_three_factors_a_rich_one_four() -> None:
    thin = analyse_story(
        "I just feel off lately and I cannot put my finger on why, it is strange and heavy."
    )
    rich = analyse_story(STORIES[0][2])
    assert len(thin.analysis.factors) == 3
    assert len(rich.analysis.factors) == 4


def test_the_same_story_gives_the_same_analysis() -> None:
    story = STORIES[13][2]
    assert analyse_story(story) == analyse_story(story)


@pytest.mark.parametrize(
    "text",
    [
        "今天下班以後我一個人坐在家裡，覺得好孤單，週末也沒有人可以說話。",
        "我今日返工好攰，老闆又鬧我，我真係唔想再做落去，成日都加班到好夜。",
    ],
)
def test_any_chinese_variant_is_reported_as_zh(text: str) -> None:
    assert detect_language(text) == "zh"


def test_the_story_text_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    story = "My secret codeword is pelican-42 and my boss keeps yelling at me in every meeting."
    with caplog.at_level(logging.DEBUG):
        analyse_story(story)
    assert "pelican" not in caplog.text


def test_the_analysis_model_keeps_three_or_four_factors_and_a_two_letter_language() -> None:
    factor = StoryFactor(factor="Fear of Failing", insight="Failure feels like a verdict.")
    assert StoryAnalysis(central_stressor="X", factors=[factor] * 3, language="EN").language == "en"
    for count in (2, 5):
        with pytest.raises(ValidationError):
            StoryAnalysis(central_stressor="X", factors=[factor] * count, language="en")
    for language in ("eng", "e1", ""):
        with pytest.raises(ValidationError):
            StoryAnalysis(central_stressor="X", factors=[factor] * 3, language=language)
    schema = StoryAnalysis.model_json_schema()
    assert schema["properties"]["factors"]["minItems"] == 3
    assert schema["properties"]["factors"]["maxItems"] == 4
