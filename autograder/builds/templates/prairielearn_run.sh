#!/usr/bin/env bash
# PrairieLearn's external grader runs this for every submission, in the image @image@, with the
# question's tests/ in /grade/tests and the uploaded notebook in /grade/student. It grades the
# public checks and writes /grade/results/results.json; it installs nothing and needs no network.
# AUTOGRADER_ROOT replaces /grade (to try it outside PrairieLearn).
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/grade}"
mkdir -p "$ROOT/results"

if ! command -v autograder >/dev/null 2>&1; then
    message="This question's grading image has no autograder: build image/ of the question's build and push it as @image@."
    printf '{"gradable": false, "score": 0, "message": "%s", "tests": []}\n' "$message" > "$ROOT/results/results.json"
    echo "run.sh: $message" >&2
    exit 0
fi
autograder grade "$ROOT/student/@assignment@.ipynb" --assignment @assignment@ --format prairielearn \
    --output "$ROOT/results/results.json"
