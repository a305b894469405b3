"""Submissions made from a release notebook: what a student hands in, built from answers.

A student's work is the source of each answer cell (nbgrader's ``solution`` cells), keyed by
its ``grade_id``. Filling a release notebook with answers gives a submission that nbgrader
grades like any other; filling it with the solution cells of the source notebook gives the
reference submission.
"""

import copy
from collections.abc import Mapping

import nbformat

Answers = Mapping[str, str]
"""The source of each answer cell a student wrote, by ``grade_id``."""


def answer_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """The answer cells (code or markdown) of a notebook, by ``grade_id``, in notebook order."""
    return {
        cell.metadata.nbgrader["grade_id"]: cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("solution", False)
    }


def solution_answers(source: nbformat.NotebookNode) -> dict[str, str]:
    """The answers of the reference: the full source of every answer cell of the source notebook."""
    return {grade_id: cell.source for grade_id, cell in answer_cells(source).items()}


def with_answers(release: nbformat.NotebookNode, answers: Answers) -> nbformat.NotebookNode:
    """A copy of ``release`` with the given answer cells' sources replaced; the others untouched.

    Raises:
        KeyError: if an answer names no answer cell of the release.
    """
    submission = copy.deepcopy(release)
    cells = answer_cells(submission)
    unknown = sorted(set(answers) - set(cells))
    if unknown:
        raise KeyError(f"no answer cell with grade_id {unknown} in the release")
    for grade_id, source in answers.items():
        cells[grade_id].source = source
    return submission


def with_mistake(answers: Answers, grade_id: str, correct: str, wrong: str) -> dict[str, str]:
    """A copy of ``answers`` where the text ``correct`` in one answer is replaced by ``wrong``.

    Raises:
        ValueError: if ``correct`` does not occur exactly once in that answer (the solution
            changed, and the mistake must be rewritten to match it).
    """
    source = answers[grade_id]
    if source.count(correct) != 1:
        raise ValueError(f"{correct!r} does not occur exactly once in the answer {grade_id!r}")
    return {**answers, grade_id: source.replace(correct, wrong)}


DEMO_MISTAKES: dict[str, list[tuple[str, str, str]]] = {
    "rnn": [
        # dWh overwritten at every step instead of accumulated over time
        ("rnn_backward", "dWh += dWh_t", "dWh = dWh_t"),
        # each array clipped by its own norm instead of all by one common factor
        (
            "clip_by_global_norm",
            "{name: grad * scale for name, grad in grads.items()}",
            "{name: clip_by_norm(grad, max_norm) for name, grad in grads.items()}",
        ),
    ],
    "lstm": [
        # dWh overwritten at every step instead of accumulated over time
        ("lstm_backward", "dWh += dWh_t", "dWh = dWh_t"),
        # the gradient reaching c_t through h_t = o * tanh(c_t) left out of its norm
        (
            "cell_gradient_norms",
            "norms[t] = np.linalg.norm(dnext_c + dnext_h * o * (1.0 - tanh_c**2))",
            "norms[t] = np.linalg.norm(dnext_c)",
        ),
    ],
    "charlm": [
        # dWh overwritten at every step instead of accumulated over time
        ("gru_backward", "dWh += dWh_t", "dWh = dWh_t"),
        # the step never clipped: every gradient used as it is
        (
            "train_step",
            "new_params = {name: params[name] - lr * scale * grads[name] for name in params}",
            "new_params = {name: params[name] - lr * grads[name] for name in params}",
        ),
    ],
}
"""The buggy demo student's mistakes, by assignment: ``(grade_id, correct text, wrong text)``."""

DEMO_WRITTEN_ANSWERS: dict[str, tuple[str, str]] = {
    "rnn": (
        "written_clipping",
        "Clipping by norm keeps the direction and clipping by value does not. "
        "Clipping cannot fix vanishing gradients because it only makes gradients smaller.",
    ),
    "lstm": (
        "written_training",
        "The LSTM with forget bias +3 learns the longest lags and the simple RNN fails at 40 steps: "
        "its gradient vanishes, and clipping only makes gradients smaller.",
    ),
    "charlm": (
        "written_truncation",
        "A short window cuts the gradient before it reaches the opening quote, so the model cannot learn to close it.",
    ),
}
"""The buggy demo student's one written answer, by assignment: ``(grade_id, text)``."""


def demo_answers(assignment: str, source: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """Three students of ``assignment`` (``"rnn"``, ``"lstm"`` or ``"charlm"``), by student id, for the demo and the tests.

    * ``reference``: every answer cell holds the solution;
    * ``untouched``: hands the release back as it was given;
    * ``buggy``: the reference with the two classic mistakes of :data:`DEMO_MISTAKES` (for
      ``rnn``: ``dWh`` overwritten in BPTT, each array clipped by its own norm; for ``lstm``:
      ``dWh`` overwritten, the cell gradient's norm missing the path through ``h_t``; for ``charlm``:
      the GRU's ``dWh`` overwritten, the training step never clipping), plus one
      written answer that awaits manual grading.
    """
    reference = solution_answers(source)
    buggy = reference
    for grade_id, correct, wrong in DEMO_MISTAKES[assignment]:
        buggy = with_mistake(buggy, grade_id, correct, wrong)
    grade_id, text = DEMO_WRITTEN_ANSWERS[assignment]
    buggy = {**buggy, grade_id: text}
    return {"reference": reference, "untouched": {}, "buggy": buggy}
