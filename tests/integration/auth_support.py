"""Shared by the authentication tests: accounts with real scrypt hashes (made once per
session, they cost ~0.25 s each), logging in through the real form, and the request
bodies Dash's front end sends."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app_state.users import add_user
from auth.passwords import hash_password

PASSWORD = "correct horse battery"
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def make_user(name: str, role: str, scope: dict[str, list[str]] | None = None) -> None:
    """An account whose password is PASSWORD (stored in the test's own state database)."""
    add_user(name, role, password_hash(), scope)


def csrf_of(response: TestResponse) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: FlaskClient, name: str, password: str = PASSWORD,
          next_path: str = "/") -> TestResponse:
    """Open the login page (which starts the session holding its CSRF token), post it."""
    token = csrf_of(client.get("/login"))
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token, "next": next_path})


def router_body(pathname: str, search: str = "") -> dict[str, Any]:
    """What Dash's front end posts to render the page at `pathname` (Dash Pages)."""
    return {"output": ROUTER_OUTPUT,
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def render_page(client: FlaskClient, pathname: str, **headers: str) -> TestResponse:
    return client.post("/_dash-update-component", json=router_body(pathname),
                       headers=headers)


def page_text(response: TestResponse) -> str:
    """Every text of a rendered layout, for looking things up in it."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(response.get_json())
    return "\n".join(texts)


def _concrete(dep_id: str) -> tuple[Any, bool]:
    """A concrete id for a declared one (pattern-matching wildcards get a value), and
    whether the dependency is an ALL/ALLSMALLER list."""
    if not dep_id.startswith("{"):
        return dep_id, False
    declared = json.loads(dep_id)
    many = any(v in (["ALL"], ["ALLSMALLER"]) for v in declared.values())
    return {k: ("x" if isinstance(v, list) else v) for k, v in declared.items()}, many


def _item(dep: dict[str, Any], values: dict[str, Any], with_value: bool = True) -> Any:
    ident, many = _concrete(str(dep["id"]))
    item = {"id": ident, "property": dep["property"]}
    if with_value:
        item["value"] = values.get(f"{dep['id']}.{dep['property']}")
    return [item] if many else item


def body(dep: dict[str, Any], **values: Any) -> dict[str, Any]:
    """The body Dash's front end would post for a callback — `dep` is an entry of
    /_dash-dependencies or of the app's callback map with its "output" — with `values`
    by "id.prop" and every other value None (the gate decides before values are read)."""
    output = dep["output"]
    outs = [o.rsplit(".", 1) for o in (output[2:-2].split("...") if output.startswith("..")
                                       else [output])]
    outputs = [_item({"id": i, "property": p}, {}, with_value=False) for i, p in outs]
    changed = [k for k in values if values[k] is not None]
    return {"output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": [_item(i, values) for i in dep["inputs"]],
            "state": [_item(s, values) for s in dep.get("state", [])],
            "changedPropIds": changed[:1]}


def body_for(output: str, entry: dict[str, Any]) -> dict[str, Any]:
    """`body` for an entry of the app's callback map."""
    return body({**entry, "output": output})
