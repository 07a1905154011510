"""Who may import whom (DESIGN.md, "Who may import whom"; issue 14), read from the code.

Every module of the product is parsed (imports inside functions count too) and checked
against the layering rules; a second check finds SQL executed outside the layers allowed
to run it. The rules fail closed: a new package is covered by the SQL rule unless listed
as allowed to execute.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("alerts", "api", "app_state", "auth", "canonical", "cli", "components",
           "data_connectors",
           "exports", "forecast", "i18n", "metrics", "pages", "service", "web")

# package → packages it must never import
FORBIDDEN = {
    "metrics": ("data_connectors", "components", "pages", "service", "app_state", "auth",
                "api", "cli", "forecast", "exports"),
    "canonical": ("metrics", "data_connectors", "components", "pages", "service",
                  "app_state", "auth", "api", "cli", "forecast"),
    "data_connectors": ("components", "pages", "metrics", "service", "app_state", "auth",
                        "api", "cli", "forecast"),
    "service": ("components", "pages", "auth", "api", "cli"),
    "app_state": ("components", "pages", "api", "cli"),
    "auth": ("api", "components.analysis", "components.boards", "components.wall", "pages",
             "cli"),
    "cli": ("components", "pages"),
    "web": ("api", "auth", "components", "pages", "app_state", "service", "cli"),
    # alerts run outside any request, as a principal the runner names: no web identity
    "alerts": ("pages", "api", "cli", "auth", "service.execute", "service.cache"),
    "exports": ("components", "pages"),
    "forecast": ("components", "pages", "api", "cli"),
    "components": ("pages", "cli", "service.execute", "service.cache", "data_connectors.engines"),
    "pages": ("cli", "service.execute", "service.cache", "data_connectors.engines"),
}
# Packages whose code may execute SQL itself: the connectors (reading and writing sources),
# the app-state store, and the query service. Everything else asks the service.
MAY_EXECUTE = ("data_connectors", "app_state", "service")
EXECUTING_CALLS = {"execute", "exec_driver_sql", "connect", "begin", "read_sql",
                   "read_sql_query", "read_sql_table", "scalar", "scalars"}
# Source methods that run SQL on a company database (tests and checks may use them; the
# product goes through the service, which runs their statements).
SOURCE_READS = {"date_range", "distinct_values", "row_counts", "latest_snapshot"}
DRIVERS = ("duckdb", "psycopg", "pymysql", "sqlite3")


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            found.append((package, path))
    return found


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
            names += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return names


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layering_violations() -> list[str]:
    problems = []
    for package, path in modules():
        tree = ast.parse(path.read_text(), str(path))
        reported: set[tuple[int, str]] = set()
        for line, name in imported(tree):
            for banned in FORBIDDEN.get(package, ()):
                if _under(name, banned) and (line, banned) not in reported:
                    reported.add((line, banned))
                    problems.append(f"{path.relative_to(ROOT)}:{line} imports {name} "
                                    f"({package}/ must not import {banned})")
    return problems


def execution_violations() -> list[str]:
    problems = []
    for package, path in modules():
        if package in MAY_EXECUTE:
            continue
        tree = ast.parse(path.read_text(), str(path))
        for line, name in imported(tree):
            if any(_under(name, d) for d in DRIVERS):
                problems.append(f"{path.relative_to(ROOT)}:{line} imports the driver {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attr = node.func.attr
                receiver = node.func.value
                if isinstance(receiver, ast.Name) and receiver.id in ("pd", "np", "dash"):
                    continue  # pandas' date_range, numpy …: not a database
                if attr in EXECUTING_CALLS or attr in SOURCE_READS:
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno} calls .{attr}() "
                                    "(SQL runs through the query service)")
    return problems


def test_the_layering_rules_hold() -> None:
    assert layering_violations() == []


def test_no_sql_is_executed_outside_the_service_connectors_and_state_store() -> None:
    assert execution_violations() == []


@pytest.mark.parametrize(("package", "source", "expected"), [
    ("metrics", "from data_connectors.source import Source\n", "must not import data_connectors"),
    ("metrics", "def f():\n    import components.kit.theme\n", "must not import components"),
    ("data_connectors", "from components.kit import theme\n", "must not import components"),
    ("app_state", "from components.boards.view_spec import ViewSpec\n",
     "must not import components"),
    ("auth", "from api.errors import error_response\n", "must not import api"),
    ("cli", "from components.replenishment import x\n", "must not import components"),
])
def test_the_layering_check_catches_a_forbidden_import(
        package: str, source: str, expected: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself: a planted import in a scratch copy of the layout is reported."""
    (tmp_path / package).mkdir()
    (tmp_path / package / "planted.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    problems = layering_violations()
    assert len(problems) == 1 and expected in problems[0]


@pytest.mark.parametrize("source", [
    "def f(engine):\n    with engine.connect() as con:\n        con.execute(q)\n",
    "def f(source):\n    return source.distinct_values('sku', 'category')\n",
    "import duckdb\n",
])
def test_the_execution_check_catches_sql_in_a_page(source: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "planted.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert execution_violations()
