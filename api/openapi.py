"""The OpenAPI 3.1 document of the API, assembled from api/schemas.py on each request (so
it lists the sources configured right now, imported ones included)."""

from __future__ import annotations

from typing import Any

from api.limits import API_PREFIX, MAX_BODY_BYTES, MAX_ROWS, MAX_TIME_BUCKETS
from api.schemas import (
    dimension_entry,
    error,
    listing,
    metric_entry,
    query_request,
    query_result,
)

ERROR_REF = {"$ref": "#/components/schemas/Error"}
EXAMPLES: dict[str, dict[str, Any]] = {
    "by_region_and_channel": {"summary": "turnover by region and channel", "value": {
        "metrics": ["turnover", "turnover_days", "sell_through"],
        "start": "2025-07-01", "end": "2025-09-30", "by": ["region", "channel"]}},
    "monthly_trend": {"summary": "a monthly trend in one region", "value": {
        "metrics": ["revenue", "gmroi"], "start": "2025-07-01", "end": "2025-12-31",
        "by": ["month"], "where": {"region": ["East"]}}},
    "ageing": {"summary": "inventory age buckets at a date", "value": {
        "metrics": ["aged_units", "aged_value", "average_age_days"],
        "start": "2025-09-01", "end": "2025-09-30", "by": ["age_bucket"]}},
    "top_dead_stock": {"summary": "top 10 SKUs by dead-stock value", "value": {
        "metrics": ["dead_stock_value", "inventory_value"], "start": "2025-07-01",
        "end": "2025-09-30", "by": ["sku"], "sort": [["dead_stock_value", True]],
        "limit": 10, "having": [["dead_stock_value", ">", 0]]}},
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query_operation(source_names: list[str]) -> dict[str, Any]:
    source: dict[str, Any] = {"type": "string"}
    if source_names:
        source["enum"] = source_names
    return {
        "operationId": "query",
        "summary": "Compute metrics, grouped and filtered, as rows",
        "description": "The same numbers as `app.py query --format json` and the board. "
                       f"An answer holds at most {MAX_ROWS} rows; a time grain at most "
                       f"{MAX_TIME_BUCKETS} periods.",
        "parameters": [{
            "name": "source", "in": "query", "required": False, "schema": source,
            "description": "a configured source; default: the server's default source. "
                           "Other query parameters are refused."}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _ref("QueryRequest"), "examples": EXAMPLES}}},
        "responses": {
            "200": _ok("the rows of the answer", _ref("QueryResult")),
            "400": _error("invalid query, parameter or JSON; `field` names what to fix"),
            "413": _error(f"body larger than {MAX_BODY_BYTES} bytes"),
            "415": _error("body not sent as application/json"),
            "500": _error("a server bug (logged; no details are returned)"),
            "503": _error("the data source cannot be reached or read"),
        },
    }


def _listing_operation(op_id: str, summary: str, schema: str) -> dict[str, Any]:
    return {"operationId": op_id, "summary": summary,
            "responses": {"200": _ok(summary, _ref(schema)),
                          "500": _error("a server bug (logged)")}}


def openapi_document(source_names: list[str]) -> dict[str, Any]:
    """The whole document; `source_names` are the sources the server can answer from."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "StockLens JSON API",
            "version": "1",
            "description": "Inventory metrics (turnover, sell-through, ageing, …) from "
                           "StockLens's metric registry. Errors are "
                           '{"error": message, "field": name or null}.',
        },
        "paths": {
            f"{API_PREFIX}/query": {"post": _query_operation(source_names)},
            f"{API_PREFIX}/metrics": {"get": _listing_operation(
                "listMetrics", "every metric of the registry", "MetricList")},
            f"{API_PREFIX}/dimensions": {"get": _listing_operation(
                "listDimensions", "every dimension queries can group or filter by",
                "DimensionList")},
            f"{API_PREFIX}/openapi.json": {"get": {
                "operationId": "openapi", "summary": "this document",
                "responses": {"200": _ok("the OpenAPI document", {"type": "object"})}}},
        },
        "components": {"schemas": {
            "QueryRequest": query_request(),
            "QueryResult": query_result(),
            "Error": error(),
            "Metric": metric_entry(),
            "MetricList": listing("metrics", _ref("Metric")),
            "Dimension": dimension_entry(),
            "DimensionList": listing("dimensions", _ref("Dimension")),
        }},
    }
