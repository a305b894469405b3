"""How the tests start a grader in each setting, and read what it gave each function."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.checking.reference import find_release_notebook, find_solution_notebook
from autograder.instructor.submissions import demo_answers
from autograder.results import PENDING, SubmissionResult, TestResult
from support.hostile_submissions import notebook_text

BUGGY_LOSES = {"rnn_backward": 1.36, "clip_by_global_norm": 2.39}
"""The demo's buggy student: dWh overwritten in BPTT (one gradient of five wrong: a fifth of the known
answers, the gradient check and the hidden case, (1.4 + 2.8 + 2.6) / 5), and each array clipped by its
own norm (the arrays' share of every case that clips; global_norm itself is right)."""


def files_under(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file beneath ``directory``: its size and modification time, by relative path."""
    return {
        str(path.relative_to(directory)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in directory.rglob("*")
        if path.is_file()
    }


def digests(paths: list[Path]) -> dict[Path, str]:
    """The SHA-256 of each file."""
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def points_lost(result: SubmissionResult) -> dict[str, float]:
    """The autograded points each function lost (functions that lost none left out)."""
    lost: dict[str, float] = {}
    for test in result.tests:
        if test.status != PENDING:
            lost[test.function] = lost.get(test.function, 0.0) + test.max_score - test.score
    return {function: round(points, 6) for function, points in lost.items() if points}


SETTINGS = {
    "unprivileged grader": (["unshare", "--user", "--map-user=1000", "--map-group=1000"], {}),
    "without bubblewrap": ([], {"AUTOGRADER_BUBBLEWRAP": "0"}),
}
"""How the grader is started in each setting: a command prefix and environment variables."""


def result_of(document: dict) -> SubmissionResult:
    """A result rebuilt from its JSON, enough for :func:`points_lost`."""
    tests = tuple(
        TestResult(
            t["name"], t["function"], t["score"], t["max_score"], t["status"], t["output"], t["hidden"]
        )
        for t in document["tests"]
    )
    return SubmissionResult(document["submission"], document["assignment"], tests, tuple(document["notes"]))


GRADERS = {
    "root": ([], {}),
    **SETTINGS,
    "unprivileged grader without bubblewrap": (
        SETTINGS["unprivileged grader"][0],
        SETTINGS["without bubblewrap"][1],
    ),
}
"""How the grader is started: a command prefix and environment variables (see ``tests/sandbox/test_isolation.py``)."""


def reference_answers() -> tuple[dict[str, str], nbformat.NotebookNode]:
    """The rnn reference's answer cells by grade id, and the release notebook they go into."""
    source = nbformat.read(find_solution_notebook("rnn"), as_version=4)
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    return demo_answers("rnn", source)["reference"], release


def hand_in(place: Path, notebooks: dict[str, nbformat.NotebookNode]) -> list[Path]:
    """Each notebook written as ``<place>/<name>/rnn.ipynb``, in order; their paths."""
    paths = []
    for name, notebook in notebooks.items():
        (place / name).mkdir()
        paths.append(place / name / "rnn.ipynb")
        paths[-1].write_text(notebook_text(notebook))
    return paths


def grade_as(
    setting: tuple[list[str], dict[str, str]],
    notebooks: list[Path],
    output: Path,
    *,
    python: str = sys.executable,
    jobs: int = 2,
    options: tuple[str, ...] = (),
    environment: dict[str, str] | None = None,
    timeout: float = 900,
    cwd: Path | None = None,
) -> list[dict]:
    """``autograder grade`` of the rnn notebooks by the grader of a setting (a command prefix and
    environment variables, see :data:`GRADERS`), as JSON into ``output``; the results, in order.

    ``environment`` adds to (or, with ``None`` values, removes from) the grader's environment.
    """
    prefix, variables = setting
    command = [*prefix, python, "-m", "autograder", "grade", *map(str, notebooks)]
    command += ["--assignment", "rnn", "--jobs", str(jobs), "--format", "json", "--output", str(output), *options]
    env = {**os.environ, **variables, **(environment or {})}
    env = {key: value for key, value in env.items() if value is not None}
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert output.exists(), done.stderr[-3000:]
    return json.loads(output.read_text())
