"""JSON Schemas (OpenAPI 3.1 / JSON Schema 2020-12) of what the API reads and writes,
generated from the registry, the parser's constants and the API's limits, so that the
document cannot drift from the code: a new metric or dimension, a new operator or a
changed limit appears in /api/v1/openapi.json by itself.

Rules a schema cannot state (at most one time grain in `by`, end ≥ start, as_of inside
the period, sort/having naming columns of the query, increasing age bounds) are in the
descriptions; the server answers them with 400 naming the field.
"""

from __future__ import annotations

from typing import Any

from api.limits import MAX_AGE_BOUND, MAX_BODY_BYTES, MAX_ROWS, MAX_TIME_BUCKETS
from metrics.dimensions import DIMENSIONS, FILTERABLE, TIME_GRAINS
from metrics.query import ABC_MEASURES, HAVING_OPS, MAX_GROUP_DIMENSIONS, MAX_LIMIT, QueryOptions
from metrics.query_parsing import MAX_LIST, MAX_TEXT
from metrics.registry import METRICS

Schema = dict[str, Any]
DEFAULTS = QueryOptions()


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _one_or_many(item: Schema, max_items: int, unique: bool = False,
                 min_items: int = 0) -> Schema:
    """The parser takes a single value where a list is expected (metrics: "turnover")."""
    many: Schema = {"type": "array", "items": item, "minItems": min_items,
                    "maxItems": max_items}
    if unique:
        many["uniqueItems"] = True
    return {"anyOf": [item, many]}


def _date(description: str) -> Schema:
    return {"type": "string", "format": "date", "minLength": 10, "maxLength": 10,
            "description": f"{description} (YYYY-MM-DD, a year from 1900 to 2200)",
            "examples": ["2025-03-31"]}


def _text() -> Schema:
    return {"type": "string", "maxLength": MAX_TEXT}


def metric_id() -> Schema:
    return {"type": "string", "enum": list(METRICS), "description": "a metric id"}


def dimension_id() -> Schema:
    return {"type": "string", "enum": list(DIMENSIONS), "description": "a dimension id"}


def _options() -> Schema:
    return _nullable({
        "type": "object",
        "additionalProperties": False,
        "description": "knobs of the metric definitions; omitted keys keep their default",
        "properties": {
            "dead_stock_days": {
                "type": "integer", "minimum": 1, "maximum": 3650,
                "default": DEFAULTS.dead_stock_days,
                "description": "stock with no sale in this many days is dead stock"},
            "age_bounds": {
                "type": "array", "minItems": 1, "maxItems": 20, "uniqueItems": True,
                "items": {"type": "integer", "minimum": 0, "maximum": MAX_AGE_BOUND},
                "default": list(DEFAULTS.age_bounds),
                "description": "inclusive upper bounds in days of the age buckets, "
                               "strictly increasing"},
            "abc_measure": {"type": "string", "enum": list(ABC_MEASURES),
                            "default": DEFAULTS.abc_measure,
                            "description": "the measure SKUs are ranked by for abc_class"},
            "abc_cuts": {
                "type": "array", "minItems": 2, "maxItems": 2,
                "items": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "default": list(DEFAULTS.abc_cuts),
                "description": "cumulative-share cut-offs of classes A and B, "
                               "0 < A < B ≤ 1"},
        },
    })


def _tuple(items: list[Schema], description: str) -> Schema:
    """A fixed-length array whose positions have different types. Spelled as `items:
    anyOf` plus its length rather than `prefixItems`, which tools (schemathesis 4.32's
    response validation among them) still mishandle; the positions are in the text."""
    return {"type": "array", "minItems": len(items), "maxItems": len(items),
            "items": {"anyOf": items}, "description": description}


def _sort() -> Schema:
    item = {"anyOf": [{**_text(), "description": "column, or -column for descending"},
                      _tuple([_text(), {"type": "boolean"}], "[column, descending]")]}
    return _nullable({
        "type": "array", "maxItems": 10, "items": item,
        "description": "result order; each column must be a metric or a group column "
                       "(with its name companion) of this query. NULLs sort last. Time "
                       "and group order follow."})


def _having() -> Schema:
    condition = _tuple(
        [metric_id(), {"type": "string", "enum": list(HAVING_OPS)}, {"type": "number"}],
        "[metric, operator, number]; the metric must be one of this query's")
    return _nullable({"type": "array", "maxItems": 20, "items": condition,
                      "description": "keep groups whose metrics pass every condition"})


def query_request() -> Schema:
    """The body of POST /api/v1/query: what metrics.query_parsing.query_from_dict reads."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["metrics", "start", "end"],
        "description": f"A metric query. The body is at most {MAX_BODY_BYTES} bytes.",
        "properties": {
            "metrics": {**_one_or_many(metric_id(), len(METRICS), unique=True, min_items=1),
                        "description": "metric ids, each at most once (at least one)"},
            "start": _date("first day of the period"),
            "end": _date("last day of the period, on or after start"),
            "by": _nullable({
                **_one_or_many(dimension_id(), MAX_GROUP_DIMENSIONS, unique=True),
                "description": f"group-by dimensions, at most {MAX_GROUP_DIMENSIONS} and "
                               f"at most one time grain ({', '.join(TIME_GRAINS)}); a time "
                               f"grain splits the period into at most {MAX_TIME_BUCKETS} "
                               "periods"}),
            "where": _nullable({
                "type": "object",
                "propertyNames": {"enum": list(FILTERABLE)},
                "additionalProperties": _one_or_many(_text(), MAX_LIST),
                "description": "filters: dimension → allowed values (OR within a "
                               "dimension, AND across dimensions)"}),
            "as_of": _nullable({**_date("stock date of stock metrics, inside the period"),
                                "description": "stock date of stock metrics, inside the "
                                               "period; default: end"}),
            "options": _options(),
            "sort": _sort(),
            "limit": _nullable({
                "type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                "description": f"keep the first N rows. Without a limit an answer of "
                               f"{MAX_ROWS} rows or more is refused (400, field limit)"}),
            "having": _having(),
        },
    }


def query_echo() -> Schema:
    """The query as the server understood it (defaults filled in, filters sorted)."""
    request = query_request()
    props = dict(request["properties"])
    props["metrics"] = {"type": "array", "items": metric_id()}
    props["by"] = {"type": "array", "items": dimension_id()}
    return {"type": "object", "properties": props,
            "required": sorted(props), "additionalProperties": False}


def cell() -> Schema:
    return {"type": ["string", "number", "null"]}


def query_result() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["query", "source", "columns", "rows", "row_count"],
        "properties": {
            "query": query_echo(),
            "source": {"type": "string", "description": "the source that answered"},
            "columns": {"type": "array", "items": {"type": "string"},
                        "description": "time grain label first, then each group "
                                       "dimension (and its name companion), then the "
                                       "metrics in the order asked"},
            "rows": {"type": "array", "maxItems": MAX_ROWS,
                     "items": {"type": "object", "additionalProperties": cell()},
                     "description": "one object per group; an undefined value (a ratio "
                                    "over zero, a missing attribute) is null"},
            "row_count": {"type": "integer", "minimum": 0},
            "data_as_of": {"type": "string", "format": "date-time",
                           "description": "an extract-mode source only: when its local "
                                          "copy was read from the source database"},
        },
    }


def error() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["error", "field"],
        "properties": {
            "error": {"type": "string", "description": "what is wrong, in one line"},
            "field": {"type": ["string", "null"],
                      "description": "the request field at fault (e.g. metrics, start, "
                                     "where.region, options.age_bounds, source, body)"},
        },
    }


def labels() -> Schema:
    return {"type": "object", "additionalProperties": False, "required": ["zh", "en"],
            "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}


def metric_entry() -> Schema:
    dims = {"type": "array", "items": dimension_id()}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "labels", "unit", "good", "thresholds", "formula",
                     "cannot_group_by", "cannot_filter_by"],
        "properties": {
            "id": metric_id(),
            "labels": labels(),
            "unit": {"type": "string",
                     "enum": ["money", "units", "times", "days", "ratio", "count"]},
            "good": {"enum": ["higher", "lower", None],
                     "description": "which direction is good; null: neither"},
            "thresholds": _nullable({
                "type": "object", "additionalProperties": False,
                "required": ["good", "bad", "basis", "origin"],
                "properties": {
                    "good": {"type": "number"}, "bad": {"type": "number"},
                    "basis": {"enum": ["value", "annualized"],
                              "description": "annualized: compared with value × 365 / days"},
                    "origin": {"enum": ["default", "global"],
                               "description": "the registry default, or the Thresholds "
                                              "page's override for all categories"},
                }}),
            "formula": {"type": "string"},
            "cannot_group_by": {**dims, "description": "dimensions this metric has no "
                                                        "value for"},
            "cannot_filter_by": dims,
        },
    }


def dimension_entry() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "labels", "kind", "filterable", "name_column"],
        "properties": {
            "id": dimension_id(),
            "labels": labels(),
            "kind": {"enum": ["attribute", "time", "derived"]},
            "filterable": {"type": "boolean", "description": "usable as a where key"},
            "name_column": {"type": ["string", "null"],
                            "description": "a readable companion column returned next to "
                                           "the id when grouping (sku → sku_name)"},
        },
    }


def listing(key: str, entry: Schema) -> Schema:
    return {"type": "object", "additionalProperties": False, "required": [key],
            "properties": {key: {"type": "array", "items": entry}}}
