#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/browser), if it is not there yet.
# Playwright's own `playwright install` downloads a browser build and cannot work here:
# the tests drive the system Chromium at /usr/bin/chromium instead.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

echo "Installing Chromium (Debian package) for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
/usr/bin/chromium --version
