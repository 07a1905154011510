"""Replenishment: page parameters, the plan's view and the purchase CSV."""
