"""StockLens's own state (thresholds now; saved views, boards and users later), kept in a
small SQLite database next to the data and never in a user's source, which StockLens only
reads."""
