"""Diagnoses: what names the likely mistake behind a wrong output.

A diagnosis is called with the names of the wrong outputs and the actual and desired outputs,
and returns the :class:`~autograder.results.Mistake` it recognises (an id that reports count by,
and the hint the student reads), or None. The builders here recognise a mistake by the exact
wrong value it produces, or by a wrong forward pass behind a backward pass.
"""

from collections.abc import Callable

import numpy as np

from autograder.results import Mistake

Diagnosis = Callable[[set, dict, dict], Mistake | None]
"""``diagnose(wrong_outputs, actual, desired)``: the likely mistake, or None."""


def known_mistakes(
    *mistakes: tuple[str, np.ndarray, Mistake], otherwise: Diagnosis | None = None
) -> Diagnosis:
    """A diagnosis that recognises common mistakes by the wrong output each of them produces.

    Args:
        *mistakes: ``(output, value that output takes when the mistake is made, the mistake)``;
            the first one whose output is wrong and equals that value is named.
        otherwise: the diagnosis to fall back on when no mistake is recognised.
    """

    def diagnose(wrong: set, actual: dict, desired: dict) -> Mistake | None:
        for output, mistaken, mistake in mistakes:
            if output in wrong and _equals(actual.get(output), mistaken):
                return mistake
        return otherwise(wrong, actual, desired) if otherwise is not None else None

    return diagnose


def forward_first(forward: str, actual, desired: np.ndarray, otherwise: Diagnosis | None = None) -> Diagnosis:
    """A diagnosis that first says when the student's forward pass is itself wrong on these inputs.

    A backward pass is checked through the student's own forward cache, so a wrong forward pass
    can make a right backward pass look wrong: the student should fix the forward pass first.

    Args:
        forward: the name of the student's forward function.
        actual: what it returned for the inputs of the failing case (its first output).
        desired: what the reference returned for them.
        otherwise: the diagnosis to use when the forward pass is right.
    """

    def diagnose(wrong: set, actual_outputs: dict, desired_outputs: dict) -> Mistake | None:
        if not _equals(actual, desired):
            return Mistake(
                "forward-pass-wrong",
                f"your {forward} is wrong on these inputs too, and this backward pass is checked "
                f"through its cache. Fix {forward} first.",
            )
        return otherwise(wrong, actual_outputs, desired_outputs) if otherwise is not None else None

    return diagnose


def _equals(actual, mistaken) -> bool:
    """Whether ``actual`` is a float array equal to ``mistaken`` (other types have other messages)."""
    if not isinstance(actual, (np.ndarray, float, np.floating)) or np.asarray(actual).dtype.kind != "f":
        return False
    actual, mistaken = np.asarray(actual), np.asarray(mistaken, dtype=np.float64)
    with np.errstate(all="ignore"):
        return actual.shape == mistaken.shape and bool(np.allclose(actual, mistaken, rtol=1e-6, atol=1e-9))
