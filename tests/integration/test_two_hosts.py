"""Two app hosts behind one PostgreSQL state and one Redis, as the README's "Several
servers" section deploys them: each host runs gunicorn (web tier, background jobs off) and
`python app.py worker`, with its own data folder; the data source is a company PostgreSQL
database. The hosts are two Linux network namespaces joined to this one by veth links
(`ip netns`, as root), so each has its own address and loopback and reaches the shared
services only over its link (through a TCP relay on this side: the services here listen
on 127.0.0.1 only). Where namespaces cannot be made, the hosts are two processes on
127.0.0.2 and 127.0.0.3 instead (also with STOCKLENS_TEST_NETNS=off), and the test says
so in its output.

What the hosts share, checked over HTTP: a login made on A is valid on B (and a logout on
B ends it on A); failed logins on A count on B; a threshold saved on A is in force on B; a
board made and renamed on B shows on A; a wall token revoked on A stops the screen on B;
the forecast job (a worker on each host) computes the source's forecasts once.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import redis
import requests
import sqlalchemy as sa
import yaml

from app_state import migrate
from app_state.db import STATE_DB_ENV, close_state_engine, open_state_engine
from data_connectors.demo.generator import generate_demo
from tests.integration.auth_support import PASSWORD, router_body
from tests.integration.dash_calls import call
from tests.integration.live_server import COOKIE, csrf_in, sign_in
from tests.integration.loading import load_canonical
from tests.integration.servers import POSTGRES, ScratchDatabase, create_database, drop_database
from tests.integration.tcp_proxy import TcpProxy
from tests.integration.timings import DEPLOYMENTS

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 12
BOOT_S = 240
SOURCE = "erp"


# ---- the network: two namespaces, or two loopback addresses ------------------------------
@dataclass
class Host:
    name: str
    address: str  # where the host serves (from here)
    gateway: str  # where the host reaches the shared services
    prefix: list[str]  # how to run a command on the host
    folder: Path
    proxies: list[TcpProxy] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.address}:8050"

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        """`python app.py ARGS` on this host."""
        return subprocess.run([*self.prefix, sys.executable, "app.py", *args], cwd=ROOT,
                              env=self.env, input=stdin, capture_output=True, text=True,
                              timeout=180)

    def start(self, name: str, *command: str) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("w") as log:
            process = subprocess.Popen([*self.prefix, *command], cwd=ROOT, env=self.env,
                                       stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def _free_subnet() -> int:
    used = _ip("-4", "addr").stdout + _ip("-4", "route").stdout
    for _ in range(50):
        second = 200 + secrets.randbelow(50)
        if f"10.{second}." not in used:
            return second
    raise AssertionError("no free 10.x.0.0/16 for the test network")


class Network:
    """Two hosts: namespaces joined by veth links when the machine allows it."""

    def __init__(self) -> None:
        self.tag = f"{os.getpid() % 100000}{secrets.token_hex(1)}"
        self.namespaces: list[str] = []
        probe = f"slp{self.tag}"
        allowed = os.environ.get("STOCKLENS_TEST_NETNS", "on") != "off"  # off: the fallback
        self.mode = "netns" if allowed and _ip("netns", "add", probe,
                                               check=False).returncode == 0 else "loopback"
        if self.mode == "netns":
            _ip("netns", "del", probe)
        self.hosts: list[Host] = []

    def make_hosts(self, tmp: Path) -> None:
        for i in (1, 2):
            self.hosts.append(self._host(i, tmp))

    def _host(self, i: int, tmp: Path) -> Host:
        folder = tmp / f"host{i}"
        folder.mkdir()
        if self.mode == "loopback":
            return Host("AB"[i - 1], f"127.0.0.{i + 1}", "127.0.0.1", [], folder)
        if not hasattr(self, "subnet"):
            self.subnet = _free_subnet()
        ns, outside, inside = f"sl{self.tag}{i}", f"slh{self.tag}{i}", f"sln{self.tag}{i}"
        net = f"10.{self.subnet}.{i}"
        _ip("netns", "add", ns)
        self.namespaces.append(ns)
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        _ip("link", "set", inside, "netns", ns)
        _ip("addr", "add", f"{net}.1/24", "dev", outside)
        _ip("link", "set", outside, "up")
        for command in (["addr", "add", f"{net}.2/24", "dev", inside],
                        ["link", "set", inside, "up"], ["link", "set", "lo", "up"],
                        ["route", "add", "default", "via", f"{net}.1"]):
            _ip("netns", "exec", ns, "ip", *command)
        return Host("AB"[i - 1], f"{net}.2", f"{net}.1", ["ip", "netns", "exec", ns], folder)

    def describe(self) -> str:
        where = ", ".join(f"{h.name} at {h.address}" for h in self.hosts)
        return (f"two network namespaces ({where})" if self.mode == "netns"
                else f"two processes on loopback addresses ({where}): no network namespaces")

    def remove(self) -> None:
        for ns in self.namespaces:  # deleting a namespace deletes its end of the link too
            _ip("netns", "del", ns, check=False)


# ---- the deployment -----------------------------------------------------------------------
@dataclass
class Deployment:
    network: Network
    state: ScratchDatabase
    data: ScratchDatabase

    @property
    def a(self) -> Host:
        return self.network.hosts[0]

    @property
    def b(self) -> Host:
        return self.network.hosts[1]


def _company_database(tmp: Path) -> ScratchDatabase:
    """The demo's tables (small) in a PostgreSQL database: the company's data source."""
    demo = tmp / "small.duckdb"
    generate_demo(demo, scale=0.05, seed=3, months=9)
    con = duckdb.connect(str(demo), read_only=True)
    try:
        tables = {name: con.execute(f"SELECT * FROM {name}").df()
                  for name in ("sku", "location", "sales", "receipts", "inventory")}
    finally:
        con.close()
    db = create_database(POSTGRES)
    engine = sa.create_engine(db.url)
    try:
        load_canonical(engine, tables)
    except BaseException:
        drop_database(db)
        raise
    finally:
        engine.dispose()
    return db


def _configure(host: Host, state: ScratchDatabase, data: ScratchDatabase) -> None:
    """The host's config file (its source, its state, its Redis: all through its link)
    and environment, as an operator would write them."""
    pg = TcpProxy("127.0.0.1", 5432, listen_host=host.gateway).start()
    cache = TcpProxy(*REDIS, listen_host=host.gateway).start()
    host.proxies += [pg, cache]
    server = f"postgresql+psycopg://postgres@{host.gateway}:{pg.port}"
    config = host.folder / "stocklens.yaml"
    config.write_text(yaml.safe_dump({
        "sources": {SOURCE: {"url": f"{server}/{data.name}"}},
        "state_db": f"{server}/{state.name}",
        "cache": {"redis_url": f"redis://{host.gateway}:{cache.port}/{REDIS_DB}"},
    }), encoding="utf-8")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("STOCKLENS_", "REDIS"))}
    host.env = {**keep, "STOCKLENS_CONFIG": str(config),
                "STOCKLENS_DATA_DIR": str(host.folder / "data"),
                "STOCKLENS_FORECAST_JOB": "off", "STOCKLENS_ALERTS": "off",
                "STOCKLENS_BEHIND_PROXY": "1"}  # the load balancer says who the client is


def _wait_until_up(host: Host) -> None:
    deadline = time.monotonic() + BOOT_S
    while time.monotonic() < deadline:
        web = host.processes[0]
        if web.poll() is not None:
            raise AssertionError(f"gunicorn on {host.name} stopped: {host.log('web')[-3000:]}")
        try:
            if requests.get(host.url + "/login", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or booting
            pass
        time.sleep(0.5)
    raise AssertionError(f"gunicorn on {host.name} did not answer: {host.log('web')[-3000:]}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("two_hosts")
    redis.Redis(*REDIS, db=REDIS_DB).flushdb()
    state = create_database(POSTGRES)
    try:
        data = _company_database(tmp)
    except BaseException:
        drop_database(state)
        raise
    network = Network()
    try:
        network.make_hosts(tmp)
        DEPLOYMENTS.append(network.describe())  # in pytest's summary
        deployment = Deployment(network, state, data)
        for host in network.hosts:
            _configure(host, state, data)
        a = deployment.a
        # once, from one host: the schema, then the accounts
        done = a.run("db", "upgrade")
        assert done.returncode == 0, done.stderr
        for name, role in (("ada", "admin"), ("eve", "executive")):
            made = a.run("users", "add", name, "--role", role, "--password-stdin",
                         stdin=PASSWORD + "\n")
            assert made.returncode == 0, made.stderr
        for host in network.hosts:
            host.start("web", str(BIN / "gunicorn"), "--bind", f"{host.address}:8050",
                       "--workers", "2", "--worker-class", "gthread", "--threads", "4",
                       "--timeout", "120", "app:server")
            host.start("worker", sys.executable, "app.py", "worker")
        for host in network.hosts:
            _wait_until_up(host)
        yield deployment
    finally:  # also when a host could not be set up: nothing of the test stays behind
        for host in network.hosts:
            for process in host.processes:
                process.terminate()
            for process in host.processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            for proxy in host.proxies:
                proxy.stop()
        network.remove()
        close_state_engine()
        drop_database(state)
        drop_database(data)
        redis.Redis(*REDIS, db=REDIS_DB).flushdb()


@pytest.fixture
def state(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> str:
    """This process reads the shared state too (to check what the hosts wrote)."""
    monkeypatch.setenv(STATE_DB_ENV, deployment.state.url)
    return deployment.state.url


def with_cookie(host: Host, cookie: str) -> requests.Session:
    browser = requests.Session()
    browser.cookies.set(COOKIE, cookie, domain=host.address)
    return browser


def render(browser: requests.Session, host: Host, path: str) -> requests.Response:
    return browser.post(host.url + "/_dash-update-component", json=router_body(path),
                        timeout=60)


# ---- what the hosts share ----------------------------------------------------------------
def test_a_login_made_on_a_is_valid_on_b_and_a_logout_on_b_ends_it_on_a(
        deployment: Deployment) -> None:
    a, b = deployment.a, deployment.b
    browser = sign_in(a.url, "eve")
    cookie = browser.cookies.get(COOKIE)
    on_b = with_cookie(b, cookie)
    assert on_b.get(b.url + "/", timeout=60, allow_redirects=False).status_code == 200
    assert on_b.get(b.url + "/api/v1/metrics", timeout=60).status_code == 200
    assert render(on_b, b, "/").status_code == 200
    token = csrf_in(on_b.get(b.url + "/logout", timeout=30).text)  # CSRF made on A's login
    done = on_b.post(b.url + "/logout", data={"csrf_token": token}, allow_redirects=False,
                     timeout=30)
    assert done.status_code == 303
    replay = with_cookie(a, cookie)
    assert replay.get(a.url + "/api/v1/metrics", timeout=60).status_code == 401


def test_failed_logins_on_a_count_on_b(deployment: Deployment) -> None:
    """One client guessing through the load balancer, which sends it to either host (and
    says who the client is: STOCKLENS_BEHIND_PROXY=1 on the hosts)."""
    a, b = deployment.a, deployment.b
    client = {"X-Forwarded-For": "203.0.113.7"}

    def attempt(host: Host) -> int:
        browser = requests.Session()
        browser.headers.update(client)
        token = csrf_in(browser.get(host.url + "/login", timeout=30).text)
        return browser.post(host.url + "/login", data={
            "name": "mallory", "password": "wrong password!", "csrf_token": token},
            allow_redirects=False, timeout=60).status_code

    assert [attempt(a) for _ in range(5)] == [401] * 5
    assert attempt(b) == 429  # the limit counted A's failures


def test_a_threshold_saved_on_a_is_in_force_on_b(deployment: Deployment) -> None:
    a, b = deployment.a, deployment.b
    admin = sign_in(a.url, "ada")
    metric = "turnover_days"
    good, bad = {"metric": metric, "type": "thr-good"}, {"metric": metric, "type": "thr-bad"}
    pattern = '{{"metric":["ALL"],"type":"{}"}}'
    answer = call(admin, a.url, "thr-revision.data", changed="thr-save.n_clicks", values={
        "thr-save.n_clicks": 1, "thr-scope.value": "__all__",
        f"{pattern.format('thr-good')}.value": [(good, "21")],
        f"{pattern.format('thr-bad')}.value": [(bad, "34")],
        f"{pattern.format('thr-good')}.id": [(good, good)],
        "thr-originals.data": {metric: {"good": "", "bad": "", "good_value": None,
                                        "bad_value": None}},
        "thr-revision.data": 0, "thr-lang.data": "en"},
        pattern_outputs=[[{"id": good, "property": "invalid"}],
                         [{"id": bad, "property": "invalid"}]])
    assert "Saved for All categories" in str(answer)
    reader = sign_in(b.url, "eve")
    metrics = reader.get(b.url + "/api/v1/metrics", timeout=60).json()
    found = next(m for m in metrics["metrics"] if m["id"] == metric)
    assert (found["thresholds"]["good"], found["thresholds"]["bad"]) == (21.0, 34.0)


def test_a_board_made_and_renamed_on_b_shows_on_a(deployment: Deployment) -> None:
    a, b = deployment.a, deployment.b
    editor = sign_in(b.url, "eve")
    made = call(editor, b.url, "bl-go.href", changed="bl-create.n_clicks", values={
        "bl-create.n_clicks": 1, "bl-new-name.value": "Made on B", "bl-lang.data": "en"})
    href = made["response"]["bl-go"]["href"]
    board_id = int(href.rsplit("/", 1)[1])
    reader = sign_in(a.url, "ada")

    def listed_on_a() -> str:
        shown = call(reader, a.url, "bl-boards.children", changed="bl-refresh.data",
                     values={"bl-refresh.data": 1, "bl-lang.data": "en"})
        return str(shown)

    assert "Made on B" in listed_on_a()
    assert "Made on B" in render(reader, a, href).text  # A opens B's board by its link
    renamed = call(editor, b.url, "bl-rename.is_open", changed="bl-rename-save.n_clicks",
                   values={"bl-rename-save.n_clicks": 1, "bl-rename-name.value": "Renamed",
                           "bl-target.data": {"kind": "board", "id": board_id,
                                              "act": "rename"},
                           "bl-refresh.data": 0, "bl-lang.data": "en"})
    assert "Renamed" in str(renamed)
    assert "Renamed" in listed_on_a() and "Made on B" not in listed_on_a()


def test_a_wall_token_revoked_on_a_stops_the_screen_on_b(deployment: Deployment) -> None:
    a, b = deployment.a, deployment.b
    made = a.run("users", "wall-token", "--all-data", "--label", "Dock 9")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip().split("token=", 1)[1]
    screen = requests.Session()
    opened = screen.get(f"{b.url}/wall?token={secret}", allow_redirects=False, timeout=60)
    assert opened.status_code == 302
    assert screen.get(b.url + "/wall", timeout=60).status_code == 200
    assert render(screen, b, "/wall").status_code == 200
    revoked = a.run("users", "revoke-token", secret[:16])
    assert revoked.returncode == 0, revoked.stderr
    assert render(screen, b, "/wall").status_code == 401  # the screen's next refresh
    again = requests.get(f"{b.url}/wall?token={secret}", allow_redirects=False, timeout=60)
    assert again.status_code == 401


def test_the_forecast_job_runs_once_across_both_hosts(deployment: Deployment,
                                                      state: str) -> None:
    from app_state.forecasts import runs_of

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        runs = runs_of(SOURCE)
        if runs and runs[0].status == "done":
            break
        time.sleep(1)
    runs = runs_of(SOURCE)
    assert [r.status for r in runs] == ["done"], runs
    time.sleep(3)  # both workers have looked at the source since
    logs = {h.name: h.log("worker") for h in deployment.network.hosts}
    computed = [name for name, text in logs.items() if f"forecast {SOURCE}: " in text]
    assert len(computed) == 1, logs  # one host computed, the other found it claimed/done
    assert all("worker started" in text for text in logs.values()), logs
    assert runs_of(SOURCE)[0].id == runs[0].id and len(runs_of(SOURCE)) == 1


def test_the_schema_was_made_once_and_is_current(deployment: Deployment) -> None:
    engine = open_state_engine(deployment.state.url)
    try:
        assert migrate.current(engine) == migrate.head()
    finally:
        engine.dispose()
    for host in deployment.network.hosts:
        assert "Traceback" not in host.log("web"), host.log("web")[-3000:]
