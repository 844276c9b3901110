#!/usr/bin/env bash
# Make Debian's headless-capable Chromium available for tests/test_dashboard_browser.py.
# Idempotent: does nothing when /usr/bin/chromium exists. Otherwise installs the Debian
# packages `chromium` and `fonts-dejavu-core` (for legible screenshots), as root or through
# sudo. Playwright drives this binary; its own browser download (`playwright install`) is
# not used.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "browser-ci: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
    exit 0
fi
if ! command -v apt-get > /dev/null; then
    echo "browser-ci: no apt-get here; install Chromium at /usr/bin/chromium yourself" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
echo "browser-ci: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
