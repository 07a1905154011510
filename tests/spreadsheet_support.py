"""Shared by the export-safety tests (formula/CSV injection):

- CASES, the neutraliser's cases, run by the Python rule (exports/spreadsheet.py) and by
  the grids' browser rule (assets/safe_export.js) — under node in the unit tests, in
  Chromium in the browser test — so the two cannot drift apart;
- a canonical data folder whose SKU names (and a supplier) look like formulas, imported
  through the real import path (`app.py import`).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JS_RULE = ROOT / "assets" / "safe_export.js"

# (a cell's value, what a downloaded file holds for it)
CASES: list[tuple[object, object]] = [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("=1+1", "'=1+1"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("=", "'="),
    ("-5", "'-5"),  # text that looks like a number is text: OWASP quotes it too
    ("'=1+1", "'=1+1"),  # already quoted: left alone (the rule is idempotent)
    ("'", "'"),
    ("", ""),
    ("Milk 1L", "Milk 1L"),
    (" =1+1", " =1+1"),  # only the very first character counts
    ("a=1+1", "a=1+1"),
    ("牛奶=1", "牛奶=1"),
    ("\n=1", "\n=1"),  # a line feed is not on OWASP's list
    (-5, -5),  # numbers are never touched
    (-2.5, -2.5),
    (0, 0),
    (1234567.25, 1234567.25),
    (None, None),
    (True, True),
]

FORMULA_NAMES = {  # sku_id → sku_name
    "X1": "=cmd|' /C calc'!A0",
    "X2": "+1+1",
    "X3": "@SUM(A1)",
    "X4": "-2+3",
}
PLAIN_SKU = ("P1", "Plain milk")
SUPPLIER = "=HYPERLINK(1)"
LOCATION = ("L1", "Store one", "East")
LAST_DAY = date(2025, 6, 30)
DAYS = 200


def neutralised(text: str) -> str:
    return "'" + text


def run_js_rule(values: list[object], function: str = "neutralise") -> list[object]:
    """assets/safe_export.js's `function` applied to each value, under node."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed")
    script = (f"const rule = require({json.dumps(str(JS_RULE))});"
              "const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              f"process.stdout.write(JSON.stringify(values.map(v => rule.{function}(v))));")
    done = subprocess.run([node, "-e", script], input=json.dumps(values), text=True,
                          capture_output=True, check=True, timeout=60)
    return json.loads(done.stdout)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_formula_folder(folder: Path) -> Path:
    """Canonical CSVs: 200 days of daily sales of five SKUs at one store (four named like
    formulas), receipts from a supplier named like one, and little stock on the last day
    (so every SKU is due for an order)."""
    folder.mkdir(parents=True, exist_ok=True)
    skus = {**FORMULA_NAMES, PLAIN_SKU[0]: PLAIN_SKU[1]}
    _write(folder / "sku.csv", ["sku_id", "sku_name", "category", "unit_cost"],
           [[sku, name, "Dairy", 2.5] for sku, name in skus.items()])
    _write(folder / "location.csv", ["location_id", "location_name", "region"],
           [list(LOCATION)])
    first = LAST_DAY - timedelta(days=DAYS - 1)
    sales = []
    for i in range(DAYS):
        day = (first + timedelta(days=i)).isoformat()
        for n, sku in enumerate(skus):
            qty = 4 + (i + n) % 3
            sales.append([day, sku, LOCATION[0], qty, qty * 5.0, qty * 2.5])
    _write(folder / "sales.csv", ["date", "sku_id", "location_id", "qty", "revenue", "cost"],
           sales)
    receipts = []
    for sku in skus:
        for received in (first + timedelta(days=40), first + timedelta(days=120)):
            receipts.append([received.isoformat(), sku, LOCATION[0], 300, 750.0, SUPPLIER,
                             (received - timedelta(days=7)).isoformat()])
    _write(folder / "receipts.csv",
           ["date", "sku_id", "location_id", "qty", "cost", "supplier", "order_date"],
           receipts)
    _write(folder / "inventory.csv",
           ["date", "sku_id", "location_id", "on_hand_qty", "on_hand_value"],
           [[LAST_DAY.isoformat(), sku, LOCATION[0], 3, 7.5] for sku in skus])
    return folder


def import_formula_data(tmp: Path) -> Path:
    """The folder imported with `app.py import` (in-process); the DuckDB file's path."""
    from cli.main import main

    folder = write_formula_folder(tmp / "files")
    db = tmp / "formulas.duckdb"
    assert main(["import", "--from", str(folder), "--into", str(db)]) == 0
    return db
