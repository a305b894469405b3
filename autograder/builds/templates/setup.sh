#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image, with this
# zip unpacked in /autograder/source. It makes a virtual environment in /autograder/venv and
# installs the autograder into it; apt is used only when Python's venv module is missing.
# It needs Python 3.10+: the base image Ubuntu 22.04 or newer; it stops with a message otherwise.
# AUTOGRADER_ROOT replaces /autograder (to try the autograder outside Gradescope).
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"

if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    apt-get update
    apt-get install -y --no-install-recommends python3 python3-venv python3-pip
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "setup.sh: the autograder needs Python 3.10 or newer, and this image's python3 is" \
        "$(python3 --version 2>&1 | cut -d' ' -f2). In the autograder settings, choose the base" \
        "image Ubuntu 22.04 (or newer) and rebuild." >&2
    exit 1
fi
# bubblewrap gives student code namespaces of its own and a private scratch tmpfs; where it is
# missing or refused (Docker's default seccomp profile), Landlock and seccomp confine it alone,
# and every result says so in a note.
if ! command -v bwrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update && apt-get install -y --no-install-recommends bubblewrap \
        || echo "setup.sh: bubblewrap could not be installed; student code is confined without it"
fi
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
"$ROOT/venv/bin/python" -m pip install "$ROOT/source/package"
