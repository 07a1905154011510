"""A page's own options under its filter bar (N days, stack by, cut-offs …): labelled
controls in a row, each with room for a validation message."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def option(label: str, control: object, feedback_id: str | None = None,
           hint: str | None = None, html_for: str | None = None) -> html.Div:
    """A labelled control; `feedback_id` names the line that says why an input is refused."""
    children: list[object] = [html.Label(label, className="filter-label", htmlFor=html_for),
                              control]
    if hint:
        children.append(html.Div(hint, className="option-hint"))
    if feedback_id:
        children.append(html.Div(id=feedback_id, className="option-feedback", role="alert"))
    return html.Div(children, className="option")


def segmented(control_id: str, options: list[dict[str, object]], value: object) -> html.Div:
    """Radio buttons that look like a button group (one choice of a few)."""
    return html.Div(dbc.RadioItems(
        id=control_id, options=options, value=value, inline=True,
        className="btn-group segmented", inputClassName="btn-check",
        labelClassName="btn btn-sm btn-outline-primary", labelCheckedClassName="active",
    ), className="segmented-wrap")


def options_bar(items: list[object]) -> html.Div:
    return html.Div(items, className="options-bar")
