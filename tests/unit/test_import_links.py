"""`import --from DIR` reads only files inside DIR: a symbolic link named like a canonical
file (or named by a mapping) that points outside the folder is refused, naming the file,
and nothing is imported (issue 23)."""

from __future__ import annotations

from pathlib import Path

from cli.main import main


def _folder_with_link(tmp_path: Path, name: str) -> tuple[Path, Path]:
    outside = tmp_path / "secret" / "passwords.csv"
    outside.parent.mkdir()
    outside.write_text("sku_id,category\nS1,Dairy\n", encoding="utf-8")
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / name).symlink_to(outside)
    return folder, outside


def test_a_canonical_file_linked_outside_the_folder_is_refused(tmp_path: Path,
                                                               capsys) -> None:
    folder, _ = _folder_with_link(tmp_path, "sku.csv")
    target = tmp_path / "out.duckdb"
    assert main(["import", "--from", str(folder), "--into", str(target)]) == 1
    out = capsys.readouterr()
    assert "sku.csv is a link to a file outside" in out.out + out.err
    assert not target.exists()  # all or nothing: no database was written


def test_a_mapped_file_linked_outside_the_folder_is_refused(tmp_path: Path,
                                                            capsys) -> None:
    folder, _ = _folder_with_link(tmp_path, "products.csv")
    (folder / "mapping.yaml").write_text(
        "sku:\n  file: products.csv\n  columns:\n    sku_id: sku_id\n    category: category\n",
        encoding="utf-8")
    target = tmp_path / "out.duckdb"
    code = main(["import", "--from", str(folder), "--mapping", str(folder / "mapping.yaml"),
                 "--into", str(target)])
    out = capsys.readouterr()
    assert code == 1
    assert "products.csv is a link to a file outside" in out.out + out.err
    assert not target.exists()
