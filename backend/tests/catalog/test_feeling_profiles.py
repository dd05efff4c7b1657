"""The eleven emotion profiles, checked against the app's table, written out again here."""

from __future__ import annotations

import re

from app.catalog.feelings import (
    ENERGY_INTENSITY,
    FEELING_CATEGORIES,
    PROFILES,
    PROFILES_BY_ID,
)

# id, category, mood words, palette words, shapes, energy, accent: in the app's order.
TABLE = (
    ("super_happy", "good", "joyful, bright, uplifting", "warm yellow, soft orange, light pink",
     "rising curves, radiating patterns", "moderate", "#FFE4A0"),
    ("pumped", "good", "dynamic, energetic, vibrant", "coral, peach, warm gold",
     "bold curves, expanding circles", "intense", "#FFB5A0"),
    ("cozy", "good", "warm, comfortable, enveloping", "warm beige, soft terracotta, cream",
     "rounded nested shapes", "calm", "#D4B896"),
    ("chill", "good", "calm, relaxed, flowing", "cool mint, soft sage, pale blue",
     "gentle waves, horizontal flow", "calm", "#A8E6CF"),
    ("content", "good", "peaceful, balanced, satisfied", "soft lavender, dusty rose, warm gray",
     "centred symmetrical circles", "calm", "#D4C4E8"),
    ("fuming", "bad", "contained, simmering", "muted coral, dusty red, warm gray",
     "contained spirals, inward pressure", "intense", "#E8A0A0"),
    ("freaked_out", "bad", "scattered, anxious, unsettled", "pale violet, soft gray, muted blue",
     "dispersed irregular patterns", "intense", "#C8A0E8"),
    ("mad_as_hell", "bad", "heavy, dense, pressured", "deep mauve, muted burgundy, charcoal",
     "dense centres, heavy forms", "intense", "#E8B0A0"),
    ("blah", "bad", "flat, neutral, unmotivated", "gray tones, muted beige, pale taupe",
     "horizontal layers, static forms", "calm", "#B0C4D4"),
    ("down", "bad", "low, weighted, subdued", "cool gray-blue, pale indigo, soft navy",
     "downward, sinking curves", "calm", "#A0B8D4"),
    ("bored_stiff", "bad", "empty, monotonous", "neutral grays, pale olive, muted tan",
     "regular, repetitive, sparse", "calm", "#D4D0C4"),
)  # fmt: skip

NAMES = {
    "super_happy": "Super Happy",
    "freaked_out": "Freaked Out",
    "mad_as_hell": "Mad as Hell",
    "bored_stiff": "Bored Stiff",
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(","))


def test_profiles_match_the_table_in_order() -> None:
    assert [p.id for p in PROFILES] == [row[0] for row in TABLE]
    for profile, (pid, category, mood, palette, shapes, energy, accent) in zip(
        PROFILES, TABLE, strict=True
    ):
        assert profile.id == pid
        assert profile.category == category
        assert profile.mood == _words(mood)
        assert profile.palette_words == _words(palette)
        assert profile.shapes == shapes
        assert profile.energy == energy
        assert profile.accent == accent


def test_display_names_icons_and_descriptions_are_filled_in() -> None:
    for profile in PROFILES:
        assert profile.name == NAMES.get(profile.id, profile.id.replace("_", " ").title())
        assert re.fullmatch(r"[a-z]+(\.[a-z]+)*", profile.icon), profile.icon
        assert profile.description.endswith(".")
        assert len(profile.description.split()) <= 14


def test_each_palette_is_three_hex_colours_one_per_palette_word() -> None:
    for profile in PROFILES:
        assert len(profile.palette) == 3 == len(profile.palette_words)
        assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in profile.palette)


def test_lookups_and_constants() -> None:
    assert PROFILES_BY_ID["down"].name == "Down"
    assert len(PROFILES_BY_ID) == 11
    assert FEELING_CATEGORIES == ("good", "bad", "not_sure")
    assert ENERGY_INTENSITY == {"calm": 0.3, "moderate": 0.6, "intense": 0.9}
