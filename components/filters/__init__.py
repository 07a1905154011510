"""Filter bar, board filter state and the URL-mirrored page state."""
