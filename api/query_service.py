"""POST /api/v1/query, apart from HTTP: a parsed JSON body and the query-string arguments
in, the answer (or a QueryError / ApiError / SourceError) out.

The order of the steps is the security and cost order: the source name and the query are
validated, the caller's scope (the request's Principal) is applied and the cost is
bounded before anything reaches a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.applicability import check_applicable
from api.errors import ApiError
from api.limits import capped, check_row_count
from api.rows import frame_rows
from auth.principal import request_principal
from metrics.query_parsing import query_from_dict
from service import run, sources
from service.extracts import extracted_at

QUERY_PARAMETERS = ("source",)


def chosen_source(args: Mapping[str, str]) -> str:
    """The `source` parameter, else the configured default (not the board's cookie: an
    API answer must not depend on what the same browser last looked at).

    Unknown parameters are refused rather than ignored: `?sorce=erp` silently answering
    from the default source would be a wrong number that looks right."""
    unknown = sorted(set(args) - set(QUERY_PARAMETERS))
    if unknown:
        raise ApiError(400, f"unknown query parameter(s) {', '.join(map(repr, unknown))}; "
                            f"known: {', '.join(QUERY_PARAMETERS)}", unknown[0][:100])
    if len(getattr(args, "getlist", lambda _: [])("source")) > 1:
        raise ApiError(400, "give source at most once", "source")
    registry = sources.registry()
    name = args.get("source")
    if name is None:
        return registry.default
    if name not in registry.configs:
        raise ApiError(400, f"unknown source {name[:100]!r}; configured: "
                            f"{', '.join(registry.names())}", "source")
    return name


def answer_query(body: Any, args: Mapping[str, str]) -> dict[str, Any]:
    """The rows of the query in `body`, from the source named in `args`."""
    source = chosen_source(args)
    principal = request_principal()
    query = principal.narrow(query_from_dict(body))
    check_applicable(query)
    frame = run(principal, capped(query), source)
    check_row_count(query, len(frame))
    columns, rows = frame_rows(frame)
    as_of = extracted_at(source)  # an extract's "data as of" (service/extracts.py)
    return {"query": query.to_request(), "source": source, "columns": columns,
            "rows": rows, "row_count": len(rows),
            **({"data_as_of": as_of.isoformat()} if as_of else {})}
