"""Hints and structural diagnoses for the charlm checks: mistakes recognised from which outputs are wrong.

These read only the student's outputs and the expected ones (which blocks, which time steps, which
outputs differ), never compute a mistaken answer: the signatures of mistakes computed from the
definitions live with the grader (:mod:`autograder.mistakes.charlm`) and are published with the
known answers.
"""

import numpy as np

from autograder.results import Mistake

GRU_BLOCKS = ("r", "z", "n")

STEP_HINTS = {
    "next_h": "next_h = (1 - z) * n + z * prev_h, with n = tanh(x Wx_n + (r * prev_h) Wh_n + b_n), "
    "blocks in the order r, z, n.",
    "dx": "dx = da @ Wx.T, where da stacks the gradients of the pre-activations of r, z and n, in that order.",
    "dprev_h": "dprev_h adds three routes: dnext_h * z, (da_n @ Wh_n.T) * r, and [da_r | da_z] @ Wh[:, :2H].T.",
    "dWx": "dWx = x.T @ da: (D, N) @ (N, 3H).",
    "dWh": "the r and z blocks of dWh are prev_h.T @ da_r and prev_h.T @ da_z; the n block is (r * prev_h).T @ da_n.",
    "db": "db = da.sum(axis=0): the bias is shared by the whole batch.",
}

BLOCK_HINTS = {
    "r": "dr = ((da_n @ Wh_n.T) * prev_h), then da_r = dr * r * (1 - r).",
    "z": "the gradient of z is dnext_h times (prev_h - n), and that of its pre-activation that times z * (1 - z).",
    "n": "dn = dnext_h * (1 - z), then da_n = dn * (1 - n**2).",
}

SEQUENCE_HINTS = {
    "h": "h[:, t] is the GRU step from h[:, t-1], starting from h0 at t = 0.",
    "dx": "dx[:, t] comes from the step backward at t, fed dh[:, t] + dprev_h from step t+1.",
    "dh0": "dh0 is the dprev_h that flows out of step 0.",
    "dWx": "dWx is the sum over t of the per-step dWx.",
    "dWh": "dWh is the sum over t of the per-step dWh.",
    "db": "db is the sum over t of the per-step db.",
}

TRUNCATION_HINTS = {
    "dx": "dx[:, t] = da_t @ Wx.T, with da_t = (dh[:, t] + carried) * (1 - h[:, t]**2), where carried = "
    "da_{t+1} @ Wh.T except where t + 1 is a multiple of window (counted from t = 0), where it is 0.",
    "dh0": "dh0 = da_0 @ Wh.T: the gradient that reaches h0 from within the first window.",
    "dWx": "dWx is the sum over every t of x[:, t].T @ da_t (truncation cuts what is carried, not the sum).",
    "dWh": "dWh is the sum over every t of h_{t-1}.T @ da_t, with h_{-1} = h0, the window's first steps included.",
    "db": "db is the sum over every t and sample of da_t.",
}

TRAINING_HINTS = {
    "loss": "loss = -mean over all N*T characters of log_softmax(h @ Wy + by) at the target: a mean over "
    "both the batch and the time steps.",
    "h_last": "h_last = h[:, -1], the last state of rnn_forward: the state the next batch starts from.",
    "global_norm": "global_norm = sqrt of the sum, over all five gradients, of their squared entries, "
    "taken before clipping.",
    **{
        f"new_{name}": f"new_{name} = {name} - lr * (its gradient, times max_norm / global_norm when "
        "global_norm > max_norm): one common factor for all five gradients."
        for name in ("Wx", "Wh", "b", "Wy", "by")
    },
}

WEIGHTS_NOT_ACCUMULATED = Mistake(
    "weights-not-accumulated",
    "dx and dh0 are right but the weight gradients are not: Wx, Wh and b are shared by all time steps, "
    "so their gradients must be accumulated (+=) over every step.",
)


def _close(actual, desired) -> bool:
    try:
        actual = np.asarray(actual, dtype=float)
        return actual.shape == np.shape(desired) and bool(np.allclose(actual, desired, rtol=1e-6, atol=1e-9))
    except (TypeError, ValueError):
        return False


def wrong_blocks(actual_db, desired_db) -> list[str]:
    """The blocks (r, z, n) of ``db``, shape (3H,), that are wrong."""
    try:
        got = np.asarray(actual_db, dtype=float).reshape(3, -1)
    except (TypeError, ValueError):
        return []
    expected = np.asarray(desired_db).reshape(3, -1)
    if got.shape != expected.shape:
        return []
    return [block for block, a, d in zip(GRU_BLOCKS, got, expected) if not _close(a, d)]


def diagnose_step_backward(wrong: set, actual: dict, desired: dict) -> Mistake | None:
    """Which block of the gradient is wrong, or which route of dprev_h, from the outputs alone."""
    if "db" in wrong:
        blocks = wrong_blocks(actual["db"], desired["db"])
        if len(blocks) == 1:
            return Mistake(
                f"{blocks[0]}-block-gradient-wrong",
                f"only the {blocks[0]} block of da (and so of db) is wrong: {BLOCK_HINTS[blocks[0]]}",
            )
        return None
    if wrong == {"dprev_h"}:
        return Mistake(
            "dprev-h-route-missing",
            "only dprev_h is wrong, every weight gradient is right: one of its three routes is missing or "
            "wrong. " + STEP_HINTS["dprev_h"],
        )
    if wrong == {"dWh"}:
        return Mistake(
            "dWh-input-wrong",
            "only dWh is wrong: each block multiplies the input it saw. " + STEP_HINTS["dWh"],
        )
    return None


def diagnose_sequence_backward(wrong: set, actual: dict, desired: dict) -> Mistake | None:
    """Weights not accumulated, or no gradient from the next step (right at the last step only)."""
    if {"dWx", "dWh", "db"} & wrong and not {"dx", "dh0"} & wrong:
        return WEIGHTS_NOT_ACCUMULATED
    if "dx" in wrong:
        got, expected = np.asarray(actual["dx"], dtype=float), desired["dx"]
        if got.shape == expected.shape and expected.shape[1] > 1 and _close(got[:, -1], expected[:, -1]):
            return Mistake(
                "no-gradient-from-next-step",
                "dx is right at the last step but wrong before it: the gradient from step t+1 does not arrive. "
                "Feed dh[:, t] + dprev_h, with dprev_h from the step after (zero at the last step).",
            )
    return None


def diagnose_truncated(window: int):
    """The diagnosis of ``rnn_backward_truncated`` for ``window``: where in time dx goes wrong."""

    def diagnose(wrong: set, actual: dict, desired: dict) -> Mistake | None:
        if {"dWx", "dWh", "db"} & wrong and not {"dx", "dh0"} & wrong:
            return WEIGHTS_NOT_ACCUMULATED
        if "dx" not in wrong:
            return None
        try:
            got = np.asarray(actual["dx"], dtype=float)
        except (TypeError, ValueError):
            return None
        expected = desired["dx"]
        if got.shape != expected.shape:
            return None
        steps = expected.shape[1]
        bad = [t for t in range(steps) if not _close(got[:, t], expected[:, t])]
        starts = [t for t in range(window, steps, window)]
        if bad and set(bad) <= set(starts):
            return Mistake(
                "window-start-dropped",
                f"dx is wrong only at the first step of each window (t = {', '.join(map(str, bad[:4]))}): "
                "truncation cuts the gradient carried into step t - 1, never the gradient of step t itself.",
            )
        if bad and bad[-1] < steps - 1 and window < steps:
            return Mistake(
                "cut-in-the-wrong-place",
                f"dx is right from t = {bad[-1] + 1} to the end but wrong before: the cuts are not where they "
                f"should be. Cut what flows from step t into step t - 1 where t is a multiple of window "
                f"({window}), counted from the start of the sequence (t = {window}, {2 * window}, ...), "
                "not from its end.",
            )
        return None

    return diagnose
