"""AI usage per person and day, the intake step's in-flight claim, the visualization's quota day

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 03:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Taking and dropping a claim is bookkeeping, not a change of the session: updated_at stays put,
# so a step whose AI call failed leaves the row exactly as it was.
_CLAIM_COLUMNS = "- 'ai_claimed_by' - 'ai_claimed_until' - 'updated_at'"
_PLAIN_TRIGGER = (
    "CREATE TRIGGER trg_intake_sessions_updated_at BEFORE UPDATE ON intake_sessions "
    "FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
)
_CLAIM_AWARE_TRIGGER = (
    "CREATE TRIGGER trg_intake_sessions_updated_at BEFORE UPDATE ON intake_sessions "
    f"FOR EACH ROW WHEN ((to_jsonb(NEW) {_CLAIM_COLUMNS}) "
    f"IS DISTINCT FROM (to_jsonb(OLD) {_CLAIM_COLUMNS})) "
    "EXECUTE FUNCTION set_updated_at()"
)


def upgrade() -> None:
    op.create_table('ai_usage',
    sa.Column('user_id', sa.UUID(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('used', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.CheckConstraint("kind IN ('text', 'image')", name=op.f('ck_ai_usage_kind_valid')),
    sa.CheckConstraint('used >= 0', name=op.f('ck_ai_usage_used_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ai_usage_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', 'kind', name=op.f('pk_ai_usage'))
    )
    op.add_column('intake_sessions', sa.Column('ai_claimed_by', sa.UUID(), nullable=True))
    op.add_column('intake_sessions', sa.Column('ai_claimed_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('visualizations', sa.Column('quota_day', sa.Date(), nullable=True))
    op.execute("DROP TRIGGER trg_intake_sessions_updated_at ON intake_sessions")
    op.execute(_CLAIM_AWARE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER trg_intake_sessions_updated_at ON intake_sessions")
    op.execute(_PLAIN_TRIGGER)
    op.drop_column('visualizations', 'quota_day')
    op.drop_column('intake_sessions', 'ai_claimed_until')
    op.drop_column('intake_sessions', 'ai_claimed_by')
    op.drop_table('ai_usage')
