"""The eleven emotions of "Draw My Feelings": what each one looks like in an abstract picture.

The order is the app's own (it sends `selected_emotions` in this order), so keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["good", "bad"]
Energy = Literal["calm", "moderate", "intense"]


@dataclass(frozen=True, slots=True)
class FeelingProfile:
    id: str
    name: str
    category: Category
    mood: tuple[str, ...]
    palette_words: tuple[str, ...]
    # Muted colours that realise `palette_words`, one for one, so a picture never drifts into
    # the bright, saturated tones the screen's soft look avoids.
    palette: tuple[str, ...]
    shapes: str
    energy: Energy
    accent: str
    icon: str
    description: str


PROFILES: tuple[FeelingProfile, ...] = (
    FeelingProfile(
        id="super_happy",
        name="Super Happy",
        category="good",
        mood=("joyful", "bright", "uplifting"),
        palette_words=("warm yellow", "soft orange", "light pink"),
        palette=("#E1CF98", "#DBB594", "#E6BCC3"),
        shapes="rising curves, radiating patterns",
        energy="moderate",
        accent="#FFE4A0",
        icon="sun.max",
        description="Light, bubbling joy that lifts everything around it.",
    ),
    FeelingProfile(
        id="pumped",
        name="Pumped",
        category="good",
        mood=("dynamic", "energetic", "vibrant"),
        palette_words=("coral", "peach", "warm gold"),
        palette=("#D9998C", "#E0BCA3", "#CFB881"),
        shapes="bold curves, expanding circles",
        energy="intense",
        accent="#FFB5A0",
        icon="bolt",
        description="Charged up and ready to go, with energy to spare.",
    ),
    FeelingProfile(
        id="cozy",
        name="Cozy",
        category="good",
        mood=("warm", "comfortable", "enveloping"),
        palette_words=("warm beige", "soft terracotta", "cream"),
        palette=("#D4C5AF", "#C08E7C", "#EEE7D3"),
        shapes="rounded nested shapes",
        energy="calm",
        accent="#D4B896",
        icon="cup.and.saucer",
        description="Safe and snug, as if wrapped in a warm blanket.",
    ),
    FeelingProfile(
        id="chill",
        name="Chill",
        category="good",
        mood=("calm", "relaxed", "flowing"),
        palette_words=("cool mint", "soft sage", "pale blue"),
        palette=("#AFD4C3", "#9EB493", "#BACFDE"),
        shapes="gentle waves, horizontal flow",
        energy="calm",
        accent="#A8E6CF",
        icon="leaf",
        description="Loose and unhurried, letting things drift by.",
    ),
    FeelingProfile(
        id="content",
        name="Content",
        category="good",
        mood=("peaceful", "balanced", "satisfied"),
        palette_words=("soft lavender", "dusty rose", "warm gray"),
        palette=("#C4B6D8", "#C299A0", "#AFA8A1"),
        shapes="centred symmetrical circles",
        energy="calm",
        accent="#D4C4E8",
        icon="face.smiling",
        description="Quietly satisfied, with nothing missing right now.",
    ),
    FeelingProfile(
        id="fuming",
        name="Fuming",
        category="bad",
        mood=("contained", "simmering"),
        palette_words=("muted coral", "dusty red", "warm gray"),
        palette=("#CB8F86", "#A65960", "#A19991"),
        shapes="contained spirals, inward pressure",
        energy="intense",
        accent="#E8A0A0",
        icon="flame",
        description="Anger held in, simmering just below the surface.",
    ),
    FeelingProfile(
        id="freaked_out",
        name="Freaked Out",
        category="bad",
        mood=("scattered", "anxious", "unsettled"),
        palette_words=("pale violet", "soft gray", "muted blue"),
        palette=("#C3AED5", "#AFB1B6", "#7C90AB"),
        shapes="dispersed irregular patterns",
        energy="intense",
        accent="#C8A0E8",
        icon="tornado",
        description="Jittery and on edge, thoughts flying in every direction.",
    ),
    FeelingProfile(
        id="mad_as_hell",
        name="Mad as Hell",
        category="bad",
        mood=("heavy", "dense", "pressured"),
        palette_words=("deep mauve", "muted burgundy", "charcoal"),
        palette=("#815674", "#77404E", "#484B51"),
        shapes="dense centres, heavy forms",
        energy="intense",
        accent="#E8B0A0",
        icon="cloud.bolt",
        description="Furious, with a weight pressing in from all sides.",
    ),
    FeelingProfile(
        id="blah",
        name="Blah",
        category="bad",
        mood=("flat", "neutral", "unmotivated"),
        palette_words=("gray tones", "muted beige", "pale taupe"),
        palette=("#A5A8AC", "#CBC1AE", "#B3A89E"),
        shapes="horizontal layers, static forms",
        energy="calm",
        accent="#B0C4D4",
        icon="cloud",
        description="Flat and colourless, with little pull towards anything.",
    ),
    FeelingProfile(
        id="down",
        name="Down",
        category="bad",
        mood=("low", "weighted", "subdued"),
        palette_words=("cool gray-blue", "pale indigo", "soft navy"),
        palette=("#8999A9", "#A6A9C9", "#44527E"),
        shapes="downward, sinking curves",
        energy="calm",
        accent="#A0B8D4",
        icon="cloud.rain",
        description="Low and heavy, as if everything takes extra effort.",
    ),
    FeelingProfile(
        id="bored_stiff",
        name="Bored Stiff",
        category="bad",
        mood=("empty", "monotonous"),
        palette_words=("neutral grays", "pale olive", "muted tan"),
        palette=("#ADADAD", "#B1B691", "#B6A186"),
        shapes="regular, repetitive, sparse",
        energy="calm",
        accent="#D4D0C4",
        icon="hourglass",
        description="Empty and restless, with every minute the same as the last.",
    ),
)

PROFILES_BY_ID: dict[str, FeelingProfile] = {p.id: p for p in PROFILES}

FEELING_CATEGORIES: tuple[str, ...] = ("good", "bad", "not_sure")

# How strongly a picture is worked: density of shapes and contrast of the layers.
ENERGY_INTENSITY: dict[Energy, float] = {"calm": 0.3, "moderate": 0.6, "intense": 0.9}
