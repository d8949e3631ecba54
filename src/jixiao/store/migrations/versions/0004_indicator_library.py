"""The indicator library (指标库): canonical indicators, their keys, and each indicator's membership

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

Derived data, kept current by every import from here on; the documents
already stored are grouped here, by the code that groups on import.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'library_indicators',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(length=64), nullable=False),
        sa.Column('level1', sa.Text(), nullable=True),
        sa.Column('level2', sa.Text(), nullable=True),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_library_indicators'),
    )
    op.create_index('ix_library_indicators_bucket', 'library_indicators', ['bucket'])
    op.create_table(
        'library_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.String(length=64), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('library_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['library_id'], ['library_indicators.id'],
                                name='fk_library_keys_library_id_library_indicators', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_library_keys'),
        sa.UniqueConstraint('bucket', 'key', name='uq_library_keys_bucket_key'),
    )
    op.create_index('ix_library_keys_library_id', 'library_keys', ['library_id'])
    op.create_table(
        'library_members',
        sa.Column('indicator_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('library_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Float(), nullable=True),
        sa.Column('unit', sa.String(length=32), nullable=True),
        sa.Column('latest', sa.Boolean(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=True),
        sa.Column('comparator', sa.String(length=4), nullable=True),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'],
                                name='fk_library_members_indicator_id_indicators', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name='fk_library_members_document_id_documents', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['library_id'], ['library_indicators.id'],
                                name='fk_library_members_library_id_library_indicators', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('indicator_id', name='pk_library_members'),
    )
    op.create_index('ix_library_members_document_id', 'library_members', ['document_id'])
    op.create_index('ix_library_members_library_id', 'library_members', ['library_id', 'latest', 'document_id'])
    op.create_index('ix_library_members_figures', 'library_members', ['library_id', 'unit', 'latest', 'number'])

    from jixiao.library.store import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table('library_members')
    op.drop_table('library_keys')
    op.drop_table('library_indicators')
