"""Take PNG screenshots of pages of a running StockLens with headless Chromium.

    python scripts/screenshot.py http://127.0.0.1:8050/ docs/board.png [--size 1440x900]

Used for the README/docs images and to look at pages while developing. Chinese pages need
a CJK font on this machine, else their text is empty boxes: without one, the script installs
Debian's fonts-noto-cjk (as scripts/install_test_deps.sh does), or says how.
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (what Chromium draws them with)."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True,
                               check=False).stdout
    except FileNotFoundError:  # no fontconfig at all: no fonts either
        return False
    return bool(found.strip())


def ensure_cjk_font() -> None:
    """Install fonts-noto-cjk (apt-get, as root or with sudo) when no CJK font is there."""
    if has_cjk_font():
        return
    print("no CJK font: installing fonts-noto-cjk so Chinese text is not empty boxes",
          file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    done = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "fonts-noto-cjk"],
                          check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if done.returncode != 0 or not has_cjk_font():
        sys.exit("a CJK font is needed for Chinese screenshots: "
                 "sudo apt-get install fonts-noto-cjk (Debian/Ubuntu)")


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
        # let callbacks finish: the page's content is there, and no Dash loading marker or
        # spinner remains for 1.5 s in a row (a cold cache on a busy machine is slow)
        deadline, quiet = time.time() + 180, 0
        while time.time() < deadline and quiet < 5:
            busy = driver.execute_script(
                "var c = document.getElementById('_pages_content');"
                "if (c && !c.children.length) { return 1; }"
                "return document.querySelectorAll('[data-dash-is-loading=\"true\"],"
                " .dash-spinner').length")
            quiet = 0 if busy else quiet + 1
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
    ensure_cjk_font()
    shoot(a.url, a.out, w, h, a.full, a.wait)


if __name__ == "__main__":
    main()
