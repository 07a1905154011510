"""The state database as releases before Alembic made it (metadata.create_all), frozen.

A new database gets every table here. A database made by an older release has no
alembic_version table and some of these tables — create_all made the tables of the modules
a process had imported, so a file from an older release may lack the ones added since
(sessions, the alert tables, user_contacts, login_attempts …). That database is adopted:
each table it has is checked against the definition below (the same columns, or the
upgrade stops and names the table and the columns), the missing tables and indexes are
created, and Alembic stamps this revision; later revisions then apply as to any other.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.schema import CreateIndex

from app_state import dialect
from app_state.migrate import NotAStateDatabase

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NAME = dialect.name_type
IDS = dialect.NEVER_REUSED_IDS
TZ = DateTime(timezone=True)


def frozen() -> MetaData:
    """Every table and index as the last create_all release declared them."""
    m = MetaData()
    Table("state_versions", m,
          Column("area", String, primary_key=True),
          Column("version", Integer, nullable=False))
    Table("users", m,
          Column("id", Integer, primary_key=True),
          Column("name", NAME(), nullable=False, unique=True),
          Column("password_hash", String, nullable=False),
          Column("role", String, nullable=False),
          Column("scope", Text, nullable=False),
          Column("created_at", TZ, nullable=False),
          Column("disabled", Boolean, nullable=False),
          Column("version", Integer, nullable=False),
          Column("last_login", TZ, nullable=True),
          CheckConstraint("role IN ('admin', 'executive', 'manager')", name="user_role"),
          **IDS)
    Table("api_tokens", m,
          Column("id", Integer, primary_key=True),
          Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"),
                 nullable=False),
          Column("token_hash", String, nullable=False, unique=True),
          Column("prefix", String, nullable=False),
          Column("label", String, nullable=True),
          Column("created_at", TZ, nullable=False),
          Column("last_used", TZ, nullable=True),
          Column("revoked_at", TZ, nullable=True),
          **IDS)
    Table("wall_tokens", m,
          Column("id", Integer, primary_key=True),
          Column("token_hash", String, nullable=False, unique=True),
          Column("prefix", String, nullable=False),
          Column("board_id", Integer, nullable=True),
          Column("scope", Text, nullable=False),
          Column("label", String, nullable=True),
          Column("created_at", TZ, nullable=False),
          Column("last_used", TZ, nullable=True),
          Column("revoked_at", TZ, nullable=True),
          **IDS)
    sessions = Table(
        "sessions", m,
        Column("id", String, primary_key=True),
        Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"),
               nullable=False),
        Column("user_version", Integer, nullable=False),
        Column("created", TZ, nullable=False),
        Column("last_seen", TZ, nullable=False),
        Column("expires", TZ, nullable=False),
        Column("revoked", TZ, nullable=True))
    Index("sessions_by_user", sessions.c.user_id)
    attempts = Table(
        "login_attempts", m,
        Column("id", Integer, primary_key=True),
        Column("name_key", String, nullable=False),
        Column("ip", String, nullable=False),
        Column("at", Float, nullable=False))
    Index("login_attempts_by_name_ip", attempts.c.name_key, attempts.c.ip, attempts.c.at)
    Index("login_attempts_by_ip", attempts.c.ip, attempts.c.at)
    audit = Table(
        "audit_log", m,
        Column("id", Integer, primary_key=True),
        Column("ts", TZ, nullable=False),
        Column("user", String, nullable=True),
        Column("event", String, nullable=False),
        Column("detail", Text, nullable=False),
        Column("ip", String, nullable=True),
        **IDS)
    Index("audit_log_by_ts", audit.c.ts)
    Table("server_secrets", m,
          Column("name", String, primary_key=True),
          Column("value", String, nullable=False))
    thresholds = Table(
        "thresholds", m,
        Column("metric_id", String, primary_key=True),
        Column("category", String, primary_key=True, nullable=True),
        Column("good", Float, nullable=False),
        Column("bad", Float, nullable=False),
        Column("updated_at", TZ, nullable=False))
    Index("thresholds_one_per_scope", thresholds.c.metric_id,
          func.coalesce(thresholds.c.category, literal_column("''")), unique=True)
    Table("views", m,
          Column("id", Integer, primary_key=True),
          Column("name", NAME(), nullable=False, unique=True),
          Column("spec", Text, nullable=False),
          Column("created_at", TZ, nullable=False),
          Column("updated_at", TZ, nullable=False),
          **IDS)
    Table("boards", m,
          Column("id", Integer, primary_key=True),
          Column("name", NAME(), nullable=False, unique=True),
          Column("filters", Text, nullable=False),
          Column("created_at", TZ, nullable=False),
          Column("updated_at", TZ, nullable=False),
          **IDS)
    tiles = Table(
        "board_tiles", m,
        Column("id", Integer, primary_key=True),
        Column("board_id", Integer, ForeignKey("boards.id", ondelete="CASCADE"),
               nullable=False),
        Column("position", Integer, nullable=False),
        Column("view_id", Integer, ForeignKey("views.id", ondelete="SET NULL"),
               nullable=True),
        Column("width", Integer, nullable=False),
        Column("height", Integer, nullable=False),
        CheckConstraint("width BETWEEN 3 AND 12", name="tile_width"),
        CheckConstraint("height BETWEEN 1 AND 3", name="tile_height"),
        **IDS)
    Index("board_tiles_by_board", tiles.c.board_id, tiles.c.position)
    Index("board_tiles_by_view", tiles.c.view_id)
    Table("forecast_runs", m,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("source", String, nullable=False),
          Column("data_key", String, nullable=False),
          Column("origin", String, nullable=False),
          Column("status", String, nullable=False),
          Column("claimed_by", String, nullable=False),
          Column("started_at", TZ, nullable=False),
          Column("finished_at", TZ),
          Column("seconds", Float),
          Column("series", Integer),
          Column("horizon", Integer),
          Column("message", String),
          UniqueConstraint("source", "data_key", name="forecast_runs_one_per_key"),
          **IDS)
    Table("forecast_series", m,
          Column("run_id", Integer, ForeignKey("forecast_runs.id", ondelete="CASCADE"),
                 primary_key=True),
          Column("sku_id", String, primary_key=True),
          Column("location_id", String, primary_key=True),
          Column("category", String),
          Column("channel", String),
          Column("method", String, nullable=False),
          Column("sigma", Float, nullable=False),
          Column("observed", Integer, nullable=False),
          Column("history_mean", Float, nullable=False),
          Column("forecast_mean", Float, nullable=False),
          Column("path", LargeBinary, nullable=False))
    Table("alert_rules", m,
          Column("id", Integer, primary_key=True),
          Column("name", NAME(), nullable=False, unique=True),
          Column("owner", String, nullable=True),
          Column("body", Text, nullable=False),
          Column("enabled", Boolean, nullable=False),
          Column("created_at", TZ, nullable=False),
          Column("updated_at", TZ, nullable=False))
    Table("alert_state", m,
          Column("rule_key", String, primary_key=True),
          Column("recipient", String, primary_key=True),
          Column("state", String, nullable=False),
          Column("since", TZ, nullable=False),
          Column("last_sent", TZ, nullable=True),
          Column("value", Float, nullable=True))
    Table("alert_claims", m,
          Column("id", Integer, primary_key=True),
          Column("rule_key", String, nullable=False),
          Column("due", TZ, nullable=False),
          Column("claimed_by", String, nullable=False),
          Column("claimed_at", TZ, nullable=False),
          UniqueConstraint("rule_key", "due", name="alert_claims_once"))
    alert_log = Table(
        "alert_log", m,
        Column("id", Integer, primary_key=True),
        Column("ts", TZ, nullable=False),
        Column("rule", String, nullable=False),
        Column("recipient", String, nullable=False),
        Column("state", String, nullable=False),
        Column("value", Text, nullable=True),
        Column("channel", String, nullable=True),
        Column("ok", Boolean, nullable=True),
        Column("detail", Text, nullable=False))
    Index("alert_log_by_channel", alert_log.c.channel, alert_log.c.ts)
    Table("user_contacts", m,
          Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"),
                 primary_key=True),
          Column("email", String, nullable=False))
    return m


def upgrade() -> None:
    bind = op.get_bind()
    dialect.prepare_schema(bind)
    tables = frozen()
    inspector = sa.inspect(bind)
    existing = set(inspector.get_table_names())
    for table in tables.sorted_tables:
        if table.name not in existing:
            continue
        found = {c["name"] for c in inspector.get_columns(table.name)}
        wanted = {c.name for c in table.columns}
        if found != wanted:
            raise NotAStateDatabase(
                f"table {table.name} has the columns {', '.join(sorted(found))}; StockLens "
                f"expects {', '.join(sorted(wanted))}: this is not a StockLens state "
                "database of a known release, so it is left as it is")
    tables.create_all(bind, checkfirst=True)  # the tables this database does not have yet
    for table in tables.sorted_tables:  # and the indexes of those it had
        if table.name in existing:
            for index in table.indexes:
                op.execute(CreateIndex(index, if_not_exists=True))


def downgrade() -> None:
    frozen().drop_all(op.get_bind())
