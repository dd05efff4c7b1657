"""Draw My Feelings: drawings kept in the journal, and visual_elements as an array

Entries may come from the drawing screen (source 'draw_my_feelings') and name up to eleven
emotions (all of that screen's); a completed visualization's visual_elements becomes the array
the API answers: [{"type": "color_palette", "values": [...]}, {"type": "shape", "description"}].

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 05:00:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TO_ARRAY = """
UPDATE visualizations
SET visual_elements = jsonb_build_array(
    jsonb_build_object(
        'type', 'color_palette',
        'values', coalesce(visual_elements -> 'color_palette', '[]'::jsonb)
    ),
    jsonb_build_object(
        'type', 'shape',
        'description', coalesce(visual_elements ->> 'shape', '')
    )
)
WHERE jsonb_typeof(visual_elements) = 'object'
"""

# Back to the object; its extra lists are rebuilt from the analysis the row keeps.
_TO_OBJECT = """
UPDATE visualizations
SET visual_elements = jsonb_build_object(
    'color_palette', coalesce(
        (SELECT e -> 'values' FROM jsonb_array_elements(visual_elements) AS e
         WHERE e ->> 'type' = 'color_palette' LIMIT 1), '[]'::jsonb),
    'shape', coalesce(
        (SELECT e ->> 'description' FROM jsonb_array_elements(visual_elements) AS e
         WHERE e ->> 'type' = 'shape' LIMIT 1), ''),
    'shapes', coalesce(gemini_analysis -> 'shapes', '[]'::jsonb),
    'suggested_palette', coalesce(gemini_analysis -> 'color_palette', '[]'::jsonb)
)
WHERE jsonb_typeof(visual_elements) = 'array'
"""


def upgrade() -> None:
    op.drop_constraint(op.f('ck_emotion_entries_source_valid'), 'emotion_entries', type_='check')
    op.create_check_constraint(
        op.f('ck_emotion_entries_source_valid'),
        'emotion_entries',
        "source IN ('manual', 'intake_flow', 'import', 'draw_my_feelings')",
    )
    op.drop_constraint(op.f('ck_emotion_entries_emotions_count'), 'emotion_entries', type_='check')
    op.create_check_constraint(
        op.f('ck_emotion_entries_emotions_count'),
        'emotion_entries',
        'cardinality(emotions) BETWEEN 1 AND 11',
    )
    op.execute(_TO_ARRAY)


def downgrade() -> None:
    op.execute(_TO_OBJECT)
    # Kept, as imported entries with at most ten emotions, rather than deleted.
    op.execute(
        "UPDATE emotion_entries SET source = 'import', emotions = emotions[1:10] "
        "WHERE source = 'draw_my_feelings'"
    )
    op.drop_constraint(op.f('ck_emotion_entries_emotions_count'), 'emotion_entries', type_='check')
    op.create_check_constraint(
        op.f('ck_emotion_entries_emotions_count'),
        'emotion_entries',
        'cardinality(emotions) BETWEEN 1 AND 10',
    )
    op.drop_constraint(op.f('ck_emotion_entries_source_valid'), 'emotion_entries', type_='check')
    op.create_check_constraint(
        op.f('ck_emotion_entries_source_valid'),
        'emotion_entries',
        "source IN ('manual', 'intake_flow', 'import')",
    )
