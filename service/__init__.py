"""The query service: who runs a query, and as whom (DESIGN.md, "One query service").

    from service import ALL_DATA, Principal, run
    run(principal, MetricQuery.create(["revenue"], start, end), source="demo")

Everything that answers a question with the product's numbers — pages, components, the
API, the CLI, the wall, forecasts, alerts — calls these functions with the Principal it
runs for. See service/queries.py for the rules (scope, cache, single-flight, errors).
"""

from service.labels import value_labels
from service.principal import ALL_DATA, NOBODY, MissingPrincipal, Principal
from service.queries import (
    channel_values,
    data_range,
    dimension_values,
    evaluate,
    evaluate_lead_times,
    history_rows,
    lead_times,
    run,
)

__all__ = ["ALL_DATA", "NOBODY", "MissingPrincipal", "Principal", "channel_values",
           "data_range", "dimension_values", "evaluate", "evaluate_lead_times",
           "history_rows", "lead_times", "run", "value_labels"]
