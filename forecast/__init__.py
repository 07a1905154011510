"""Demand forecasting for replenishment: daily demand history per SKU-location read as
aggregated SQL (history.py), one model per series (models.py), a year-on-year seasonal
index per category and channel (yearly.py), the whole source at one origin (engine.py),
the background job that keeps stored forecasts current (job.py) and the replenishment
plan that turns them into reorder points and order quantities (plan.py)."""
