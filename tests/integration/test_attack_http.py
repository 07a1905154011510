"""Permissions on every action, tried as an attacker would (issue 23): real HTTP against a
running `app.py serve` with accounts — an admin, a manager scoped to one region and a
wall token.

- The manager calls every server callback of the app (the list the server itself
  publishes at /_dash-dependencies): each one whose permission her role lacks is refused
  403 with a JSON reason and an audit row, and the state database is unchanged.
- The wall session calls every callback that is not the wall's, and the page router
  with paths other than /wall: 403.
- Malformed and oversized bodies (and a hypothesis fuzz of them) get 4xx, never 500.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth.permissions import allows
from tests.integration.auth_support import PASSWORD, body

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "/_dash-update-component"
# Tables whose rows are the shared state an action could change (the audit log and the
# login bookkeeping are expected to grow).
GROWING = {"audit_log", "login_attempts", "sessions", "server_secret"}


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), *args], env=env, cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`app.py serve` on a free port with three identities, stopped by its pid."""
    from bench.server_process import free_port, stop, wait_ready

    state = tmp_path_factory.mktemp("attack") / "state.sqlite"
    env = {**os.environ, "STOCKLENS_STATE_DB": str(state), "STOCKLENS_FORECAST_JOB": "off"}
    _cli(env, "users", "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    region = _regions(demo_db)[0]
    _cli(env, "users", "add", "mei", "--role", "manager", "--scope", f"region={region}",
         "--password-stdin", stdin=PASSWORD)
    printed = _cli(env, "users", "wall-token", "--scope", f"region={region}", "--label", "dock")
    token = re.search(r"token=(\S+)", printed).group(1)
    port = free_port()
    log = state.parent / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "serve", "--db",
                                 str(demo_db), "--port", str(port)], env=env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/login", proc, log, timeout_s=120)
        yield {"base": base, "state": state, "token": token, "log": log, "env": env}
    finally:
        stop(proc, grace_s=10)


def _regions(demo_db: Path) -> list[str]:
    from data_connectors.source import open_duckdb

    source = open_duckdb(demo_db)
    try:
        return source.distinct_values("location", "region")
    finally:
        source.dispose()


def _login(base: str, name: str) -> requests.Session:
    client = requests.Session()
    page = client.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(base + "/login", data={"name": name, "password": PASSWORD,
                                                "csrf_token": token, "next": "/"},
                         timeout=30, allow_redirects=False)
    assert answer.status_code in (302, 303), answer.text[:300]
    return client


def _wall(base: str, token: str) -> requests.Session:
    client = requests.Session()
    assert client.get(f"{base}/wall?token={token}", timeout=30).status_code == 200
    return client


def _dependencies(client: requests.Session, base: str) -> list[dict[str, Any]]:
    answer = client.get(base + "/_dash-dependencies", timeout=30)
    assert answer.status_code == 200
    return [d for d in answer.json() if not d.get("clientside_function")]


PERMISSIONS_PROBE = """
import json, os, sqlalchemy as sa
from app import create_app
from auth.callback_request import PAGES_CONTENT
from auth.permissions import VIEW, declared
from data_connectors.source import Source
made = create_app(Source("probe", sa.create_engine("sqlite://"), {}))
print(json.dumps({o: VIEW if PAGES_CONTENT in o else declared(e["callback"])
                  for o, e in made.callback_map.items() if callable(e.get("callback"))}))
"""


def _permissions(env: dict[str, str]) -> dict[str, str | None]:
    """output → declared permission, read from the app's own callback map — built in a
    fresh process (Dash hands a module's callbacks to the first app of a process only)."""
    done = subprocess.run([sys.executable, "-c", PERMISSIONS_PROBE], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _state(path: Path) -> dict[str, list[tuple]]:
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as con:
            names = [n for n in sa.inspect(con).get_table_names() if n not in GROWING]
            return {n: sorted(map(tuple, con.execute(sa.text(f'select * from "{n}"')).all()),
                              key=repr) for n in names}
    finally:
        engine.dispose()


def _audit(path: Path, event: str) -> list[tuple]:
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as con:
            return con.execute(sa.text('select "user", detail from audit_log '
                                       'where event = :e'), {"e": event}).all()
    finally:
        engine.dispose()


def test_every_callback_a_manager_may_not_run_is_refused_and_changes_nothing(
        server: dict[str, Any]) -> None:
    base = server["base"]
    mei = _login(base, "mei")
    deps = _dependencies(mei, base)
    permissions = _permissions({**server["env"], "STOCKLENS_STATE_DB": str(
        server["state"].parent / "probe.sqlite")})
    assert {d["output"] for d in deps} == set(permissions)  # the same map
    assert None not in permissions.values(), [o for o, p in permissions.items() if p is None]
    forbidden = [d for d in deps if not allows("manager", permissions[d["output"]])]
    assert len(forbidden) >= 15  # boards, views, thresholds, sources, import …
    before, refused_before = _state(server["state"]), len(_audit(server["state"], "refused"))
    for dep in forbidden:
        answer = mei.post(base + CALLBACK, json=body(dep), timeout=30)
        assert answer.status_code == 403, (dep["output"], answer.status_code, answer.text[:200])
        assert permissions[dep["output"]] in answer.json()["error"]
    assert _state(server["state"]) == before
    refused = _audit(server["state"], "refused")[refused_before:]
    assert len(refused) == len(forbidden) and {r[0] for r in refused} == {"mei"}


def test_a_realistic_write_is_refused_to_the_manager_and_done_for_the_admin(
        server: dict[str, Any]) -> None:
    base = server["base"]
    create = next(d for d in _dependencies(_login(base, "ada"), base)
                  if d["output"].startswith("..bl-go.href"))

    def boards() -> list[str]:
        return [r[1] for r in _state(server["state"]).get("boards", [])]

    values = {"bl-create.n_clicks": 1, "bl-lang.data": "en"}
    refused = _login(base, "mei").post(base + CALLBACK, timeout=30, json=body(
        create, **values, **{"bl-new-name.value": "Pwned by mei"}))
    assert refused.status_code == 403 and "Pwned by mei" not in boards()
    done = _login(base, "ada").post(base + CALLBACK, timeout=30, json=body(
        create, **values, **{"bl-new-name.value": "Made by ada"}))
    assert done.status_code == 200 and "Made by ada" in boards()


def _router(pathname: str, hash_: str | None = None) -> dict[str, Any]:
    state = [] if hash_ is None else [{"id": "_pages_location", "property": "hash",
                                       "value": hash_}]
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "state": state, "changedPropIds": ["_pages_location.pathname"]}


def test_a_wall_session_runs_the_wall_and_nothing_else(server: dict[str, Any]) -> None:
    base = server["base"]
    wall = _wall(base, server["token"])
    assert wall.post(base + CALLBACK, json=_router("/wall"), timeout=30).status_code == 200
    for path in ("/boards", "/explore", "/", "/products", "/replenishment", "/settings"):
        answer = wall.post(base + CALLBACK, json=_router(path), timeout=30)
        assert answer.status_code in (400, 403), (path, answer.status_code)
    # the router trick of the issue: pathname /wall, another page in the hash
    for trick in ("/boards", "#/boards", "/explore"):
        answer = wall.post(base + CALLBACK, json=_router("/wall", trick), timeout=30)
        assert answer.status_code in (400, 403), (trick, answer.status_code)
    others = [d for d in _dependencies(_login(base, "ada"), base)
              if "_pages_content" not in d["output"] and "wall" not in d["output"]]
    assert len(others) > 30
    for dep in others:
        answer = wall.post(base + CALLBACK, json=body(dep), timeout=30)
        assert answer.status_code == 403, (dep["output"], answer.status_code)
    # _pages_content added to another callback's outputs: refused by shape
    kpis = next(d for d in others if d["output"].startswith("..ov-kpis"))
    crafted = body(kpis)
    crafted["outputs"].append({"id": "_pages_content", "property": "children"})
    assert wall.post(base + CALLBACK, json=crafted, timeout=30).status_code == 400


def test_oversized_and_malformed_bodies_get_a_clear_4xx(server: dict[str, Any]) -> None:
    base = server["base"]
    mei = _login(base, "mei")
    big = mei.post(base + CALLBACK, data=b'{"output": "' + b"x" * 5_000_000 + b'"}',
                   headers={"Content-Type": "application/json"}, timeout=60)
    assert big.status_code == 413 and "too large" in big.json()["error"]
    for raw in (b"not json", b"[]", b"{}", b'{"output": 5}', b'{"output": "nope.children"}'):
        answer = mei.post(base + CALLBACK, data=raw, timeout=30,
                          headers={"Content-Type": "application/json"})
        assert answer.status_code == 400 and answer.json()["error"], raw


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                       max_leaves=12)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_callback_bodies_never_get_a_500(server: dict[str, Any], data: Any) -> None:
    """Valid callbacks with one part of the body replaced by arbitrary JSON, and arbitrary
    JSON bodies: never a 500 (a refusal is JSON with a reason)."""
    base = server["base"]
    client = server.setdefault("fuzz_client", _login(base, "ada"))
    deps = server.setdefault("fuzz_deps", _dependencies(client, base))
    dep = data.draw(st.sampled_from(deps))
    sent = body(dep)
    part = data.draw(st.sampled_from(["output", "outputs", "inputs", "state",
                                      "changedPropIds", "whole", "value"]))
    if part == "whole":
        sent = data.draw(JSONISH)
    elif part == "value" and sent["inputs"]:
        first = sent["inputs"][0]
        (first[0] if isinstance(first, list) else first)["value"] = data.draw(JSONISH)
    else:
        sent[part] = data.draw(JSONISH)
    answer = client.post(base + CALLBACK, json=sent, timeout=60)
    assert answer.status_code < 500, (part, answer.status_code, answer.text[:300])
    if answer.status_code >= 400:
        assert answer.json()["error"]
