"""Administration: sources, import reports, thresholds."""
