"""`<html lang>` of every page: "zh-CN" or "en", the language the page is shown in.

Screen readers choose their voice and browsers their CJK font from it (WCAG 3.1.1). The
index page is served once per page load and a language switch reloads the page, so
setting it on the served HTML is enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.kit.page_title import page_language

if TYPE_CHECKING:
    import dash

HTML_LANG = {"zh": "zh-CN", "en": "en"}


def install(app: dash.Dash) -> None:
    """Serve `app`'s pages with `<html lang="…">` in the reader's language."""
    interpolate = app.interpolate_index

    def with_lang(**kwargs: object) -> str:
        page = interpolate(**kwargs)
        lang = HTML_LANG.get(page_language(), "en")
        return page.replace("<html>", f'<html lang="{lang}">', 1)

    app.interpolate_index = with_lang  # type: ignore[method-assign]
