"""Search entries partitioned by rank tier on PostgreSQL; their project and indicator keys unchecked

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

One partition per tier (project names, indicators, goals: ids ``tier << 40 |
row id``), each with its own heap, GIN index and planner statistics. A search
reads the tiers in order; before, reading the 170,000 project names in id
order meant visiting nearly every page of one mixed table, and the table-wide
statistics could not tell the planner that a character common among
indicators is rare among project names. Existing entries are copied over.

On both back ends, a search entry's project_id and indicator_id are no longer
foreign keys: the entries are written with their project and indicator, and
deleted with their document (document_id still cascades); checking the two
keys was an eighth of an import's time on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_SHIFT = 40
_TIERS = 3


def _bounds(tier: int) -> tuple[str, str]:
    low = "MINVALUE" if tier == 0 else str(tier << _SHIFT)
    high = "MAXVALUE" if tier == _TIERS - 1 else str((tier + 1) << _SHIFT)
    return low, high


def _create_search_entries(partitioned: bool) -> None:
    keys = [] if partitioned else [
        sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'],
                                name='fk_search_entries_indicator_id_indicators', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name='fk_search_entries_project_id_projects',
                                ondelete='CASCADE'),
    ]
    op.create_table(
        'search_entries',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=True),
        sa.Column('tsv', postgresql.TSVECTOR(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name='fk_search_entries_document_id_documents',
                                ondelete='CASCADE'),
        *keys,
        sa.PrimaryKeyConstraint('id', name='pk_search_entries'),
        **({"postgresql_partition_by": "RANGE (id)"} if partitioned else {}),
    )
    if partitioned:
        for tier in range(_TIERS):
            low, high = _bounds(tier)
            op.execute(f"CREATE TABLE search_entries_t{tier} PARTITION OF search_entries "
                       f"FOR VALUES FROM ({low}) TO ({high})")


def _rebuild(partitioned: bool) -> None:
    """search_entries anew (partitioned or not), its rows copied, its indexes built after the copy."""
    op.execute("ALTER TABLE search_entries RENAME TO search_entries_old")
    # Index names are per schema in PostgreSQL: the old ones make way first.
    op.execute("ALTER TABLE search_entries_old RENAME CONSTRAINT pk_search_entries TO pk_search_entries_old")
    op.execute("ALTER INDEX ix_search_entries_document_id RENAME TO ix_search_entries_document_id_old")
    op.execute("ALTER INDEX ix_search_entries_tsv RENAME TO ix_search_entries_tsv_old")
    _create_search_entries(partitioned)
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute("INSERT INTO search_entries (id, document_id, project_id, indicator_id, tsv) "
               "SELECT id, document_id, project_id, indicator_id, tsv FROM search_entries_old ORDER BY id")
    op.execute("DROP TABLE search_entries_old")
    op.create_index('ix_search_entries_document_id', 'search_entries', ['document_id'], unique=False)
    op.create_index("ix_search_entries_tsv", "search_entries", ["tsv"], postgresql_using="gin")
    op.execute("ANALYZE search_entries")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(partitioned=True)
        return
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_constraint('fk_search_entries_indicator_id_indicators', type_='foreignkey')
        batch_op.drop_constraint('fk_search_entries_project_id_projects', type_='foreignkey')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(partitioned=False)
        return
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_search_entries_indicator_id_indicators', 'indicators', ['indicator_id'],
                                    ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key('fk_search_entries_project_id_projects', 'projects', ['project_id'], ['id'],
                                    ondelete='CASCADE')
