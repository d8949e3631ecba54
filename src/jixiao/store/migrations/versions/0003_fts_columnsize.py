"""SQLite's search index without per-entry token counts (FTS5 columnsize=0)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

FTS5 keeps, for every entry, its number of tokens in ``search_fts_docsize``:
for ranking functions (bm25) and ``xColumnSize``, which jixiao does not use —
a search ranks by tier and text length (see search.py) and asks FTS5 only for
MATCH and rowids. Writing that row was ~15 % of the FTS5 insert and commit on
every import. Phrase queries (a term of three or more characters is a phrase
of pairs) need token positions, so ``detail`` stays ``full``.

The index is contentless, so it cannot be rebuilt from itself: the tokens are
made again from the stored documents, by the code that made them on import
(as deleting a document does), one document at a time, then the segments are
merged into one. PostgreSQL's index is unchanged.
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _rebuild(options: str) -> None:
    from jixiao.store.delete import fts_rows

    conn = op.get_bind()
    op.execute("DROP TABLE search_fts")
    op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content=''{options}, tokenize='ascii')")
    for (doc_id,) in conn.exec_driver_sql("SELECT id FROM documents ORDER BY id").fetchall():
        if rows := fts_rows(conn, doc_id):
            conn.exec_driver_sql("INSERT INTO search_fts (rowid, tokens) VALUES (?, ?)", rows)
    op.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(", columnsize=0")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("")
