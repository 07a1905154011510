"""The stored forecast job on the demo data: one run per source and data key, its series
checked against demand computed independently in SQL, claims that keep a second process
out, `app.py forecast` writing the purchase suggestions; the run's artifacts (forecast
quality, lead-time error, policy replay) reaching the plan, an incremental refit equal
to a full one, and `app.py replenishment replay`."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from app_state.forecasts import claim_run, latest_run, load_series, runs_of
from cli.main import main
from data_connectors.source import open_duckdb
from forecast.engine import HORIZON, WINDOW
from forecast.job import data_key, last_day, refresh_source
from tests.integration.demo_cuts import cut_copy, restore

# Mean daily demand of a pair over the window, stockout days (a snapshot with nothing on
# hand and no sale, or no snapshot row at all) left out — written without the app.
INDEPENDENT_MEAN = """
with days as (select cast(d as date) as day from range(?::date, ?::date + 1, interval 1 day) t(d)),
sold as (select date, sum(qty) q from sales where sku_id = ? and location_id = ? group by date),
stock as (select date, max(on_hand_qty) h from inventory where sku_id = ? and location_id = ?
          group by date),
y as (select day, coalesce(q, 0) q, coalesce(h, 0) h from days
      left join sold on sold.date = day left join stock on stock.date = day)
select avg(q), count(*) from y where not (h <= 0 and q <= 0)
"""


def test_the_job_stores_one_run_per_data_key_checked_against_sql(demo_db: Path,
                                                                 tmp_path: Path) -> None:
    source = open_duckdb(demo_db)
    try:
        run = refresh_source(source)
        assert run is not None and run.status == "done"
        assert refresh_source(source) is None  # the same data: nothing to do
        key, last = data_key(source), last_day(source)
    finally:
        source.dispose()
    assert key.startswith("version:") and run.origin == last
    assert latest_run(source.name).id == run.id and len(runs_of(source.name)) == 1
    frame, paths = load_series(run.id)
    assert paths.shape == (len(frame), HORIZON) and len(frame) == run.series > 100
    assert np.all(paths >= 0) and np.isfinite(paths).all()
    assert "ses" in set(frame["method"])  # smooth and erratic series
    assert set(frame["method"]) & {"croston", "sba", "tsb", "adida", "imapa"}  # intermittent
    busy = frame[frame["method"] == "ses"].nlargest(3, "history_mean")
    first = last - timedelta(days=WINDOW - 1)
    # plain SQL text on an engine of its own (a bare duckdb.connect with another
    # configuration is refused while another test's app holds the file in this process)
    plain = open_duckdb(demo_db)
    with plain.engine.connect() as con:
        for row in busy.itertuples():
            mean, known = con.exec_driver_sql(INDEPENDENT_MEAN, (
                first, last, row.sku_id, row.location_id, row.sku_id,
                row.location_id)).fetchone()
            assert row.observed == known
            assert row.history_mean == pytest.approx(mean, rel=1e-9)
            # a smooth, busy series: the next four weeks stay near its recent level
            assert 0.4 * mean < row.forecast_mean < 2.5 * mean
    plain.dispose()
    # a claim for the current key is refused while the run exists
    assert claim_run(source.name, key, last) is None


def test_cli_forecast_writes_purchase_suggestions(demo_db: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "orders.csv"
    assert main(["forecast", "--db", str(demo_db), "--service-level", "97.5",
                 "--top", "3", "--csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "stored forecasts of" in printed and "service level 97.5%" in printed
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and f"wrote {len(rows):,} purchase suggestions" in printed
    for row in rows:
        qty, cost, value = (float(row[k]) for k in ("Order qty", "Unit cost", "Order value"))
        assert qty > 0 and qty == int(qty)
        assert value == pytest.approx(qty * cost, abs=0.01 * qty + 0.01)
        assert float(row["On hand"]) <= float(row["Reorder point"]) + 1e-6
    suppliers = [r["Supplier"] for r in rows]
    assert suppliers == sorted(suppliers)  # grouped by supplier
    assert main(["forecast", "--db", str(demo_db), "--top", "0"]) == 0
    assert "already stored" in capsys.readouterr().out
    assert main(["forecast", "--db", str(demo_db), "--service-level", "100"]) == 2


def test_the_wall_lists_stock_below_its_reorder_point_once_forecasts_exist(
        demo_db: Path) -> None:
    from components.wall.wall_alerts import reorder_alerts, reorder_frame
    from components.wall.wall_params import Scope
    from service import ALL_DATA, sources

    source = open_duckdb(demo_db)
    sources.use_source(source)
    region = source.distinct_values("location", "region")[0]
    site = Scope("region", region)
    assert reorder_frame(ALL_DATA, source.name, site) is None  # no forecast yet
    refresh_source(source)
    frame = reorder_frame(ALL_DATA, source.name, site)
    assert frame is not None and 0 < len(frame) <= 21
    assert ((frame["on_hand"] > 0) & (frame["on_hand"] <= frame["reorder_point"])).all()
    assert list(frame["days_to_stockout"]) == sorted(frame["days_to_stockout"])
    with source.engine.connect() as con:  # the file is open in this process already
        sites = {r[0] for r in con.execute(sa.text(
            "select location_id from location where region = :r"), {"r": region})}
    assert set(frame["location"]) <= sites  # the wall's site held
    assert len(reorder_alerts(frame, "en").alerts) == min(len(frame), 20)


def test_a_run_in_progress_is_claimed_once() -> None:
    from datetime import date

    first = claim_run("some-source", "version:7", date(2026, 1, 31))
    assert first is not None
    assert claim_run("some-source", "version:7", date(2026, 1, 31)) is None
    assert [r.status for r in runs_of("some-source")] == ["running"]


def _mode(run_id: int) -> str:
    from forecast import store

    return store.unpack_json(store.load(run_id, store.STATE))["mode"]


def test_new_days_refit_incrementally_as_a_full_refit_would(
        demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from forecast.refit import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    copy, _ = cut_copy(demo_db, tmp_path, 3)
    source = open_duckdb(copy)
    first = refresh_source(source, replay=False)
    source.dispose()
    assert first is not None and _mode(first.id) == "full"
    restore(copy)
    source = open_duckdb(copy)
    try:
        quick = refresh_source(source, replay=False)  # three new days: only they are read
        assert quick is not None and _mode(quick.id) == "incremental"
        assert quick.origin == first.origin + timedelta(days=3)
        frame, paths = load_series(quick.id)
        frame, paths = frame.copy(), paths.copy()
        import shutil

        shutil.rmtree(tmp_path / "cache")  # no cache: everything is read again
        again = refresh_source(source, force=True, replay=False)
    finally:
        source.dispose()
    assert again is not None and _mode(again.id) == "full"
    whole, whole_paths = load_series(again.id)
    assert frame[["sku_id", "location_id", "method"]].equals(
        whole[["sku_id", "location_id", "method"]])
    assert np.allclose(paths, whole_paths, rtol=1e-5, atol=1e-5)
    assert np.allclose(frame["sigma"], whole["sigma"], rtol=1e-6)


def test_a_changed_past_is_read_again(demo_db: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from forecast.refit import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    copy, _ = cut_copy(demo_db, tmp_path, 2)
    source = open_duckdb(copy)
    refresh_source(source, replay=False)
    source.dispose()
    restore(copy)
    con = duckdb.connect(str(copy))  # … and a sale of the past corrected
    con.execute("update sales set qty = qty + 1 where date = (select max(date) - 30 "
                "from sales)")  # inside the window the run reads
    con.close()
    source = open_duckdb(copy)
    try:
        run = refresh_source(source, replay=False)
    finally:
        source.dispose()
    assert run is not None and _mode(run.id) == "full"


def test_the_plan_gets_the_runs_error_terms_quality_and_replay(demo_db: Path) -> None:
    from forecast import store
    from metrics.replenishment import Policy
    from service import ALL_DATA, sources
    from service.replenishment import current_plan, forecast_quality, policy_replay

    source = open_duckdb(demo_db)
    sources.use_source(source)
    run = refresh_source(source)  # with the replay
    assert run is not None
    for name in (store.SERIES, store.STATE, store.QUALITY, store.REPLAY):
        assert store.load(run.id, name) is not None, name
    error = current_plan(ALL_DATA, source.name, None, Policy(0.95, 28, "error"))
    spread = current_plan(ALL_DATA, source.name, None, Policy(0.95, 28, "demand"))
    assert error is not None and spread is not None
    assert (error.frame["lead_sigma"] > 0).mean() > 0.8
    # the two bases give different safety stocks for the same SKU-locations
    both = error.frame.merge(spread.frame, on=["sku", "location"], suffixes=("", "_d"))
    assert not np.allclose(both["safety_stock"], both["safety_stock_d"])
    quality = forecast_quality(source.name, error)
    overall = quality[quality["category"] == "(all)"].set_index("method")
    assert overall.loc["forecast", "wape"] < overall.loc["seasonal_naive", "wape"]
    assert set(quality["category"]) == {"(all)", *error.frame["category"]}
    replay = policy_replay(error)
    assert replay is not None
    result, keep = replay
    assert keep.all()  # all data: every row of the replay is the plan's
    table = result.summary(keep).set_index("name")
    assert table.loc["0.95|error", "cycles"] > 0 and table.loc["actual", "cycles"] > 0
    assert 0 < table.loc["0.95|error", "fill_rate"] <= 1
    # a region's plan sees its region's rows only
    region = source.distinct_values("location", "region")[0]
    narrow = current_plan(ALL_DATA, source.name, {"region": [region]}, Policy())
    _, some = policy_replay(narrow)
    assert 0 < some.sum() < len(some)
    narrow_quality = forecast_quality(source.name, narrow)
    assert set(narrow_quality["category"]) <= set(quality["category"])


def test_cli_replays_the_policy(demo_db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["replenishment", "replay", "--db", str(demo_db), "--days", "63",
                 "--service-level", "90"]) == 0
    out = capsys.readouterr().out
    assert "policy replay of" in out and "target cycle service level 90.0%" in out
    for label in ("StockLens (forecast error)", "StockLens (demand spread)",
                  "what actually happened"):
        assert label in out
    assert main(["replenishment", "replay", "--db", str(demo_db), "--days", "63",
                 "--safety-stock", "error", "--json"]) == 0
    import json

    found = json.loads(capsys.readouterr().out)
    assert [r["basis"] for r in found["rows"]] == ["error", "actual"]
    assert main(["replenishment", "replay", "--db", str(demo_db), "--days", "5"]) == 2
