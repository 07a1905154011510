"""Take PNG screenshots of pages of a running StockLens with headless Chromium.

    python scripts/screenshot.py http://127.0.0.1:8050/ docs/board.png [--size 1440x900]

Used for the README/docs images and to look at pages while developing.
"""

from __future__ import annotations

import argparse
import base64
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def browser(width: int, height: int) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--hide-scrollbars", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def shoot(url: str, out: str, width: int, height: int, full: bool, wait_css: str | None) -> None:
    driver = browser(width, height)
    try:
        driver.get(url)
        if wait_css:
            WebDriverWait(driver, 30).until(
                ec.presence_of_element_located((By.CSS_SELECTOR, wait_css)))
        # let callbacks finish: wait until no Dash loading marker remains
        deadline = time.time() + 30
        while time.time() < deadline:
            busy = driver.execute_script(
                "return document.querySelectorAll('[data-dash-is-loading=\"true\"]').length")
            if not busy:
                break
            time.sleep(0.3)
        time.sleep(1.0)
        if full:  # the whole page, beyond the viewport, through the DevTools protocol
            size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
            })
            with open(out, "wb") as fh:
                fh.write(base64.b64decode(shot["data"]))
        else:
            driver.save_screenshot(out)
    finally:
        driver.quit()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--size", default="1440x900")
    p.add_argument("--full", action="store_true", help="capture the whole page height")
    p.add_argument("--wait", default=None, help="CSS selector to wait for")
    a = p.parse_args()
    w, h = (int(x) for x in a.size.split("x"))
    shoot(a.url, a.out, w, h, a.full, a.wait)


if __name__ == "__main__":
    main()
