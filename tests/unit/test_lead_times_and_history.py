"""Lead times (one SQL statement) and the daily demand history (stockouts as unknown) on
a small hand-built DuckDB database whose answers are computed by hand below."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from data_connectors.source import open_duckdb
from forecast.history import read_history
from metrics.lead_times import lead_time_query
from service import Principal
from tests.service_support import run_lead_times

RECEIPTS = [  # date, sku, location, qty, cost, supplier, order_date → lead time
    ("2026-01-05", "S1", "L1", 10, 100.0, "A", "2026-01-01"),  # 4
    ("2026-01-16", "S1", "L1", 10, 100.0, "A", "2026-01-10"),  # 6
    ("2026-02-09", "S1", "L1", 10, 100.0, "A", "2026-02-01"),  # 8
    ("2026-01-05", "S2", "L2", 5, 50.0, "A", "2026-01-03"),  # 2 (West)
    ("2026-01-11", "S3", "L1", 4, 80.0, "B", "2026-01-01"),  # 10
    ("2026-01-15", "S3", "L1", 4, 80.0, "B", "2026-01-05"),  # 10
    ("2026-01-20", "S3", "L1", 4, 80.0, "B", None),  # no order date: not a lead time
    ("2026-01-20", "S1", "L1", 4, 40.0, "A", "2026-01-25"),  # ordered after arrival: error
    ("2026-03-20", "S1", "L1", 4, 40.0, "A", "2026-03-10"),  # after the period
]


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "small.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table sku (sku_id varchar, sku_name varchar, category varchar, "
                "subcategory varchar, brand varchar, unit_cost double, unit_price double)")
    con.execute("insert into sku values ('S1','One','Food',null,null,10,12),"
                "('S2','Two','Food',null,null,10,12),('S3','Three','Drink',null,null,20,25)")
    con.execute("create table location (location_id varchar, location_name varchar, "
                "region varchar, channel varchar, location_type varchar)")
    con.execute("insert into location values ('L1','Store 1','East','store','store'),"
                "('L2','Store 2','West','store','store')")
    con.execute("create table receipts (date date, sku_id varchar, location_id varchar, "
                "qty double, cost double, supplier varchar, order_date date)")
    con.executemany("insert into receipts values (?,?,?,?,?,?,?)", RECEIPTS)
    con.execute("create table sales (date date, sku_id varchar, location_id varchar, "
                "channel varchar, qty double, revenue double, cost double)")
    # S1 at L1, Jan 1 … 10: sales and end-of-day stock
    sold = {1: 3, 2: 2, 3: 4, 4: 1, 6: 5, 7: 2, 9: 3, 10: 2}
    con.executemany("insert into sales values (?, 'S1', 'L1', null, ?, ?, null)",
                    [(f"2026-01-{d:02d}", q, q * 12.0) for d, q in sold.items()])
    con.execute("create table inventory (date date, sku_id varchar, location_id varchar, "
                "on_hand_qty double, on_hand_value double)")
    stock = {1: 9, 2: 7, 3: 3, 4: 2, 5: 0, 6: 4, 7: 0, 9: 6, 10: 4}  # no row on the 8th
    con.executemany("insert into inventory values (?, 'S1', 'L1', ?, null)",
                    [(f"2026-01-{d:02d}", q) for d, q in stock.items()])
    # another pair keeps the 8th a snapshot date of the source
    con.executemany("insert into inventory values (?, 'S3', 'L1', 5, null)",
                    [(f"2026-01-{d:02d}",) for d in range(1, 11)])
    con.close()
    return path


def _by(frame, key: str) -> dict:
    return frame.set_index(key).to_dict("index")


def test_lead_times_per_supplier_by_hand(small_db: Path) -> None:
    source = open_duckdb(small_db)
    try:
        found = _by(run_lead_times(source, lead_time_query(date(2026, 1, 1),
                                                           date(2026, 2, 28))), "supplier")
    finally:
        source.dispose()
    a, b = found["A"], found["B"]
    assert a["receipts"] == 4  # 4, 6, 8, 2 (the reversed dates and the late one left out)
    assert a["lead_time_mean"] == 5.0
    assert a["lead_time_std"] == pytest.approx(math.sqrt(20 / 3))  # Σ(x−5)² = 20, n − 1 = 3
    assert (a["lead_time_min"], a["lead_time_max"]) == (2.0, 8.0)
    assert a["on_time_share"] == 0.75  # within 5 + 2 days: 4, 6, 2 yes; 8 no
    assert a["received_cost"] == 350.0 and a["skus"] == 2
    assert a["last_receipt"] == date(2026, 2, 9)
    assert (b["receipts"], b["lead_time_mean"], b["lead_time_std"]) == (2, 10.0, 0.0)
    assert b["on_time_share"] == 1.0


def test_lead_times_follow_filters_scope_and_sku_grouping(small_db: Path) -> None:
    source = open_duckdb(small_db)
    try:
        east = _by(run_lead_times(source, lead_time_query(
            date(2026, 1, 1), date(2026, 2, 28), where={"region": ["East"]})), "supplier")
        per_sku = run_lead_times(source, lead_time_query(
            date(2026, 1, 1), date(2026, 2, 28), ("supplier", "sku")))
        west_manager = Principal.scoped("wes", "user", {"region": ["West"]})
        west = _by(run_lead_times(source, lead_time_query(date(2026, 1, 1),
                                                          date(2026, 2, 28)),
                                  principal=west_manager), "supplier")
    finally:
        source.dispose()
    # East only: A's receipts 4, 6, 8 → mean 6, σ 2, all within 6 + 2
    assert (east["A"]["receipts"], east["A"]["lead_time_mean"]) == (3, 6.0)
    assert east["A"]["lead_time_std"] == 2.0 and east["A"]["on_time_share"] == 1.0
    s1 = per_sku[per_sku["sku"] == "S1"].iloc[0]
    assert (s1["supplier"], s1["sku_name"], s1["receipts"]) == ("A", "One", 3)
    assert s1["on_time_share"] == pytest.approx(2 / 3)  # against A's mean 5 + 2: 8 is late
    assert set(west) == {"A"} and west["A"]["receipts"] == 1  # the scope held
    assert math.isnan(west["A"]["lead_time_std"])  # one receipt has no spread


def test_history_marks_stockout_days_as_unknown_demand(small_db: Path) -> None:
    source = open_duckdb(small_db)
    try:
        history = read_history(source, date(2026, 1, 1), date(2026, 1, 10))
    finally:
        source.dispose()
    pairs = list(zip(history.pairs["sku_id"], history.pairs["location_id"], strict=True))
    assert pairs == [("S1", "L1"), ("S3", "L1")]
    assert history.pairs["category"].tolist() == ["Food", "Drink"]
    y = history.demand[:, 0]
    # the 5th: nothing on hand, nothing sold → unknown; the 7th ended at 0 but sold 2 →
    # demand 2 (at least); the 8th: no stock row (zero stock), no sale → unknown
    want = [3, 2, 4, 1, np.nan, 5, 2, np.nan, 3, 2]
    assert np.array_equal(y, np.array(want, dtype=float), equal_nan=True)
    assert history.demand[:, 1].tolist() == [0.0] * 10  # in stock, no sale: real zeros
