"""The one translation table (zh-CN and en) and the choice of language per request.

Every user-visible string of the web app goes through `t`; metric and dimension labels
come from their registries (which carry zh/en labels by contract).
"""

from __future__ import annotations

import importlib
import pkgutil

from i18n.strings import STRINGS


def _merge_area_tables() -> None:
    """Each area of the app may keep its strings in i18n/strings_<area>.py (one STRINGS
    dict); they join the one table here, and a key defined twice is a bug."""
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("strings_"):
            area = importlib.import_module(f"i18n.{info.name}").STRINGS
            clash = set(area) & set(STRINGS)
            if clash:
                raise KeyError(f"i18n/{info.name}.py redefines {sorted(clash)}")
            STRINGS.update(area)


_merge_area_tables()

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "stocklens_lang"


def normalise(lang: str | None) -> str | None:
    """Map "zh-CN", "zh_TW", "EN-us" … to a supported language, or None."""
    if not lang:
        return None
    head = lang.strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGUAGES else None


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang`, with its {named} slots filled in from `values`."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def resolve_language(explicit: str | None = None) -> str:
    """?lang= first, then the language cookie (the navbar switch), then the browser's
    Accept-Language, then English. Works outside a request too (CLI, tests)."""
    chosen = normalise(explicit)
    if chosen:
        return chosen
    try:
        import flask

        if flask.has_request_context():
            cookie = normalise(flask.request.cookies.get(LANG_COOKIE))
            if cookie:
                return cookie
            best = flask.request.accept_languages.best_match(
                ["zh", "zh-CN", "zh-TW", "en", "en-US", "en-GB"])
            if normalise(best):
                return normalise(best)  # type: ignore[return-value]
    except ImportError:  # pragma: no cover - flask always ships with dash
        pass
    return DEFAULT_LANGUAGE
