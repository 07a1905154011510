"""The config keys of extract mode (issue 21): mode, refresh, extract, and the mapping's
watermark — accepted when right, refused with a message naming the key when not."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_connectors.config import ConfigError, parse_source
from data_connectors.extract_build import watermarked
from data_connectors.extract_files import extract_folder
from data_connectors.mapping import MappingError, parse_mapping

URL = "postgresql+psycopg://bi@db/erp"


def test_an_extract_entry_is_read_with_its_settings(tmp_path: Path) -> None:
    cfg = parse_source("erp", {"url": URL, "mode": "extract", "refresh": "0 * * * *",
                               "extract": {"window_days": 7, "folder": "copies",
                                           "chunk_rows": 5000}}, tmp_path)
    assert cfg.is_extract and cfg.refresh == "0 * * * *"
    assert cfg.extract.window_days == 7 and cfg.extract.chunk_rows == 5000
    assert extract_folder(cfg) == tmp_path / "copies"  # relative to the config file


def test_a_direct_entry_stays_direct(tmp_path: Path) -> None:
    cfg = parse_source("erp", {"url": URL}, tmp_path)
    assert cfg.mode == "direct" and not cfg.is_extract and cfg.refresh is None


@pytest.mark.parametrize(("raw", "message"), [
    ({"mode": "copy"}, "sources.erp.mode: 'copy' is not one of direct, extract"),
    ({"mode": "extract", "refresh": "every hour"}, "sources.erp.refresh: not a cron"),
    ({"refresh": "0 * * * *"}, "refresh and extract go with mode: extract"),
    ({"mode": "extract", "extract": {"window": 3}}, "sources.erp.extract: expected"),
    ({"mode": "extract", "extract": {"window_days": -1}}, "window_days between 0 and"),
    ({"mode": "extract", "extract": {"chunk_rows": "many"}}, "whole numbers"),
])
def test_bad_extract_settings_name_the_key(tmp_path: Path, raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("*", r"\*")):
        parse_source("erp", {"url": URL, **raw}, tmp_path)


def test_watermarks_default_to_sales_and_receipts_and_may_add_inventory(tmp_path: Path) -> None:
    plain = parse_source("erp", {"url": URL, "mode": "extract"}, tmp_path)
    assert [e for e in ("sku", "sales", "receipts", "inventory") if watermarked(plain, e)] \
        == ["sales", "receipts"]
    mapped = parse_source("erp", {"url": URL, "mode": "extract", "mapping": {
        "inventory": {"table": "stock", "watermark": "date"}}}, tmp_path)
    assert watermarked(mapped, "inventory") and not watermarked(mapped, "sku")


@pytest.mark.parametrize("raw", [{"sku": {"table": "items", "watermark": "date"}},
                                 {"sales": {"table": "lines", "watermark": "line_id"}}])
def test_a_watermark_is_a_facts_date(raw: dict) -> None:
    with pytest.raises(MappingError, match="watermark: only the facts"):
        parse_mapping(raw)
