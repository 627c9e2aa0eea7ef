#!/usr/bin/env bash
# Makes headless Chromium and its WebDriver available for the browser test of the web chat
# (e2e-tests: WebChatIT). Debian's packages, so nothing is downloaded outside apt: Selenium is
# pointed at /usr/bin/chromedriver and never fetches a driver or a browser of its own.
#
# Idempotent: does nothing when /usr/bin/chromium and /usr/bin/chromedriver exist.
# Usage: scripts/browser.sh      (./oviya test calls it before the end-to-end tests)

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

browser_installed() { [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; }

if browser_installed; then
  ok "chromium and chromedriver already installed: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
  exit 0
fi
apt_install chromium chromium-driver
browser_installed || die "chromium-driver installed, but /usr/bin/chromium or /usr/bin/chromedriver is still missing"
ok "installed $(/usr/bin/chromium --version 2>/dev/null | head -n 1) and $(/usr/bin/chromedriver --version 2>/dev/null | head -n 1)"
