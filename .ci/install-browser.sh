#!/usr/bin/env bash
# Install headless Chromium for the dashboard's real-browser test (tests/dashboards/test_browser.py).
# Idempotent: does nothing when /usr/bin/chromium is already there. Debian/Ubuntu, run as root
# (or with sudo available). The test runs Playwright's Python client against this browser, so no
# Playwright browser download is needed.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation
/usr/bin/chromium --version
