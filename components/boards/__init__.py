"""Explore, saved views and boards: the view model, its charts and tiles."""
