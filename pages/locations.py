"""Regions & stores (区域与门店): region → location, and a location by category."""

from __future__ import annotations

import dash

from components.analysis.drill_page import DrillSpec, build

dash.register_page(__name__, path="/locations", name="locations",
                   title="StockLens · Regions & stores")

layout = build(DrillSpec(
    prefix="loc", title_key="locations.title",
    hierarchy=("region", "location"), leaf_breakdown="category",
    filter_dims=("channel", "category"), cross_dim="category",
))
