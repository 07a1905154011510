"""Browser tests run the real app in headless Chromium through dash[testing]."""

from __future__ import annotations

import os

os.environ.setdefault("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")


def pytest_setup_options():
    """Chromium flags for a root, network-less CI machine (dash[testing] hook)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = os.environ["DASH_TEST_CHROMEPATH"]
    for flag in ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--window-size=1440,1000"):
        options.add_argument(flag)
    return options
