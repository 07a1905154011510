"""Channels (渠道分析): channel → region → location, and a location by category."""

from __future__ import annotations

import dash

from components.analysis.drill_page import DrillSpec, build
from components.kit.page_title import page_title

dash.register_page(__name__, path="/channels", name="channels", title=page_title("nav.channels"))

layout = build(DrillSpec(
    prefix="chan", title_key="channels.title",
    hierarchy=("channel", "region", "location"), leaf_breakdown="category",
    filter_dims=("category",), cross_dim="category",
))
