"""The reviewer's workflow: a table's content digest, values given by the user

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

``documents.content_sha256`` recognises one table imported from two files
(.txt and .docx); documents stored before it have none and are matched only
by their bytes. ``document_given`` keeps a year or department the user gave;
``users``, ``sessions``, ``audit_log`` and ``app_secrets`` hold accounts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0006'
down_revision = '0005'
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
    op.create_table(
        'users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('department', sa.Text(), nullable=True),
        sa.Column('password_hash', sa.Text(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('disabled', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_users'),
        sa.UniqueConstraint('name', name='uq_users_name'),
        sa.UniqueConstraint('token_hash', name='uq_users_token_hash'),
    )
    op.create_table(
        'sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_sessions_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_sessions'),
    )
    op.create_index('ix_sessions_user_id', 'sessions', ['user_id'])
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('user_name', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('detail', sa.JSON().with_variant(JSONB(), 'postgresql'), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_audit_log'),
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'])
    op.create_index('ix_audit_log_action', 'audit_log', ['action'])
    op.create_index('ix_audit_log_document_id', 'audit_log', ['document_id'])
    op.create_table(
        'reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('assignee', sa.String(length=64), nullable=True),
        sa.Column('deadline', sa.String(length=10), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_reviews_document_id_documents',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_reviews'),
        sa.UniqueConstraint('document_id', name='uq_reviews_document_id'),
    )
    op.create_index('ix_reviews_state', 'reviews', ['state'])
    op.create_table(
        'review_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_name', sa.String(length=64), nullable=False),
        sa.Column('from_state', sa.String(length=16), nullable=True),
        sa.Column('to_state', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_review_history_document_id_documents',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_review_history'),
    )
    op.create_index('ix_review_history_document_id', 'review_history', ['document_id'])
    op.create_table(
        'finding_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('user_name', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name='fk_finding_decisions_finding_id_findings',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name='fk_finding_decisions_document_id_documents', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_finding_decisions'),
        sa.UniqueConstraint('finding_id', name='uq_finding_decisions_finding_id'),
    )
    op.create_index('ix_finding_decisions_document_id', 'finding_decisions', ['document_id'])
    op.create_table(
        'review_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('anchor_kind', sa.String(length=16), nullable=False),
        sa.Column('anchor', sa.Text(), nullable=True),
        sa.Column('anchor_label', sa.Text(), nullable=True),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author', sa.String(length=64), nullable=False),
        sa.Column('author_role', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('carried_from', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_review_comments_document_id_documents',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name='fk_review_comments_project_id_projects',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['parent_id'], ['review_comments.id'],
                                name='fk_review_comments_parent_id_review_comments', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_review_comments'),
    )
    op.create_index('ix_review_comments_document_id', 'review_comments', ['document_id'])
    op.create_table(
        'review_verdicts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('user_name', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_review_verdicts_document_id_documents',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name='fk_review_verdicts_project_id_projects',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_review_verdicts'),
        sa.UniqueConstraint('project_id', name='uq_review_verdicts_project_id'),
    )
    op.create_index('ix_review_verdicts_document_id', 'review_verdicts', ['document_id'])
    op.create_table(
        'app_secrets',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('name', name='pk_app_secrets'),
    )


def downgrade() -> None:
    for table in ('review_verdicts', 'review_comments', 'finding_decisions', 'review_history', 'reviews',
                  'app_secrets', 'audit_log', 'sessions', 'users'):
        op.drop_table(table)
    op.drop_table('document_given')
    op.drop_index('ix_documents_content_sha256', 'documents')
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('content_sha256')
