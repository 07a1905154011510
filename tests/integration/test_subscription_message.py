"""Subscription messages (issue 16, items 2 and 4): a saved board or view built into the
message the scheduler sends — on the demo data, with the charts drawn by kaleido in the
machine's Chromium.

Every number is checked against the metrics layer computed independently
(service.evaluate, which bypasses the query cache, and the one formatter); a regional
manager's message holds her region's numbers and no other region's names; the PNG, CSV
and .xlsx attachments open; the markdown fits WeCom's 4096 bytes; zh-CN is Chinese.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

import service
from alerts.chart_images import BROWSER_ENV, ChartsUnavailable, browser_path, render_pngs
from alerts.message import Message
from alerts.subscription.parts import KPI_CARDS, KPI_METRICS, MARKDOWN_LIMIT
from alerts.subscription_message import build_board_message, build_view_message
from app_state.boards import add_tile
from app_state.db import STATE_DB_ENV
from app_state.views import delete_view
from components.boards.saved import create_board, save_view
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters
from components.grids.metric_grid import column_label
from components.kit.formatting import format_value
from data_connectors.source import open_duckdb
from i18n import t
from metrics.query import MetricQuery
from metrics.registry import METRICS
from metrics.thresholds import status
from service import ALL_DATA, MissingPrincipal, Principal, sources

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ("East", "North", "South", "Central", "Southwest", "Northeast")
EAST = Principal.scoped("anna", "user", {"region": ["East"]})
BY_REGION = ViewSpec(metrics=("revenue", "turnover_days"), dims=("region",))
TOP_SITES = ViewSpec(metrics=("revenue",), dims=("location",), sort="revenue", top=12)
FILTERS = BoardFilters(preset="last90")
NO_BROWSER = "/nonexistent/chromium"


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after the 8-byte signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def _period() -> tuple[date, date, int]:
    """The board's last-90-days period, computed here: it ends at the data's last day."""
    last = service.data_range(ALL_DATA)[1]
    assert last is not None
    return last - timedelta(days=89), last, 90


def _kpi_line(text: str, metric: str, lang: str) -> str:
    label = METRICS[metric].label(lang)
    lines = [line for line in text.splitlines() if line.startswith(label + " ")
             or line.startswith(label + "  ")]
    assert len(lines) == 1, (metric, lines)
    return lines[0]


def _read_csv(data: bytes) -> list[list[object]]:
    assert data.startswith("\ufeff".encode())  # a BOM, so Excel reads Chinese names
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")),
                           quoting=csv.QUOTE_NONNUMERIC))


def _same_rows(rows: list[list[object]], frame: pd.DataFrame) -> None:
    assert len(rows) == len(frame)
    for got, want in zip(rows, frame.itertuples(index=False, name=None), strict=True):
        assert len(got) == len(want)
        for cell, value in zip(got, want, strict=True):
            if isinstance(value, str):
                assert cell == value
            elif pd.isna(value):
                assert cell == ""
            else:
                assert cell == pytest.approx(float(value), rel=1e-12)


def _attachment(message: Message, suffix: str, index: int):
    found = [a for a in message.attachments
             if a.filename.startswith(f"stocklens-{index:02d}-") and a.filename.endswith(suffix)]
    assert len(found) == 1, [a.filename for a in message.attachments]
    return found[0]


@pytest.fixture(scope="module")
def world(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """One board with two tiles and the messages built from it once (each draws its
    charts in a browser): for everything, for an East manager, in zh-CN, and a view."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STATE_DB_ENV, str(tmp_path_factory.mktemp("subs") / "state.sqlite"))
        patch.delenv(BROWSER_ENV, raising=False)
        sources.use_source(open_duckdb(demo_db))
        by_region = save_view("Revenue by region", BY_REGION)
        top_sites = save_view("Top sites", TOP_SITES)
        board = create_board("Weekly review", FILTERS)
        add_tile(board, by_region)
        add_tile(board, top_sites, width=12)
        yield {
            "board": board, "views": (by_region, top_sites),
            "all": build_board_message(ALL_DATA, board, None, "en"),
            "east": build_board_message(EAST, board, None, "en"),
            "zh": build_board_message(EAST, board, None, "zh-CN"),
            "view": build_view_message(ALL_DATA, top_sites, None, "en"),
        }


# ---- key figures ------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "name"), [(ALL_DATA, "all"), (EAST, "east")])
def test_every_key_figure_equals_the_metrics_layer(world: dict, who: Principal,
                                                   name: str) -> None:
    message: Message = world[name]
    start, end, days = _period()
    query = MetricQuery.create(KPI_METRICS, start, end)
    values = service.evaluate(who, query).iloc[0].to_dict()
    previous = service.evaluate(who, query.with_period(start - timedelta(days=days),
                                                       start - timedelta(days=1))).iloc[0]
    for card in KPI_CARDS:
        metric, judged_by = card.metric, card.status_metric or card.metric
        line = _kpi_line(message.text, metric, "en")
        assert format_value(metric, values[metric], "en") in line
        word = t(f"subscription.status.{status(judged_by, values[judged_by], days) or 'none'}",
                 "en")
        assert f"  {word}  " in line  # the status as a word, not only a colour
        assert "vs previous 90 days" in line
        assert f"**{format_value(metric, values[metric], 'en')}** · {word}" in message.markdown
        assert format_value(metric, values[metric], "en") in message.html
    for metric in KPI_METRICS:
        assert message.data["kpis"][metric] == pytest.approx(values[metric], rel=1e-9)
        assert message.data["previous"][metric] == pytest.approx(previous[metric], rel=1e-9)
    assert message.data["period"]["start"] == start.isoformat()
    assert message.data["period"]["end"] == end.isoformat()


def test_a_manager_gets_her_region_and_nothing_of_another(world: dict) -> None:
    message: Message = world["east"]
    start, end, _ = _period()
    revenue = MetricQuery.create(["revenue"], start, end)
    mine = service.evaluate(ALL_DATA, MetricQuery.create(["revenue"], start, end,
                                                        where={"region": ["East"]}))
    everyone = service.evaluate(ALL_DATA, revenue)
    assert message.data["kpis"]["revenue"] == pytest.approx(mine.iloc[0]["revenue"])
    assert message.data["kpis"]["revenue"] < everyone.iloc[0]["revenue"]
    assert message.data["scope"] == {"region": ["East"]}
    assert "anna" in message.text  # whom it was prepared for

    others = [r for r in REGIONS if r != "East"]
    sites = service.evaluate(ALL_DATA, MetricQuery.create(["revenue"], start, end,
                                                          by=["location"],
                                                          where={"region": others}))
    foreign = [str(n) for n in sites["location_name"].dropna()] + others
    assert foreign and "Guangzhou DC" in foreign
    texts = {"text": message.text, "markdown": message.markdown, "html": message.html or "",
             "subject": message.subject, "data": json.dumps(message.data, ensure_ascii=False)}
    for attachment in message.attachments:
        if attachment.filename.endswith(".csv"):
            texts[attachment.filename] = attachment.content.decode("utf-8-sig")
        if attachment.filename.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(attachment.content))
            texts[attachment.filename] = json.dumps(
                [[c for c in row] for row in book.active.iter_rows(values_only=True)],
                default=str, ensure_ascii=False)
    for part, text in texts.items():
        for name in foreign:
            assert not re.search(rf"\b{re.escape(name)}\b", text), (part, name)
    assert re.search(r"\bEast\b", message.text)
    assert world["all"].data["kpis"]["revenue"] == pytest.approx(everyone.iloc[0]["revenue"])


# ---- tiles and attachments -----------------------------------------------------------------
@pytest.mark.parametrize(("name", "who"), [("all", ALL_DATA), ("east", EAST)])
def test_each_tile_has_a_png_a_csv_and_an_xlsx_of_its_rows(world: dict, name: str,
                                                           who: Principal) -> None:
    message: Message = world[name]
    start, end, _ = _period()
    for index, spec in enumerate((BY_REGION, TOP_SITES), start=1):
        frame = service.evaluate(who, spec.query(start, end, board=FILTERS))
        assert not frame.empty

        png = _attachment(message, ".png", index)
        assert png.mime_type == "image/png"
        assert _png_size(png.content) == (1920, 840)  # 960 × 420 CSS pixels at scale 2

        rows = _read_csv(_attachment(message, ".csv", index).content)
        assert rows[0] == [column_label(str(c), "en") for c in frame.columns]
        _same_rows(rows[1:], frame)

        book = openpyxl.load_workbook(io.BytesIO(_attachment(message, ".xlsx", index).content))
        sheet = [list(r) for r in book.active.iter_rows(values_only=True)]
        assert sheet[0] == [column_label(str(c), "en") for c in frame.columns]
        assert len(sheet) == len(frame) + 1
        assert sheet[1][-1] == pytest.approx(float(frame.iloc[0, -1]))

        tile = message.data["tiles"][index - 1]
        assert tile["row_count"] == len(frame)
        assert tile["columns"] == [str(c) for c in frame.columns]
        # the text shows the first rows of the tile, formatted as the board formats them
        first = frame.iloc[0]
        assert format_value(spec.metrics[0], first[spec.metrics[0]], "en") in message.text
    assert message.data["charts"] == {"attached": 2, "error": None}
    assert "2 PNG images attached" in message.text
    assert "Top sites" in message.text and "Revenue by region" in message.text


def test_the_markdown_fits_wecom_and_the_html_is_self_contained(world: dict) -> None:
    for name in ("all", "east", "zh", "view"):
        message: Message = world[name]
        assert len(message.markdown.encode("utf-8")) <= MARKDOWN_LIMIT
        assert "|" not in message.markdown  # lists, not tables: the robots show no tables
        html = message.html or ""
        assert html.startswith("<!DOCTYPE html>") and "</html>" in html
        for external in ("http://", "https://", "<link", "<script", "<img", "url("):
            assert external not in html, (name, external)


def test_the_subject_names_the_board_and_the_period(world: dict) -> None:
    start, end, _ = _period()
    assert world["all"].subject == f"StockLens · Weekly review · Last 90 days, {start} – {end}"
    assert world["view"].subject == f"StockLens · Top sites · Last 90 days, {start} – {end}"
    assert world["all"].data["board"] == {"id": world["board"], "name": "Weekly review"}


def test_a_view_message_shows_that_view(world: dict) -> None:
    message: Message = world["view"]
    start, end, _ = _period()
    frame = service.evaluate(ALL_DATA, TOP_SITES.query(start, end))
    assert message.data["kind"] == "view"
    assert message.data["view"] == {"id": world["views"][1], "name": "Top sites"}
    assert len(message.data["tiles"]) == 1
    _same_rows(_read_csv(_attachment(message, ".csv", 1).content)[1:], frame)
    assert _png_size(_attachment(message, ".png", 1).content)[0] == 1920
    assert "Guangzhou DC (DC03)" in message.text  # the top site, named as the board names it


def test_zh_cn_subject_and_labels_are_chinese(world: dict) -> None:
    message: Message = world["zh"]
    start, end, _ = _period()
    assert message.subject == f"StockLens · Weekly review · 近90天({start} 至 {end})"
    assert "关键指标" in message.text and "关键指标" in message.markdown
    values = service.evaluate(EAST, MetricQuery.create(KPI_METRICS, start, end)).iloc[0]
    for card in KPI_CARDS:
        line = _kpi_line(message.text, card.metric, "zh")
        assert format_value(card.metric, values[card.metric], "zh") in line
        assert "较上期" in line
    assert any(w in message.text for w in ("良好", "预警", "异常"))
    assert "Revenue" not in message.text.replace("Revenue by region", "")
    assert "看板" in message.html  # type: ignore[operator]
    csv_rows = _read_csv(_attachment(message, ".csv", 1).content)
    assert csv_rows[0][0] == "区域" and "销售额" in csv_rows[0]


# ---- what must not stop a message --------------------------------------------------------
def _board(*specs: ViewSpec, name: str = "Board") -> int:
    board = create_board(name, FILTERS)
    for i, spec in enumerate(specs):
        add_tile(board, save_view(f"{name} view {i}", spec))
    return board


def test_without_a_browser_the_message_goes_out_without_pngs_and_says_so(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources.use_source(open_duckdb(demo_db))
    monkeypatch.setenv(BROWSER_ENV, NO_BROWSER)
    board = _board(BY_REGION, TOP_SITES)
    message = build_board_message(EAST, board, None, "en")
    assert not any(a.filename.endswith(".png") for a in message.attachments)
    assert sum(a.filename.endswith(".csv") for a in message.attachments) == 2
    assert sum(a.filename.endswith(".xlsx") for a in message.attachments) == 2
    assert "The charts could not be drawn on the server" in message.text
    assert NO_BROWSER in message.text
    assert message.data["charts"]["attached"] == 0
    assert NO_BROWSER in message.data["charts"]["error"]
    zh = build_board_message(EAST, board, None, "zh")
    assert "服务器未能绘制图表" in zh.text


def test_a_big_board_keeps_the_markdown_under_the_limit(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources.use_source(open_duckdb(demo_db))
    monkeypatch.setenv(BROWSER_ENV, NO_BROWSER)  # the charts are not the point here
    wide = ViewSpec(metrics=("revenue", "turnover_days", "sell_through"), dims=("location",),
                    sort="revenue", top=50)
    board = _board(*[wide] * 14, name="全国门店周报")
    for lang in ("en", "zh"):
        message = build_board_message(ALL_DATA, board, None, lang)
        size = len(message.markdown.encode("utf-8"))
        assert size <= MARKDOWN_LIMIT
        assert t("subscription.tiles_omitted", lang, n=1).split("1")[0] in message.markdown
        assert len(message.data["tiles"]) == 14  # the e-mail and the webhook keep them all
        assert message.markdown.count("**") >= 2 * 9  # KPI values and the first tiles


def test_a_deleted_view_and_as_of_and_a_missing_principal(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources.use_source(open_duckdb(demo_db))
    monkeypatch.setenv(BROWSER_ENV, NO_BROWSER)
    board = create_board("With a hole", FILTERS)
    gone = save_view("Gone", BY_REGION)
    add_tile(board, gone)
    add_tile(board, save_view("Kept", TOP_SITES))
    delete_view(gone)
    end = _period()[1]
    as_of = end - timedelta(days=30)
    message = build_board_message(ALL_DATA, board, None, "en", as_of=as_of)
    assert t("boards.tile.deleted", "en") in message.text
    assert message.data["tiles"][0]["problem"] == t("boards.tile.deleted", "en")
    assert message.data["period"]["end"] == as_of.isoformat()
    later = build_board_message(ALL_DATA, board, None, "en", as_of=end + timedelta(days=400))
    assert later.data["period"]["end"] == end.isoformat()  # never past the data's last day
    with pytest.raises(MissingPrincipal):
        build_board_message(None, board, None, "en")  # type: ignore[arg-type]


# ---- the parts -------------------------------------------------------------------------------



def test_the_browser_is_the_machines_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    assert browser_path() == "/usr/bin/chromium"
    monkeypatch.setenv(BROWSER_ENV, NO_BROWSER)
    assert browser_path() == NO_BROWSER
    with pytest.raises(ChartsUnavailable, match="no browser at BROWSER_PATH"):
        render_pngs([go.Figure()])
    assert render_pngs([]) == []


def test_formula_like_names_arrive_in_the_files_as_text(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tile files are written by exports/spreadsheet.py: a name that starts like a
    formula gets its leading quote in the CSV and stays text in the .xlsx."""
    sources.use_source(open_duckdb(demo_db))
    monkeypatch.setenv(BROWSER_ENV, NO_BROWSER)
    real_run = service.run

    def crafted(principal, query, source=None):
        frame = real_run(principal, query, source)
        if "location_name" in frame.columns:
            frame = frame.copy()
            frame.loc[frame.index[0], "location_name"] = "=HYPERLINK(\"http://x\",\"y\")"
        return frame

    monkeypatch.setattr(service, "run", crafted)
    message = build_board_message(ALL_DATA, _board(TOP_SITES), None, "en")
    rows = _read_csv(_attachment(message, ".csv", 1).content)
    assert rows[1][1] == "'=HYPERLINK(\"http://x\",\"y\")"
    sheet = openpyxl.load_workbook(io.BytesIO(_attachment(message, ".xlsx", 1).content)).active
    assert sheet.cell(2, 2).value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert sheet.cell(2, 2).data_type == "s"
