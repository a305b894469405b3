#!/usr/bin/env bash
# PrairieLearn's external grader runs this for every submission, with the question's tests/ in
# /grade/tests and the uploaded notebook in /grade/student. It grades public and hidden checks
# (the solutions are in /grade/tests/course) and writes /grade/results/results.json.
# AUTOGRADER_ROOT replaces /grade (to try it outside PrairieLearn). An `autograder` already on
# PATH (an image built with it) is used as it is; otherwise tests/package is installed first.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/grade}"

if ! command -v autograder >/dev/null 2>&1; then
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
        echo "run.sh: the autograder needs Python 3.10 or newer; the image has $(python3 --version 2>&1)" >&2
        exit 1
    fi
    python3 -m venv /tmp/autograder-venv
    /tmp/autograder-venv/bin/python -m pip install --quiet "$ROOT/tests/package"
    PATH="/tmp/autograder-venv/bin:$PATH"
fi
export AUTOGRADER_SOLUTIONS="$ROOT/tests/course"
mkdir -p "$ROOT/results"
autograder grade "$ROOT/student/@assignment@.ipynb" --assignment @assignment@ --format prairielearn \
    --output "$ROOT/results/results.json"
