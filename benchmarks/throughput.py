"""How many submissions a batch grades per second: ``autograder grade --jobs 2`` beside ``nbgrader autograde``.

It hands in, in a temporary course directory outside the checkout, a batch of varied rnn
submissions in a fixed mix (:data:`MIX`): the reference answers, planted mistakes, the untouched
release (every function a stub), half-done notebooks, and slow ones (a correct step that sleeps
a millisecond per call). Then, in one run:

* ``autograder grade submitted/*/rnn --jobs 2 --format json``: the whole batch, in a subprocess;
* ``nbgrader autograde rnn --student <id>``: a sample of the same mix, one student at a time
  (``--nbgrader-sample``; nbgrader runs every notebook, its experiments included, which makes
  the whole batch a matter of hours). Its throughput on the batch is extrapolated: the mean time
  of each kind in the sample, times the number of that kind in the batch.

The scores of the sampled submissions must agree between the two; the benchmark stops otherwise.

    python benchmarks/throughput.py [--submissions 200] [--jobs 2] [--nbgrader-sample 6]
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
from autograder.instructor.nbgrader_pipeline import (
    make_course,
    read_gradebook,
    release_into,
    run_nbgrader,
    submit,
)
from autograder.instructor.submissions import DEMO_MISTAKES, solution_answers, with_mistake

ASSIGNMENT = "rnn"

MISTAKES = [
    *DEMO_MISTAKES[ASSIGNMENT],
    ("rnn_step_forward", "a = x @ Wx + prev_h @ Wh + b", "a = x @ Wx + prev_h @ Wh"),
    ("rnn_step_backward", "da = dnext_h * activation_derivative(a, activation)", "da = dnext_h"),
    ("sigmoid", "z = np.exp(-np.abs(x))", "z = np.exp(-x)"),
    ("bptt_gradient_norms", "rnn_step_backward(grad, cache[t])", "rnn_step_backward(grad, cache[t - 1])"),
    ("clip_by_norm", "if norm > max_norm:", "if norm >= 0:"),
    ("rnn_forward", "rnn_step_forward(x[:, t], prev_h,", "rnn_step_forward(x[:, t], h0,"),
]
"""Planted mistakes, as (answer cell, correct text, wrong text) in the reference answers."""

SLOW_STEP = ("rnn_step_forward", "a = x @ Wx + prev_h @ Wh + b", "__import__('time').sleep(0.001)\n    a = x @ Wx + prev_h @ Wh + b")
"""A correct step that sleeps a millisecond per call: slow in both graders, and in the experiments."""


def answers_of(kind: str, index: int, reference: dict[str, str]) -> dict[str, str]:
    """The answers of the ``index``-th submission of a kind (a mistake or a half-done notebook varies with it)."""
    if kind == "reference":
        return dict(reference)
    if kind == "buggy":
        return with_mistake(reference, *MISTAKES[index % len(MISTAKES)])
    if kind == "stubs":
        return {}
    if kind == "half done":
        done = list(reference)[: len(reference) // 2 + index % 2]
        return {grade_id: reference[grade_id] for grade_id in done}
    if kind == "slow":
        return with_mistake(reference, *SLOW_STEP)
    raise ValueError(f"unknown kind of submission {kind!r}")


MIX = {"reference": 0.25, "buggy": 0.35, "stubs": 0.1, "half done": 0.15, "slow": 0.15}
"""The share of each kind in a batch."""


def kinds_of(count: int) -> list[str]:
    """The kind of each of ``count`` submissions: one of each kind of :data:`MIX`, then their shares, interleaved."""
    totals = dict.fromkeys(MIX, 0)
    kinds = []
    for i in range(count):  # after the first of each, the kind furthest below its share so far comes next
        kind = list(MIX)[i] if i < len(MIX) else max(MIX, key=lambda k: MIX[k] * (i + 1) - totals[k])
        totals[kind] += 1
        kinds.append(kind)
    return kinds


@dataclass(frozen=True)
class Submission:
    student: str
    kind: str


def hand_in(course: Path, count: int, *, nbgrader: bool = True) -> list[Submission]:
    """Release the assignment in ``course`` and hand in ``count`` submissions of the mix.

    With ``nbgrader=False`` (no submission sampled for nbgrader) nbgrader does not
    release it (see ``release_into``).
    """
    make_course(course)
    release_into(course, ASSIGNMENT, by_nbgrader=nbgrader)
    source = nbformat.read(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    reference = solution_answers(source)
    submissions = []
    for index, kind in enumerate(kinds_of(count)):
        student = f"s{index:03d}"
        submit(course, ASSIGNMENT, student, answers_of(kind, index, reference))
        submissions.append(Submission(student, kind))
    return submissions


def autograder_command() -> list[str]:
    """The ``autograder`` console script of this environment, else ``python -m autograder``."""
    script = Path(sys.executable).with_name("autograder")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "autograder"]


def grade_batch(course: Path, jobs: int) -> tuple[float, dict[str, float]]:
    """``autograder grade`` of every hand-in with ``--jobs``: wall seconds and each student's autograded score."""
    with tempfile.TemporaryDirectory(prefix="throughput-") as scratch:
        output = Path(scratch) / "results.json"
        began = time.perf_counter()
        subprocess.run(
            [*autograder_command(), "grade", str(course / "submitted" / "*" / ASSIGNMENT),
             "--jobs", str(jobs), "--format", "json", "--output", str(output)],
            env={**os.environ, ENVIRONMENT_VARIABLE: str(course)},
            capture_output=True,
            check=True,
        )
        seconds = time.perf_counter() - began
        results = json.loads(output.read_text())
    scores = {}
    for result in results:
        student = result["student"]  # from the submission's folder, submitted/<student>/<assignment>/
        scores[student] = round(sum(t["score"] for t in result["tests"] if t["status"] != "pending"), 6)
    return seconds, scores


def grade_with_nbgrader(course: Path, students: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """``nbgrader autograde`` of each student in turn: the seconds of each, and each autograded score."""
    seconds = {}
    for student in students:
        began = time.perf_counter()
        run_nbgrader(course, "autograde", ASSIGNMENT, "--student", student, "--force")
        seconds[student] = time.perf_counter() - began
    grades = read_gradebook(course, ASSIGNMENT)
    return seconds, {student: round(grades[student].score, 6) for student in students}


def sample_of(submissions: list[Submission], size: int) -> list[Submission]:
    """``size`` submissions covering the kinds of the batch (the first of each kind, then the next ones)."""
    chosen: list[Submission] = []
    while len(chosen) < min(size, len(submissions)):
        for kind in MIX:
            pending = [s for s in submissions if s.kind == kind and s not in chosen]
            if pending and len(chosen) < size:
                chosen.append(pending[0])
    return chosen


class ScoresDiffer(AssertionError):
    """nbgrader and the autograder gave a sampled submission different scores."""


def check_same_scores(ours: dict[str, float], theirs: dict[str, float]) -> None:
    """Raise ``ScoresDiffer`` unless every student nbgrader graded has the same score from both."""
    differ = {s: (ours.get(s), score) for s, score in theirs.items() if ours.get(s) != score}
    if differ:
        found = ", ".join(f"{s}: autograder {a}, nbgrader {b}" for s, (a, b) in sorted(differ.items()))
        raise ScoresDiffer(f"the graders disagree ({found})")


def extrapolate(seconds: dict[str, float], kinds: dict[str, str], batch: list[Submission]) -> float:
    """nbgrader's seconds for the whole batch: the mean time of each kind in the sample, times its count.

    Raises:
        ValueError: when a kind of the batch is missing from the sample.
    """
    by_kind: dict[str, list[float]] = {}
    for student, spent in seconds.items():
        by_kind.setdefault(kinds[student], []).append(spent)
    missing = sorted({s.kind for s in batch} - set(by_kind))
    if missing:
        raise ValueError(f"the sample has no submission of the kinds {', '.join(missing)}")
    return sum(statistics.mean(by_kind[s.kind]) for s in batch)


def report(batch: list[Submission], ours: float, jobs: int, nbgrader: dict[str, float] | None,
           estimate: Callable[[], float] | None) -> str:
    """The measurements as text and a Markdown table."""
    counts = {kind: sum(s.kind == kind for s in batch) for kind in MIX}
    lines = [
        f"batch: {len(batch)} rnn submissions ({', '.join(f'{n} {k}' for k, n in counts.items())})",
        "",
        "| grader | submissions timed | s | submissions / minute | this / nbgrader |",
        "|---|---:|---:|---:|---:|",
    ]
    rate = len(batch) / ours * 60
    if nbgrader:
        total = estimate()
        theirs = len(batch) / total * 60
        lines.append(f"| nbgrader autograde (1 at a time) | {len(nbgrader)} | {sum(nbgrader.values()):.1f} "
                     f"(batch extrapolated: {total:.0f}) | {theirs:.2f} | 1.0x |")
        lines.append(f"| autograder grade --jobs {jobs} | {len(batch)} | {ours:.1f} | {rate:.1f} | {rate / theirs:.1f}x |")
    else:
        lines.append(f"| autograder grade --jobs {jobs} | {len(batch)} | {ours:.1f} | {rate:.1f} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--submissions", type=int, default=200, help="the size of the batch (default: 200)")
    arguments.add_argument("--jobs", type=int, default=2, help="autograder grade --jobs (default: 2)")
    arguments.add_argument("--nbgrader-sample", type=int, default=6,
                           help="submissions nbgrader grades, one of each kind first (default: 6; 0: none)")
    options = arguments.parse_args(argv)
    if options.submissions < 1 or options.jobs < 1 or options.nbgrader_sample < 0:
        arguments.error("--submissions and --jobs must be at least 1, --nbgrader-sample at least 0")
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "autograder-hypothesis"))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="throughput-") as directory:
        course = Path(directory) / "course"
        print(f"handing in {options.submissions} submissions ...", file=sys.stderr, flush=True)
        batch = hand_in(course, options.submissions, nbgrader=options.nbgrader_sample > 0)
        print(f"grading them with autograder grade --jobs {options.jobs} ...", file=sys.stderr, flush=True)
        ours, scores = grade_batch(course, options.jobs)
        nbgrader: dict[str, float] | None = None
        estimate = None
        if options.nbgrader_sample:
            sample = sample_of(batch, options.nbgrader_sample)
            print(f"grading {len(sample)} of them with nbgrader ...", file=sys.stderr, flush=True)
            nbgrader, theirs = grade_with_nbgrader(course, [s.student for s in sample])
            check_same_scores(scores, theirs)
            kinds = {s.student: s.kind for s in batch}

            def estimate() -> float:
                return extrapolate(nbgrader, kinds, batch)

    print(
        f"{os.cpu_count()} cores (1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after), "
        f"Python {sys.version.split()[0]}\n"
    )
    print(report(batch, ours, options.jobs, nbgrader, estimate))
    if nbgrader:
        print("\nscores: nbgrader and the autograder gave every sampled submission the same autograded score")
    return 0


if __name__ == "__main__":
    sys.exit(main())
