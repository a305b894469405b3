"""How long grading one submission takes: ``nbgrader autograde`` beside ``autograder grade``.

For each assignment this builds one complete, correct submission (the reference answers in the
release notebook) in a temporary course directory outside the checkout, releases it and hands
it in with nbgrader, then times, repetition by repetition and method by method in turn:

* ``nbgrader autograde <assignment> --student s --force``: the grading step only, as an
  instructor runs it (a subprocess; ``--force`` re-grades the same hand-in every time);
* ``autograder grade <notebook> --format json``: a subprocess, as a CI job runs it, public and
  hidden checks (``AUTOGRADER_SOLUTIONS`` names the course directory);
* ``grade_submission(notebook)``: the same grading in this already warm interpreter (imports
  done, the trusted notebook loaded once), for information, in one lane and in two (the command
  grades one submission in two lanes where two cores are free);
* the floor: the same test cells run here, in this process, on the trusted reference functions,
  with no sandbox and no round trips: what the checks themselves cost.

It prints the median and the minimum of each method, the ratios nbgrader / autograder, and the
score each method gave; it stops with an error if the scores differ. Then it prints where the
time of one in-process grading goes (:func:`breakdown`): starting the student process, its
answer cells, and each check, split into the round trips to the student process and the rest,
beside the same check on trusted code.

    python benchmarks/grade_latency.py [--repeat N] [--assignment rnn --assignment lstm]
"""

import argparse
import contextlib
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

from autograder.checking.hidden_cases import grading_seed
from autograder.checking.reference import ENVIRONMENT_VARIABLE, load_reference
from autograder.grading import isolated
from autograder.grading.isolated import grade_submission, load_assignment, run_test_cell
from autograder.instructor.nbgrader_pipeline import (
    make_course,
    read_gradebook,
    release_into,
    run_nbgrader,
    submit,
)
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


@dataclass
class Part:
    """One part of a grading: its wall time, and the round trips to the student process in it."""

    name: str
    seconds: float = 0.0
    round_trips: int = 0
    round_trip_seconds: float = 0.0
    floor: float | None = None


class ScoresDiffer(AssertionError):
    """The grading methods did not give the same score to the same submission."""


def prepare_course(course: Path, assignment: str, *, nbgrader: bool = True) -> Path:
    """Release ``assignment`` in a new course directory and hand in the reference; return the notebook.

    With ``nbgrader=False`` (a course only the autograder grades) nbgrader does not
    release it (see ``release_into``).
    """
    make_course(course)
    release_into(course, assignment, by_nbgrader=nbgrader)
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


def grade_in_process(course: Path, notebook: Path, assignment: str, *, lanes: int = 1) -> Score:
    """Call ``grade_submission`` in this interpreter, in ``lanes`` lanes; return the autograded score."""
    os.environ[ENVIRONMENT_VARIABLE] = str(course)
    result = grade_submission(notebook, assignment=assignment, lanes=lanes)
    tests = [{"score": t.score, "max_score": t.max_score, "status": t.status, "hidden": t.hidden}
             for t in result.tests]
    return autograded_score(tests, list(result.notes), assignment)


def grade_trusted(assignment: str, *, seed: int | None = None) -> Score:
    """Run the trusted test cells here on the reference functions (no sandbox); return the score."""
    trusted = load_assignment(assignment)
    reference = load_reference(assignment)
    namespace = {name: getattr(reference, name) for name in trusted.functions}
    with grading_seed(seed):
        tests = [test for cell in trusted.tests for test in run_test_cell(cell, namespace)]
    graded = [(t.score, t.max_score) for t in tests]
    return round(sum(s for s, _ in graded), 6), round(sum(m for _, m in graded), 6)


def autograded_score(tests: list[dict], notes: list[str], assignment: str) -> Score:
    """Points earned and available over the tests that are not pending; the hidden ones must be there.

    The notebook is graded where it lies, without nbgrader's ``timestamp.txt``, so the one note
    expected says that no late penalty can be applied; any other note fails the run.

    Raises:
        RuntimeError: when the hidden checks did not run or the grading has another note.
    """
    unexpected = [note for note in notes if not note.startswith("no submission time")]
    if unexpected or not any(test["hidden"] for test in tests):
        raise RuntimeError(f"{assignment}: the hidden checks did not run, or the grading says more: {unexpected}")
    graded = [test for test in tests if test["status"] != "pending"]
    return round(sum(t["score"] for t in graded), 6), round(sum(t["max_score"] for t in graded), 6)


def timed(method: Callable[[], Score]) -> tuple[float, Score]:
    """Wall time of one call (``time.perf_counter``) and what it returned."""
    start = time.perf_counter()
    score = method()
    return time.perf_counter() - start, score


def measure(assignment: str, *, repeat: int = 3) -> tuple[list[Timing], list[Part]]:
    """Time the five methods on the reference submission of ``assignment``, ``repeat`` times each.

    The methods take turns within each repetition, so a slow spell of the machine affects all.
    Then one more grading in this process, broken down (see :func:`breakdown`).

    Raises:
        ScoresDiffer: when any two gradings gave different scores.
    """
    with tempfile.TemporaryDirectory(prefix="grade-latency-") as directory:
        course = Path(directory) / "course"
        notebook = prepare_course(course, assignment)
        methods = {
            "nbgrader autograde": lambda: grade_with_nbgrader(course, assignment),
            "autograder grade": lambda: grade_with_cli(course, notebook, assignment),
            "grade_submission (in-process, 1 lane)": lambda: grade_in_process(course, notebook, assignment),
            "grade_submission (in-process, 2 lanes)": lambda: grade_in_process(course, notebook, assignment, lanes=2),
            "checks on trusted code (floor)": lambda: grade_trusted(assignment),
        }
        timings = {name: Timing(name, [], []) for name in methods}
        previous = os.environ.get(ENVIRONMENT_VARIABLE)
        try:
            for _ in range(repeat):
                for name, method in methods.items():
                    seconds, score = timed(method)
                    timings[name].seconds.append(seconds)
                    timings[name].scores.append(score)
            parts = breakdown(course, notebook, assignment)
        finally:
            if previous is None:
                os.environ.pop(ENVIRONMENT_VARIABLE, None)
            else:
                os.environ[ENVIRONMENT_VARIABLE] = previous
    check_same_scores(assignment, list(timings.values()))
    return list(timings.values()), parts


ROUND_TRIPS = ("call", "call_each")
"""The methods of the sandbox that send a request to the student process and wait for its answer
(``call`` makes one call through ``call_each`` where that exists: the outermost is counted)."""


@contextlib.contextmanager
def wrapped(owner, name: str, around: Callable[[Callable], Callable]):
    """Within: ``owner.name`` replaced by ``around(original)``; skipped when ``owner`` has no ``name``."""
    original = getattr(owner, name, None)
    if original is None:
        yield
        return
    setattr(owner, name, around(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


def breakdown(course: Path, notebook: Path, assignment: str, *, seed: int = 1) -> list[Part]:
    """Where the time of one in-process grading of ``notebook`` goes, beside the floor of each check.

    Parts: starting the student process (every start, restarts included), running the setup and
    answer cells in it, and each test cell (one check, public and hidden), whose round trips to the
    student process are counted and timed. The floor of a test cell is the same cell run on the
    reference functions in this process. Measured by wrapping the sandbox's methods.
    """
    from autograder.sandbox.process import Sandbox

    os.environ[ENVIRONMENT_VARIABLE] = str(course)
    start, cells = Part("student process start"), Part("setup and answer cells")
    checks: dict[str, Part] = {}
    current: list[Part] = [cells]

    inside_round_trip = [False]

    def timing(part_of: Callable[[], Part], *, round_trip: bool = False) -> Callable[[Callable], Callable]:
        def around(method: Callable) -> Callable:
            def timed_method(*args, **kwargs):
                if round_trip and inside_round_trip[0]:
                    return method(*args, **kwargs)
                inside_round_trip[0] |= round_trip
                began = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    inside_round_trip[0] &= not round_trip
                    part, spent = part_of(), time.perf_counter() - began
                    if round_trip:
                        part.round_trips += 1
                        part.round_trip_seconds += spent
                    else:
                        part.seconds += spent
            return timed_method
        return around

    def run_cell(original: Callable) -> Callable:
        def run(cell, namespace):
            current[0] = checks.setdefault(cell.grade_id, Part(cell.grade_id))
            began = time.perf_counter()
            try:
                return original(cell, namespace)
            finally:
                current[0].seconds += time.perf_counter() - began
                current[0] = cells
        return run

    with contextlib.ExitStack() as stack:
        stack.enter_context(wrapped(Sandbox, "_spawn", timing(lambda: start)))
        stack.enter_context(wrapped(Sandbox, "start", timing(lambda: cells)))
        for name in ROUND_TRIPS:
            stack.enter_context(wrapped(Sandbox, name, timing(lambda: current[0], round_trip=True)))
        stack.enter_context(wrapped(isolated, "run_test_cell", run_cell))
        grade_submission(notebook, assignment=assignment, seed=seed)
    cells.seconds -= start.seconds  # start() spawns the process, then runs the cells
    trusted, reference = load_assignment(assignment), load_reference(assignment)
    namespace = {name: getattr(reference, name) for name in trusted.functions}
    with grading_seed(seed):
        for cell in trusted.tests:
            began = time.perf_counter()
            run_test_cell(cell, namespace)
            checks[cell.grade_id].floor = time.perf_counter() - began
    return [start, cells, *checks.values()]


def breakdown_table(parts: list[Part]) -> str:
    """The breakdown as a Markdown table, with a total row (its grader column: the checks' own time)."""
    lines = [
        "| part | s | round trips | s in round trips | s in the grader | floor s (trusted, in-process) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    checks = [part for part in parts if part.floor is not None]
    for part in parts:
        floor = "" if part.floor is None else f"{part.floor:.2f}"
        trips = f"{part.round_trips} | {part.round_trip_seconds:.2f}" if part.round_trips else " | "
        inside = f"{part.seconds - part.round_trip_seconds:.2f}" if part.floor is not None else ""
        lines.append(f"| {part.name} | {part.seconds:.2f} | {trips} | {inside} | {floor} |")
    trips = sum(p.round_trips for p in parts), sum(p.round_trip_seconds for p in parts)
    inside = sum(p.seconds - p.round_trip_seconds for p in checks)
    lines.append(
        f"| total | {sum(p.seconds for p in parts):.2f} | {trips[0]} | {trips[1]:.2f} | {inside:.2f} "
        f"| {sum(p.floor for p in checks):.2f} |"
    )
    return "\n".join(lines)


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
    results, parts = {}, {}
    for assignment in options.assignment or ASSIGNMENTS:
        print(f"timing {assignment}: {options.repeat} gradings per method ...", file=sys.stderr, flush=True)
        results[assignment], parts[assignment] = measure(assignment, repeat=options.repeat)
    print(
        f"{os.cpu_count()} cores (1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after), "
        f"Python {sys.version.split()[0]}, {options.repeat} repetitions\n"
    )
    print(table(results))
    print("\nscores: every method gave the same autograded score on every repetition")
    for assignment, breakdown_parts in parts.items():
        print(f"\n{assignment}: where the time of one grade_submission goes (in this process, seed 1)\n")
        print(breakdown_table(breakdown_parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
