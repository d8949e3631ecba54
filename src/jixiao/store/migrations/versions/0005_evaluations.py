"""Self-evaluation and monitoring forms: their reported values, and their links to target tables

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

New tables only (see jixiao.store.eval_schema). Documents already stored keep
no evaluation rows: an evaluation form imported before this version was
stored without them, and importing the file again after ``jixiao db upgrade``
stores it whole (its bytes are unchanged, so delete it first: ``jixiao rm``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=f'fk_{table}_{column}_{target}',
                                   ondelete='CASCADE')


def upgrade() -> None:
    op.create_table(
        'evaluation_projects',
        sa.Column('project_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('months', sa.Integer(), nullable=True),
        sa.Column('goal_expected', sa.Text(), nullable=True),
        sa.Column('goal_actual', sa.Text(), nullable=True),
        sa.Column('total_score', sa.Text(), nullable=True),
        sa.Column('deviation', sa.Text(), nullable=True),
        sa.Column('measures', sa.Text(), nullable=True),
        sa.Column('spans', Json, nullable=False),
        sa.Column('score_profile', sa.String(length=32), nullable=True),
        sa.Column('total_reported', sa.Float(), nullable=True),
        sa.Column('reported_sum', sa.Float(), nullable=True),
        sa.Column('recomputed', sa.Float(), nullable=True),
        sa.Column('score_difference', sa.Float(), nullable=True),
        sa.Column('score_complete', sa.Boolean(), nullable=True),
        sa.Column('score_reason', sa.Text(), nullable=True),
        _fk('evaluation_projects', 'project_id', 'projects'),
        _fk('evaluation_projects', 'document_id', 'documents'),
        sa.PrimaryKeyConstraint('project_id', name='pk_evaluation_projects'),
    )
    op.create_index('ix_evaluation_projects_document_id', 'evaluation_projects', ['document_id'])
    op.create_table(
        'evaluation_budget',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('initial', sa.Float(), nullable=True),
        sa.Column('budget', sa.Float(), nullable=True),
        sa.Column('executed', sa.Float(), nullable=True),
        sa.Column('executed_to_date', sa.Float(), nullable=True),
        sa.Column('expected', sa.Float(), nullable=True),
        sa.Column('rate', sa.Text(), nullable=True),
        sa.Column('weight', sa.Text(), nullable=True),
        sa.Column('score', sa.Text(), nullable=True),
        sa.Column('spans', Json, nullable=False),
        _fk('evaluation_budget', 'document_id', 'documents'),
        _fk('evaluation_budget', 'project_id', 'projects'),
        sa.PrimaryKeyConstraint('id', name='pk_evaluation_budget'),
    )
    op.create_index('ix_evaluation_budget_document_id', 'evaluation_budget', ['document_id'])
    op.create_index('ix_evaluation_budget_project_id', 'evaluation_budget', ['project_id'])
    op.create_table(
        'evaluation_indicators',
        sa.Column('indicator_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('actual_value', sa.Text(), nullable=True),
        sa.Column('actual_target', Json, nullable=True),
        sa.Column('weight', sa.Text(), nullable=True),
        sa.Column('score', sa.Text(), nullable=True),
        sa.Column('direction', sa.Text(), nullable=True),
        sa.Column('deviation', sa.Text(), nullable=True),
        sa.Column('likelihood', sa.Text(), nullable=True),
        sa.Column('core', sa.Boolean(), nullable=True),
        _fk('evaluation_indicators', 'indicator_id', 'indicators'),
        _fk('evaluation_indicators', 'document_id', 'documents'),
        sa.PrimaryKeyConstraint('indicator_id', name='pk_evaluation_indicators'),
    )
    op.create_index('ix_evaluation_indicators_document_id', 'evaluation_indicators', ['document_id'])
    op.create_index('ix_evaluation_indicators_project_id', 'evaluation_indicators', ['project_id'])
    op.create_table(
        'evaluation_links',
        sa.Column('project_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('target_project_id', sa.Integer(), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.Column('method', sa.String(length=8), nullable=False),
        _fk('evaluation_links', 'project_id', 'projects'),
        _fk('evaluation_links', 'document_id', 'documents'),
        _fk('evaluation_links', 'target_project_id', 'projects'),
        sa.PrimaryKeyConstraint('project_id', name='pk_evaluation_links'),
    )
    op.create_index('ix_evaluation_links_document_id', 'evaluation_links', ['document_id'])
    op.create_index('ix_evaluation_links_target_project_id', 'evaluation_links', ['target_project_id'])
    op.create_table(
        'evaluation_indicator_links',
        sa.Column('indicator_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('target_indicator_id', sa.Integer(), nullable=False),
        sa.Column('confidence', sa.Float(), nullable=False),
        _fk('evaluation_indicator_links', 'indicator_id', 'indicators'),
        _fk('evaluation_indicator_links', 'project_id', 'projects'),
        _fk('evaluation_indicator_links', 'target_indicator_id', 'indicators'),
        sa.PrimaryKeyConstraint('indicator_id', name='pk_evaluation_indicator_links'),
    )
    op.create_index('ix_evaluation_indicator_links_project_id', 'evaluation_indicator_links', ['project_id'])
    op.create_index('ix_evaluation_indicator_links_target_indicator_id', 'evaluation_indicator_links',
                    ['target_indicator_id'])


def downgrade() -> None:
    for table in ('evaluation_indicator_links', 'evaluation_links', 'evaluation_indicators', 'evaluation_budget',
                  'evaluation_projects'):
        op.drop_table(table)
