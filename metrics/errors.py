"""Errors the metrics layer raises for bad requests, with messages fit for a user."""


class QueryError(ValueError):
    """A MetricQuery that cannot be answered; the message names the offending field/value."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
