"""Common mistakes in the charlm assignment, recognised by the wrong outputs they produce.

Each function here computes, from the inputs a case used, the reference functions and the
definitions of the course, what an output is when a given mistake is made: its signatures (see
:data:`autograder.checking.diagnoses.Signatures`). Many mistakes are the reference run on changed
inputs (gate blocks swapped, a gate held open, the sequence cut elsewhere); the others change
one term of the reference's gradients. The signatures of the known-answer examples are published
with them (``scripts/make_known_answers.py``).
"""

import functools

import numpy as np

from autograder.checking.diagnoses import Signatures
from autograder.checking.reference import load_reference
from autograder.mistakes.definitions import logistic
from autograder.results import Mistake

PARAMETERS = ("Wx", "Wh", "b", "Wy", "by")

GATE_ORDER = Mistake(
    "gates-in-z-r-order",
    "your blocks are read in the order z, r, n. This course slices the pre-activation as r, z, n: the reset "
    "gate is block 0 (columns 0:H), the update gate block 1 (H:2H), the candidate block 2 (2H:3H).",
)
UPDATE_SWAPPED = Mistake(
    "update-gate-swapped",
    "z and 1 - z are swapped: next_h = (1 - z) * n + z * prev_h, z weighs the old state (Cho et al. 2014).",
)
RESET_AFTER = Mistake(
    "reset-after-product",
    "the reset gate multiplies prev_h @ Wh_n (PyTorch's and cuDNN's variant); this course applies it before "
    "the product: n = tanh(x Wx_n + (r * prev_h) @ Wh_n + b_n).",
)
RESET_MISSING = Mistake(
    "reset-not-applied", "the reset gate is never applied: the candidate must see r * prev_h, not prev_h."
)


@functools.lru_cache(maxsize=1)
def _reference():
    return load_reference("charlm")


def _blocks(weights: dict, transform) -> dict:
    """``weights`` (Wx, Wh, b) with ``transform(list of three blocks)`` applied to each."""
    return {k: np.concatenate(transform(np.split(weights[k], 3, axis=-1)), axis=-1) for k in ("Wx", "Wh", "b")}


def _swap_rz(blocks):
    return [blocks[1], blocks[0], blocks[2]]


def _negate_z(blocks):
    return [blocks[0], -blocks[1], blocks[2]]


def _open_r(blocks):
    return [np.zeros_like(blocks[0]) + (40.0 if blocks[0].ndim == 1 else 0.0), blocks[1], blocks[2]]


def _gates(inputs: dict) -> tuple:
    """r, z, n of one step by definition."""
    h = inputs["prev_h"].shape[1]
    a_x = inputs["x"] @ inputs["Wx"] + inputs["b"]
    a_h = inputs["prev_h"] @ inputs["Wh"][:, : 2 * h]
    r, z = logistic(a_x[:, :h] + a_h[:, :h]), logistic(a_x[:, h : 2 * h] + a_h[:, h:])
    n = np.tanh(a_x[:, 2 * h :] + (r * inputs["prev_h"]) @ inputs["Wh"][:, 2 * h :])
    return r, z, n


def _reset_after(inputs: dict) -> np.ndarray:
    h = inputs["prev_h"].shape[1]
    a_x = inputs["x"] @ inputs["Wx"] + inputs["b"]
    a_h = inputs["prev_h"] @ inputs["Wh"]
    r, z = logistic(a_x[:, :h] + a_h[:, :h]), logistic(a_x[:, h : 2 * h] + a_h[:, h : 2 * h])
    n = np.tanh(a_x[:, 2 * h :] + r * a_h[:, 2 * h :])
    return (1 - z) * n + z * inputs["prev_h"]


FORWARD_VARIANTS = ((GATE_ORDER, _swap_rz), (UPDATE_SWAPPED, _negate_z), (RESET_MISSING, _open_r))
"""Mistakes of the forward pass that are the reference on transformed weights."""


def step_forward_signatures(inputs: dict) -> Signatures:
    """Blocks in the order z, r, n; z and 1 - z swapped; the reset gate after the product, or not applied."""
    ref = _reference()
    step = {k: inputs[k] for k in ("x", "prev_h", "Wx", "Wh", "b")}
    found = [
        ("next_h", ref.gru_step_forward(**{**step, **_blocks(step, transform)})[0], mistake)
        for mistake, transform in FORWARD_VARIANTS
    ]
    return (*found, ("next_h", _reset_after(step), RESET_AFTER))


def _per_sample_da(inputs: dict, dnext_h: np.ndarray) -> np.ndarray:
    """The reference's dL/da (N, 3H) of one step, read as the db of each sample alone."""
    ref = _reference()
    rows = []
    for i in range(dnext_h.shape[0]):
        one = {**inputs, "x": inputs["x"][i : i + 1], "prev_h": inputs["prev_h"][i : i + 1]}
        _, cache = ref.gru_step_forward(**one)
        rows.append(ref.gru_step_backward(dnext_h[i : i + 1], cache)[4])
    return np.stack(rows)


def step_backward_signatures(inputs: dict, dnext_h: np.ndarray) -> Signatures:
    """The forward's mistakes carried into the backward, and slips in one route of the gradient."""
    ref = _reference()
    step = {k: inputs[k] for k in ("x", "prev_h", "Wx", "Wh", "b")}
    h = step["prev_h"].shape[1]
    _, cache = ref.gru_step_forward(**step)
    dx, dprev_h, dwx, dwh, db = ref.gru_step_backward(dnext_h, cache)
    found = []
    for mistake, transform in FORWARD_VARIANTS[:2]:
        _, other = ref.gru_step_forward(**{**step, **_blocks(step, transform)})
        grads = ref.gru_step_backward(dnext_h, other)
        back = _blocks({"Wx": grads[2], "Wh": grads[3], "b": grads[4]}, transform)
        found += [("db", back["b"], mistake), ("dx", grads[0], mistake)]
    r, z, n = _gates(step)
    da = _per_sample_da(step, dnext_h)
    dreset = da[:, 2 * h :] @ step["Wh"][:, 2 * h :].T
    wrong_dwh = dwh.copy()
    wrong_dwh[:, 2 * h :] = step["prev_h"].T @ da[:, 2 * h :]
    da_n = dnext_h * (1 - z)
    da_r = (da_n @ step["Wh"][:, 2 * h :].T) * step["prev_h"] * r * (1 - r)
    return (
        *found,
        (
            "dWh",
            wrong_dwh,
            Mistake(
                "candidate-weights-from-prev-h",
                "the n block of dWh multiplies prev_h; the candidate's recurrent input is r * prev_h, so that "
                "block is (r * prev_h).T @ da_n.",
            ),
        ),
        (
            "dprev_h",
            dprev_h + dreset * (1 - r),
            Mistake(
                "reset-factor-missing",
                "in dprev_h the route through the candidate lacks the factor r: (da_n @ Wh_n.T) * r, since the "
                "candidate sees r * prev_h.",
            ),
        ),
        (
            "dprev_h",
            dprev_h - dnext_h * z,
            Mistake(
                "direct-route-missing",
                "dprev_h lacks the direct route dnext_h * z: next_h = (1 - z) * n + z * prev_h holds prev_h itself.",
            ),
        ),
        (
            "db",
            np.concatenate([db[:h], -db[h : 2 * h], db[2 * h :]]),
            Mistake("update-gradient-sign", "dz has the wrong sign: the gradient of z is dnext_h times (prev_h - n), not (n - prev_h)."),
        ),
        (
            "db",
            np.concatenate([da_r.sum(axis=0), db[h : 2 * h], da_n.sum(axis=0)]),
            Mistake(
                "candidate-tanh-derivative-missing",
                "the candidate's tanh' is missing: da_n = dn * (1 - n**2), with dn = dnext_h * (1 - z).",
            ),
        ),
    )


def sequence_forward_signatures(inputs: dict) -> Signatures:
    """Every step started from h0, or h0 ignored."""
    ref = _reference()
    x, h0 = inputs["x"], inputs["h0"]
    weights = {k: inputs[k] for k in ("Wx", "Wh", "b")}
    from_h0 = np.stack([ref.gru_step_forward(x[:, t], h0, **weights)[0] for t in range(x.shape[1])], axis=1)
    return (
        (
            "h",
            from_h0,
            Mistake(
                "every-step-starts-from-h0",
                "every step starts from h0. Step t must start from h[:, t-1]; only step 0 starts from h0.",
            ),
        ),
        (
            "h",
            ref.gru_forward(x, np.zeros_like(h0), **weights)[0],
            Mistake("h0-ignored", "the sequence starts from zeros whatever h0 is: the first step starts from h0."),
        ),
    )


def tanh_states(sequence: dict) -> np.ndarray:
    """The states of the tanh RNN h_t = tanh(x_t Wx + h_{t-1} Wh + b) from h0."""
    h = np.zeros(sequence["x"].shape[:2] + sequence["h0"].shape[1:])
    state = sequence["h0"]
    for t in range(h.shape[1]):
        state = np.tanh(sequence["x"][:, t] @ sequence["Wx"] + state @ sequence["Wh"] + sequence["b"])
        h[:, t] = state
    return h


def gradients_with_cuts(sequence: dict, dh: np.ndarray, cuts) -> dict:
    """The reference's gradients of the tanh RNN when the gradient is cut before each step of ``cuts``.

    Each piece between cuts is differentiated in full (the reference with a window as long as
    the piece) from the state the piece before left; the pieces' gradients are added up.
    """
    ref = _reference()
    h = tanh_states(sequence)
    steps = h.shape[1]
    bounds = [0, *sorted(c for c in set(cuts) if 0 < c < steps), steps]
    parts = {"dx": [], "dWx": 0.0, "dWh": 0.0, "db": 0.0}
    for start, end in zip(bounds, bounds[1:]):
        first = sequence["h0"] if start == 0 else h[:, start - 1]
        cache = {"x": sequence["x"][:, start:end], "h0": first, "h": h[:, start:end], "Wx": sequence["Wx"], "Wh": sequence["Wh"]}
        dx, dh0, dwx, dwh, db = ref.rnn_backward_truncated(dh[:, start:end], cache, end - start)
        parts["dx"].append(dx)
        parts.setdefault("dh0", dh0)
        parts["dWx"], parts["dWh"], parts["db"] = parts["dWx"] + dwx, parts["dWh"] + dwh, parts["db"] + db
    parts["dx"] = np.concatenate(parts["dx"], axis=1)
    return parts


def truncation_signatures(sequence: dict, dh: np.ndarray, window: int) -> Signatures:
    """Cuts counted from the end, one step early or late, never made, or made at every step."""
    steps = dh.shape[1]
    right = set(range(window, steps, window))
    candidates = (
        (
            set(range(steps - window, 0, -window)),
            Mistake(
                "cut-counted-from-the-end",
                f"your cuts are counted from the end of the sequence (t = T - {window}, T - {2 * window}, ...); "
                f"they are at multiples of window counted from the start: t = {window}, {2 * window}, ...",
            ),
        ),
        (
            set(range(window - 1, steps, window)),
            Mistake(
                "cut-one-step-early",
                "each cut is one step early: the gradient must stop between steps k - 1 and k, k a multiple "
                "of window (cut what step k carries back, after computing step k's own gradient).",
            ),
        ),
        (
            set(range(window + 1, steps, window)),
            Mistake(
                "cut-one-step-late",
                "each cut is one step late: the gradient must stop between steps k - 1 and k, k a multiple of window.",
            ),
        ),
        (set(), Mistake("window-ignored", f"nothing is cut: with window = {window} < T the gradient must stop every {window} steps.")),
        (
            set(range(1, steps)),
            Mistake("every-step-cut", "the gradient is cut at every step, as if window were 1."),
        ),
    )
    found = []
    for cuts, mistake in candidates:
        cuts = {c for c in cuts if 0 < c < steps}
        if cuts != right:
            grads = gradients_with_cuts(sequence, dh, cuts)
            found += [("dx", grads["dx"], mistake), ("dWh", grads["dWh"], mistake)]
    return tuple(found)


def _step(example: dict, lr: float, max_norm: float, window: int) -> tuple:
    params = {name: example[f"param_{name}"] for name in PARAMETERS}
    return params, _reference().train_step(params, example["batch"], example["h0"], lr, max_norm, window)


def _clip_each(step: dict, limit: float) -> dict:
    return {k: v * min(1.0, limit / max(np.linalg.norm(v), 1e-300)) for k, v in step.items()}


def train_step_gradient_signatures(example: dict) -> Signatures:
    """For the update with lr = 1, no clipping and window T: a loss summed over time, or over everything."""
    steps = example["batch"].shape[1] - 1
    params, (new, *_) = _step(example, 1.0, 1e12, steps)
    count = example["batch"][:, 1:].size
    found = []
    for factor, mistake in ((steps, NOT_AVERAGED_OVER_TIME), (count, SUMMED)):
        found += [(f"d{k}", (params[k] - new[k]) * factor, mistake) for k in PARAMETERS]
    return tuple(found)


NOT_AVERAGED_OVER_TIME = Mistake(
    "loss-not-averaged-over-time",
    "the loss is averaged over the batch but summed over time: it is the mean over all N * T characters, "
    "and its gradient dscores = (p - onehot(targets)) / (N * T).",
)
SUMMED = Mistake(
    "loss-summed",
    "the loss is summed over the characters: it is their mean, and its gradient dscores = (p - onehot(targets)) / (N * T).",
)
PER_ARRAY = Mistake(
    "clipped-per-array",
    "each gradient was clipped to max_norm on its own: global-norm clipping scales all five by one common "
    "factor, max_norm / global_norm, where global_norm is the norm of all of them together.",
)
NOT_CLIPPED = Mistake("not-clipped", "the gradients were not clipped although global_norm > max_norm.")


def clipping_signatures(params: dict, step: dict, max_norm: float, lr: float = 1.0) -> Signatures:
    """``new_*`` when each array is clipped on its own, or none is (``step``: lr times the gradients).

    Where no array exceeds ``max_norm`` on its own, clipping each one changes nothing: that is then
    told as no clipping at all.
    """
    per_array = _clip_each(step, lr * max_norm)
    changed = any(not np.allclose(per_array[k], step[k]) for k in PARAMETERS)
    return (
        *((f"new_{k}", params[k] - per_array[k], PER_ARRAY) for k in PARAMETERS if changed),
        *((f"new_{k}", params[k] - step[k], NOT_CLIPPED) for k in PARAMETERS),
    )


def train_step_signatures(example: dict) -> Signatures:
    """A step's mistakes: clipping per array or not at all, the norm after clipping, a loss not averaged."""
    lr, max_norm, window = float(example["lr"]), float(example["max_norm"]), int(example["window"])
    params, (new, h_last, loss, global_norm) = _step(example, lr, 1e12, window)
    step = {k: params[k] - new[k] for k in PARAMETERS}
    steps = example["batch"].shape[1] - 1
    after = min(float(global_norm), max_norm)
    found = list(clipping_signatures(params, step, max_norm, lr))
    found.append(
        (
            "global_norm",
            np.float64(after),
            Mistake("norm-after-clipping", "global_norm is the norm after clipping; return the one before it."),
        )
    )
    for factor, mistake in ((steps, NOT_AVERAGED_OVER_TIME), (example["batch"][:, 1:].size, SUMMED)):
        found.append(("loss", np.float64(loss * factor), mistake))
    h = tanh_states({"x": np.eye(params["Wx"].shape[0])[example["batch"][:, :-1]], "h0": example["h0"], **params})
    found.append(
        ("h_last", h[:, 0], Mistake("h-last-is-the-first-state", "h_last is h[:, 0]; it is the last state, h[:, -1]."))
    )
    return tuple(found)
