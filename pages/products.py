"""Products (商品分析): category → subcategory → brand → SKU, and a SKU by location."""

from __future__ import annotations

import dash

from components.analysis.drill_page import DrillSpec, build
from components.kit.page_title import page_title

dash.register_page(__name__, path="/products", name="products", title=page_title("nav.products"))

layout = build(DrillSpec(
    prefix="prod", title_key="products.title",
    hierarchy=("category", "subcategory", "brand", "sku"), leaf_breakdown="location",
    filter_dims=("region", "channel"), cross_dim="region",
))
