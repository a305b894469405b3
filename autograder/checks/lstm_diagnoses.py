"""Hints and diagnoses for the lstm checks: the common mistakes, recognised from wrong outputs.

A diagnosis is ``diagnose(wrong_outputs, actual, desired) -> Mistake | None`` (see
:data:`autograder.checking.diagnoses.Diagnosis`); the builders here close over what the outputs alone do
not show: what gates in PyTorch's order would give, or the gates of a known-answer example.
"""

import numpy as np

from autograder.results import Mistake

GATES = ("i", "f", "o", "g")

GATE_ORDER = Mistake(
    "gates-in-pytorch-order",
    "your gates are in PyTorch's order i, f, g, o. This course slices the pre-activation as "
    "i, f, o, g: the output gate is block 2 (columns 2H:3H), the candidate g is block 3 (3H:4H).",
)

STEP_HINTS = {
    "i": "i = sigmoid(a[:, 0:H]), the first block.",
    "f": "f = sigmoid(a[:, H:2H]), the second block.",
    "o": "o = sigmoid(a[:, 2H:3H]), the third block.",
    "g": "g = tanh(a[:, 3H:4H]), the fourth block.",
    "next_c": "next_c = f * prev_c + i * g.",
    "next_h": "next_h = o * tanh(next_c), with next_c = f * prev_c + i * g.",
    "dx": "dx = da @ Wx.T, where da stacks the four gate gradients in the order i, f, o, g.",
    "dprev_h": "dprev_h = da @ Wh.T, where da stacks the four gate gradients in the order i, f, o, g.",
    "dprev_c": "dprev_c = dc * f, with dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2).",
    "dWx": "dWx = x.T @ da: (D, N) @ (N, 4H).",
    "dWh": "dWh = prev_h.T @ da: the *previous* hidden state.",
    "db": "db = da.sum(axis=0): the bias is shared by the whole batch.",
}

BLOCK_HINTS = {
    "i": "di = dc * g, then da_i = di * i * (1 - i).",
    "f": "df = dc * c_{t-1}: the forget gate multiplies the *previous* cell prev_c, not next_c. "
    "Then da_f = df * f * (1 - f).",
    "o": "do = dnext_h * tanh(c_t), then da_o = do * o * (1 - o).",
    "g": "dg = dc * i, then da_g = dg * (1 - g**2).",
}

SEQUENCE_HINTS = {
    "h": "h[:, t] = o * tanh(c_t), running the step from h0 and an empty cell c = 0 at t = 0.",
    "dx": "dx[:, t] comes from the step backward at t, fed dh[:, t] + dprev_h and dprev_c from step t+1.",
    "dh0": "dh0 is the dprev_h that flows out of step 0.",
    "dWx": "dWx is the sum over t of the per-step dWx.",
    "dWh": "dWh is the sum over t of the per-step dWh.",
    "db": "db is the sum over t of the per-step db.",
    "norms": "norms[t] is the norm of the total dL/dc_t: dnext_c + dnext_h * o * (1 - tanh(c_t)**2).",
}


def _close(actual, desired) -> bool:
    try:
        actual = np.asarray(actual, dtype=float)
        return actual.shape == np.shape(desired) and np.allclose(actual, desired, rtol=1e-6, atol=1e-9)
    except (TypeError, ValueError):
        return False


def in_pytorch_order(wrong: set, actual: dict, alternative: dict) -> bool:
    """Whether every wrong output is what gates in PyTorch's order give (``alternative[name]``)."""
    return bool(wrong) and all(
        name in alternative and _close(actual[name], alternative[name]) for name in wrong
    )


def gate_order_diagnosis(alternative: dict):
    """A diagnosis recognising gates in PyTorch's order from the outputs they would give."""

    def diagnose(wrong: set, actual: dict, desired: dict) -> Mistake | None:
        return GATE_ORDER if in_pytorch_order(wrong, actual, alternative) else None

    return diagnose


def wrong_blocks(actual_db, desired_db) -> list[str]:
    """The gates whose block of ``db`` (shape (4H,)) is wrong."""
    try:
        got = np.asarray(actual_db, dtype=float).reshape(4, -1)
    except (TypeError, ValueError):
        return []
    expected = np.asarray(desired_db).reshape(4, -1)
    if got.shape != expected.shape:
        return []
    return [gate for gate, a, d in zip(GATES, got, expected) if not _close(a, d)]


def step_backward_diagnosis(*, alternative: dict | None = None, example: dict | None = None):
    """The diagnosis of ``lstm_step_backward``.

    ``alternative`` holds the gradients of gates in PyTorch's order; ``example`` the upstream
    gradients, the gates (``gate_f``, ``gate_o``) and ``next_c`` of a known-answer example.
    """

    def diagnose(wrong: set, actual: dict, desired: dict) -> Mistake | None:
        if alternative and in_pytorch_order(wrong, actual, alternative):
            return GATE_ORDER
        if "dprev_c" in wrong and example is not None:
            return _cell_gradient_mistake(actual["dprev_c"], example)
        if wrong == {"dprev_c"}:
            return Mistake("dprev-c-wrong", "only dprev_c is wrong: " + STEP_HINTS["dprev_c"])
        if "db" not in wrong:
            return None
        blocks = wrong_blocks(actual["db"], desired["db"])
        if len(blocks) == 1:
            return Mistake(
                f"{blocks[0]}-gate-gradient-wrong",
                f"only the {blocks[0]} block of da (and so of db) is wrong: {BLOCK_HINTS[blocks[0]]}",
            )
        if set(blocks) == {"i", "f", "g"}:
            return Mistake(
                "cell-gradient-wrong",
                "the i, f and g blocks of da are wrong but the o block is right: all three come "
                "from the cell gradient dc = dnext_c + dnext_h * o * (1 - tanh(c_t)**2). Check that "
                "both routes are there, with the tanh' factor.",
            )
        return None

    return diagnose


def _cell_gradient_mistake(dprev_c, example: dict) -> Mistake | None:
    f, o = example["gate_f"], example["gate_o"]
    through_h = example["dnext_h"] * o * (1.0 - np.tanh(example["next_c"]) ** 2)
    candidates = [
        (
            Mistake(
                "forget-gate-factor-missing",
                "dprev_c is missing the factor f: along the cell, c_t = f * c_{t-1} + ..., so "
                "dprev_c = dc * f.",
            ),
            example["dnext_c"] + through_h,
        ),
        (
            Mistake(
                "dnext-c-not-added",
                "dnext_c is never added to the cell gradient: dc = dnext_c + dnext_h * o * "
                "(1 - tanh(c_t)**2) collects both routes into c_t.",
            ),
            f * through_h,
        ),
        (
            Mistake(
                "tanh-derivative-of-cell-missing",
                "the tanh'(c_t) factor is missing: the route through h_t = o * tanh(c_t) gives "
                "dnext_h * o * (1 - tanh(c_t)**2), not dnext_h * o.",
            ),
            f * (example["dnext_c"] + example["dnext_h"] * o),
        ),
    ]
    for mistake, value in candidates:
        if _close(dprev_c, value):
            return mistake
    return None


def sequence_backward_diagnosis(*, alternative: dict | None = None):
    """The diagnosis of ``lstm_backward``: gate order, accumulation, the gradient from t+1."""

    def diagnose(wrong: set, actual: dict, desired: dict) -> Mistake | None:
        if alternative and in_pytorch_order(wrong, actual, alternative):
            return GATE_ORDER
        if {"dWx", "dWh", "db"} & wrong and not {"dx", "dh0"} & wrong:
            return Mistake(
                "weights-not-accumulated",
                "dx and dh0 are right but the weight gradients are not: Wx, Wh and b are shared "
                "by all time steps, so their gradients must be accumulated (+=) over every step.",
            )
        if "dx" in wrong:
            got, expected = np.asarray(actual["dx"], dtype=float), desired["dx"]
            if got.shape == expected.shape and expected.shape[1] > 1 and _close(got[:, -1], expected[:, -1]):
                return Mistake(
                    "no-gradient-from-next-step",
                    "dx is right at the last step but wrong before it: the gradient from step t+1 "
                    "does not arrive. Feed dh[:, t] + dprev_h as dnext_h, and dprev_c as dnext_c, "
                    "both from the step after (zero at the last step).",
                )
        return None

    return diagnose


def diagnose_norms(wrong: set, actual: dict, desired: dict) -> Mistake | None:
    """Recognise norms listed back to front, and a last norm without the route through h."""
    try:
        got = np.asarray(actual["norms"], dtype=float)
    except (TypeError, ValueError):
        return None
    expected = desired["norms"]
    if got.shape != expected.shape:
        return None
    if _close(got[::-1], expected):
        return Mistake(
            "norms-in-reverse-order",
            "your norms are in reverse order: norms[t] belongs to time step t (the loss is at t = T-1).",
        )
    if got[-1] == 0 and expected[-1] != 0:
        return Mistake(
            "route-through-h-missing",
            "norms[T-1] is zero: at the last step the whole gradient reaches c_{T-1} through "
            "h_{T-1} = o * tanh(c_{T-1}), i.e. dh_last * o * (1 - tanh(c_{T-1})**2).",
        )
    return None
