"""The board's "Subscribe" dialog: e-mail this board on a schedule (issue 16, a
subscription is an alert rule with `board:`; alerts/rules.py). A signed-in person
subscribes herself — the mail is built in her scope and goes to her own address
(`users set-email`); without accounts (demo mode) an address is typed in."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t

PRESETS = {"monday": "0 9 * * 1", "daily": "0 8 * * *", "weekdays": "0 8 * * 1-5"}


def subscription_body(board_id: int, board_name: str, preset: str, own_name: str | None,
                      address: str | None, skip_if_empty: bool, lang: str) -> dict:
    """The rule the dialog saves (validated by alerts.rules.parse_rule before storing)."""
    who = own_name or (address or "").strip()
    channel = {"type": "email"} if own_name else {"type": "email", "to": [who]}
    return {"name": f"{board_name} · {t(f'subscribe.when.{preset}', lang)} · {who}",
            "board": board_id, "schedule": PRESETS[preset], "channels": [channel],
            "recipients": [own_name] if own_name else [], "skip_if_empty": skip_if_empty,
            "lang": lang}


def subscribe_dialog(prefix: str, own_name: str | None, lang: str) -> dbc.Modal:
    target = [
        html.P(t("subscribe.to_me", lang, name=own_name), className="page-subtitle",
               hidden=not own_name),
        html.Div([html.Label(t("subscribe.address", lang), className="filter-label",
                             htmlFor=f"{prefix}-sub-address"),
                  dbc.Input(id=f"{prefix}-sub-address", type="email",
                            placeholder="name@example.com")], hidden=bool(own_name)),
    ]
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(t("subscribe.title", lang))),
        dbc.ModalBody([
            html.Label(t("subscribe.when", lang), className="filter-label",
                       htmlFor=f"{prefix}-sub-when"),
            dcc.Dropdown(id=f"{prefix}-sub-when", value="monday", clearable=False,
                         options=[{"label": t(f"subscribe.when.{k}", lang), "value": k}
                                  for k in PRESETS]),
            html.Div(target, className="mt-3"),
            dbc.Checkbox(id=f"{prefix}-sub-skip", value=True, className="mt-3",
                         label=t("subscribe.skip", lang)),
            html.Div(id=f"{prefix}-sub-feedback", className="mt-3", role="status"),
        ]),
        dbc.ModalFooter([
            dbc.Button(t("subscribe.cancel", lang), id=f"{prefix}-sub-cancel",
                       color="secondary", outline=True),
            dbc.Button(t("subscribe.confirm", lang), id=f"{prefix}-sub-confirm",
                       color="primary"),
        ]),
    ], id=f"{prefix}-sub", is_open=False)


def save_subscription(board_id: int, preset: str, address: str | None, skip: bool,
                      lang: str) -> dbc.Alert:
    """Validate and store the subscription; what the dialog says about it."""
    from alerts.rules import parse_rule
    from app_state.alerts import RuleNameTaken, save_rule
    from app_state.boards import get_board
    from auth.identity import current_user

    user = current_user()
    own = user.name if user is not None and user.user_id is not None else None
    if own is None and not (address or "").strip():
        return dbc.Alert(t("subscribe.need_address", lang), color="warning")
    body = subscription_body(board_id, get_board(board_id).name,
                             preset if preset in PRESETS else "monday", own, address, skip,
                             lang)
    try:
        parse_rule(body, owner=own)
        save_rule(body, own)
    except RuleNameTaken:
        return dbc.Alert(t("subscribe.taken", lang), color="warning")
    except ValueError as exc:  # ConfigError: names the field (an address that is not one)
        return dbc.Alert(str(exc), color="danger")
    return dbc.Alert([t("subscribe.done", lang, name=body["name"]), " ",
                      dcc.Link(t("subscribe.manage", lang), href="/alerts")],
                     color="success")
