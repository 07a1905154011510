"""The editable table of the thresholds page: one row per metric with a better direction,
showing its default, the limits in force in the chosen scope (editable) and where they
come from (default, all categories, this category).

Inputs carry pattern-matching ids ({"type": "thr-good" | "thr-bad", "metric": id}) so the
page's callbacks read and mark them all at once; each row also has a plain id
(thr-row-<metric>) for people and tests to find it.
"""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import html

from components.admin.threshold_form import Originals, threshold_metrics
from components.kit.formatting import format_value
from i18n import t
from metrics.registry import METRICS
from metrics.thresholds import ThresholdSet, in_force

INPUT_CLASS = "thr-input"


def scope_name(category: str | None, lang: str) -> str:
    return t("thresholds.scope_all", lang) if category is None else category


def _metric_cell(metric_id: str, lang: str) -> html.Td:
    metric = METRICS[metric_id]
    tags = [html.Code(metric_id, className="thr-code")]
    if metric.threshold_basis == "annualized":
        tags.append(html.Span(t("thresholds.per_year", lang), className="thr-tag"))
    return html.Td([html.Div(metric.label(lang), className="thr-metric"),
                    html.Div(tags, className="thr-meta")], title=metric.formula_text)


def _direction_cell(metric_id: str, lang: str) -> html.Td:
    higher = METRICS[metric_id].good == "higher"
    return html.Td(html.Span([html.Span("↑" if higher else "↓", className="thr-arrow"),
                              t("thresholds.higher" if higher else "thresholds.lower", lang)],
                             className=f"thr-direction {'up' if higher else 'down'}"))


def _default_cell(metric_id: str, lang: str) -> html.Td:
    metric = METRICS[metric_id]
    if metric.thresholds is None:
        return html.Td(t("thresholds.no_default", lang), className="thr-default muted")
    key = "thresholds.default_higher" if metric.good == "higher" else "thresholds.default_lower"
    return html.Td(t(key, lang, good=format_value(metric_id, metric.thresholds.good, lang),
                     bad=format_value(metric_id, metric.thresholds.bad, lang)),
                   className="thr-default")


def _entry(kind: str, metric_id: str, text: str, lang: str) -> html.Td:
    unit = t(f"thresholds.unit.{METRICS[metric_id].unit}", lang)
    ident = {"type": f"thr-{kind}", "metric": metric_id}
    # its name for screen readers (metric and column), on a label only they see; the DOM id
    # of a dict id is its JSON with sorted keys
    name = html.Label(t("thresholds.input_label", lang, metric=METRICS[metric_id].label(lang),
                        column=t(f"thresholds.col.{kind}", lang)), className="visually-hidden",
                      htmlFor=json.dumps(ident, sort_keys=True, separators=(",", ":")))
    return html.Td([name, dbc.InputGroup([
        dbc.Input(id=ident, value=text, type="text",
                  inputMode="decimal", autoComplete="off", className=INPUT_CLASS,
                  name=f"{metric_id}-{kind}"),
        dbc.InputGroupText(unit, className="thr-unit"),
    ], size="sm", className=f"thr-entry thr-entry-{kind}")])


def _in_force_cell(metric_id: str, category: str | None, overrides: ThresholdSet,
                   lang: str) -> html.Td:
    origin = in_force(metric_id, category, overrides).origin
    if origin == "category":
        text = t("thresholds.origin.category", lang, category=category)
    else:
        text = t(f"thresholds.origin.{origin or 'none'}", lang)
    parts: list[object] = [html.Span(text, className=f"thr-origin origin-{origin or 'none'}")]
    others = overrides.categories_overriding(metric_id) if category is None else []
    if others:
        parts.append(html.Div(t("thresholds.also_categories", lang, count=len(others)),
                              className="thr-others", title=", ".join(others)))
    return html.Td(parts, className="thr-in-force")


def _has_own(metric_id: str, category: str | None, overrides: ThresholdSet) -> bool:
    if category is None:
        return metric_id in overrides.global_overrides
    return metric_id in overrides.category_overrides.get(category, {})


def _row(metric_id: str, category: str | None, overrides: ThresholdSet, shown: Originals,
         lang: str) -> html.Tr:
    reset = dbc.Button(t("thresholds.reset_metric", lang),
                       id={"type": "thr-reset", "metric": metric_id}, size="sm",
                       color="secondary", outline=True, className="thr-reset",
                       disabled=not _has_own(metric_id, category, overrides),
                       title=t("thresholds.reset_metric_title", lang,
                               scope=scope_name(category, lang)))
    return html.Tr([
        _metric_cell(metric_id, lang),
        _direction_cell(metric_id, lang),
        _default_cell(metric_id, lang),
        _entry("good", metric_id, str(shown[metric_id]["good"]), lang),
        _entry("bad", metric_id, str(shown[metric_id]["bad"]), lang),
        _in_force_cell(metric_id, category, overrides, lang),
        html.Td(reset, className="thr-actions"),
    ], id=f"thr-row-{metric_id}",
        className="thr-own" if _has_own(metric_id, category, overrides) else None)


def _body_rows(category: str | None, overrides: ThresholdSet, shown: Originals,
               lang: str) -> list[html.Tr]:
    """Metrics with a default target first, then (under a divider saying why they have
    none) the money and volume amounts, whose right level depends on the business."""
    metrics = threshold_metrics()
    with_default = [m for m in metrics if METRICS[m].thresholds is not None]
    without = [m for m in metrics if METRICS[m].thresholds is None]
    rows = [_row(m, category, overrides, shown, lang) for m in with_default]
    if without:
        rows.append(html.Tr(html.Td(t("thresholds.group_no_default", lang), colSpan=7),
                            className="thr-group"))
    rows += [_row(m, category, overrides, shown, lang) for m in without]
    return rows


def thresholds_table(category: str | None, overrides: ThresholdSet, shown: Originals,
                     lang: str) -> html.Table:
    """The table for one scope (category None: all categories)."""
    heads = ("metric", "direction", "default", "good", "bad", "in_force")
    return html.Table([
        html.Thead(html.Tr([html.Th(t(f"thresholds.col.{h}", lang), className=f"th-{h}")
                            for h in heads] + [html.Th("")])),
        html.Tbody(_body_rows(category, overrides, shown, lang)),
    ], className="table thr-table align-middle mb-0", id="thr-table")


def has_any_own(category: str | None, overrides: ThresholdSet) -> bool:
    """Whether the scope has anything to reset."""
    return any(_has_own(m, category, overrides) for m in threshold_metrics())
