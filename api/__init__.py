"""StockLens's JSON API (/api/v1): the numbers of the board and the CLI, over HTTP.

`register_api(server)` adds it to the Flask server inside the Dash app; everything the
API accepts and returns is described by its own OpenAPI document (/api/v1/openapi.json).
"""

from api.blueprint import register_api

__all__ = ["register_api"]
