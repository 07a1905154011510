"""Regions & stores (区域与门店): region → location, and a location by category."""

from __future__ import annotations

import dash

from components.analysis.drill_page import DrillSpec, build
from components.kit.page_title import page_title

dash.register_page(__name__, path="/locations", name="locations",
                   title=page_title("nav.locations"))

layout = build(DrillSpec(
    prefix="loc", title_key="locations.title",
    hierarchy=("region", "location"), leaf_breakdown="category",
    filter_dims=("channel", "category"), cross_dim="category",
))
