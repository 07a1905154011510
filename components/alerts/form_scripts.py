"""The Alerts form's own show / hide, run in the browser (no server round trip): the
metric or list fields by what is watched, the limit or status by the condition, the
schedule preset kept in step with the cron text, and a channel row's fields by its type.

`install()` is called by pages/alerts.py when it is imported, like the page's own
callbacks (a clientside callback needs no permission: it reads and writes only the form).
"""

from __future__ import annotations

import json

from dash import MATCH, Input, Output, State, clientside_callback

from components.alerts.rule_form import CH_SECRET_BOX, CH_TO_BOX, CH_TYPE, CH_URL_BOX
from components.alerts.rule_values import CUSTOM, SCHEDULE_PRESETS

P = "al"


def install() -> None:
    """Declare the form's clientside callbacks (once, from the page module)."""
    clientside_callback(
        """
        function (watch, current, labels) {
            const isList = watch === "list";
            const options = (labels || {})[isList ? "list" : "metric"] || [];
            const keep = options.some(o => o.value === current);
            return [isList ? {display: "none"} : {}, isList ? {} : {display: "none"},
                    options, keep ? current : (options[0] || {}).value];
        }
        """,
        Output(f"{P}-metric-box", "style"),
        Output(f"{P}-list-box", "style"),
        Output(f"{P}-cond", "options"),
        Output(f"{P}-cond", "value"),
        Input(f"{P}-watch", "value"),
        State(f"{P}-cond", "value"),
        State(f"{P}-cond-labels", "data"),
        prevent_initial_call=True,
    )

    clientside_callback(
        """
        function (kind) {
            const hide = {display: "none"};
            return [kind === "status" || kind === "not_empty" ? hide : {},
                    kind === "status" ? {} : hide];
        }
        """,
        Output(f"{P}-limit-box", "style"),
        Output(f"{P}-cond-status-box", "style"),
        Input(f"{P}-cond", "value"),
    )

    clientside_callback(
        """
        function (preset, cron) {
            const presets = __PRESETS__;
            const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
            if (trigger.startsWith("__P__-preset")) {
                if (presets[preset]) { return [preset, presets[preset]]; }
                return [preset, dash_clientside.no_update];
            }
            const found = Object.keys(presets).find(k => presets[k] === (cron || "").trim());
            return [found || "__CUSTOM__", dash_clientside.no_update];
        }
        """.replace("__PRESETS__", json.dumps(SCHEDULE_PRESETS)).replace("__P__", P)
        .replace("__CUSTOM__", CUSTOM),
        Output(f"{P}-preset", "value"),
        Output(f"{P}-cron", "value"),
        Input(f"{P}-preset", "value"),
        Input(f"{P}-cron", "value"),
        prevent_initial_call=True,
    )

    clientside_callback(
        """
        function (kind) {
            const hide = {display: "none"};
            const signs = ["dingtalk", "feishu", "webhook"];
            return [kind === "email" ? hide : {}, signs.includes(kind) ? {} : hide,
                    kind === "email" ? {} : hide];
        }
        """,
        Output({"type": CH_URL_BOX, "key": MATCH}, "style"),
        Output({"type": CH_SECRET_BOX, "key": MATCH}, "style"),
        Output({"type": CH_TO_BOX, "key": MATCH}, "style"),
        Input({"type": CH_TYPE, "key": MATCH}, "value"),
    )
