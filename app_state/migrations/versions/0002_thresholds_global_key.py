"""Thresholds: the override for all categories has category '' instead of NULL.

The key of a threshold row is (metric, category), and the override that applies to every
category had a NULL category — which only SQLite allows in a primary key (PostgreSQL makes
key columns NOT NULL), and which needed a second unique index on COALESCE(category, '')
to keep one such row per metric. '' is never a category name (app_state/thresholds.py
refuses blank ones), so it marks "all categories" in a key every database accepts, and the
extra index goes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("thresholds_one_per_scope", table_name="thresholds")
    op.execute("UPDATE thresholds SET category = '' WHERE category IS NULL")
    with op.batch_alter_table("thresholds") as batch:
        batch.alter_column("category", existing_type=sa.String(), nullable=False,
                           server_default=None)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL never had NULL categories
        with op.batch_alter_table("thresholds") as batch:
            batch.alter_column("category", existing_type=sa.String(), nullable=True)
        op.execute("UPDATE thresholds SET category = NULL WHERE category = ''")
    op.create_index("thresholds_one_per_scope", "thresholds",
                    ["metric_id", sa.text("coalesce(category, '')")], unique=True)
