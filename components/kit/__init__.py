"""Shared pieces every page uses: frame, navbar, cards, charts, formatting, theme."""
