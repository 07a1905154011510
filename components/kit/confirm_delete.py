"""The "really delete?" dialog that list pages (Boards, Alerts) share, and the wiring of its
confirm callback, so the two pages cannot drift apart in ids or in how a cancel closes it.

A page opens the dialog by setting `{prefix}-delete.is_open` and `{prefix}-delete-text`,
and keeps what is to go in `{prefix}-target`; its confirm callback is declared with
`@callback(*confirm_io(P), prevent_initial_call=True)` and starts with `closing(...)`.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx
from dash.dependencies import DashDependency


def delete_modal(prefix: str, title: str, cancel: str, confirm: str) -> dbc.Modal:
    """The dialog (closed); its body `{prefix}-delete-text` is filled when it opens."""
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(title)),
        dbc.ModalBody(id=f"{prefix}-delete-text"),
        dbc.ModalFooter([
            dbc.Button(cancel, id=f"{prefix}-delete-cancel", color="secondary", outline=True),
            dbc.Button(confirm, id=f"{prefix}-delete-confirm", color="danger"),
        ]),
    ], id=f"{prefix}-delete", is_open=False)


def confirm_io(prefix: str) -> list[DashDependency]:
    """The confirm callback's dependencies: it closes the dialog, bumps the page's refresh
    counter and says what happened; it gets (confirm, cancel, target, refresh, lang)."""
    return [
        Output(f"{prefix}-delete", "is_open", allow_duplicate=True),
        Output(f"{prefix}-refresh", "data", allow_duplicate=True),
        Output(f"{prefix}-feedback", "children", allow_duplicate=True),
        Input(f"{prefix}-delete-confirm", "n_clicks"),
        Input(f"{prefix}-delete-cancel", "n_clicks"),
        State(f"{prefix}-target", "data"),
        State(f"{prefix}-refresh", "data"),
        State(f"{prefix}-lang", "data"),
    ]


def closing(prefix: str, target: object) -> bool:
    """True when the dialog only closes: cancelled, or nothing chosen to delete."""
    return ctx.triggered_id == f"{prefix}-delete-cancel" or not target
