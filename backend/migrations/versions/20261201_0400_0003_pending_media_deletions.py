"""pending_media_deletions: pictures of deleted visualizations the store has not confirmed gone

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 04:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pending_media_deletions',
    sa.Column('visualization_id', sa.UUID(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('visualization_id', name=op.f('pk_pending_media_deletions'))
    )
    op.create_index('ix_pending_media_deletions_next_attempt_at', 'pending_media_deletions', ['next_attempt_at'], unique=False)


def downgrade() -> None:
    # Removals still pending are forgotten with the table: let the worker bring the
    # media_deletions_pending gauge to 0 first.
    op.drop_index('ix_pending_media_deletions_next_attempt_at', table_name='pending_media_deletions')
    op.drop_table('pending_media_deletions')
