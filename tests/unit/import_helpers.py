"""Shared inputs and helpers of the canonical-import tests (real files, real DuckDB)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
import yaml

from data_connectors.canonical_import import ImportRejected, import_canonical_folder
from data_connectors.file_import import import_files
from data_connectors.mapping import Mapping, parse_mapping

SKU_CSV = (  # BOM, shuffled columns, messy header case and spaces, an unknown column, blanks
    "\ufeff Category ,SKU_ID,sku_name,unit_cost,Note\n"
    "Fruit, A1 ,Apple,1.5,first\n"
    ",,,,\n"
    "Fruit,B2,Banana,0.25,\n"
    "Veg,C3,Carrot,,\n"
)
LOCATION_CSV = (
    "location_id,region,channel,location_type\nS1,East,online,store\nW1,West,,warehouse\n"
)
SALES_CSV = (
    "date,sku_id,location_id,qty,revenue,cost\n"
    "2025-01-01,A1,S1,3,4.5,3\n"
    ",,,,,\n"
    "   ,  , ,,,\n"
    "2025-01-02,B2,S1,-1,-0.25,\n"  # a return: negative quantities are allowed
    "2025-01-02,C3,W1,2.5,10,\n"
)
RECEIPTS_CSV = (
    "date,sku_id,location_id,qty,cost,supplier,order_date\n"
    "2024-12-30,A1,W1,100,150,Acme,2024-12-01\n"
)
INVENTORY_CSV = (
    "date,sku_id,location_id,on_hand_qty,on_hand_value\n"
    "2025-01-31,A1,S1,10,15\n"
    "2025-01-31,B2,S1,-2,\n"  # negative stock is allowed too
)


def write_folder(folder: Path, **files: str) -> Path:
    """Write `name=text` as folder/name.csv (UTF-8; a leading \\ufeff becomes a real BOM)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_bytes(text.encode("utf-8"))
    return folder


def good_folder(folder: Path) -> Path:
    return write_folder(
        folder,
        sku=SKU_CSV,
        location=LOCATION_CSV,
        sales=SALES_CSV,
        receipts=RECEIPTS_CSV,
        inventory=INVENTORY_CSV,
    )


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rejected(folder: Path, db: Path, mode: str | None = None) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_canonical_folder(folder, db, mode=mode)
    return caught.value


def mapping_of(text: str) -> Mapping:
    """A Mapping from YAML text, as `--mapping FILE.yaml` would load it."""
    return parse_mapping(yaml.safe_load(text), where="test.yaml")


def write_named(folder: Path, files: dict[str, bytes | str]) -> Path:
    """Write {file name: content} into `folder` (text as UTF-8, bytes exactly as given)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def rejected_files(
    folder: Path, db: Path, mapping: Mapping | None = None, mode: str | None = None
) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_files(folder, db, mapping, mode=mode)
    return caught.value
