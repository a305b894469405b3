"""Submissions where one function's bug reaches the functions built on it: the corpus of issue 22's cascades.

Each cascade is the reference solution with a few lines changed, as a student would change them,
and what fair grading must give: which functions keep every point (their own code is right),
which lose points (their own code is wrong), and what their messages say. The changes are
written against the solution notebooks' text, so a changed solution fails loudly here
(:func:`autograder.instructor.submissions.with_mistake`).

The submissions are graded twice by ``tests/checking/test_inherited_losses.py``: in the student's namespace
as nbgrader's kernel runs the test cells, and in isolation by ``autograder grade``.
"""

from dataclasses import dataclass, field

from autograder.checking.shape_case import SHAPE_POINTS


@dataclass(frozen=True)
class Cascade:
    """A submission with a bug that other functions rely on, and what its grading must show.

    Attributes:
        assignment: ``"rnn"``, ``"lstm"`` or ``"charlm"``.
        changes: ``(answer cell, text of the solution, text the student wrote instead)``.
        full: the functions that must keep every point, public and hidden.
        loses: the functions that must lose points.
        says: a text each named function's output (public and hidden together) must contain.
        lost: the points a function must lose exactly, public and hidden together.
        hangs: the bug is an endless loop (graded in isolation only: nbgrader's kernel would hang too).
    """

    assignment: str
    changes: tuple[tuple[str, str, str], ...]
    full: frozenset[str]
    loses: frozenset[str]
    says: dict[str, str] = field(default_factory=dict)
    lost: dict[str, float] = field(default_factory=dict)
    hangs: bool = False


RNN = frozenset(
    {
        "sigmoid",
        "activation_derivative",
        "rnn_step_forward",
        "rnn_step_backward",
        "rnn_forward",
        "rnn_backward",
        "bptt_gradient_norms",
        "growth_factor",
        "clip_by_value",
        "clip_by_norm",
        "clip_by_global_norm",
    }
)
LSTM = frozenset(
    {
        "lstm_gates",
        "lstm_step_forward",
        "lstm_step_backward",
        "lstm_forward",
        "lstm_backward",
        "cell_gradient_norms",
    }
)
CHARLM = frozenset(
    {
        "gru_step_forward",
        "gru_step_backward",
        "gru_forward",
        "gru_backward",
        "rnn_backward_truncated",
        "train_step",
    }
)

CASCADES = {
    "squeeze at N=1 in lstm_step_forward": Cascade(
        "lstm",
        (
            (
                "lstm_step_forward",
                "    a = x @ Wx + prev_h @ Wh + b\n",
                "    prev_h = np.squeeze(prev_h)\n    a = x @ Wx + prev_h @ Wh + b\n",
            ),
        ),
        full=LSTM - {"lstm_step_forward"},
        loses=frozenset({"lstm_step_forward"}),
        says={"lstm_backward": "Inherited, not charged", "lstm_step_backward": "Inherited, not charged"},
    ),
    "rnn_step_backward without the activation's derivative": Cascade(
        "rnn",
        (
            (
                "rnn_step_backward",
                "da = dnext_h * activation_derivative(a, activation)",
                "da = dnext_h",
            ),
        ),
        full=RNN - {"rnn_step_backward"},
        loses=frozenset({"rnn_step_backward"}),
        says={
            "rnn_backward": "with the reference rnn_step_backward in place of yours, rnn_backward passes",
            "bptt_gradient_norms": "Inherited, not charged",
        },
    ),
    "rnn_forward returns no cache": Cascade(
        "rnn",
        (("rnn_forward", "    return h, caches\n", "    return h, None\n"),),
        full=RNN - {"rnn_forward"},
        loses=frozenset({"rnn_forward"}),
        says={"rnn_forward": "returned None as its cache", "rnn_backward": "Inherited, not charged"},
        lost={"rnn_forward": SHAPE_POINTS},
    ),
    "dh0 never set beside a broken rnn_step_backward": Cascade(
        "rnn",
        (
            ("rnn_step_backward", "da = dnext_h * activation_derivative(a, activation)", "da = dnext_h"),
            (
                "rnn_backward",
                "    return dx, dprev_h, dWx, dWh, db\n",
                "    return dx, np.zeros((N, H)), dWx, dWh, db\n",
            ),
        ),
        full=RNN - {"rnn_step_backward", "rnn_backward"},
        loses=frozenset({"rnn_step_backward", "rnn_backward"}),
        says={"rnn_backward": "rnn_backward: dh0 is wrong"},
    ),
    "squeeze in rnn_forward's loop": Cascade(
        "rnn",
        (
            (
                "rnn_forward",
                "rnn_step_forward(x[:, t], prev_h, Wx, Wh, b, activation)",
                "rnn_step_forward(x[:, t].squeeze(), prev_h, Wx, Wh, b, activation)",
            ),
        ),
        full=RNN - {"rnn_forward"},
        loses=frozenset({"rnn_forward"}),
        says={"rnn_backward": "Inherited, not charged"},
    ),
    "db with keepdims=True in rnn_step_backward": Cascade(
        "rnn",
        (("rnn_step_backward", "db = da.sum(axis=0)", "db = da.sum(axis=0, keepdims=True)"),),
        full=RNN - {"rnn_step_backward"},
        loses=frozenset({"rnn_step_backward"}),
        says={"rnn_step_backward": "drop the extra axis of size 1", "rnn_backward": "Inherited, not charged"},
        lost={"rnn_step_backward": SHAPE_POINTS},
    ),
    "tanh from exponentials in rnn_step_forward": Cascade(
        "rnn",
        (
            (
                "rnn_step_forward",
                "next_h = np.tanh(a)",
                "next_h = (1 - np.exp(-2 * a)) / (1 + np.exp(-2 * a))",
            ),
        ),
        full=RNN - {"rnn_step_forward"},
        loses=frozenset({"rnn_step_forward"}),
        says={"rnn_step_forward": "|a| = 1000", "rnn_forward": "Inherited, not charged"},
    ),
    "an endless loop in rnn_forward": Cascade(
        "rnn",
        (("rnn_forward", "    for t in range(T):\n", "    t = 0\n    while t < T:\n"),),
        full=RNN - {"rnn_forward"},
        loses=frozenset({"rnn_forward"}),
        says={"rnn_backward": "Inherited, not charged"},
        hangs=True,
    ),
    "reset applied after the product in gru_step_forward": Cascade(
        "charlm",
        (
            (
                "gru_step_forward",
                "    n = np.tanh(a_x[:, 2 * H :] + reset_h @ Wh[:, 2 * H :])\n",
                "    n = np.tanh(a_x[:, 2 * H :] + r * (prev_h @ Wh[:, 2 * H :]))\n",
            ),
        ),
        full=CHARLM - {"gru_step_forward"},
        loses=frozenset({"gru_step_forward"}),
        says={"gru_step_backward": "Inherited, not charged", "gru_forward": "Inherited, not charged"},
    ),
    "gru_step_backward without the direct route dnext_h * z": Cascade(
        "charlm",
        (("gru_step_backward", "dprev_h = dnext_h * z + dreset_h * r", "dprev_h = dreset_h * r"),),
        full=CHARLM - {"gru_step_backward"},
        loses=frozenset({"gru_step_backward"}),
        says={"gru_backward": "with the reference gru_step_backward in place of yours, gru_backward passes"},
    ),
    "rnn_backward_truncated cutting one step late": Cascade(
        "charlm",
        (
            (
                "rnn_backward_truncated",
                "carried = np.zeros((N, H)) if t % window == 0 else da @ Wh.T",
                "carried = np.zeros((N, H)) if (t - 1) % window == 0 else da @ Wh.T",
            ),
        ),
        full=CHARLM - {"rnn_backward_truncated"},
        loses=frozenset({"rnn_backward_truncated"}),
        says={"train_step": "Inherited, not charged"},
    ),
}
"""The cascades, by the bug a student made."""
