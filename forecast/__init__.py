"""Demand forecasting for replenishment: daily demand history per SKU-location read as
aggregated SQL (history.py); each series' Syntetos–Boylan class (classify.py), its group's
pooled weekday and seasonal profile (profile.py) and its model, exponential smoothing or
the Croston family (intermittent.py), chosen per class by cross-validation (models.py);
a year-on-year index per category and channel (yearly.py); a read history at one origin
(engine.py); the forecast's lead-time error and quality measured on past origins
(calibration.py); one run of a source, incremental when only new days arrived (refit.py);
the background job that keeps stored forecasts current (job.py) and what it stores
besides the paths (store.py); the backtest (evaluation.py); the replenishment plan
(plan.py) and the policy replay over the history (replay.py)."""
