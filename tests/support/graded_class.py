"""A graded class built in this process: real checks, planted mistakes, no sandbox (seconds, not minutes).

Each student is the reference with some functions replaced by a buggy one from ``buggy_rnn``. Three
checks of the rnn assignment (public and hidden parts) are run through the same path as a notebook's
test cell (``collecting_results`` and ``test_of``), so the results carry real case results,
messages and recognised mistakes. A check is run once per implementation and shared by the
students who wrote the same code.
"""

from autograder.checking.case import collecting_results
from autograder.checking.hidden_cases import grading_seed
from autograder.grading.isolated import test_of
from autograder.grading.notebook_cells import NotebookCell
from autograder.results import FAILED, PENDING, SubmissionResult, TestResult
from support import buggy_rnn as buggy
from support.rnn_grading import run_check

CHECKS = {"rnn_backward": (False, True), "bptt_gradient_norms": (True,), "clip_by_global_norm": (False, True)}
"""The checks run and their parts (hidden or not). The public bptt_gradient_norms check is left out: its
Hypothesis law can draw a dh_last near 1e-176 whose norm underflows, so it does not always give the
reference full marks (reported; not this module's to fix)."""
SEQUENCE = {"rnn_forward": buggy.sequence_forward}

IMPLEMENTATIONS = {
    "right": {},
    "overwrites_dWh": {"rnn_backward": buggy.backward_overwriting_dWh_each_step, **SEQUENCE},
    "no_gradient_from_next_step": {
        "rnn_backward": buggy.backward_without_gradient_from_next_step,
        **SEQUENCE,
    },
    "norms_shifted": {"bptt_gradient_norms": buggy.gradient_norms_shifted_by_one_step, **SEQUENCE},
    "clips_each_array": {"clip_by_global_norm": buggy.clip_by_global_norm_per_array},
}

CLASS = {
    "ada": ["right"],
    "ben": ["overwrites_dWh"],
    "cy": ["overwrites_dWh", "norms_shifted"],
    "dee": ["overwrites_dWh", "clips_each_array"],
    "eve": ["no_gradient_from_next_step"],
    "fay": ["norms_shifted"],
    "gus": ["right"],
    "hal": ["overwrites_dWh"],
}
"""Each student and the implementations their code mixes (later ones win for the same function)."""

SEED = 2013
WRITTEN = TestResult(
    "written_clipping",
    "written_clipping",
    0.0,
    2.0,
    PENDING,
    "awaits grading by a person",
    cell="written_clipping",
)


def graded_tests(reference, replacements: dict, cache: dict) -> tuple[TestResult, ...]:
    """The tests of the checks' parts in :data:`CHECKS`, public then hidden, for code with ``replacements``."""
    tests = []
    for check, parts in CHECKS.items():
        own = {k: v for k, v in replacements.items() if k == check}
        if own and check in ("rnn_backward", "bptt_gradient_norms"):
            own.update(SEQUENCE)  # a buggy backward pass comes with the forward pass whose cache it reads
        for hidden in parts:
            key = (check, hidden, tuple(sorted((k, v.__name__) for k, v in own.items())))
            if key not in cache:
                with grading_seed(SEED), collecting_results() as collected:
                    run_check(check, reference, own, hidden=hidden)
                cache[key] = test_of(NotebookCell(f"test_{check}", ""), collected[0])
            tests.append(cache[key])
    return tuple(tests)


def graded_class(reference, *, root: str = "submitted") -> list[SubmissionResult]:
    """The class's results, in the order of :data:`CLASS`, plus ``ivy`` whose notebook could not be read."""
    cache: dict = {}
    results = []
    for day, (student, implementations) in enumerate(CLASS.items()):
        replacements = {k: v for name in implementations for k, v in IMPLEMENTATIONS[name].items()}
        results.append(
            SubmissionResult(
                f"{root}/{student}/rnn/rnn.ipynb",
                "rnn",
                (*graded_tests(reference, replacements, cache), WRITTEN),
                seed=SEED,
                student=student,
                submitted_at=f"2026-03-0{1 + day % 4}T12:00:00+00:00",
            )
        )
    template = results[0].tests
    unreadable = tuple(
        t
        if t.status == PENDING
        else TestResult(t.name, t.function, 0.0, t.max_score, FAILED, "not graded", t.hidden, t.cell)
        for t in template
    )
    results.append(
        SubmissionResult(
            f"{root}/ivy/rnn/rnn.ipynb",
            "rnn",
            unreadable,
            notes=("your notebook could not be read (NotJSONError: Notebook does not appear to be JSON)",),
            student="ivy",
        )
    )
    return results
