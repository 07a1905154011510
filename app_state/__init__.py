"""StockLens's own state (users, sessions, tokens, thresholds, saved views, boards,
forecasts, alerts, the audit log), kept in its own database — a SQLite file next to the
data by default, PostgreSQL for several servers — and never in a user's source, which
StockLens only reads."""
