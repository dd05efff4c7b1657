"""What Swift's JSONDecoder would accept, for the shapes the iOS app declares.

A shape maps each key to "String", "Int", "Double", "Bool", "[String]", a nested shape, a list
holding one shape (an array of those objects), or a scalar with a trailing "?" (optional: missing
or null). Extra keys are ignored, as Decodable does. Swift is strict: a number in a string, a bool
for an Int, a fraction for an Int, or a null for a non-optional all fail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

Shape = dict[str, Any]

TOKEN_RESPONSE: Shape = {
    "access_token": "String",
    "token_type": "String",
    "expires_in": "Int",
    "user": {"id": "String", "email": "String", "name": "String"},
}
ENTRY: Shape = {
    "id": "String",
    "situation": "String",
    "emotions": "[String]",
    "intensity": "Double",
    "notes": "String?",
    "created_at": "String",
}
CREATE_ENTRY_RESPONSE: Shape = {"entry": ENTRY}


def api_response(data: Shape) -> Shape:
    return {"success": "Bool", "data": data}


def _decode_scalar(value: Any, swift_type: str, path: str) -> None:
    if swift_type == "String":
        ok = isinstance(value, str)
    elif swift_type == "Int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif swift_type == "Double":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif swift_type == "Bool":
        ok = isinstance(value, bool)
    elif swift_type == "[String]":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        raise AssertionError(f"unknown Swift type {swift_type}")
    assert ok, f"{path}: Swift expects {swift_type}, got {value!r} ({type(value).__name__})"


def assert_swift_decodes(value: Any, shape: Shape, path: str = "$") -> None:
    assert isinstance(value, dict), f"{path}: Swift expects an object, got {value!r}"
    for key, swift_type in shape.items():
        where = f"{path}.{key}"
        optional = isinstance(swift_type, str) and swift_type.endswith("?")
        if key not in value or value[key] is None:
            assert optional, f"{where}: required by the Swift type but missing or null"
            continue
        if isinstance(swift_type, dict):
            assert_swift_decodes(value[key], swift_type, where)
        elif isinstance(swift_type, list):
            items = value[key]
            assert isinstance(items, list), f"{where}: Swift expects an array, got {items!r}"
            for i, item in enumerate(items):
                assert_swift_decodes(item, swift_type[0], f"{where}[{i}]")
        else:
            _decode_scalar(value[key], swift_type.rstrip("?"), where)


def assert_iso8601_with_zone(value: Any) -> datetime:
    assert isinstance(value, str)
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no time zone"
    return parsed


# The drawing screen's answers (the app's `DrawingResponse` and `StoryResponse`).
DRAWING: Shape = {
    "image_data": "String",
    "image_format": "String",
    "image_size": {"width": "Int", "height": "Int"},
    "prompt_used": "String",
    "dominant_colors": "[String]",
    "generation_time_ms": "Int",
}
STORY_DRAWING: Shape = {
    **DRAWING,
    "story_analysis": {
        "central_stressor": "String",
        "factors": [{"factor": "String", "insight": "String"}],
        "language": "String",
    },
}


def drawing_response(data: Shape) -> Shape:
    return {
        "success": "Bool",
        "data": data,
        "meta": {"timestamp": "String", "api_version": "String?"},
    }
