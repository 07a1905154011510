"""Tab titles and <html lang> follow the language the page is shown in (issue 24): ?lang= of
the page's own address, of the router's `search` input on a navigation inside the app, else
the cookie, else the browser's Accept-Language."""

from __future__ import annotations

import flask

from components.kit.page_title import page_language, page_title
from i18n import LANG_COOKIE

app = flask.Flask(__name__)
ROUTER_CALL = {"output": "..", "inputs": [
    {"id": "_pages_location", "property": "pathname", "value": "/products"},
    {"id": "_pages_location", "property": "search", "value": "?region=East&lang=zh"}]}


def test_the_page_address_decides_first() -> None:
    with app.test_request_context("/products?lang=zh", headers={"Accept-Language": "en"}):
        assert page_language() == "zh"
        assert page_title("nav.products")() == "StockLens · 商品分析"
    with app.test_request_context("/products?lang=en", headers={"Accept-Language": "zh-CN"}):
        assert page_title("nav.products")() == "StockLens · Products"


def test_a_navigation_inside_the_app_reads_the_router_search() -> None:
    with app.test_request_context("/_dash-update-component", method="POST", json=ROUTER_CALL,
                                  headers={"Accept-Language": "en"}):
        assert page_title("nav.ageing")() == "StockLens · 库龄分析"
    english = {**ROUTER_CALL, "inputs": [{"id": "_pages_location", "property": "search",
                                          "value": ""}]}
    with app.test_request_context("/_dash-update-component", method="POST", json=english,
                                  headers={"Accept-Language": "zh-CN,zh;q=0.9"}):
        assert page_title("nav.ageing")() == "StockLens · 库龄分析"  # no ?lang=: the browser's
    with app.test_request_context("/_dash-update-component", method="POST", json=english,
                                  headers={"Cookie": f"{LANG_COOKIE}=en",
                                           "Accept-Language": "zh-CN"}):
        assert page_title("nav.ageing")() == "StockLens · Inventory age"  # the switch's cookie


def test_the_home_page_and_outside_a_request() -> None:
    with app.test_request_context("/?lang=zh"):
        assert page_title(None)() == "StockLens 进销存分析"
    assert page_title(None)() == "StockLens"  # the CLI, a test: English


def test_the_served_page_carries_html_lang() -> None:
    import dash

    from components.kit.html_lang import install

    dash_app = dash.Dash(__name__)
    dash_app.layout = dash.html.Div("x")
    install(dash_app)
    client = dash_app.server.test_client()
    assert '<html lang="zh-CN">' in client.get("/?lang=zh").get_data(as_text=True)
    page = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in page
