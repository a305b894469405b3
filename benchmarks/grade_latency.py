"""How long grading one submission takes: ``nbgrader autograde`` beside ``autograder grade``.

For each assignment this builds one complete, correct submission (the reference answers in the
release notebook) in a temporary course directory outside the checkout, releases it and hands
it in with nbgrader, then times, repetition by repetition and method by method in turn:

* ``nbgrader autograde <assignment> --student s --force``: the grading step only, as an
  instructor runs it (a subprocess; ``--force`` re-grades the same hand-in every time);
* ``autograder grade <notebook> --format json``: a subprocess, as a CI job runs it, public and
  hidden checks (``AUTOGRADER_SOLUTIONS`` names the course directory);
* ``grade_submission(notebook)``: the same grading in this already warm interpreter (imports
  done, the trusted notebook loaded once), for information.

It prints the median and the minimum of each method, the ratios nbgrader / autograder, and the
score each method gave; it stops with an error if the scores differ.

    python benchmarks/grade_latency.py [--repeat N] [--assignment rnn --assignment lstm]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.checking.reference import ENVIRONMENT_VARIABLE
from autograder.grading.isolated import grade_submission
from autograder.instructor.nbgrader_pipeline import make_course, read_gradebook, run_nbgrader, submit
from autograder.instructor.submissions import solution_answers

ASSIGNMENTS = ("rnn", "lstm")
STUDENT = "s"

Score = tuple[float, float]
"""Autograded points earned and available (written answers left out)."""


@dataclass(frozen=True)
class Timing:
    """The wall times of one grading method on one assignment, and the score it gave each time."""

    method: str
    seconds: list[float]
    scores: list[Score]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)


class ScoresDiffer(AssertionError):
    """The grading methods did not give the same score to the same submission."""


def prepare_course(course: Path, assignment: str) -> Path:
    """Release ``assignment`` in a new course directory and hand in the reference; return the notebook."""
    make_course(course)
    run_nbgrader(course, "generate_assignment", assignment)
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    folder = submit(course, assignment, STUDENT, solution_answers(source))
    return folder / f"{assignment}.ipynb"


def autograder_command() -> list[str]:
    """The ``autograder`` console script of this environment, else ``python -m autograder``."""
    script = Path(sys.executable).with_name("autograder")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "autograder"]


def grade_with_nbgrader(course: Path, assignment: str) -> Score:
    """Run ``nbgrader autograde`` on the hand-in (again) and read its score from the gradebook."""
    run_nbgrader(course, "autograde", assignment, "--student", STUDENT, "--force")
    grade = read_gradebook(course, assignment)[STUDENT]
    return grade.score, grade.max_score


def grade_with_cli(course: Path, notebook: Path, assignment: str) -> Score:
    """Run ``autograder grade --format json`` in a subprocess; return the autograded score."""
    done = subprocess.run(
        [*autograder_command(), "grade", str(notebook), "--format", "json"],
        env={**os.environ, ENVIRONMENT_VARIABLE: str(course)},
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    return autograded_score(result["tests"], result["notes"], assignment)


def grade_in_process(course: Path, notebook: Path, assignment: str) -> Score:
    """Call ``grade_submission`` in this interpreter; return the autograded score."""
    os.environ[ENVIRONMENT_VARIABLE] = str(course)
    result = grade_submission(notebook, assignment=assignment)
    tests = [{"score": t.score, "max_score": t.max_score, "status": t.status, "hidden": t.hidden}
             for t in result.tests]
    return autograded_score(tests, list(result.notes), assignment)


def autograded_score(tests: list[dict], notes: list[str], assignment: str) -> Score:
    """Points earned and available over the tests that are not pending; the hidden ones must be there.

    Raises:
        RuntimeError: when the grading has notes (e.g. the hidden checks could not run).
    """
    if notes or not any(test["hidden"] for test in tests):
        raise RuntimeError(f"{assignment}: the hidden checks did not run: {notes}")
    graded = [test for test in tests if test["status"] != "pending"]
    return round(sum(t["score"] for t in graded), 6), round(sum(t["max_score"] for t in graded), 6)


def timed(method: Callable[[], Score]) -> tuple[float, Score]:
    """Wall time of one call (``time.perf_counter``) and what it returned."""
    start = time.perf_counter()
    score = method()
    return time.perf_counter() - start, score


def measure(assignment: str, *, repeat: int = 3) -> list[Timing]:
    """Time the three methods on the reference submission of ``assignment``, ``repeat`` times each.

    The methods take turns within each repetition, so a slow spell of the machine affects all.

    Raises:
        ScoresDiffer: when any two gradings gave different scores.
    """
    with tempfile.TemporaryDirectory(prefix="grade-latency-") as directory:
        course = Path(directory) / "course"
        notebook = prepare_course(course, assignment)
        methods = {
            "nbgrader autograde": lambda: grade_with_nbgrader(course, assignment),
            "autograder grade": lambda: grade_with_cli(course, notebook, assignment),
            "grade_submission (in-process)": lambda: grade_in_process(course, notebook, assignment),
        }
        timings = {name: Timing(name, [], []) for name in methods}
        previous = os.environ.get(ENVIRONMENT_VARIABLE)
        try:
            for _ in range(repeat):
                for name, method in methods.items():
                    seconds, score = timed(method)
                    timings[name].seconds.append(seconds)
                    timings[name].scores.append(score)
        finally:
            if previous is None:
                os.environ.pop(ENVIRONMENT_VARIABLE, None)
            else:
                os.environ[ENVIRONMENT_VARIABLE] = previous
    check_same_scores(assignment, list(timings.values()))
    return list(timings.values())


def check_same_scores(assignment: str, timings: list[Timing]) -> None:
    """Raise ``ScoresDiffer`` unless every grading of every method gave the same score."""
    scores = {(timing.method, score) for timing in timings for score in timing.scores}
    if len({score for _, score in scores}) != 1:
        found = ", ".join(f"{method}: {earned:g}/{available:g}" for method, (earned, available) in sorted(scores))
        raise ScoresDiffer(f"{assignment}: the methods gave different scores ({found})")


def table(results: dict[str, list[Timing]]) -> str:
    """The measurements as a Markdown table, one row per assignment and method."""
    lines = [
        "| assignment | method | median s | min s | nbgrader / this, median | nbgrader / this, min | score |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for assignment, timings in results.items():
        nbgrader = timings[0]
        for timing in timings:
            earned, available = timing.scores[0]
            lines.append(
                f"| {assignment} | {timing.method} | {timing.median:.2f} | {timing.best:.2f} "
                f"| {nbgrader.median / timing.median:.1f}x | {nbgrader.best / timing.best:.1f}x "
                f"| {earned:g} / {available:g} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=3, help="gradings per method (default: 3)")
    arguments.add_argument(
        "--assignment", action="append", choices=ASSIGNMENTS, help="the assignments to time (default: all)"
    )
    options = arguments.parse_args(argv)
    if options.repeat < 1:
        arguments.error(f"--repeat must be at least 1, got {options.repeat}")
    os.environ.setdefault(
        "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "autograder-hypothesis")
    )
    load_before = os.getloadavg()[0]
    results = {}
    for assignment in options.assignment or ASSIGNMENTS:
        print(f"timing {assignment}: {options.repeat} gradings per method ...", file=sys.stderr, flush=True)
        results[assignment] = measure(assignment, repeat=options.repeat)
    print(
        f"{os.cpu_count()} cores (1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after), "
        f"Python {sys.version.split()[0]}, {options.repeat} repetitions\n"
    )
    print(table(results))
    print("\nscores: every method gave the same autograded score on every repetition")
    return 0


if __name__ == "__main__":
    sys.exit(main())
