"""Canonical imports that are rejected: problems reported, targets left untouched."""

from __future__ import annotations

from pathlib import Path

from data_connectors.canonical_import import import_canonical_folder
from tests.unit.import_helpers import (
    INVENTORY_CSV,
    SALES_CSV,
    fingerprint,
    good_folder,
    rejected,
    rows,
    write_folder,
)


def test_bad_date_is_rejected_and_the_missing_target_is_not_created(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "sales.csv").write_text(SALES_CSV + "2025-13-01,A1,S1,1,1,\n")
    db = tmp_path / "new.duckdb"

    exc = rejected(folder, db)

    assert str(exc) == (
        "import rejected: sales.csv line 7, column date, value '2025-13-01': "
        "not a date (YYYY-MM-DD)"
    )
    assert not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    assert exc.report.files[2].rows_read == 4
    assert exc.report.rows_imported == 0


def test_bad_rows_leave_an_existing_target_byte_for_byte_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_canonical_folder(good_folder(tmp_path / "first"), db)
    before = fingerprint(db)
    folder = write_folder(
        tmp_path / "second",
        sales="date,sku_id,location_id,qty,revenue\n"
        "2025-02-01,A1,S1,1,2\n"
        "\n"
        "2025-02-31,A1,S1,1,2\n"
        "2025-02-02,B2,S1,x1,inf\n",
    )

    exc = rejected(folder, db, mode="append")

    assert fingerprint(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "second", "shop.duckdb"]
    assert str(exc) == (
        "import rejected: 3 problems in 1 file; first: sales.csv line 4, column date, "
        "value '2025-02-31': not a date (YYYY-MM-DD)"
    )
    assert [p.describe() for p in exc.report.problems()] == [
        "sales.csv line 4, column date, value '2025-02-31': not a date (YYYY-MM-DD)",
        "sales.csv line 5, column qty, value 'x1': "
        "not a number (plain decimal such as 1234.5 or -3)",
        "sales.csv line 5, column revenue, value 'inf': not a finite number",
    ]
    assert rows(db, "SELECT count(*) FROM sales") == [(3,)]


def test_rendered_report_lists_files_warnings_and_problems(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "in",
        sku="sku_id,category,colour\nA1,Fruit,red\nA1,Fruit,green\n,,\n",
        sales="date,sku_id,location_id,qty\n2025-01-01,A1,S1,\n",
    )
    exc = rejected(folder, tmp_path / "x.duckdb")

    assert exc.report.render(limit=3) == "\n".join(
        [
            f"Import of {folder} into {tmp_path / 'x.duckdb'} (mode: create)",
            "result: REJECTED with 4 problems; nothing was written",
            "",
            "file       rows read  imported  blank lines  problems",
            "sku.csv            2         0            1         1",
            "sales.csv          1         0            0         3",
            "total              3         0            1         4",
            "",
            "warnings:",
            "  sku.csv: unknown columns ignored: colour",
            "",
            "problems (3 of 4 shown):",
            "  sku.csv line 3, column sku_id, value 'A1': duplicate sku_id; first at line 2",
            "  sales.csv line 1, column revenue: required column is missing from the header",
            "  sales.csv line 2, column qty: required value is empty",
        ]
    )
    assert [p.describe() for p in exc.report.problems()][3:] == [
        "sales.csv line 2, column location_id, value 'S1': unknown location: not in location.csv",
    ]


def test_missing_required_column_is_one_problem_naming_file_and_column(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "sales.csv").write_text("date,sku_id,location_id,qty\n2025-01-01,A1,S1,3\n")

    exc = rejected(folder, tmp_path / "x.duckdb")

    assert str(exc) == (
        "import rejected: sales.csv line 1, column revenue: "
        "required column is missing from the header"
    )
    assert exc.report.problem_count == 1


def test_unknown_sku_reference_is_rejected(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "receipts.csv").write_text(
        "date,sku_id,location_id,qty\n2025-01-01,A1,S1,1\n2025-01-01,Z9,S1,1\n"
    )

    exc = rejected(folder, tmp_path / "x.duckdb")

    assert str(exc) == (
        "import rejected: receipts.csv line 3, column sku_id, value 'Z9': "
        "unknown sku: not in sku.csv"
    )


def test_duplicate_inventory_key_in_the_file_is_rejected(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in")
    (folder / "inventory.csv").write_text(INVENTORY_CSV + "2025-01-31,A1,S1,11,16\n")

    exc = rejected(folder, tmp_path / "x.duckdb")

    assert str(exc) == (
        "import rejected: inventory.csv line 4, column date, sku_id, location_id, "
        "value '2025-01-31, A1, S1': duplicate key (date, sku_id, location_id); first at line 2"
    )


def test_append_rejects_an_inventory_key_already_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_canonical_folder(good_folder(tmp_path / "first"), db)
    before = fingerprint(db)
    folder = write_folder(
        tmp_path / "more",
        inventory="date,sku_id,location_id,on_hand_qty\n2025-02-28,A1,S1,4\n2025-01-31,B2,S1,7\n",
    )

    exc = rejected(folder, db, mode="append")

    assert str(exc) == (
        "import rejected: inventory.csv line 3, column date, sku_id, location_id, "
        "value '2025-01-31, B2, S1': the database already has an inventory figure "
        "for this date, sku_id and location_id"
    )
    assert fingerprint(db) == before


def test_existing_database_without_mode_is_rejected(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    folder = good_folder(tmp_path / "in")
    import_canonical_folder(folder, db)
    before = fingerprint(db)

    exc = rejected(folder, db)

    assert str(exc) == (
        f"import rejected: {db} already holds data; choose --mode append or --mode replace"
    )
    assert fingerprint(db) == before


def test_appending_the_same_file_twice_is_rejected(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    folder = good_folder(tmp_path / "in")
    import_canonical_folder(folder, db)
    before = fingerprint(db)

    exc = rejected(folder, db, mode="append")

    reasons = [p.describe() for p in exc.report.problems()]
    assert len(reasons) == 5  # sales, receipts, inventory by content; 2 inventory keys
    for reason, name in zip(reasons, ["sales.csv", "receipts.csv", "inventory.csv"], strict=False):
        assert reason.startswith(f"{name}: identical content was already imported as {name} on ")
        assert reason.endswith("UTC; appending it again would duplicate its rows")
    assert reasons[3:] == [
        f"inventory.csv line {line}, column date, sku_id, location_id, value '2025-01-31, {sku}, "
        "S1': the database already has an inventory figure for this date, sku_id and location_id"
        for line, sku in ((2, "A1"), (3, "B2"))
    ]
    assert fingerprint(db) == before
    assert rows(db, "SELECT count(*) FROM sales") == [(3,)]


def test_replace_does_not_accept_references_to_the_replaced_rows(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_canonical_folder(good_folder(tmp_path / "first"), db)
    folder = write_folder(
        tmp_path / "new", sales="date,sku_id,location_id,qty,revenue\n2026-05-01,A1,S1,7,70\n"
    )
    exc = rejected(folder, db, mode="replace")
    assert exc.report.problems()[0].describe() == (
        "sales.csv line 2, column sku_id, value 'A1': unknown sku: "
        "not in sku.csv (--mode replace discards the rows now in the database)"
    )


def test_folder_without_canonical_files_is_rejected(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", sale="date\n")
    exc = rejected(folder, tmp_path / "x.duckdb")
    assert str(exc) == (
        f"import rejected: {folder} holds none of the canonical files "
        "sku.csv, location.csv, sales.csv, receipts.csv, inventory.csv"
    )


def test_unreadable_lines_are_problems_with_physical_line_numbers(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "in",
        sku='sku_id,category,sku_name\nA1,Fruit,"two\nlines"\n\nB2,Fruit,x,extra\nC3,,y\n',
    )
    exc = rejected(folder, tmp_path / "x.duckdb")
    assert [p.describe() for p in exc.report.problems()] == [
        "sku.csv line 5: row has 4 fields but the header has 3 (check quoting and delimiters)",
        "sku.csv line 6, column category: required value is empty",
    ]
    (folder / "sku.csv").write_bytes(b"sku_id,category\nA1,Fruit\nB2,Fr\xe9\n")
    assert str(rejected(folder, tmp_path / "x.duckdb")) == (
        "import rejected: sku.csv line 3: not valid UTF-8 text (at byte offset 30)"
    )


def test_an_unknown_mode_is_rejected(tmp_path: Path) -> None:
    exc = rejected(good_folder(tmp_path / "in"), tmp_path / "x.duckdb", mode="merge")
    assert (
        str(exc) == "import rejected: unknown mode 'merge'; choose --mode append or --mode replace"
    )
    assert not (tmp_path / "x.duckdb").exists()
