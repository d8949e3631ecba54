"""The reviewer's workflow: a table's content digest, values given by the user

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-05

``documents.content_sha256`` recognises one table imported from two files
(.txt and .docx); documents stored before it have none and are matched only
by their bytes. ``document_given`` keeps a year or department the user gave.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('documents', sa.Column('content_sha256', sa.String(length=64), nullable=True))
    op.create_index('ix_documents_content_sha256', 'documents', ['content_sha256'])
    op.create_table(
        'document_given',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=16), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('parsed', sa.Text(), nullable=True),
        sa.Column('given_by', sa.Text(), nullable=True),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name='fk_document_given_document_id_documents', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_document_given'),
        sa.UniqueConstraint('document_id', 'field', name='uq_document_given_document_field'),
    )
    op.create_index('ix_document_given_document_id', 'document_given', ['document_id'])


def downgrade() -> None:
    op.drop_table('document_given')
    op.drop_index('ix_documents_content_sha256', 'documents')
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('content_sha256')
