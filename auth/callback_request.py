"""A Dash callback request, checked before Dash sees it: well formed, naming a callback
the app has, carrying exactly that callback's outputs, inputs and state, from someone
whose role has the callback's permission (auth/permissions.py) — and, for a wall
screen's session, a callback of the wall.

Dash itself trusts the body: a crafted one could add `_pages_content` to another
callback's outputs, name outputs the callback does not have, or send shapes that make
Dash fail with a 500. Here each of those is a 4xx with a reason, and nothing runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dash._utils import split_callback_id

from auth.permissions import VIEW, declared

PAGES_CONTENT, PAGES_LOCATION = "_pages_content", "_pages_location"
WALL_PATH = "/wall"
# The wall page module and the wall's component package: a callback defined anywhere else
# (a moved or new module included) is refused to a wall session: the check fails closed.
WALL_PAGE, WALL_PACKAGE = "pages.wall", "components.wall."
MAX_ITEMS = 500  # inputs/outputs of one callback (pattern-matching ALL included)


class Refused(Exception):
    """The request is refused: `status` and a reason for the JSON answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class CallbackCall:
    """A checked request: the callback it runs, its permission, whether it is the router."""

    output: str
    permission: str
    module: str
    router: bool
    body: dict[str, Any]


def _declared_id(text: str) -> str | dict[str, Any]:
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        return parsed if isinstance(parsed, dict) else text
    return text


def _wildcard(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 1 and value[0] in (
        "MATCH", "ALL", "ALLSMALLER")


def _same_id(declared: str | dict[str, Any], sent: Any) -> bool:
    if isinstance(declared, str):
        return sent == declared
    if not isinstance(sent, dict) or set(sent) != set(declared):
        return False
    return all(_wildcard(v) or sent[k] == v for k, v in declared.items())


def _matches(declared: dict[str, Any], sent: Any, where: str) -> None:
    """One declared dependency against what the body sent for it (a list for ALL)."""
    items = sent if isinstance(sent, list) else [sent]
    if len(items) > MAX_ITEMS:
        raise Refused(400, f"{where}: too many items")
    want = _declared_id(str(declared.get("id")))
    for item in items:
        if not isinstance(item, dict) or item.get("property") != declared.get("property") \
                or not _same_id(want, item.get("id")):
            raise Refused(400, f"{where} is not the callback's "
                               f"{declared.get('id')}.{declared.get('property')}")


def _check_list(declared: list[dict[str, Any]], sent: Any, where: str) -> None:
    if sent is None:
        sent = []
    if not isinstance(sent, list) or len(sent) != len(declared):
        raise Refused(400, f"{where} must list the callback's {len(declared)} "
                           f"{where} in order")
    for i, (want, got) in enumerate(zip(declared, sent, strict=True)):
        _matches(want, got, f"{where}[{i}]")


def check_call(body: Any, callback_map: dict[str, Any]) -> CallbackCall:
    """The checked call, or Refused(400/403) saying what is wrong."""
    if not isinstance(body, dict):
        raise Refused(400, "a callback request is a JSON object")
    output = body.get("output")
    entry = callback_map.get(output) if isinstance(output, str) else None
    if not isinstance(entry, dict) or not callable(entry.get("callback")):
        raise Refused(400, "the request names no server callback of this app")
    declared_outputs = split_callback_id(output)
    if isinstance(declared_outputs, dict):
        declared_outputs = [declared_outputs]
    sent = body.get("outputs")
    if isinstance(sent, dict) and len(declared_outputs) == 1 and not output.startswith(".."):
        sent = [sent]
    _check_list(declared_outputs, sent, "outputs")
    _check_list(entry.get("inputs", []), body.get("inputs"), "inputs")
    _check_list(entry.get("state", []), body.get("state"), "state")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise Refused(400, "changedPropIds must be a list of strings")
    router = any(o.get("id") == PAGES_CONTENT for o in declared_outputs)
    func = entry["callback"]
    permission = VIEW if router else declared(func)
    if permission is None:  # fail closed: nobody may run an undeclared callback
        raise Refused(403, "this callback declares no permission")
    return CallbackCall(output, permission, getattr(func, "__module__", "") or "", router,
                        body)


def _paths(body: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every location property the router is sent (inputs and state)."""
    found = []
    for part in ("inputs", "state"):
        for item in body.get(part) or []:
            for one in item if isinstance(item, list) else [item]:
                if isinstance(one, dict) and one.get("id") == PAGES_LOCATION:
                    found.append((str(one.get("property")), one.get("value")))
    return found


def wall_may_run(call: CallbackCall) -> bool:
    """A wall session: the router only when every path it carries resolves to /wall (the
    pathname is /wall and no hash names another page), any other callback only when it
    was defined by the wall's modules."""
    if call.router:
        paths = _paths(call.body)
        pathname = [v for p, v in paths if p == "pathname"]
        hashes = [v for p, v in paths if p == "hash"]
        return pathname == [WALL_PATH] and all(h in (None, "", "#") for h in hashes)
    return call.module == WALL_PAGE or call.module.startswith(WALL_PACKAGE)
