"""What makes "Add to home screen" open StockLens like an app: the web-app manifest
(assets/manifest.webmanifest: name, icons, theme colour, standalone display), the icons
(assets/icon-180/192/512.png: the navbar's ◧ mark on its navy) and the page-head tags
that point at them. app.create_app passes `META_TAGS` to Dash and calls `add_head_links`.

The manifest is a static file: the name is the product's (the same in both languages)
and the start URL is the board (`/`), which opens in the language the person chose last
(the language cookie)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dash

MANIFEST = "manifest.webmanifest"
TOUCH_ICON = "icon-180.png"  # iOS takes its home-screen icon from this link, not the manifest
THEME_COLOR = "#14213d"  # the navbar's navy (assets/stocklens.css .app-navbar)

META_TAGS = [
    {"name": "theme-color", "content": THEME_COLOR},
    {"name": "mobile-web-app-capable", "content": "yes"},
    {"name": "apple-mobile-web-app-capable", "content": "yes"},
    {"name": "apple-mobile-web-app-title", "content": "StockLens"},
]


def add_head_links(app: dash.Dash) -> None:
    """Link the manifest and the touch icon from every page's head (after the favicon)."""
    links = (f'<link rel="manifest" href="{app.get_asset_url(MANIFEST)}">\n'
             f'        <link rel="apple-touch-icon" href="{app.get_asset_url(TOUCH_ICON)}">')
    if "{%favicon%}" not in app.index_string:
        raise ValueError("the page template has no {%favicon%}: where do the links go?")
    app.index_string = app.index_string.replace("{%favicon%}", "{%favicon%}\n        " + links, 1)
