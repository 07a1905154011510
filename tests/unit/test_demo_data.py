"""The demo data generator: every property is checked with SQL on the written DuckDB file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from canonical.model import ENTITIES
from data_connectors.demo.generator import DemoSummary, generate_demo

SQL_TYPE = {"date": "DATE", "number": "DOUBLE", "text": "VARCHAR"}
SMALL = {"scale": 0.1}


def q(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def one(path: Path, sql: str):
    return q(path, sql)[0][0]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> DemoSummary:
    return generate_demo(tmp_path_factory.mktemp("demo") / "small.duckdb", **SMALL)


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> DemoSummary:
    """The default build (scale 1, 18 months) that the app serves."""
    return generate_demo(tmp_path_factory.mktemp("demo") / "demo.duckdb")


def checksum(path: Path, table: str, columns: str) -> tuple:
    return q(path, f"SELECT count(*), sum(hash({columns})::HUGEINT) FROM {table}")[0]


SALES_COLS = "date, sku_id, location_id, channel, qty, revenue, cost"
INV_COLS = "date, sku_id, location_id, on_hand_qty, on_hand_value"
RECEIPT_NUMBERS = "date, sku_id, location_id, qty, cost, order_date"


# (1) stock identity ------------------------------------------------------------------------
@pytest.mark.parametrize("build", ["small", "full"])
def test_inventory_follows_receipts_and_sales(build, request):
    path = request.getfixturevalue(build).path
    checked, broken = q(
        path,
        """
        WITH s AS (SELECT date, sku_id, location_id, sum(qty) q FROM sales GROUP BY ALL),
             r AS (SELECT date, sku_id, location_id, sum(qty) q FROM receipts GROUP BY ALL),
             i AS (SELECT *, lag(on_hand_qty) OVER w AS prev, lag(date) OVER w AS prev_date
                   FROM inventory
                   WINDOW w AS (PARTITION BY sku_id, location_id ORDER BY date))
        SELECT count(*),
               count(*) FILTER (WHERE i.on_hand_qty
                                      <> i.prev + coalesce(r.q, 0) - coalesce(s.q, 0))
        FROM i LEFT JOIN s USING (date, sku_id, location_id)
               LEFT JOIN r USING (date, sku_id, location_id)
        WHERE i.prev_date = i.date - 1
        """,
    )[0]
    assert checked > 0.9 * one(path, "SELECT count(*) FROM inventory")
    assert broken == 0
    assert one(path, "SELECT count(*) FROM inventory WHERE on_hand_qty < 0") == 0
    # Nothing sells where there is no stock row, and a snapshot's value is qty × unit cost.
    sql = "SELECT count(*) FROM sales ANTI JOIN inventory USING (date, sku_id, location_id)"
    assert one(path, sql) == 0
    off = one(
        path,
        """SELECT max(abs(on_hand_value - on_hand_qty * unit_cost))
           FROM inventory JOIN sku USING (sku_id)""",
    )
    assert off < 0.006


def test_inventory_rows_are_contiguous_from_launch_to_sellout(small):
    """One row per day per pair between its first and last row; no row after a sellout end."""
    gaps = one(
        small.path,
        """SELECT count(*) FROM (
               SELECT sku_id, location_id, count(*) n, max(date) - min(date) + 1 span
               FROM inventory GROUP BY ALL) WHERE n <> span""",
    )
    assert gaps == 0
    # Pairs that stop before the last day stopped because they were sold out.
    ended = q(
        small.path,
        f"""WITH last AS (SELECT sku_id, location_id, max(date) d FROM inventory GROUP BY ALL)
            SELECT count(*), count(*) FILTER (WHERE i.on_hand_qty = 0)
            FROM last JOIN inventory i USING (sku_id, location_id)
            WHERE i.date = last.d AND last.d < DATE '{small.last_date}'""",
    )[0]
    assert ended[0] > 0 and ended[0] == ended[1]


# (2) determinism ---------------------------------------------------------------------------
def test_same_seed_same_data_and_other_seed_other_data(small, tmp_path):
    again = generate_demo(tmp_path / "again.duckdb", **SMALL)
    other = generate_demo(tmp_path / "other.duckdb", seed=1, **SMALL)
    for table, cols in (
        ("sales", SALES_COLS),
        ("inventory", INV_COLS),
        ("receipts", RECEIPT_NUMBERS + ", supplier"),
        ("sku", "sku_id, sku_name, category, subcategory, brand, unit_cost, unit_price"),
        ("location", "location_id, location_name, region, channel, location_type"),
    ):
        assert checksum(small.path, table, cols) == checksum(again.path, table, cols), table
    for table, cols in (("sales", SALES_COLS), ("inventory", INV_COLS)):
        assert checksum(small.path, table, cols) != checksum(other.path, table, cols), table
    assert again.rows == small.rows


# (3) shape, row counts, dates and types ----------------------------------------------------
def test_default_build_shape(full):
    p = full.path
    assert full.first_date == date(2025, 5, 1) and full.last_date == date(2026, 10, 31)
    assert (full.seed, full.scale, full.locale) == (0, 1.0, "en")
    for table in ENTITIES:
        assert one(p, f"SELECT count(*) FROM {table}") == full.rows[table]
    assert full.rows["sku"] == 300 and full.rows["location"] == 24
    assert 800_000 <= full.rows["sales"] <= 1_500_000
    for table in ("sales", "inventory"):
        lo, hi, days = q(p, f"SELECT min(date), max(date), count(DISTINCT date) FROM {table}")[0]
        assert (lo, hi, days) == (date(2025, 5, 1), date(2026, 10, 31), 549)
    assert one(p, "SELECT max(date) FROM receipts") <= date(2026, 10, 31)
    assert one(p, "SELECT count(DISTINCT category) FROM sku") == 8
    assert one(p, "SELECT count(DISTINCT region) FROM location") == 6
    rows = q(p, "SELECT channel, location_type, count(*) FROM location GROUP BY ALL ORDER BY 1")
    assert [r[:2] for r in rows] == [
        ("online", "warehouse"),
        ("store", "store"),
        ("wholesale", "warehouse"),
    ]
    assert q(p, "SELECT DISTINCT channel FROM sales ORDER BY 1") == [
        ("online",),
        ("store",),
        ("wholesale",),
    ]
    # Not every SKU is carried everywhere.
    pairs = one(p, "SELECT count(*) FROM (SELECT DISTINCT sku_id, location_id FROM inventory)")
    assert 0.3 * 300 * 24 < pairs < 0.95 * 300 * 24


def test_columns_and_types_are_canonical_and_filled(small):
    for entity in ENTITIES.values():
        cols = q(
            small.path,
            f"""SELECT column_name, data_type FROM information_schema.columns
                WHERE table_name = '{entity.name}' ORDER BY ordinal_position""",
        )
        assert cols == [(c.name, SQL_TYPE[c.kind]) for c in entity.columns]
        nulls = " + ".join(f'count(*) FILTER (WHERE "{c}" IS NULL)' for c in entity.column_names)
        assert one(small.path, f"SELECT {nulls} FROM {entity.name}") == 0


def test_short_period_and_scale_growth(small, tmp_path):
    short = generate_demo(tmp_path / "short.duckdb", scale=0.1, months=3, end=date(2026, 10, 31))
    lo, hi, days = q(
        short.path, "SELECT min(date), max(date), count(DISTINCT date) FROM inventory"
    )[0]
    assert (lo, hi, days) == (date(2026, 8, 1), date(2026, 10, 31), 92)
    assert short.first_date == date(2026, 8, 1)
    bigger = generate_demo(tmp_path / "bigger.duckdb", scale=0.4)
    ratio = bigger.rows["sales"] / small.rows["sales"]
    assert 2.5 < ratio < 6.0
    assert bigger.rows["sku"] == round(300 * 0.4**0.5)
    assert small.rows["sku"] == round(300 * 0.1**0.5)


# (4) locales -------------------------------------------------------------------------------
def test_locales_share_numbers_but_not_names(small, tmp_path):
    zh = generate_demo(tmp_path / "zh.duckdb", locale="zh", **SMALL)
    assert zh.rows == small.rows
    for table, cols in (
        ("sales", SALES_COLS),
        ("inventory", INV_COLS),
        ("receipts", RECEIPT_NUMBERS),
        ("sku", "sku_id, unit_cost, unit_price"),
        ("location", "location_id, channel, location_type"),
    ):
        assert checksum(small.path, table, cols) == checksum(zh.path, table, cols), table
    regions = {r[0] for r in q(zh.path, "SELECT DISTINCT region FROM location")}
    assert regions == {"华东", "华北", "华南", "华中", "西南", "东北"}
    en_regions = {r[0] for r in q(small.path, "SELECT DISTINCT region FROM location")}
    assert en_regions == {"East", "North", "South", "Central", "Southwest", "Northeast"}
    zh_cats = {r[0] for r in q(zh.path, "SELECT DISTINCT category FROM sku")}
    assert {"饮料", "零食", "日化", "粮油", "乳品", "酒类", "个护", "家居"} == zh_cats
    assert "Beverages" in {r[0] for r in q(small.path, "SELECT DISTINCT category FROM sku")}
    for table, col in (
        ("sku", "sku_name"),
        ("sku", "brand"),
        ("sku", "subcategory"),
        ("location", "location_name"),
        ("receipts", "supplier"),
    ):
        zh_names = {r[0] for r in q(zh.path, f"SELECT DISTINCT {col} FROM {table}")}
        en_names = {r[0] for r in q(small.path, f"SELECT DISTINCT {col} FROM {table}")}
        assert len(zh_names) == len(en_names) and not zh_names & en_names, col
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in zh_names), col
        assert all(n.isascii() for n in en_names), col
    assert q(zh.path, "SELECT DISTINCT channel FROM sales ORDER BY 1") == q(
        small.path, "SELECT DISTINCT channel FROM sales ORDER BY 1"
    )
    ids = q(zh.path, "SELECT sku_id FROM sku UNION ALL SELECT location_id FROM location")
    assert all(i[0].isascii() for i in ids)
    assert one(zh.path, "SELECT value FROM stocklens_meta WHERE key = 'locale'") == "zh"


# (5) believable behaviour ------------------------------------------------------------------
def test_stockouts_happen_but_are_the_exception(full):
    zero, share = q(
        full.path,
        """SELECT count(*) FILTER (WHERE on_hand_qty = 0), avg((on_hand_qty = 0)::INT)
           FROM inventory""",
    )[0]
    assert zero > 1000
    assert 0.005 < share < 0.15


def test_discontinued_skus_leave_dead_stock(full):
    """SKUs that sold in the first half but nowhere in the last 90 days still hold stock."""
    dead = q(
        full.path,
        """WITH last_day AS (SELECT max(date) d FROM inventory),
           early AS (SELECT DISTINCT sku_id FROM sales WHERE date < DATE '2025-11-01'),
           recent AS (SELECT DISTINCT sku_id FROM sales, last_day WHERE date > d - 90),
           stock AS (SELECT sku_id, sum(on_hand_qty) q, sum(on_hand_value) v
                     FROM inventory, last_day WHERE date = d GROUP BY ALL)
           SELECT count(*), sum(v) FROM early
           JOIN stock USING (sku_id) ANTI JOIN recent USING (sku_id) WHERE q > 0""",
    )[0]
    assert dead[0] >= 5 and dead[1] > 1000
    # ...and SKUs launched mid-period have no rows before their launch.
    launched = one(
        full.path,
        """SELECT count(*) FROM (SELECT sku_id, min(date) first FROM inventory GROUP BY ALL)
           WHERE first > DATE '2025-06-15'""",
    )
    assert launched >= 10


def test_receipts_come_from_orders_placed_earlier(full):
    total, ordered_earlier, min_lead, max_lead, avg_lead = q(
        full.path,
        """SELECT count(*), count(*) FILTER (WHERE order_date < date),
                  min(date - order_date), max(date - order_date), avg(date - order_date)
           FROM receipts""",
    )[0]
    assert total > 10_000 and ordered_earlier == total
    assert min_lead >= 1 and max_lead > 30 and 5 < avg_lead < 21
    # Purchase prices vary a little around the SKU's unit cost; one supplier per brand.
    lo, hi = q(
        full.path,
        """SELECT min(r.cost / (r.qty * s.unit_cost)), max(r.cost / (r.qty * s.unit_cost))
           FROM receipts r JOIN sku s USING (sku_id)""",
    )[0]
    assert 0.965 < lo < 0.99 and 1.01 < hi < 1.035
    per_brand = q(
        full.path,
        """SELECT max(n) FROM (SELECT brand, count(DISTINCT supplier) n
           FROM receipts JOIN sku USING (sku_id) GROUP BY ALL)""",
    )[0][0]
    assert per_brand == 1
    # Opening stock is older than the data: the first day holds more than ever arrived by then.
    first = q(
        full.path,
        """SELECT (SELECT sum(on_hand_qty) FROM inventory WHERE date = DATE '2025-05-01'),
                  (SELECT sum(qty) FROM receipts WHERE date = DATE '2025-05-01')""",
    )[0]
    assert first[0] > 5 * (first[1] or 0)


def test_a_few_skus_sell_most(full):
    top = one(
        full.path,
        """WITH r AS (SELECT sku_id, sum(revenue) rev FROM sales GROUP BY ALL),
                k AS (SELECT rev, row_number() OVER (ORDER BY rev DESC) rn, count(*) OVER () n
                      FROM r)
           SELECT sum(rev) FILTER (WHERE rn <= 0.2 * n) / sum(rev) FROM k""",
    )
    assert top > 0.6


def test_prices_margins_and_promotions(full):
    p = full.path
    lo, hi = q(
        p, "SELECT min(1 - unit_cost / unit_price), max(1 - unit_cost / unit_price) FROM sku"
    )[0]
    assert lo >= 0.15 and hi <= 0.45
    assert (
        one(
            p,
            "SELECT max(abs(s.cost - s.qty * k.unit_cost)) FROM sales s JOIN sku k USING (sku_id)",
        )
        < 0.006
    )
    by_channel = dict(
        q(
            p,
            """SELECT channel, sum(revenue) / sum(qty * unit_price)
               FROM sales JOIN sku USING (sku_id) GROUP BY ALL""",
        )
    )
    assert by_channel["wholesale"] < 0.85 < by_channel["store"] <= 1.0
    promo_rows = one(
        p,
        """SELECT count(*) FROM sales JOIN sku USING (sku_id)
           WHERE channel = 'store' AND revenue < 0.95 * qty * unit_price""",
    )
    assert promo_rows > 10_000


def test_calendar_patterns(full):
    p = full.path
    months = dict(
        q(
            p,
            """SELECT month(date), sum(qty) FROM sales JOIN sku USING (sku_id)
               WHERE category = 'Beverages' AND year(date) = 2026 GROUP BY ALL""",
        )
    )
    assert months[7] > 1.5 * months[2]  # beverages peak in summer
    spirits = dict(
        q(
            p,
            """SELECT month(date), sum(qty) FROM sales JOIN sku USING (sku_id)
               WHERE category = 'Spirits & Wine' AND year(date) = 2026 GROUP BY ALL""",
        )
    )
    assert spirits[2] > 1.2 * spirits[7]  # and spirits before Chinese New Year
    week = dict(
        q(
            p,
            """SELECT channel || '-' || (isodow(date) >= 6)::INT, sum(qty) / count(DISTINCT date)
               FROM sales GROUP BY ALL""",
        )
    )
    assert week["store-1"] > 1.15 * week["store-0"]
    assert week["wholesale-1"] < 0.5 * week["wholesale-0"]
    online = dict(q(p, "SELECT date, sum(qty) FROM sales WHERE channel = 'online' GROUP BY ALL"))
    october = sum(v for d, v in online.items() if d.year == 2025 and d.month == 10) / 31
    assert online[date(2025, 11, 11)] > 1.5 * october
    assert online[date(2026, 6, 18)] > 1.2 * online[date(2026, 5, 18)]


def test_ship_from_store_splits_store_sales(full):
    store_online, store_total = q(
        full.path,
        """SELECT sum(qty) FILTER (WHERE s.channel = 'online'), sum(qty)
           FROM sales s JOIN location l USING (location_id)
           WHERE l.location_type = 'store' AND location_id IN (
               SELECT location_id FROM sales WHERE channel = 'online')""",
    )[0]
    assert 0.04 < store_online / store_total < 0.11
    dup = one(
        full.path,
        """SELECT count(*) FROM (SELECT date, sku_id, location_id, channel FROM sales
           GROUP BY ALL HAVING count(*) > 1)""",
    )
    assert dup == 0
    assert one(full.path, "SELECT min(qty) FROM sales") >= 1


# (6) referential integrity -----------------------------------------------------------------
@pytest.mark.parametrize("table", ["sales", "receipts", "inventory"])
def test_fact_rows_reference_known_skus_and_locations(small, table):
    orphans = one(
        small.path,
        f"""SELECT count(*) FROM {table} f
            WHERE sku_id NOT IN (SELECT sku_id FROM sku)
               OR location_id NOT IN (SELECT location_id FROM location)""",
    )
    assert one(small.path, f"SELECT count(*) FROM {table}") > 0
    assert orphans == 0
    assert one(small.path, "SELECT count(*) - count(DISTINCT sku_id) FROM sku") == 0
    assert one(small.path, "SELECT count(*) - count(DISTINCT location_id) FROM location") == 0


# (7) meta, atomic writes, progress ---------------------------------------------------------
def test_meta_records_the_source(small):
    meta = dict(q(small.path, "SELECT key, value FROM stocklens_meta"))
    assert meta["source"] == "demo"
    assert (meta["seed"], meta["scale"], meta["locale"]) == ("0", "0.1", "en")
    assert len(meta["data_version"]) > 10


def test_write_is_atomic_and_reports_progress(tmp_path, capsys):
    out = tmp_path / "nested" / "demo.duckdb"
    calls: list[tuple[str, int, int]] = []
    summary = generate_demo(out, scale=0.05, months=2, progress=lambda *a: calls.append(a))
    assert summary.path == out and out.exists()
    assert summary.first_date == date(2026, 9, 1)
    assert [c for c in calls if c[0] == "simulate"] == [("simulate", 1, 2), ("simulate", 2, 2)]
    assert capsys.readouterr() == ("", "")

    def boom(step: str, done: int, total: int) -> None:
        if step == "simulate" and done == 1:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        generate_demo(out, scale=0.05, months=2, seed=7, progress=boom)
    # The old file is untouched and no temporary file is left behind.
    assert sorted(p.name for p in out.parent.iterdir()) == ["demo.duckdb"]
    assert one(out, "SELECT value FROM stocklens_meta WHERE key = 'seed'") == "0"
