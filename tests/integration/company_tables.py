"""A small company-shaped schema (not canonical) and the same data in canonical form.

The company tables use their own names, integer item codes, category codes, text dates in
two formats and no channel column — what a real ERP export looks like — so a mapping has
to rename, cast, recode, parse and add constants. The canonical copy is built here by
plain Python, independently of the mapping code, to compare against.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from data_connectors.mapping import Mapping, parse_mapping

START = date(2025, 3, 1)
DAYS = 70
CATEGORIES = {1: "Spirits", 2: "Wine"}

MAPPING: dict[str, Any] = {
    "sku": {"table": "items", "columns": {"sku_id": "item_code", "sku_name": "item_name",
                                          "category": "cat_code", "unit_cost": "std_cost",
                                          "unit_price": "list_price"},
            "values": {"category": {"1": "Spirits", "2": "Wine"}}},
    "location": {"table": "stores", "columns": {"location_id": "store_no",
                                                "location_name": "store_name",
                                                "region": "area"},
                 "constants": {"channel": "store", "location_type": "store"}},
    "sales": {"table": "sales_lines", "columns": {"date": "sold_on", "sku_id": "item",
                                                  "location_id": "store", "qty": "quantity",
                                                  "revenue": "amount"},
              "date_format": "DD-MM-YYYY"},
    "inventory": {"table": "stock_levels", "columns": {"date": "snap_date", "sku_id": "item",
                                                       "location_id": "store",
                                                       "on_hand_qty": "units"}},
    "receipts": {"table": "goods_in", "columns": {"date": "received", "order_date": "ordered",
                                                  "sku_id": "item", "location_id": "store",
                                                  "qty": "units", "cost": "value",
                                                  "supplier": "vendor"},
                 "date_format": {"date": "M/D/YYYY"}},
}


def mapping() -> Mapping:
    return parse_mapping(MAPPING)


def company_rows(seed: int = 11) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    items = [{"item_code": 100 + i, "item_name": f"Item {i}", "cat_code": 1 + i % 2,
              "std_cost": round(rng.uniform(2, 40), 2), "list_price": None}
             for i in range(8)]
    for item in items:
        item["list_price"] = round(item["std_cost"] * rng.uniform(1.2, 1.6), 2)
    stores = [{"store_no": n, "store_name": f"Store {n}", "area": area}
              for n, area in ((1, "North"), (2, "North"), (3, "South"))]
    sales, stock, goods = [], [], []
    for day in range(DAYS):
        when = START + timedelta(days=day)
        for item in items:
            for store in stores:
                if rng.random() < 0.35:
                    qty = rng.randint(1, 6)
                    sales.append({"sold_on": f"{when:%d-%m-%Y}", "item": item["item_code"],
                                  "store": store["store_no"], "quantity": qty,
                                  "amount": round(qty * item["list_price"], 2)})
                if when.weekday() == 6 and rng.random() < 0.8:
                    stock.append({"snap_date": when, "item": item["item_code"],
                                  "store": store["store_no"], "units": rng.randint(0, 40)})
                if rng.random() < 0.04:
                    qty = rng.randint(5, 30)
                    goods.append({"received": f"{when.month}/{when.day}/{when.year}",
                                  "ordered": when - timedelta(days=rng.randint(2, 9)),
                                  "item": item["item_code"], "store": store["store_no"],
                                  "units": qty, "value": round(qty * item["std_cost"], 2),
                                  "vendor": f"Vendor {item['item_code'] % 3}"})
    return {"items": items, "stores": stores, "sales_lines": sales, "stock_levels": stock,
            "goods_in": goods}


def company_tables(metadata: sa.MetaData) -> list[sa.Table]:
    """The company's DDL: dates as text where the ERP keeps them as text."""
    text = sa.String(60)
    return [
        sa.Table("items", metadata, sa.Column("item_code", sa.Integer),
                 sa.Column("item_name", text), sa.Column("cat_code", sa.Integer),
                 sa.Column("std_cost", sa.Numeric(10, 2)),
                 sa.Column("list_price", sa.Numeric(10, 2))),
        sa.Table("stores", metadata, sa.Column("store_no", sa.Integer),
                 sa.Column("store_name", text), sa.Column("area", text)),
        sa.Table("sales_lines", metadata, sa.Column("sold_on", sa.String(10)),
                 sa.Column("item", sa.Integer), sa.Column("store", sa.Integer),
                 sa.Column("quantity", sa.Integer), sa.Column("amount", sa.Numeric(12, 2))),
        sa.Table("stock_levels", metadata, sa.Column("snap_date", sa.Date),
                 sa.Column("item", sa.Integer), sa.Column("store", sa.Integer),
                 sa.Column("units", sa.Integer)),
        sa.Table("goods_in", metadata, sa.Column("received", sa.String(10)),
                 sa.Column("ordered", sa.Date), sa.Column("item", sa.Integer),
                 sa.Column("store", sa.Integer), sa.Column("units", sa.Integer),
                 sa.Column("value", sa.Numeric(12, 2)), sa.Column("vendor", text)),
    ]


def load_company(engine: sa.Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    md = sa.MetaData()
    tables = company_tables(md)
    md.drop_all(engine)
    md.create_all(engine)
    with engine.begin() as con:
        for table in tables:
            if rows[table.name]:
                con.execute(table.insert(), rows[table.name])


def canonical_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The same facts in canonical form, converted by hand (the expected side)."""
    def day(text: str, fmt: str) -> date:
        if fmt == "DMY":
            d, m, y = (int(p) for p in text.split("-"))
        else:
            m, d, y = (int(p) for p in text.split("/"))
        return date(y, m, d)

    return {
        "sku": [{"sku_id": str(i["item_code"]), "sku_name": i["item_name"],
                 "category": CATEGORIES[i["cat_code"]], "unit_cost": float(i["std_cost"]),
                 "unit_price": float(i["list_price"])} for i in rows["items"]],
        "location": [{"location_id": str(s["store_no"]), "location_name": s["store_name"],
                      "region": s["area"], "channel": "store", "location_type": "store"}
                     for s in rows["stores"]],
        "sales": [{"date": day(r["sold_on"], "DMY"), "sku_id": str(r["item"]),
                   "location_id": str(r["store"]), "qty": r["quantity"],
                   "revenue": float(r["amount"])} for r in rows["sales_lines"]],
        "inventory": [{"date": r["snap_date"], "sku_id": str(r["item"]),
                       "location_id": str(r["store"]), "on_hand_qty": r["units"]}
                      for r in rows["stock_levels"]],
        "receipts": [{"date": day(r["received"], "MDY"), "order_date": r["ordered"],
                      "sku_id": str(r["item"]), "location_id": str(r["store"]),
                      "qty": r["units"], "cost": float(r["value"]), "supplier": r["vendor"]}
                     for r in rows["goods_in"]],
    }
