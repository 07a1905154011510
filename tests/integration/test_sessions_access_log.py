"""Wall tokens stay out of access logs: the request line of /wall?token=… is written by
werkzeug's server (`app.py serve`, `make run`) and by gunicorn (--access-logfile) before
the redirect drops the token. Real servers, real log lines: the token's value is masked
in both, valid or not."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from auth.access_log import MASK, TokenMaskFilter, install_token_masking, mask_tokens
from tests.integration import live_server
from tests.integration.live_server import LiveServer

UNKNOWN = "sl_wall_NotARealTokenButShapedLikeOne0123"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours its lines by status


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A state database with an account and a wall token (made on the command line)."""
    folder = tmp_path_factory.mktemp("access-log")
    path = folder / "state.sqlite"
    live_server.add_account(path, "ada", "admin")
    made = live_server.cli(path, "users", "wall-token", "--all-data", "--label", "dock")
    assert made.returncode == 0, made.stderr
    link = made.stdout.strip()
    assert link.startswith("/wall?token=sl_wall_")
    return path, link


def visit(server: LiveServer, link: str) -> None:
    opened = requests.get(server.url + link + "&lang=en", allow_redirects=False, timeout=60)
    assert opened.status_code == 302 and opened.headers["Location"] == "/wall?lang=en"
    bogus = requests.get(f"{server.url}/wall?lang=en&token={UNKNOWN}", timeout=60)
    assert bogus.status_code == 401


def wait_for_lines(server: LiveServer, count: int) -> list[str]:
    """The log's lines about /wall?…, once `count` are written (a server writes its
    access line after the answer)."""
    deadline = time.monotonic() + 30
    while True:
        lines = [line for line in server.log_text().splitlines() if "GET /wall?" in line]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def check_masked(server: LiveServer, link: str) -> None:
    secret = link.split("token=", 1)[1]
    lines = wait_for_lines(server, 2)
    assert len(lines) == 2, server.log_text()[-2000:]
    assert all(f"token={MASK}" in line for line in lines), lines
    log = server.log_text()
    assert secret not in log and UNKNOWN not in log
    assert not re.search(r"sl_wall_[A-Za-z0-9_-]", log)


def test_werkzeug_s_log_line_of_a_wall_link_hides_the_token(
        state: tuple[Path, str], demo_db: Path, tmp_path: Path) -> None:
    path, link = state
    server = live_server.serve(path, demo_db, tmp_path / "werkzeug.log")
    try:
        visit(server, link)
        check_masked(server, link)
        assert re.search(r'"GET /wall\?token=\[masked\]&lang=en HTTP/1.1" 302 -',
                         ANSI.sub("", server.log_text()))
    finally:
        server.stop()


def test_gunicorn_s_access_log_line_of_a_wall_link_hides_the_token(
        state: tuple[Path, str], demo_db: Path, tmp_path: Path) -> None:
    path, link = state
    server = live_server.gunicorn(path, demo_db, tmp_path / "gunicorn.log",
                                  "--access-logfile", "-")
    try:
        visit(server, link)
        check_masked(server, link)
        assert re.search(r'"GET /wall\?token=\[masked\]&lang=en HTTP/1.1" 302 ',
                         server.log_text())
    finally:
        server.stop()


@pytest.fixture()
def captured() -> Iterator[list[str]]:
    """What a handler on werkzeug's logger writes."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    logger, handler = logging.getLogger("werkzeug"), Keep()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_filter_is_installed_once_and_masks_every_shape(captured: list[str]) -> None:
    install_token_masking()
    install_token_masking()
    assert sum(isinstance(f, TokenMaskFilter)
               for f in logging.getLogger("werkzeug").filters) == 1
    logging.getLogger("werkzeug").info('"%s" %s %s', "GET /wall?token=sl_wall_abc HTTP/1.1",
                                       302, "-")
    assert captured == [f'"GET /wall?token={MASK} HTTP/1.1" 302 -']
    assert mask_tokens("GET /login?next=%2Fwall%3Ftoken%3Dsl_wall_x%26a HTTP/1.1") == \
        f"GET /login?next=%2Fwall%3Ftoken%3D{MASK}%26a HTTP/1.1"
    assert mask_tokens('"-" "https://h/wall?Token=abc&x=1"') == \
        f'"-" "https://h/wall?Token={MASK}&x=1"'
    assert mask_tokens("Bearer sl_api_Zz-_9") == f"Bearer {MASK}"
    assert mask_tokens("GET /boards?id=3 HTTP/1.1") == "GET /boards?id=3 HTTP/1.1"
