"""Views: URL and JSON forms round-trip; bad saved data names the field; the query is
the one the view describes; a board's filters replace the view's."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from components.boards.view_charts import axis_columns, cartesian_figure, heatmap_figure
from components.boards.view_render import why_not
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters
from metrics.errors import QueryError

SPEC = ViewSpec(metrics=("revenue", "turnover_days"), dims=("region",), grain="month",
                chart="line", filters=BoardFilters.from_params({"preset": "ytd",
                                                                "channel": "online"}),
                extra_where=(("brand", ("Acme", "Zeta")),), sort="revenue", descending=False,
                top=10, title="Online revenue")


def test_url_and_json_forms_round_trip() -> None:
    assert ViewSpec.from_params(SPEC.to_params()) == SPEC
    assert ViewSpec.from_json(SPEC.to_json()) == SPEC


def test_url_form_is_forgiving() -> None:
    spec = ViewSpec.from_params({"m": "revenue,nonsense,revenue", "by": "region,colour,sku,"
                                 "brand", "grain": "hour", "chart": "pie", "top": "-3",
                                 "sort": "margin"})
    assert (spec.metrics, spec.dims, spec.grain, spec.chart, spec.top, spec.sort) == \
        (("revenue",), ("region", "sku"), None, "bar", None, None)


@pytest.mark.parametrize(("change", "message"), [
    ({"metrics": ["revenue", "profit"]}, r"view\.metrics"),
    ({"dims": ["region", "colour"]}, r"view\.dims"),
    ({"chart": "pie"}, r"view\.chart: 'pie' is not one of"),
    ({"colour": "red"}, r"unknown field\(s\) colour"),
])
def test_saved_views_that_do_not_fit_name_the_field(change: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        ViewSpec.from_json({**SPEC.to_json(), **change})


def test_query_and_board_filters() -> None:
    query = SPEC.query(date(2026, 1, 1), date(2026, 3, 31))
    assert query.by == ("region", "month")
    assert dict(query.where) == {"brand": ("Acme", "Zeta"), "channel": ("online",)}
    assert (query.sort, query.limit) == ((("revenue", False),), 10)
    board = BoardFilters.from_params({"channel": "store", "region": "East"})
    boarded = SPEC.query(date(2026, 1, 1), date(2026, 3, 31), board=board)
    assert dict(boarded.where) == {"brand": ("Acme", "Zeta"), "channel": ("store",),
                                   "region": ("East",)}


def test_axes_and_impossible_choices() -> None:
    assert axis_columns(SPEC) == ("month", "region")
    frame = pd.DataFrame({"region": ["East"], "revenue": [1.0]})
    assert why_not(ViewSpec(chart="scatter"), frame, "en").startswith("A scatter plot needs")
    assert why_not(ViewSpec(chart="heatmap", dims=("region",)), frame, "en").startswith(
        "Choose two dimensions")
    assert why_not(ViewSpec(), frame.iloc[0:0], "en") == "No data matches these filters."


def test_single_metric_bars_take_status_colours_and_series_split_by_dimension() -> None:
    from components.kit.theme import STATUS_COLORS
    from metrics.thresholds import status

    frame = pd.DataFrame({"region": ["East", "West"], "turnover_days": [20.0, 90.0]})
    fig = cartesian_figure(ViewSpec(dims=("region",)), frame, "en", 90)
    assert list(fig.data[0].marker.color) == [STATUS_COLORS[status("turnover_days", v)]
                                              for v in (20.0, 90.0)]
    monthly = pd.DataFrame({"month": ["2026-01", "2026-01", "2026-02"],
                            "region": ["East", "West", "East"], "revenue": [1.0, 2.0, 3.0]})
    fig = cartesian_figure(ViewSpec(metrics=("revenue",), dims=("region",), grain="month",
                                    chart="line"), monthly, "en", None)
    assert [trace.name for trace in fig.data] == ["East", "West"]
    assert list(fig.data[0].y) == [1.0, 3.0]
    heat = heatmap_figure(ViewSpec(metrics=("revenue",), dims=("region",), grain="month",
                                   chart="heatmap"), monthly, "en")
    z = heat.data[0].z.tolist()
    assert z[0] == [1.0, 3.0] and z[1][0] == 2.0 and z[1][1] != z[1][1]  # a gap (NaN)
