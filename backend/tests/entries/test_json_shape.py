"""The hot routes' JSON (orjson, app.platform.http.envelope.envelope_response) is their
models' JSON.

GET and POST /entries skip pydantic on the way out (bench/, docs/BENCHMARKS.md); these tests hold
their bytes equal to what the documented `Envelope[...]` models produce from the same data, for
the values where two JSON encoders could differ: escapes, non-ASCII text, whole-second and
fractional timestamps, numbers that look like integers, nulls and empty strings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.entries.schemas import EntriesPublic, EntryCreated
from app.models import EmotionEntry, Visualization
from app.platform.http.envelope import Envelope, envelope_response
from tests.helpers.journal import ENTRIES, Journal, entry_payload

AWKWARD_TEXT = [
    'quotes " and \\ backslashes',
    "line\nbreak\ttab\rreturn \x01\x1f control",
    "emoji 😟 and accents é ü, CJK 心",
    "separators \u2028 \u2029 and </script>",
    "",
]


def _as_the_model_says(model: type[BaseModel], body: bytes) -> bytes:
    return model.model_validate_json(body).model_dump_json().encode()


async def test_the_list_is_byte_for_byte_its_documented_model(
    journal: Journal, session: AsyncSession
) -> None:
    entries = [
        EmotionEntry(
            user_id=journal.user.id,
            situation=text or "blank notes",
            emotions=["joy", "anxiety"],
            intensity=Decimal(intensity),
            notes=text if i % 2 else None,
            # Whole seconds and microseconds: encoders differ most often on these.
            created_at=datetime(2026, 3, 1, 12, 0, i, 0 if i % 2 else 123456, tzinfo=UTC),
            updated_at=datetime(2026, 3, 2, 8, 30, 0, tzinfo=UTC),
        )
        for i, (text, intensity) in enumerate(
            zip(AWKWARD_TEXT, ["0", "1", "0.33", "0.7", "0.05"], strict=True)
        )
    ]
    session.add_all(entries)
    await session.flush()
    session.add(Visualization(entry_id=entries[2].id, user_id=journal.user.id))
    await session.flush()

    response = await journal.client.get(ENTRIES, headers=journal.headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == _as_the_model_says(Envelope[EntriesPublic], response.content)
    listed = response.json()["data"]["entries"]
    assert [e["intensity"] for e in listed] == [0.05, 0.7, 0.33, 1.0, 0.0]
    assert {e["created_at"] for e in listed} >= {
        "2026-03-01T12:00:00.123456Z",
        "2026-03-01T12:00:01Z",
    }


@pytest.mark.parametrize("text", AWKWARD_TEXT[:-1])
async def test_a_created_entry_is_byte_for_byte_its_documented_model(
    journal: Journal, text: str
) -> None:
    payload = entry_payload(situation=text, notes=text, intensity=1)
    response = await journal.client.post(ENTRIES, json=payload, headers=journal.headers)

    assert response.status_code == 201, response.text
    assert response.content == _as_the_model_says(Envelope[EntryCreated], response.content)
    entry = response.json()["data"]["entry"]
    assert (entry["situation"], entry["notes"], entry["intensity"]) == (text, text, 1.0)


def test_envelope_response_refuses_what_it_cannot_encode_faithfully() -> None:
    # An unknown type is a bug to find, not a value to turn into str() quietly.
    with pytest.raises(TypeError):
        envelope_response({"amount": Decimal("1.5")})
