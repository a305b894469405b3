"""Common mistakes in the rnn assignment, recognised by the wrong outputs they produce.

Each function here computes, from the inputs a case used and the definitions of the course, what
an output is when a given mistake is made: its signatures (see
:data:`autograder.checking.diagnoses.Signatures`). A check names the mistake when the student's
output equals one (:func:`autograder.checking.diagnoses.known_mistakes`). The signatures of the
known-answer examples are published with them (``scripts/make_known_answers.py``), so a student's
copy of the checks, which lacks this module, still names the mistakes it can see there.
"""

import numpy as np

from autograder.checking.diagnoses import Signatures
from autograder.mistakes.definitions import ACTIVATION_FUNCTIONS, ACTIVATION_SLOPES
from autograder.results import Mistake


def step_forward_signatures(inputs: dict, activation: str, output: str) -> Signatures:
    """A missing bias, a missing recurrent term, a missing or wrong activation."""
    x, prev_h, wx, wh, b = (inputs[k] for k in ("x", "prev_h", "Wx", "Wh", "b"))
    f = ACTIVATION_FUNCTIONS
    a = x @ wx + prev_h @ wh + b
    return (
        (
            output,
            f[activation](x @ wx + prev_h @ wh),
            Mistake("bias-missing", "the bias is missing: a = x @ Wx + prev_h @ Wh + b."),
        ),
        (
            output,
            f[activation](x @ wx + b),
            Mistake(
                "recurrent-term-missing", "the recurrent term prev_h @ Wh is missing from the pre-activation."
            ),
        ),
        (
            output,
            a,
            Mistake(
                "activation-not-applied",
                f"next_h is the pre-activation a itself: apply the activation ({activation}) to it.",
            ),
        ),
        *(
            (
                output,
                f[other](a),
                Mistake("wrong-activation", f"you applied {other}, but activation={activation!r} was asked for."),
            )
            for other in sorted(f)
            if other != activation
        ),
    )


def step_backward_signatures(inputs: dict, activation: str, dnext_h: np.ndarray) -> Signatures:
    """Slips in the five step gradients: f'(a) missing or misplaced, next_h for prev_h, Wh for Wh.T."""
    x, prev_h, wx, wh, b = (inputs[k] for k in ("x", "prev_h", "Wx", "Wh", "b"))
    a = x @ wx + prev_h @ wh + b
    next_h = ACTIVATION_FUNCTIONS[activation](a)
    da = dnext_h * ACTIVATION_SLOPES[activation](a)
    return (
        (
            "dx",
            dnext_h @ wx.T,
            Mistake(
                "activation-derivative-missing",
                "the factor f'(a) is missing: every gradient must be computed from da = dnext_h * f'(a), "
                "not from dnext_h.",
            ),
        ),
        (
            "dx",
            (dnext_h * ACTIVATION_SLOPES[activation](next_h)) @ wx.T,
            Mistake(
                "derivative-at-the-hidden-state",
                "f'(a) was evaluated at next_h = f(a); evaluate it at the pre-activation a.",
            ),
        ),
        (
            "dWh",
            next_h.T @ da,
            Mistake(
                "dWh-from-next-h",
                "dWh was computed from next_h, the state this step produced; it must use prev_h, the "
                "previous hidden state this step received: dWh = prev_h.T @ da.",
            ),
        ),
        (
            "dprev_h",
            da @ wh,
            Mistake(
                "Wh-not-transposed", "dprev_h = da @ Wh.T: you multiplied by Wh instead of its transpose."
            ),
        ),
        (
            "db",
            da.mean(axis=0),
            Mistake(
                "db-averaged-over-batch",
                "db is the mean of da over the batch; it must be the sum over the batch.",
            ),
        ),
    )


def sequence_forward_signatures(inputs: dict, activation: str) -> Signatures:
    """Every step started from h0, or some other way of losing the previous hidden state."""
    x, h0, wx, wh, b = (inputs[k] for k in ("x", "h0", "Wx", "Wh", "b"))
    from_h0 = ACTIVATION_FUNCTIONS[activation](x @ wx + (h0 @ wh)[:, None, :] + b)
    return (
        (
            "h",
            from_h0,
            Mistake(
                "every-step-starts-from-h0",
                "every step starts from h0. Step t must start from h[:, t-1], the state the step "
                "before it produced; only step 0 starts from h0.",
            ),
        ),
    )


def clip_by_value_signatures(grads: dict, clip_value: float) -> Signatures:
    """Clipping on one side only."""
    return (
        *(
            (
                key,
                np.minimum(grad, clip_value),
                Mistake("clipped-above-only", "only the upper bound was applied: clip into [-c, c]."),
            )
            for key, grad in grads.items()
        ),
        *(
            (
                key,
                np.maximum(grad, -clip_value),
                Mistake("clipped-below-only", "only the lower bound was applied: clip into [-c, c]."),
            )
            for key, grad in grads.items()
        ),
    )


def clip_by_norm_signatures(grad: np.ndarray, max_norm: float, output: str) -> Signatures:
    """Rescaling below the threshold, or measuring the norm as the largest entry."""
    norm = np.linalg.norm(grad)
    largest = np.max(np.abs(grad), initial=0.0)
    mistakes = []
    if 0 < norm <= max_norm:
        mistakes.append(
            (
                output,
                grad * (max_norm / norm),
                Mistake(
                    "rescaled-below-the-threshold",
                    f"the norm {norm:.6g} is already <= max_norm = {max_norm:.6g}, so the array must "
                    "come back unchanged; you rescaled it anyway.",
                ),
            )
        )
    if largest > max_norm:
        mistakes.append(
            (
                output,
                grad * (max_norm / largest),
                Mistake(
                    "norm-as-largest-entry",
                    "you measured the norm as the largest absolute entry; use the Frobenius norm, "
                    "the square root of the sum of all squared entries.",
                ),
            )
        )
    return tuple(mistakes)


def clip_by_global_norm_signatures(grads: dict, max_norm: float) -> Signatures:
    """Clipping each array by its own norm; the global norm summed, or measured after clipping."""
    norms = {key: np.linalg.norm(grad) for key, grad in grads.items()}
    global_norm = np.sqrt(sum(n**2 for n in norms.values()))
    return (
        (
            "global_norm",
            np.minimum(global_norm, max_norm),
            Mistake(
                "global-norm-after-clipping",
                "global_norm is the norm after clipping; return the global norm of the gradients "
                "before clipping.",
            ),
        ),
        (
            "global_norm",
            sum(norms.values()),
            Mistake(
                "global-norm-summed",
                "global_norm is the sum of the arrays' norms; it must be the norm of all entries "
                "together: sqrt of the sum of the squared norms.",
            ),
        ),
        *(
            (
                key,
                grad * (max_norm / norms[key]),
                Mistake(
                    "each-array-clipped-by-its-own-norm",
                    "each array was clipped by its own norm. Compute one global norm over all the arrays "
                    "and scale every array by the same factor max_norm / global_norm.",
                ),
            )
            for key, grad in grads.items()
            if norms[key] > max_norm
        ),
        *(
            (
                key,
                grad,
                Mistake(
                    "nothing-scaled",
                    f"nothing was scaled, but the global norm {global_norm:.6g} exceeds max_norm.",
                ),
            )
            for key, grad in grads.items()
            if global_norm > max_norm
        ),
    )


def derivative_signatures(a: np.ndarray, activation: str, output: str) -> Signatures:
    """Derivatives taken of the hidden state instead of the pre-activation, and relu'(0) = 1."""
    mistakes = {
        "tanh": (
            1.0 - a**2,
            Mistake(
                "derivative-of-the-hidden-state",
                "you computed 1 - a**2, treating the pre-activation a as if it were h = tanh(a). "
                "Apply tanh first: 1 - np.tanh(a)**2.",
            ),
        ),
        "sigmoid": (
            a * (1.0 - a),
            Mistake(
                "derivative-of-the-hidden-state",
                "you computed a * (1 - a), treating the pre-activation a as if it were s = sigmoid(a). "
                "Apply sigmoid first: s = sigmoid(a), then s * (1 - s).",
            ),
        ),
        "relu": (
            (a >= 0).astype(np.float64),
            Mistake("relu-slope-one-at-zero", "relu'(0) must be 0: use a > 0, not a >= 0."),
        ),
    }
    if activation not in mistakes or (activation == "relu" and not np.any(a == 0)):
        return ()
    mistaken, explanation = mistakes[activation]
    return ((output, mistaken, explanation),)


def growth_factor_signatures(norms: np.ndarray) -> Signatures:
    """The factor read forwards, the root over T steps, an arithmetic mean, no root at all."""
    steps = len(norms) - 1
    with np.errstate(all="ignore"):
        ratios = norms[:-1] / norms[1:]
        return (
            (
                "factor",
                (norms[-1] / norms[0]) ** (1 / steps),
                Mistake(
                    "factor-forwards-in-time",
                    "this is the factor going forwards in time (norms[T-1] / norms[0]); the course reads "
                    "a gradient curve backwards, from the loss at t = T-1 to t = 0: use norms[0] / norms[T-1].",
                ),
            ),
            (
                "factor",
                (norms[0] / norms[-1]) ** (1 / len(norms)),
                Mistake("root-over-T-steps", "T norms are T - 1 steps apart: take the (T-1)-th root, not the T-th."),
            ),
            (
                "factor",
                np.mean(ratios),
                Mistake(
                    "arithmetic-mean-of-ratios",
                    "this is the arithmetic mean of the ratios; a factor per step is their geometric mean "
                    "(the product of the ratios, to the power 1 / (T-1)).",
                ),
            ),
            (
                "factor",
                norms[0] / norms[-1],
                Mistake(
                    "root-not-taken",
                    "this is the total change over T - 1 steps; take its (T-1)-th root to get one step's factor.",
                ),
            ),
        )
