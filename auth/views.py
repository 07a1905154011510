"""/login, /logout and /logout-everywhere: plain Flask routes with CSRF-protected HTML
forms.

A login is checked in the order that leaks least: the form's CSRF token, then the rate
limit (a locked-out name gets 429 without its password being looked at; the attempt is
claimed — checked and counted in one step — so parallel guesses cannot all slip past
it), then the password — against a dummy hash when the name does not exist, so the time
taken does not say which names do. Every outcome is audited with its reason (never the
password); the person is only told "wrong user name or password".

Logging out revokes the session on the server (app_state/sessions.py); signing out
everywhere revokes every session of the account, in every browser.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from app_state.sessions import revoke_user_sessions
from app_state.users import get_user, record_login, store_rehash
from auth import rate_limit
from auth.audit import LOGIN, LOGIN_FAILED, LOGOUT, LOGOUT_EVERYWHERE, audit
from auth.csrf import FIELD, csrf_token, csrf_valid
from auth.identity import DEMO, auth_mode, current_user, end_session, start_session
from auth.login_page import login_page, logout_page
from auth.passwords import burn_time, hash_password, needs_rehash, verify_password
from auth.redirects import safe_next
from i18n import LANG_COOKIE, normalise, resolve_language, t

blueprint = Blueprint("auth", __name__)
MAX_NAME_FIELD = 200


def _lang() -> str:
    return resolve_language(request.args.get("lang"))


def _remember_language(response: Response) -> Response:
    """?lang= on the login page is remembered like the navbar switch does."""
    chosen = normalise(request.args.get("lang"))
    if chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _form_page(message: str = "", status: int = 200, name: str = "",
               kind: str = "danger") -> Response:
    next_path = safe_next(request.values.get("next"))
    demo = auth_mode() == DEMO
    return _remember_language(login_page(_lang(), csrf_token(), next_path, name=name,
                                         message=message, kind=kind, status=status,
                                         demo=demo))


@blueprint.get("/login")
def login_form() -> Response:
    user = current_user()
    if user is not None and user.signed_in:
        return redirect(safe_next(request.args.get("next")), 302)
    notice = {"out": t("auth.signed_out", _lang()), "expired": t("auth.expired", _lang()),
              "everywhere": t("auth.signed_out_everywhere", _lang())}
    message = notice.get(request.args.get("notice", ""), "")
    return _form_page(message, kind="info")


def _failed(name: str, reason: str) -> Response:
    """A wrong login (already counted by rate_limit.claim)."""
    audit(LOGIN_FAILED, f"name {name!r}: {reason}", user=None)
    return _form_page(t("auth.wrong", _lang()), 401, name)


@blueprint.post("/login")
def login_submit() -> Response:
    name = (request.form.get("name") or "").strip()[:MAX_NAME_FIELD]
    password = request.form.get("password") or ""
    ip = request.remote_addr or "?"
    if not csrf_valid(request.form.get(FIELD)):
        audit(LOGIN_FAILED, f"name {name!r}: missing or wrong CSRF token", user=None)
        return _form_page(t("auth.csrf", _lang()), 400, name)
    if auth_mode() == DEMO:
        return _form_page()
    wait = rate_limit.claim(name, ip)  # None: this attempt is counted and may go on
    if wait is not None:
        audit(LOGIN_FAILED, f"name {name!r}: rate limited", user=None)
        minutes = rate_limit.minutes(wait)
        response = _form_page(t("auth.too_many", _lang(), minutes=minutes), 429, name)
        response.headers["Retry-After"] = str(wait)
        return response
    user = get_user(name) if name else None
    if user is None:
        burn_time(password)
        return _failed(name, "unknown user")
    if not verify_password(password, user.password_hash):
        return _failed(name, "wrong password")
    if user.disabled:
        return _failed(name, "account disabled")
    rate_limit.note_success(name, ip)
    if needs_rehash(user.password_hash):
        store_rehash(user.id, hash_password(password))
    record_login(user.id)
    start_session(user.id, user.version, remember=request.form.get("remember") == "1")
    audit(LOGIN, f"role {user.role}", user=user.name)
    return redirect(safe_next(request.form.get("next")), 303)


@blueprint.get("/logout")
def logout_form() -> Response:
    user = current_user()
    if user is None or not user.signed_in:
        return redirect("/login", 302)
    return logout_page(_lang(), csrf_token())


@blueprint.post("/logout")
def logout_submit() -> Response:
    if not csrf_valid(request.form.get(FIELD)):
        return _form_page(t("auth.csrf", _lang()), 400)
    user = current_user()
    if user is not None and user.signed_in:
        audit(LOGOUT, "", user=user.name)
    end_session()
    return redirect("/login?notice=out", 303)


@blueprint.post("/logout-everywhere")
def logout_everywhere_submit() -> Response:
    """End every session of the signed-in account (this browser's and all others'),
    e.g. after signing in on a computer that is not one's own."""
    if not csrf_valid(request.form.get(FIELD)):
        return _form_page(t("auth.csrf", _lang()), 400)
    user = current_user()
    if user is None or not user.signed_in or user.user_id is None:
        return redirect("/login", 303)  # no account's session here: nothing to end
    ended = revoke_user_sessions(user.user_id)
    audit(LOGOUT_EVERYWHERE, f"{ended} session(s) ended", user=user.name)
    end_session()
    return redirect("/login?notice=everywhere", 303)
