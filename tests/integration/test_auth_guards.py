"""The helpers pages and callbacks use: current_user, has_role, require_role and its
decorators, the row-level scope and a wall token's binding — inside real requests of the
app (a session started the way the login form starts it)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from dash.exceptions import PreventUpdate

from app_state.users import get_user
from auth import (
    ADMIN,
    EXECUTIVE,
    MANAGER,
    WALL,
    AccessDenied,
    current_user,
    current_wall_binding,
    has_role,
    request_principal,
    require_role,
    restricted_layout,
    role_required,
)
from auth.accounts import new_wall_token
from auth.identity import start_session, start_wall_session
from data_connectors.registry import SourceRegistry
from service import NOBODY, Principal
from tests.integration.api_support import use
from tests.integration.auth_support import make_user


@pytest.fixture(autouse=True)
def _answering_from_demo(registry: SourceRegistry, app) -> Iterator[None]:
    use(registry)
    yield


def as_account(name: str) -> None:
    user = get_user(name)
    start_session(user.id, user.version, remember=False)


@restricted_layout(ADMIN)
def admin_layout(**params: str) -> str:
    return "the admin page"


@role_required(ADMIN, EXECUTIVE)
def save(value: int) -> int:
    return value + 1


def test_demo_mode_is_an_admin_with_all_data(app) -> None:
    with app.server.test_request_context("/"):
        user = current_user()
        assert (user.role, user.via, user.scope) == (ADMIN, "demo", None)
        assert has_role(ADMIN) and admin_layout() == "the admin page" and save(1) == 2
        assert request_principal() == Principal("demo", "demo", None)
        assert request_principal().scope_map is None and request_principal().all_data
        assert current_wall_binding() is None


def test_a_manager_is_refused_admin_things_and_scoped(app) -> None:
    make_user("ada", "admin")
    make_user("max", "manager", {"region": ["East"]})
    with app.server.test_request_context("/?lang=zh"):
        as_account("max")
        assert current_user().name == "max" and current_user().signed_in
        assert has_role(MANAGER) and not has_role(ADMIN, EXECUTIVE)
        with pytest.raises(AccessDenied) as refused:
            require_role(ADMIN)
        assert isinstance(refused.value, PreventUpdate)  # Dash: nothing is updated
        with pytest.raises(AccessDenied):
            save(1)
        frame = json.dumps(admin_layout(lang="zh").to_plotly_json(), default=str,
                           ensure_ascii=False)
        assert "无权访问" in frame and "经理" in frame  # "no access", role "manager"
        assert request_principal().scope_map == {"region": ["East"]}
        assert request_principal() == Principal("max", "session", (("region", ("East",)),))
    with app.server.test_request_context("/"):
        as_account("ada")
        assert require_role(ADMIN).name == "ada" and save(1) == 2
        assert admin_layout() == "the admin page" and request_principal().scope_map is None


def test_nobody_signed_in_sees_nothing(app) -> None:
    make_user("ada", "admin")
    with app.server.test_request_context("/"):
        assert current_user() is None and not has_role(ADMIN, EXECUTIVE, MANAGER, WALL)
        assert request_principal() is NOBODY and NOBODY.scope_map == {"region": []}
        with pytest.raises(AccessDenied):
            require_role(MANAGER)


def test_a_wall_session_carries_its_token_s_board_and_scope(app) -> None:
    from app_state.boards import create_board

    make_user("ada", "admin")
    board = create_board("Dock")
    made = new_wall_token(board, {"region": ["East"], "channel": ["store"]}, "dock 1")
    with app.server.test_request_context("/wall"):
        start_wall_session(made.info.id)
        binding = current_wall_binding()
        assert (binding.board_id, binding.scope, binding.label) == (
            board, {"channel": ["store"], "region": ["East"]}, "dock 1")
        assert request_principal().scope_map == binding.scope
        assert has_role(WALL) and not has_role(ADMIN, EXECUTIVE, MANAGER)


def test_unknown_role_names_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="roles must be among"):
        role_required("superuser")
    with pytest.raises(ValueError):
        restricted_layout()
