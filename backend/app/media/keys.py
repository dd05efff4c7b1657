"""The media key layout: `visualizations/<visualization id>/(image|thumbnail).(png|jpg|webp)`.

The same job always writes the same keys, so a re-run after a crash replaces objects instead of
leaving a second picture behind, and every key a visualization can ever have is known without
listing the store (deleting needs no list permission).
"""

from __future__ import annotations

import itertools
import re
import uuid

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_NAMES = ("image", "thumbnail")

# The only keys that can ever be stored or served: no dots, no slashes beyond the fixed layout.
_KEY = re.compile(
    r"^visualizations/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/"
    r"(image|thumbnail)\.(png|jpg|webp)$"
)


def is_valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def media_type_for(key: str) -> str:
    return MEDIA_TYPES[key.rsplit(".", 1)[1]]


def visualization_prefix(visualization_id: uuid.UUID) -> str:
    return f"visualizations/{visualization_id}"


def picture_keys(visualization_id: uuid.UUID, image_extension: str) -> tuple[str, str]:
    """Where a visualization's image and its (always JPEG) thumbnail go."""
    prefix = visualization_prefix(visualization_id)
    return f"{prefix}/image.{image_extension}", f"{prefix}/thumbnail.jpg"


def visualization_keys(visualization_id: uuid.UUID) -> frozenset[str]:
    """Every key the layout allows for one visualization: what deleting it removes."""
    prefix = visualization_prefix(visualization_id)
    return frozenset(
        f"{prefix}/{name}.{extension}" for name, extension in itertools.product(_NAMES, MEDIA_TYPES)
    )
