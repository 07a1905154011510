"""The HTML of the login, logout and refusal pages: plain server-rendered pages (no Dash,
so they work before any session exists and need no callback), styled like the app with
the bundled Bootstrap and StockLens's CSS. Jinja escapes every value put in them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, make_response, render_template_string
from markupsafe import Markup

from i18n import resolve_language, t

_PAGE = """<!doctype html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{{ title }} · StockLens</title>
<link rel="stylesheet" href="/assets/00-bootstrap-5.3.9.min.css">
<link rel="stylesheet" href="/assets/stocklens.css">
<link rel="stylesheet" href="/assets/auth.css">
</head>
<body>
<nav class="navbar navbar-dark app-navbar">
  <div class="container-fluid">
    <a class="navbar-brand" href="/"><span class="brand-mark">◧</span>{{ app_name }}</a>
    {% if switch_href %}<a class="btn btn-sm btn-outline-light lang-switch" id="lang-switch"
       href="{{ switch_href }}" title="{{ switch_title }}">{{ switch_label }}</a>{% endif %}
  </div>
</nav>
<main class="auth-wrap">
  <div class="panel auth-card">
    <h1 class="page-title">{{ title }}</h1>
    {% if lead %}<p class="page-subtitle auth-lead">{{ lead }}</p>{% endif %}
    {% if message %}<div class="alert alert-{{ kind }} auth-message" role="alert"
         id="auth-message">{{ message }}</div>{% endif %}
    {{ body }}
  </div>
</main>
</body>
</html>"""

_LOGIN_FORM = """<form method="post" action="/login" class="auth-form" id="login-form">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <input type="hidden" name="next" value="{{ next }}">
  <label class="form-label" for="login-name">{{ t('auth.name') }}</label>
  <input class="form-control mb-3" id="login-name" name="name" autocomplete="username"
         autocapitalize="none" spellcheck="false" required autofocus value="{{ name }}">
  <label class="form-label" for="login-password">{{ t('auth.password') }}</label>
  <input class="form-control mb-3" id="login-password" name="password" type="password"
         autocomplete="current-password" required>
  <div class="form-check mb-3">
    <input class="form-check-input" type="checkbox" name="remember" value="1"
           id="login-remember">
    <label class="form-check-label" for="login-remember">{{ t('auth.remember') }}</label>
  </div>
  <button class="btn btn-primary w-100" type="submit" id="login-submit">
    {{ t('auth.submit') }}</button>
</form>"""

_DEMO = """<p>{{ t('auth.demo_login') }}</p>
<p class="mb-1">{{ t('auth.demo_create') }}</p>
<pre class="auth-command">python app.py users add NAME --role admin</pre>
<a class="btn btn-primary" href="/">{{ t('auth.open_board') }}</a>"""

_LOGOUT_FORM = """<form method="post" action="/logout" id="logout-form">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <button class="btn btn-primary" type="submit">{{ t('auth.log_out') }}</button>
</form>"""


def _render(lang: str, title: str, body: str, status: int, *, lead: str = "",
            message: str = "", kind: str = "danger", switch_to: dict[str, str] | None = None,
            **values: object) -> Response:
    def tr(key: str, **slots: object) -> str:
        return t(key, lang, **slots)

    inner = Markup(render_template_string(body, t=tr, **values)) if body else ""
    other = "zh" if lang == "en" else "en"
    page = render_template_string(
        _PAGE, lang=lang, title=title, lead=lead, message=message, kind=kind, body=inner,
        app_name=t("app.name", lang),
        switch_href=("?" + urlencode({**switch_to, "lang": other})) if switch_to is not None
        else None,
        switch_label=t("nav.language", lang), switch_title=t("nav.language_title", lang))
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"  # no clickjacking of the login form
    return response


def login_page(lang: str, csrf: str, next_path: str, *, name: str = "", message: str = "",
               kind: str = "danger", status: int = 200, demo: bool = False) -> Response:
    """The sign-in form (or, in demo mode, how to create the first admin)."""
    return _render(lang, t("auth.sign_in", lang), _DEMO if demo else _LOGIN_FORM, status,
                   lead="" if demo else t("auth.sign_in_lead", lang), message=message,
                   kind=kind, switch_to={"next": next_path}, csrf=csrf, next=next_path,
                   name=name)


def logout_page(lang: str, csrf: str) -> Response:
    """GET /logout: a button that POSTs the logout (a GET never changes anything)."""
    return _render(lang, t("auth.log_out_question", lang), _LOGOUT_FORM, 200, csrf=csrf)


def message_page(message: str, status: int, lang: str | None = None) -> Response:
    """A refusal for a browser: what happened, and the way to the login page."""
    lang = lang or resolve_language()
    body = '<a class="btn btn-primary" href="/login">{{ t("auth.sign_in") }}</a>'
    return _render(lang, "StockLens", body, status, message=message, kind="warning")
