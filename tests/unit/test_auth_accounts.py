"""Accounts and tokens in the state database: names, versions, the last admin, tokens
stored as hashes and revocable, and every change in the audit log."""

from __future__ import annotations

from functools import cache

import pytest

from app_state import users as store
from app_state.audit_log import last_entries
from app_state.tokens import TokenError, list_tokens
from app_state.users import UserError
from auth import accounts
from auth.passwords import hash_password, verify_password
from auth.scopes import ScopeError
from auth.tokens import check_api_token, check_wall_token, token_hash

PASSWORD = "correct horse battery"


@cache
def _hash() -> str:
    return hash_password(PASSWORD)


def _add(name: str, role: str, scope=None) -> None:
    store.add_user(name, role, _hash(), scope)


def test_names_are_unique_regardless_of_case_and_checked() -> None:
    _add("Alice", "admin")
    with pytest.raises(UserError, match="already a user named 'alice'"):
        _add("alice", "executive")
    assert store.get_user("ALICE").name == "Alice"
    for bad in ("", "two words", "semi;colon", "x" * 65):
        with pytest.raises(UserError, match="user name"):
            _add(bad, "admin")
    _add("张伟", "executive")  # letters of any script
    assert [u.name for u in store.list_users()] == ["Alice", "张伟"]


def test_changes_that_end_sessions_bump_the_version_and_a_rehash_does_not() -> None:
    _add("ada", "admin")
    _add("max", "manager", {"region": ["East"]})
    version = store.get_user("max").version
    assert store.set_scope("max", {"region": ["West"]}).version == version + 1
    assert store.set_role("max", "executive").scope == {}  # executives see everything
    assert store.get_user("max").version == version + 2
    assert store.set_disabled("max", True).version == version + 3
    assert store.set_password_hash("max", _hash()).version == version + 4
    user = store.get_user("max")
    store.store_rehash(user.id, _hash())
    assert store.get_user("max").version == version + 4
    with pytest.raises(ScopeError, match="manager needs a scope"):
        store.set_role("ada", "manager")
    assert store.set_role("max", "manager", {"channel": ["online"]}).scope == \
        {"channel": ["online"]}


def test_the_last_enabled_admin_stays_while_others_exist() -> None:
    _add("ada", "admin")
    _add("eve", "executive")
    for change in (lambda: store.remove_user("ada"), lambda: store.set_disabled("ada", True),
                   lambda: store.set_role("ada", "executive")):
        with pytest.raises(UserError, match="last enabled admin"):
            change()
    _add("bob", "admin")
    store.set_disabled("ada", True)  # another admin remains
    store.remove_user("eve")
    assert {u.name for u in store.list_users()} == {"ada", "bob"}


def test_the_only_account_may_go_and_then_login_is_off() -> None:
    _add("ada", "admin")
    assert store.any_enabled_user()
    store.remove_user("ada")
    assert not store.any_enabled_user()


def test_api_tokens_are_stored_hashed_act_for_their_account_and_revoke() -> None:
    accounts.add_account("max", "manager", PASSWORD, {"region": ["East"]})
    assert verify_password(PASSWORD, store.get_user("max").password_hash)
    made = accounts.new_api_token("max", "nightly export")
    assert made.secret.startswith("sl_api_") and len(made.secret) > 40
    listed = list_tokens()
    assert [t.ident for t in listed] == [made.info.ident]
    assert made.secret not in repr(listed) and listed[0].prefix == made.secret[:15]
    assert check_api_token(made.secret).name == "max"
    assert check_api_token(made.secret[:-1] + "x") is None
    assert check_api_token("not a token") is None
    store.set_disabled("max", True)
    assert check_api_token(made.secret) is None  # a disabled account's tokens stop
    store.set_disabled("max", False)
    accounts.revoke_token(made.secret[:12])  # by its first characters
    assert check_api_token(made.secret) is None
    with pytest.raises(TokenError, match="already revoked"):
        accounts.revoke_token(made.info.ident)


def test_wall_tokens_are_bound_to_a_board_and_a_scope() -> None:
    from app_state.boards import create_board

    board = create_board("Dock")
    made = accounts.new_wall_token(board, {"region": ["East"]}, "dock 1")
    info = check_wall_token(made.secret)
    assert (info.board_id, info.scope, info.label) == (board, {"region": ["East"]}, "dock 1")
    assert check_wall_token(made.secret.replace("sl_wall_", "sl_api_")) is None
    with pytest.raises(UserError, match="no board #999"):
        accounts.new_wall_token(999, {"region": ["East"]})
    other = accounts.new_wall_token(None, {})
    with pytest.raises(TokenError, match="several tokens"):
        accounts.revoke_token("sl_wall_")
    accounts.revoke_token(f"wall:{info.id}")
    assert check_wall_token(made.secret) is None
    assert check_wall_token(other.secret) is not None
    with pytest.raises(TokenError, match="no token matches"):
        accounts.revoke_token("api:42")
    with pytest.raises(TokenError, match="at least the first 8"):
        accounts.revoke_token("sl_")


def test_every_change_is_audited_without_secrets() -> None:
    accounts.add_account("ada", "admin", PASSWORD)
    accounts.add_account("max", "manager", PASSWORD, {"region": ["East"]})
    accounts.change_scope("max", {"region": ["West"]})
    accounts.change_password("max", "another password")
    made = accounts.new_api_token("ada")
    accounts.revoke_token(made.info.ident)
    accounts.remove_account("max")
    entries = last_entries(20)
    assert [e.event for e in entries] == ["user_added", "user_added", "user_changed",
                                          "user_changed", "token_created", "token_revoked",
                                          "user_removed"]
    assert all(e.user and e.user.startswith("cli") and e.ip is None for e in entries)
    text = repr(entries)
    assert PASSWORD not in text and "another password" not in text
    assert made.secret not in text and token_hash(made.secret) not in text
    assert "scope region=West" in entries[2].detail
