"""Import data (数据导入): upload CSV/Excel files (and a mapping) into a DuckDB database the
app can write — an existing one or a new one, which then appears as a source.

The import itself is data_connectors.file_import (all or nothing, row-level report); this
page only stages the uploads in a temporary folder and shows the report.
"""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import yaml
from dash import Input, Output, State, callback, dcc, html

from auth import ADMIN, restricted_layout
from auth.permissions import IMPORT, needs
from components.admin.import_report_view import report_view
from components.kit.page_frame import loading, page_frame
from components.kit.page_title import page_title
from data_connectors import paths
from data_connectors.config import SourceConfig
from data_connectors.file_import import ImportRejected, import_files
from data_connectors.mapping import MappingError, parse_mapping
from forecast import job as forecast_job
from i18n import resolve_language, t
from service import sources

dash.register_page(__name__, path="/import", name="import", title=page_title("nav.import"))

P = "import"
NEW = "__new__"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # uploads travel base64 in memory; bigger: the CLI


def writable_targets() -> list[str]:
    reg = sources.registry()
    return [name for name in reg.names() if reg.duckdb_path(name) is not None]


@restricted_layout(ADMIN)
def layout(**params: str) -> html.Div:
    lang = resolve_language(params.get("lang"))
    targets = writable_targets()
    options = [{"label": sources.registry().label(n), "value": n} for n in targets]
    options.append({"label": t("import.new_database", lang), "value": NEW})
    upload_style = "upload-zone"
    return page_frame(lang, [
        html.Div([html.H1(t("import.title", lang), className="page-title"),
                  html.Div(t("import.subtitle", lang), className="page-subtitle")],
                 className="page-head"),
        dcc.Store(id=f"{P}-lang", data=lang),
        html.Div([
            dbc.Row([
                dbc.Col([html.Label(t("import.target", lang), className="filter-label"),
                         dcc.Dropdown(id=f"{P}-target", options=options, clearable=False,
                                      value=NEW, searchable=False)], md=4),
                dbc.Col([html.Label(t("import.new_name", lang), className="filter-label"),
                         dbc.Input(id=f"{P}-name", placeholder="shop-2026", type="text")],
                        md=4, id=f"{P}-name-col"),
                dbc.Col([html.Label(t("import.mode", lang), className="filter-label"),
                         dbc.RadioItems(id=f"{P}-mode", value="", inline=True, options=[
                             {"label": t("import.mode_none", lang), "value": ""},
                             {"label": t("import.mode_append", lang), "value": "append"},
                             {"label": t("import.mode_replace", lang), "value": "replace"},
                         ])], md=4),
            ], className="g-3 mb-3"),
            html.Label(t("import.files", lang), className="filter-label"),
            dcc.Upload(id=f"{P}-files", multiple=True, className=upload_style,
                       max_size=MAX_UPLOAD_BYTES,
                       children=html.Div(t("import.drop_files", lang))),
            html.Div(id=f"{P}-files-chosen", className="upload-chosen"),
            html.Label(t("import.mapping", lang), className="filter-label mt-3"),
            dcc.Upload(id=f"{P}-mapping", multiple=False, className=upload_style,
                       children=html.Div(t("import.drop_mapping", lang))),
            html.Div(id=f"{P}-mapping-chosen", className="upload-chosen"),
            dbc.Button(t("import.run", lang), id=f"{P}-run", color="primary",
                       className="mt-3"),
        ], className="panel mb-3"),
        loading(html.Div(id=f"{P}-result")),
    ])


@callback(Output(f"{P}-name-col", "style"), Input(f"{P}-target", "value"))
@needs(IMPORT)
def show_name_field(target):
    return {} if target == NEW else {"display": "none"}


@callback(Output(f"{P}-files-chosen", "children"), Input(f"{P}-files", "filename"),
          State(f"{P}-lang", "data"))
@needs(IMPORT)
def list_files(names, lang):
    return t("import.chosen", lang, n=len(names), names=", ".join(names)) if names else ""


@callback(Output(f"{P}-mapping-chosen", "children"), Input(f"{P}-mapping", "filename"))
@needs(IMPORT)
def show_mapping(name):
    return name or ""


def _decode(content: str) -> bytes:
    return base64.b64decode(content.split(",", 1)[1])


def _stage(folder: Path, names: list[str], contents: list[str]) -> Path:
    """Write the uploads; a single workbook is imported as the workbook itself."""
    paths = []
    for name, content in zip(names, contents, strict=True):
        path = folder / Path(name).name  # never a path the browser chose
        path.write_bytes(_decode(content))
        paths.append(path)
    if len(paths) == 1 and paths[0].suffix.lower() == ".xlsx":
        return paths[0]
    return folder


@callback(
    Output(f"{P}-result", "children"),
    Output(f"{P}-target", "options"),
    Input(f"{P}-run", "n_clicks"),
    State(f"{P}-target", "value"), State(f"{P}-name", "value"), State(f"{P}-mode", "value"),
    State(f"{P}-files", "filename"), State(f"{P}-files", "contents"),
    State(f"{P}-mapping", "filename"), State(f"{P}-mapping", "contents"),
    State(f"{P}-target", "options"), State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(IMPORT)
def run_import(_, target, new_name, mode, names, contents, map_name, map_content, options,
               lang):
    """Stage, import, and register a new database as a source; show the report."""
    registry = sources.registry()
    if not names:
        return dbc.Alert(t("import.need_files", lang), color="warning"), dash.no_update
    if target == NEW:
        if not new_name or not NAME_RE.match(new_name) or new_name in registry.configs:
            return dbc.Alert(t("import.need_name", lang), color="warning"), dash.no_update
        target, db_path = new_name, paths.IMPORTS_DIR / f"{new_name}.duckdb"
        paths.IMPORTS_DIR.mkdir(parents=True, exist_ok=True)
    else:
        db_path = registry.duckdb_path(target)
        if db_path is None:
            return dbc.Alert(t("import.not_target", lang, name=target), color="danger"), \
                dash.no_update
    try:
        mapping = parse_mapping(yaml.safe_load(_decode(map_content)), where=map_name) \
            if map_content else None
    except (MappingError, yaml.YAMLError) as exc:
        return dbc.Alert(str(exc), color="danger"), dash.no_update
    with tempfile.TemporaryDirectory(prefix="stocklens-upload-") as tmp:
        staged = _stage(Path(tmp), names, contents)
        if target in registry.configs:
            registry.release(target)  # close our read-only connections to the file
        try:
            report = import_files(staged, db_path, mapping, mode or None)
        except ImportRejected as exc:
            return report_view(exc.report, target, lang), dash.no_update
        except MappingError as exc:
            return dbc.Alert(str(exc), color="danger"), dash.no_update
    sources.invalidate(target)  # cached answers of the old data must not be served
    if target not in registry.configs:
        registry.add(SourceConfig(target, f"duckdb:///{db_path}"))
        options = [*options[:-1], {"label": target, "value": target}, options[-1]]
    forecast_job.nudge()  # new data: forecast it now rather than at the next check
    return report_view(report, target, lang), options
