"""Boards (看板): the list of boards and of saved views, and what can be done with them —
create, open, rename, duplicate, delete (after a confirmation), export a board to a JSON
file and import one.

Every action is stored at once in the app-state database and the lists are redrawn from it
(a "refresh" counter store), so what the page shows is what is saved, including changes
made in another tab or server process. Errors are shown, translated where they are ours
(names), and naming the field where they come from an imported file.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from app_state.boards import (
    boards_using_view,
    delete_board,
    duplicate_board,
    get_board,
    list_boards,
    rename_board,
    view_board_counts,
)
from app_state.records import InvalidName, NotFound
from app_state.views import delete_view, duplicate_view, rename_view
from auth.permissions import EDIT_BOARDS, VIEW, needs
from components.boards.board_file import InvalidBoardFile, export_board, import_board
from components.boards.board_list import LIST_ACT, boards_table, views_table
from components.boards.saved import create_board, get_view, list_views
from components.kit.confirm_delete import closing, confirm_io, delete_modal
from components.kit.page_frame import page_frame, section
from components.kit.page_title import page_title
from i18n import resolve_language, t

dash.register_page(__name__, path="/boards", name="boards", title=page_title("nav.boards"))

P = "bl"
MAX_UPLOAD = 5 * 1024 * 1024
STORE_ERRORS = (SQLAlchemyError, OSError)
RENAME = {"board": rename_board, "view": rename_view}
DUPLICATE = {"board": duplicate_board, "view": duplicate_view}
DELETE = {"board": delete_board, "view": delete_view}


def _lists(lang: str) -> tuple[object, object]:
    try:
        return (boards_table(list_boards(), lang),
                views_table(list_views(), view_board_counts(), lang))
    except STORE_ERRORS as exc:
        problem = dbc.Alert(t("boards.store_error", lang, error=str(exc)), color="danger")
        return problem, problem


def _name_of(kind: str, ident: int) -> str:
    return get_board(ident).name if kind == "board" else get_view(ident).name


def problem_text(exc: Exception, lang: str) -> str:
    """Our errors in the page's language; others as they come."""
    if isinstance(exc, InvalidName):
        return t(f"boards.name.{exc.problem}", lang, name=exc.name,
                 what=t(f"boards.what.{exc.what}", lang))
    if isinstance(exc, NotFound):
        return t("boards.gone", lang)
    return str(exc)


def _feedback(text: object, color: str = "success") -> dbc.Alert:
    return dbc.Alert(text, color=color, dismissable=True, className="list-feedback")


def file_name(name: str) -> str:
    """A board's export file name: its name with what file systems dislike replaced."""
    return (re.sub(r'[\\/:*?"<>|\s]+', "-", name).strip("-.") or "board") + ".board.json"


def _rename_modal(lang: str) -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(id=f"{P}-rename-title")),
        dbc.ModalBody([
            dbc.Label(t("boards.col.name", lang), html_for=f"{P}-rename-name"),
            dbc.Input(id=f"{P}-rename-name", maxLength=80, debounce=False),
            dbc.FormFeedback(id=f"{P}-rename-problem", type="invalid"),
        ]),
        dbc.ModalFooter([
            dbc.Button(t("boards.cancel", lang), id=f"{P}-rename-cancel", color="secondary",
                       outline=True),
            dbc.Button(t("boards.act.rename", lang), id=f"{P}-rename-save", color="primary"),
        ]),
    ], id=f"{P}-rename", is_open=False)


def layout(**params: str) -> html.Div:
    lang = resolve_language(params.get("lang"))
    board_list, view_list = _lists(lang)
    create = html.Div([
        dbc.Input(id=f"{P}-new-name", placeholder=t("boards.create.name_prompt", lang),
                  maxLength=80, size="sm", className="list-new-name"),
        dbc.Button(t("boards.create.button", lang), id=f"{P}-create", size="sm",
                   color="primary"),
        dcc.Upload(dbc.Button(t("boards.import.button", lang), size="sm", color="secondary",
                              outline=True),
                   id=f"{P}-import", accept=".json,application/json", max_size=MAX_UPLOAD,
                   className="list-import"),
    ], className="list-tools")
    return page_frame(lang, [
        html.Div([html.H1(t("boards.title", lang), className="page-title"),
                  html.Div(t("boards.subtitle", lang), className="page-subtitle")],
                 className="page-head"),
        html.Div(id=f"{P}-feedback"),
        section(t("boards.list.title", lang), html.Div(board_list, id=f"{P}-boards"),
                tools=create),
        html.Div(className="list-gap"),
        section(t("boards.views.title", lang), html.Div(view_list, id=f"{P}-views"),
                tools=html.Div(dcc.Link(t("boards.views.new", lang), href="/explore",
                                        className="btn btn-sm btn-outline-primary"),
                               className="list-tools")),
        html.P(t("boards.views.hint", lang), className="list-hint"),
        _rename_modal(lang),
        delete_modal(P, t("boards.delete.title", lang), t("boards.cancel", lang),
                     t("boards.act.delete", lang)),
        dcc.Store(id=f"{P}-refresh", data=0),
        dcc.Store(id=f"{P}-target"),
        dcc.Store(id=f"{P}-lang", data=lang),
        dcc.Download(id=f"{P}-download"),
        dcc.Location(id=f"{P}-go", refresh="callback-nav"),
    ], None)


@callback(
    Output(f"{P}-boards", "children"),
    Output(f"{P}-views", "children"),
    Input(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def show_lists(_refresh, lang):
    return _lists(lang)


@callback(
    Output(f"{P}-go", "href"),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Input(f"{P}-create", "n_clicks"),
    Input(f"{P}-new-name", "n_submit"),
    State(f"{P}-new-name", "value"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def create(_clicks, _submit, name, lang):
    """Create the board and open it (a new board is there to be filled)."""
    try:
        return f"/boards/{create_board(name)}", None
    except (InvalidName, *STORE_ERRORS) as exc:
        return dash.no_update, _feedback(problem_text(exc, lang), "danger")


@callback(
    Output(f"{P}-refresh", "data", allow_duplicate=True),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Output(f"{P}-download", "data"),
    Output(f"{P}-rename", "is_open", allow_duplicate=True),
    Output(f"{P}-rename-title", "children"),
    Output(f"{P}-rename-name", "value"),
    Output(f"{P}-rename-name", "invalid", allow_duplicate=True),
    Output(f"{P}-delete", "is_open", allow_duplicate=True),
    Output(f"{P}-delete-text", "children"),
    Output(f"{P}-target", "data"),
    Input({"type": LIST_ACT, "kind": ALL, "id": ALL, "act": ALL}, "n_clicks"),
    State(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def act(_clicks, refresh, lang):
    """A row's button: duplicate and export at once; rename and delete ask first."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate  # a redrawn list, not a click
    kind, ident, action = trigger["kind"], trigger["id"], trigger["act"]
    out = [dash.no_update] * 10
    try:
        name = _name_of(kind, ident)
        if action == "duplicate":
            copy = _name_of(kind, DUPLICATE[kind](ident))
            out[0:2] = refresh + 1, _feedback(t("boards.done.duplicated", lang, name=copy))
        elif action == "export":
            text = json.dumps(export_board(ident), ensure_ascii=False, indent=2)
            out[2] = {"content": text, "filename": file_name(name), "type": "application/json"}
        elif action == "rename":
            out[3:7] = True, t(f"boards.rename.{kind}", lang), name, False
            out[9] = {"kind": kind, "id": ident, "act": action}
        else:
            out[7:10] = True, _delete_text(kind, ident, name, lang), \
                {"kind": kind, "id": ident, "act": action}
    except (NotFound, ValueError, *STORE_ERRORS) as exc:
        out[0:2] = refresh + 1, _feedback(problem_text(exc, lang), "danger")
    return out


def _delete_text(kind: str, ident: int, name: str, lang: str) -> list:
    text: list = [html.P(t(f"boards.delete.{kind}", lang, name=name))]
    if kind == "view":
        using = boards_using_view(ident)
        if using:
            text.append(html.P(t("boards.delete.view_used", lang, n=len(using),
                                 boards=", ".join(using)), className="text-warning-emphasis"))
    return text


@callback(
    Output(f"{P}-rename", "is_open", allow_duplicate=True),
    Output(f"{P}-rename-name", "invalid", allow_duplicate=True),
    Output(f"{P}-rename-problem", "children"),
    Output(f"{P}-refresh", "data", allow_duplicate=True),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Input(f"{P}-rename-save", "n_clicks"),
    Input(f"{P}-rename-name", "n_submit"),
    Input(f"{P}-rename-cancel", "n_clicks"),
    State(f"{P}-rename-name", "value"),
    State(f"{P}-target", "data"),
    State(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def rename(_save, _submit, _cancel, name, target, refresh, lang):
    """Store the new name; a refused one keeps the dialog open and says why."""
    if ctx.triggered_id == f"{P}-rename-cancel" or not target:
        return False, False, "", dash.no_update, dash.no_update
    try:
        stored = RENAME[target["kind"]](target["id"], name)
    except InvalidName as exc:
        return True, True, problem_text(exc, lang), dash.no_update, dash.no_update
    except (NotFound, *STORE_ERRORS) as exc:
        return False, False, "", refresh + 1, _feedback(problem_text(exc, lang), "danger")
    return False, False, "", refresh + 1, _feedback(t("boards.done.renamed", lang, name=stored))


@callback(*confirm_io(P), prevent_initial_call=True)
@needs(EDIT_BOARDS)
def delete(_confirm, _cancel, target, refresh, lang):
    if closing(P, target):
        return False, dash.no_update, dash.no_update
    try:
        name = _name_of(target["kind"], target["id"])
        DELETE[target["kind"]](target["id"])
    except (NotFound, *STORE_ERRORS) as exc:
        return False, refresh + 1, _feedback(problem_text(exc, lang), "danger")
    return False, refresh + 1, _feedback(t("boards.done.deleted", lang, name=name))


def read_upload(contents: str) -> object:
    """The JSON inside a dcc.Upload data URL (ValueError saying what is wrong)."""
    try:
        raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
        return json.loads(raw.decode("utf-8-sig"))
    except (IndexError, binascii.Error) as exc:
        raise ValueError("the upload could not be read") from exc
    except UnicodeDecodeError as exc:
        raise ValueError("the file is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") \
            from exc


@callback(
    Output(f"{P}-refresh", "data", allow_duplicate=True),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Output(f"{P}-import", "contents"),
    Input(f"{P}-import", "contents"),
    State(f"{P}-import", "filename"),
    State(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def import_file(contents, filename, refresh, lang):
    """Import a board file; a file that does not fit stores nothing and names the field.
    The upload is cleared afterwards, so the same file can be chosen again."""
    if not contents:
        raise dash.exceptions.PreventUpdate
    try:
        board_id = import_board(read_upload(contents))
        name = get_board(board_id).name
    except InvalidBoardFile as exc:
        return dash.no_update, _feedback(t("boards.import.invalid", lang, file=filename,
                                           error=str(exc)), "danger"), None
    except (ValueError, *STORE_ERRORS) as exc:
        return dash.no_update, _feedback(t("boards.import.invalid", lang, file=filename,
                                           error=problem_text(exc, lang)), "danger"), None
    done = [t("boards.import.done", lang, name=name), " ",
            dcc.Link(t("boards.act.open", lang), href=f"/boards/{board_id}",
                     className="alert-link")]
    return refresh + 1, _feedback(done), None
