"""Config files and mappings: every mistake is named by its key path; secrets stay hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_connectors.config import ConfigError, load_config, mask_url
from data_connectors.mapping import MappingError, parse_mapping

CONFIG = """
default_source: erp
sources:
  demo:
    url: duckdb:///data/demo.duckdb
  erp:
    url: postgresql+psycopg://bi:${ERP_PASSWORD}@db.internal:5432/erp
    statement_timeout_s: 12
    mapping:
      sales:
        table: erp.sales_lines
        columns: {date: sold_on, sku_id: item, location_id: store, qty: quantity,
                  revenue: amount}
        constants: {channel: store}
        date_format: [DD-MM-YYYY, M/D/YYYY]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stocklens.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_reads_sources_interpolates_secrets_and_masks_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERP_PASSWORD", "Tr0ub4dor&3")
    config = load_config(write(tmp_path, CONFIG))
    assert config.default_source == "erp"
    erp = config.sources["erp"]
    assert erp.url == "postgresql+psycopg://bi:Tr0ub4dor&3@db.internal:5432/erp"
    assert erp.safe_url == "postgresql+psycopg://bi:***@db.internal:5432/erp"
    assert "Tr0ub4dor" not in repr(erp) and "Tr0ub4dor" not in repr(config)
    assert erp.statement_timeout_s == 12
    sales = erp.mapping.parts("sales")[0]
    assert (sales.table, sales.source_column("qty"), sales.source_column("cost")) == \
        ("erp.sales_lines", "quantity", "cost")
    assert sales.formats_for("date") == ("DD-MM-YYYY", "M/D/YYYY")
    assert sales.constants == {"channel": "store"}
    # relative file URLs are relative to the config file
    assert config.sources["demo"].url == f"duckdb:///{tmp_path}/data/demo.duckdb"


def test_missing_environment_variable_is_named(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ERP_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match=r"sources\.erp\.url: environment variable "
                                          r"ERP_PASSWORD is not set"):
        load_config(write(tmp_path, CONFIG))


def test_default_fallback_in_interpolation(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGHOST_X", raising=False)
    config = load_config(write(tmp_path, "sources:\n  a:\n    url: postgresql://u@${PGHOST_X:-"
                                         "localhost}/db\n"))
    assert config.sources["a"].url == "postgresql://u@localhost/db"
    assert config.default_source == "a"


@pytest.mark.parametrize(("text", "message"), [
    ("sources: {}", "needs a 'sources:' section"),
    ("sources:\n  a: {mapping: x.yaml}", r"sources\.a\.url: missing"),
    ("sources:\n  a: {url: 'sqlite:///x.db', colour: red}", r"sources\.a: unknown key\(s\) "
                                                           "colour"),
    ("default_source: b\nsources:\n  a: {url: 'sqlite:///x.db'}", "default_source 'b' is not"),
    ("sources:\n  a: {url: 'sqlite:///x.db', mapping: missing.yaml}",
     "mapping file not found: .*missing.yaml"),
    ("sources: [unclosed", "not valid YAML"),
])
def test_config_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))


def test_mask_url_hides_passwords_even_in_unparseable_urls() -> None:
    assert mask_url("mysql+pymysql://root:hunter2@h/db") == "mysql+pymysql://root:***@h/db"
    assert "hunter2" not in mask_url("not a url://root:hunter2@h")


@pytest.mark.parametrize(("raw", "message"), [
    ({"sale": {"table": "x"}}, r"mapping\.sale: not an entity"),
    ({"sales": {"table": "x", "columns": {"quantity": "q"}}},
     r"mapping\.sales\.columns\.quantity: sales has no column 'quantity'"),
    ({"sales": {"table": "x", "file": "y.csv"}}, r"mapping\.sales: give one of file, table or "
                                                 "sql, not file and table"),
    ({"sales": {"table": "x", "date_format": "DD.MM.YY"}}, "date format 'DD.MM.YY' is not"),
    ({"sales": {"table": "x", "colour": 1}}, r"mapping\.sales: unknown key\(s\) colour"),
    ({"location": [{"table": "a"}, {"table": "b", "constants": {"regoin": "East"}}]},
     r"mapping\.location\[1\]\.constants\.regoin: location has no column 'regoin'"),
])
def test_mapping_errors_name_the_key_path(raw: dict, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(raw)


def test_mapping_accepts_every_documented_date_format() -> None:
    mapping = parse_mapping({"inventory": {"table": "x", "date_format": {
        "date": ["DD-MM-YYYY", "MM-DD-YYYY", "M/D/YYYY", "ISO", "excel", "YYYYMMDD"]}}})
    assert mapping.parts("inventory")[0].formats_for("date") == (
        "DD-MM-YYYY", "MM-DD-YYYY", "M/D/YYYY", "ISO", "EXCEL", "YYYYMMDD")
