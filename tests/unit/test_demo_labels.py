"""The demo's display labels (issue 24): the en build stores English names and labels them
with exactly the names the zh build of the same seed stores, row for row; the query
service hands them out per language, and a source without the table has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_connectors.demo.generator import generate_demo
from data_connectors.source import open_duckdb
from service import ALL_DATA, value_labels
from tests.builders import duckdb_source
from tests.unit.test_demo_data import q as rows

SMALL = {"scale": 0.1, "seed": 3}
# (table, key column, labelled column): rows of both builds line up by the key's order
NAMED = (("sku", "sku_id", "sku_name"), ("sku", "sku_id", "category"),
         ("sku", "sku_id", "subcategory"), ("sku", "sku_id", "brand"),
         ("location", "location_id", "location_name"), ("location", "location_id", "region"),
         ("receipts", "rowid", "supplier"))  # both builds insert receipts in one order


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("labels")
    en = generate_demo(root / "en.duckdb", locale="en", **SMALL).path
    zh = generate_demo(root / "zh.duckdb", locale="zh", **SMALL).path
    return en, zh


def names(path: Path, table: str, key: str, column: str) -> list[str]:
    return [r[0] for r in rows(path, f"SELECT {column} FROM {table} ORDER BY {key}")]


def test_the_en_build_labels_its_names_with_the_zh_builds_names(builds) -> None:
    en, zh = builds
    table = {}
    for dim, value, lang, label in rows(en, "SELECT dimension, value, lang, label "
                                            "FROM stocklens_labels"):
        assert lang == "zh"
        table.setdefault(dim, {})[value] = label
    for entity, key, column in NAMED:
        stored, native = names(en, entity, key, column), names(zh, entity, key, column)
        assert len(stored) == len(native) > 0
        assert [table[column][v] for v in stored] == native, column
        # every supplier is labelled, even one whose brand received nothing at this scale
        assert set(stored) <= set(table[column]), column
    assert table["region"]["East"] == "华东" and table["category"]["Grain & Oil"] == "粮油"


def test_the_service_gives_labels_per_language(builds, tmp_path) -> None:
    en, zh = builds
    regions = dict(zip(names(en, "location", "location_id", "region"),
                       names(zh, "location", "location_id", "region"), strict=True))
    en_source, zh_source = open_duckdb(en), open_duckdb(zh)
    try:
        labels = value_labels(ALL_DATA, en_source, "zh-CN")
        assert labels["region"] == regions
        assert value_labels(ALL_DATA, en_source, "en") == {}  # the stored language
        # the zh build labels its Chinese names in English
        assert value_labels(ALL_DATA, zh_source, "en")["region"]["华东"] == "East"
    finally:
        en_source.engine.dispose()
        zh_source.engine.dispose()
    company = duckdb_source(tmp_path / "company.duckdb", sku=[{"sku_id": "A", "category": "X"}])
    assert value_labels(ALL_DATA, company, "zh") == {}  # a source without the table
