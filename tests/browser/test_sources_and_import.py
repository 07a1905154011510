"""Sources page, source switcher and the upload page, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from data_connectors import paths
from data_connectors.config import SourceConfig
from data_connectors.registry import SourceRegistry
from data_connectors.source import open_duckdb
from tests.browser.test_board import expected_revenue, settle
from tests.oracle.random_data import generate, write_csvs

pytestmark = pytest.mark.browser


@pytest.fixture
def two_sources(demo_db: Path, tmp_path: Path) -> SourceRegistry:
    """The demo, a second demo (another seed) and a source that cannot be reached."""
    from data_connectors.demo.generator import generate_demo

    other = tmp_path / "other.duckdb"
    generate_demo(other, scale=0.1, seed=99)
    return SourceRegistry({
        "demo": SourceConfig("demo", f"duckdb:///{demo_db}", label="Demo"),
        "other": SourceConfig("other", f"duckdb:///{other}", label="Other shop"),
        "broken": SourceConfig("broken", f"sqlite:///{tmp_path / 'gone.sqlite'}",
                               label="Broken"),
    }, "demo")


def test_sources_page_shows_health_of_each_source(dash_duo, two_sources, demo_db) -> None:
    dash_duo.start_server(create_app(registry=two_sources))
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    dash_duo.wait_for_element("#source-card-broken", timeout=30)
    demo = dash_duo.find_element("#source-card-demo").text
    counts = open_duckdb(demo_db).row_counts()
    assert "Reachable" in demo and f"{counts['sales']:,}" in demo
    assert f"{counts['inventory']:,}" in demo
    broken = dash_duo.find_element("#source-card-broken").text
    assert "Unreachable" in broken
    assert "database file not found or not readable" in broken and "gone.sqlite" in broken
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def test_switching_source_changes_the_board_and_is_remembered(dash_duo, two_sources,
                                                              tmp_path) -> None:
    dash_duo.start_server(create_app(registry=two_sources))
    other_db = Path(two_sources.configs["other"].url.removeprefix("duckdb:///"))
    want = expected_revenue(other_db, None)
    dash_duo.driver.get(dash_duo.server_url + "/?source=other")
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", want, timeout=30)
    assert "Other shop" in dash_duo.find_element("#nav-source").text
    settle(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/")  # no ?source: the cookie remembers
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", want, timeout=30)


def _upload(dash_duo, upload_id: str, files: list[Path]) -> None:
    field = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{upload_id} input[type=file]")
    field.send_keys("\n".join(str(f) for f in files))


def test_upload_page_imports_into_a_new_database_and_reports_bad_rows(
        dash_duo, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "IMPORTS_DIR", tmp_path / "imports")
    folder = write_csvs(generate(seed=3), tmp_path / "good")
    dash_duo.start_server(create_app(source=open_duckdb(demo_db)))
    dash_duo.driver.get(dash_duo.server_url + "/import")
    dash_duo.wait_for_element("#import-run", timeout=30)
    dash_duo.find_element("#import-name").send_keys("shop-a")
    _upload(dash_duo, "import-files", sorted(folder.glob("*.csv")))
    dash_duo.wait_for_contains_text("#import-files-chosen", "5 file(s)", timeout=30)
    dash_duo.find_element("#import-run").click()
    dash_duo.wait_for_contains_text("#import-outcome", "into shop-a", timeout=60)
    assert (tmp_path / "imports" / "shop-a.duckdb").exists()
    rows = sum(len(f.read_text(encoding="utf-8").splitlines()) - 1 for f in folder.glob("*.csv"))
    assert f"Imported {rows:,} rows into shop-a." in dash_duo.find_element("#import-outcome").text

    # a file with a bad date is refused as a whole, and the grid names line and value
    bad = tmp_path / "bad"
    bad.mkdir()
    lines = (folder / "sales.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    fields = lines[3].split(",")
    fields[header.index("date")] = "2025-02-30"
    (bad / "sales.csv").write_text("\n".join([lines[0], lines[1], lines[2], ",".join(fields)])
                                   + "\n", encoding="utf-8")
    dash_duo.driver.get(dash_duo.server_url + "/import")
    dash_duo.wait_for_element("#import-run", timeout=30)
    dash_duo.find_element("#import-target").click()
    next(o for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
         if o.text.strip() == "shop-a").click()
    _upload(dash_duo, "import-files", [bad / "sales.csv"])
    dash_duo.find_element("label[for='_dbcprivate_radioitems_import-mode_input_append']").click()
    dash_duo.find_element("#import-run").click()
    dash_duo.wait_for_contains_text("#import-outcome", "Nothing was imported", timeout=60)
    grid = dash_duo.find_element("#import-problems-grid").text
    assert "2025-02-30" in grid and "sales.csv" in grid and "4" in grid
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
