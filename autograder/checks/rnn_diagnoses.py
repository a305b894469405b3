"""Diagnoses of the rnn assignment that read only which outputs are wrong, and how: no formula, no answer.

They complete the signatures of :mod:`autograder.mistakes.rnn` (what a mistake makes an output),
and a student's copy of the checks has them too: each looks at the student's outputs and the
expected ones it is given and names the mistake their pattern shows.
"""

import numpy as np

from autograder.results import Mistake

STEP_GRADIENTS = ("dx", "dprev_h", "dWx", "dWh", "db")


def diagnose_step_backward(wrong: set, actual: dict, desired: dict) -> Mistake | None:
    """Name the mistake that explains which of the five step gradients are wrong."""
    if wrong >= set(STEP_GRADIENTS):
        return Mistake(
            "every-step-gradient-wrong",
            "every gradient is wrong, and every one is computed from da = dnext_h * f'(a). "
            "Check that product first: the activation derivative, evaluated at the "
            "pre-activation a, for the activation the forward pass used.",
        )
    for name, rows in (("dWx", "x"), ("dWh", "prev_h")):
        if name in wrong and _matches(actual.get(name), desired[name], lambda got: got.T):
            return Mistake(
                f"{name}-transposed",
                f"{name} is the transpose of the right one: {name} = {rows}.T @ da, with {rows}'s units "
                f"on the rows, the shape of {name[1:]}.",
            )
    if "db" in wrong and _matches(actual.get("db"), desired["db"], lambda got: got.sum(axis=0)):
        return Mistake(
            "db-not-summed-over-the-batch",
            "db holds one row per example: b is shared by the whole batch, so db = da.sum(axis=0), of shape (H,).",
        )
    return None


def _matches(got: object, expected: np.ndarray, transform) -> bool:
    """Whether ``transform(got)`` equals ``expected`` (False when ``got`` is not an array of numbers)."""
    try:
        changed = np.asarray(transform(np.asarray(got, dtype=float)))
    except (ValueError, TypeError):
        return False
    return changed.shape == expected.shape and bool(np.allclose(changed, expected, rtol=1e-6, atol=1e-9))


def diagnose_later_steps(wrong: set, actual: dict, desired: dict) -> Mistake | None:
    """Name a forward pass whose first step is right and whose later steps are not."""
    got, expected = actual.get("h"), desired.get("h")
    if "h" in wrong and expected is not None and expected.ndim == 3 and expected.shape[0] != expected.shape[1]:
        if _matches(got, expected, lambda states: states.transpose(1, 0, 2)):
            return Mistake(
                "states-time-major",
                "h is stacked time first, shape (T, N, H): the docstring asks for (N, T, H), one row per "
                "sequence (np.stack(states, axis=1)).",
            )
    if "h" not in wrong or not isinstance(got, np.ndarray) or got.shape != expected.shape:
        return None
    if expected.shape[1] > 1 and np.allclose(got[:, 0], expected[:, 0], rtol=1e-6, atol=1e-9):
        return Mistake(
            "previous-state-not-passed-on",
            "h[:, 0] is right but later steps are wrong: check how each step receives the previous "
            "hidden state h[:, t-1].",
        )
    return None


def diagnose_rnn_backward(wrong: set, actual: dict, desired: dict) -> Mistake | None:
    """Name the BPTT mistake that explains which outputs are wrong."""
    if {"dWx", "dWh", "db"} & wrong and not {"dx", "dh0"} & wrong:
        return Mistake(
            "weights-not-accumulated",
            "dx and dh0 are right but the weight gradients are not: Wx, Wh and b are shared "
            "by all time steps, so their gradients must be accumulated (+=) over every step, "
            "not overwritten by one step's.",
        )
    if wrong == {"dh0"} and _matches(actual.get("dh0"), np.zeros_like(desired["dh0"]), lambda got: got):
        return Mistake(
            "dh0-zero",
            "every gradient is right but dh0 is zero: return the gradient that flows out of the first step "
            "(its dprev_h), the one the loop carries back past t = 0.",
        )
    if "dx" in wrong:
        try:
            got, expected = np.asarray(actual["dx"], dtype=float), desired["dx"]
            last_right = np.allclose(got[:, -1], expected[:, -1], rtol=1e-6, atol=1e-9)
        except (ValueError, TypeError, IndexError):
            return None
        if last_right and expected.shape[1] > 1:
            return Mistake(
                "no-gradient-from-next-step",
                "dx is right at the last step but wrong before it: no gradient flows back "
                "from step t+1. Feed dh[:, t] + dprev_h (from the step after) into the step "
                "backward, not dh[:, t] alone.",
            )
    return None


def diagnose_norms(wrong: set, actual: dict, desired: dict) -> Mistake | None:
    """Recognise norms listed back to front, shifted by one step, or not starting from dh_last."""
    try:
        got, expected = np.asarray(actual["norms"], dtype=float), desired["norms"]
        if got.shape != expected.shape:
            return None
        if len(got) > 1 and np.allclose(got[::-1], expected, rtol=1e-6):
            return Mistake(
                "norms-in-reverse-order",
                "your norms are in reverse order: norms[t] belongs to time step t (the loss is at t = T-1).",
            )
        if len(got) > 1 and np.allclose(got[1:], expected[:-1], rtol=1e-6):
            return Mistake(
                "norms-shifted-by-one-step",
                "your norms are shifted by one step: norms[t] is the norm of dL/dh_t, taken before "
                "going back through step t, so norms[T-1] is the norm of dh_last itself.",
            )
        if not np.isclose(got[-1], expected[-1], rtol=1e-6):
            return Mistake(
                "last-norm-not-of-dh-last",
                "norms[T-1] must be the norm of dh_last itself, before going back through any step.",
            )
    except (ValueError, TypeError):
        pass
    return None
