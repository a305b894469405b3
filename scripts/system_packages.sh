#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Python: installed here when run as root (as CI
# runs), otherwise named in one line with the command that installs them, before anything else runs.
#   bubblewrap                 isolates student code (namespaces, a private scratch tmpfs); the
#                              isolation and hostile-submission tests fail without it, on purpose
#   chromium, chromium-driver  the HTML pages are opened and screenshot in headless Chromium
set -euo pipefail
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || command -v google-chrome >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing the system packages the tests need: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    exit 0
fi
echo "make test needs the system packages ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
exit 1
