"""The same project across years and versions: links from a project to its earlier ones

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Empty at first: links are found on request (``jixiao history``, the compare
page), kept with their confidence, and corrected by people.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'project_history_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('earlier_id', sa.Integer(), nullable=False),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name='fk_project_history_links_project_id_projects', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['earlier_id'], ['projects.id'],
                                name='fk_project_history_links_earlier_id_projects', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_project_history_links'),
        sa.UniqueConstraint('project_id', 'earlier_id', name='uq_project_history_links_pair'),
    )
    op.create_index('ix_project_history_links_project_id', 'project_history_links', ['project_id'])
    op.create_index('ix_project_history_links_earlier_id', 'project_history_links', ['earlier_id'])


def downgrade() -> None:
    op.drop_table('project_history_links')
