#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages, if it is missing:
# Debian's Chromium and its matching ChromeDriver for the browser tests (and the chart
# images of alert mails, which kaleido renders with the same Chromium), and a CJK font so
# Chinese labels in those images and in screenshots are not empty boxes.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
# the browser-side export rule (assets/safe_export.js) is checked against Python's with node
command -v node >/dev/null 2>&1 || missing+=(nodejs)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages) for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
