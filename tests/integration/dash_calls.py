"""Dash callbacks called over HTTP as the browser's front end calls them, for tests that
drive a real server (tests/integration/test_two_hosts.py). The body is built from the
server's own /_dash-dependencies, so ids, outputs and their allow_duplicate suffixes are
the server's; pattern-matching (ALL) dependencies take explicit (id, value) pairs."""

from __future__ import annotations

import json
from typing import Any

import requests


def _parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def _outputs(output: str) -> list[dict[str, Any]]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    found = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        found.append({"id": _parse_id(ident), "property": prop})
    return found


def dependency(deps: list[dict[str, Any]], first_output: str) -> dict[str, Any]:
    """The callback whose (first) output starts with `first_output` ("id.property")."""
    matches = [d for d in deps if d["output"].lstrip(".").startswith(first_output)]
    assert len(matches) == 1, f"{len(matches)} callbacks output {first_output}"
    return matches[0]


def body(dep: dict[str, Any], values: dict[str, Any], changed: str,
         pattern_outputs: list[list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """`values` by "id.property" as /_dash-dependencies writes the id; an ALL dependency
    takes a list of (concrete id, value). `pattern_outputs`: the concrete outputs of the
    ALL outputs, in order."""

    def item(entry: dict[str, Any]) -> Any:
        value = values.get(f"{entry['id']}.{entry['property']}")
        if entry["id"].startswith("{"):
            return [{"id": ident, "property": entry["property"], "value": v}
                    for ident, v in value or []]
        return {"id": entry["id"], "property": entry["property"], "value": value}

    pending = list(pattern_outputs or [])
    outputs: list[Any] = [pending.pop(0) if isinstance(o["id"], dict) else o
                          for o in _outputs(dep["output"])]
    multi = dep["output"].startswith("..")
    return {"output": dep["output"], "outputs": outputs if multi else outputs[0],
            "inputs": [item(i) for i in dep["inputs"]],
            "state": [item(s) for s in dep.get("state", [])],
            "changedPropIds": [changed]}


def call(browser: requests.Session, base: str, first_output: str, changed: str,
         values: dict[str, Any],
         pattern_outputs: list[list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Run the callback on the server at `base` as `browser` (signed in); its answer."""
    deps = browser.get(base + "/_dash-dependencies", timeout=60).json()
    payload = body(dependency(deps, first_output), values, changed, pattern_outputs)
    answer = browser.post(base + "/_dash-update-component", json=payload, timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()
