"""The drill path as a breadcrumb: "All categories › Beverages › Juice". Every entry but
the last is a button that goes back up to that level."""

from __future__ import annotations

from dash import html


def crumb_id(prefix: str, depth: int) -> dict[str, object]:
    """Pattern-matching id of the crumb that returns to `depth` (0 = the top)."""
    return {"type": f"{prefix}-crumb", "depth": depth}


def breadcrumb(prefix: str, top_label: str, steps: list[str]) -> html.Nav:
    """`steps` are the labels of the chosen values, top to bottom."""
    labels = [top_label, *steps]
    items = []
    for depth, label in enumerate(labels):
        last = depth == len(labels) - 1
        content = html.Span(label) if last else html.Button(
            label, id=crumb_id(prefix, depth), className="crumb-link", n_clicks=0)
        items.append(html.Li(content, className="breadcrumb-item" + (" active" if last else ""),
                             **({"aria-current": "page"} if last else {})))
    return html.Nav(html.Ol(items, className="breadcrumb drill-breadcrumb"),
                    **{"aria-label": "breadcrumb"}, id=f"{prefix}-breadcrumb")
