"""Plausible wrong student code for the charlm assignment, each function named after its mistake.

Written from scratch for these tests, not copied from the solutions. A buggy function comes with
correct companions it is graded with (``step_forward``, ``sequence_forward``); their cache is a dict
of this module's own design. ``train_step`` variants use the provided helpers of
``solutions/charlm/charlm_support.py``, as a student's notebook does.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "solutions" / "charlm"))

from charlm_support import log_softmax, one_hot, rnn_forward  # noqa: E402


def _logistic(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


# --- correct building blocks the buggy functions are combined with ---------------------------


def _step(x, prev_h, Wx, Wh, b, *, order=(0, 1, 2), reset="before", update="cho", squash=_logistic):
    """One GRU step; each keyword switches one mistake on (the defaults are correct)."""
    hidden = prev_h.shape[1]
    blocks = [slice(k * hidden, (k + 1) * hidden) for k in order]
    r = squash(x @ Wx[:, blocks[0]] + prev_h @ Wh[:, blocks[0]] + b[blocks[0]])
    z = squash(x @ Wx[:, blocks[1]] + prev_h @ Wh[:, blocks[1]] + b[blocks[1]])
    if reset == "before":
        recurrent = (r * prev_h) @ Wh[:, blocks[2]]
    elif reset == "after":
        recurrent = r * (prev_h @ Wh[:, blocks[2]])
    else:
        recurrent = prev_h @ Wh[:, blocks[2]]
    n = np.tanh(x @ Wx[:, blocks[2]] + recurrent + b[blocks[2]])
    next_h = (1 - z) * n + z * prev_h if update == "cho" else z * n + (1 - z) * prev_h
    return next_h, {"x": x, "h": prev_h, "Wx": Wx, "Wh": Wh, "r": r, "z": z, "n": n}


def step_forward(x, prev_h, Wx, Wh, b):
    """Correct step forward; its cache is a dict."""
    return _step(x, prev_h, Wx, Wh, b)


def _backward(dnext_h, cache, *, candidate_input="rh", reset_factor=True, direct=True, dz_sign=1.0,
              candidate_slope=True, sum_db=True):
    """The step backward; each keyword switches one mistake on (the defaults are correct)."""
    x, h, Wx, Wh, r, z, n = (cache[k] for k in ("x", "h", "Wx", "Wh", "r", "z", "n"))
    size = h.shape[1]
    da_n = dnext_h * (1 - z) * ((1 - n * n) if candidate_slope else 1.0)
    through_candidate = da_n @ Wh[:, 2 * size :].T
    da_r = through_candidate * h * r * (1 - r)
    da_z = dz_sign * dnext_h * (h - n) * z * (1 - z)
    da = np.hstack([da_r, da_z, da_n])
    dprev_h = (dnext_h * z if direct else 0.0) + through_candidate * (r if reset_factor else 1.0)
    dprev_h = dprev_h + da_r @ Wh[:, :size].T + da_z @ Wh[:, size : 2 * size].T
    candidate = r * h if candidate_input == "rh" else h
    dWh = np.hstack([h.T @ da_r, h.T @ da_z, candidate.T @ da_n])
    return da @ Wx.T, dprev_h, x.T @ da, dWh, da.sum(axis=0) if sum_db else da


def step_backward(dnext_h, cache):
    """Correct step backward for the cache of ``step_forward``."""
    return _backward(dnext_h, cache)


def sequence_forward(x, h0, Wx, Wh, b):
    """Correct sequence forward; its cache is the list of step caches."""
    h, states, caches = h0, [], []
    for t in range(x.shape[1]):
        h, cache = step_forward(x[:, t], h, Wx, Wh, b)
        states.append(h)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def _sequence_backward(dh, caches, *, carry=True, accumulate=True):
    n, steps, hidden = dh.shape
    dx = np.zeros((n, steps, caches[0]["x"].shape[1]))
    dWx, dWh, db = 0.0, 0.0, 0.0
    dnext = np.zeros((n, hidden))
    for t in reversed(range(steps)):
        dx[:, t], dprev, dWx_t, dWh_t, db_t = step_backward(dh[:, t] + dnext, caches[t])
        dnext = dprev if carry else 0.0 * dprev
        dWx, dWh, db = (dWx + dWx_t, dWh + dWh_t, db + db_t) if accumulate else (dWx_t, dWh_t, db_t)
    return dx, dprev, dWx, dWh, db


# --- gru_step_forward ------------------------------------------------------------------------


def step_forward_in_z_r_order(x, prev_h, Wx, Wh, b):
    """Reads the blocks as z, r, n (the order of some other texts) instead of r, z, n."""
    return _step(x, prev_h, Wx, Wh, b, order=(1, 0, 2))


def step_forward_with_reset_after_product(x, prev_h, Wx, Wh, b):
    """Applies the reset gate after the product, r * (prev_h @ Wh_n), as PyTorch does."""
    return _step(x, prev_h, Wx, Wh, b, reset="after")


def step_forward_with_update_gate_swapped(x, prev_h, Wx, Wh, b):
    """next_h = z * n + (1 - z) * prev_h: z and 1 - z swapped."""
    return _step(x, prev_h, Wx, Wh, b, update="swapped")


def step_forward_without_reset(x, prev_h, Wx, Wh, b):
    """Never applies the reset gate: the candidate sees prev_h itself."""
    return _step(x, prev_h, Wx, Wh, b, reset="none")


def step_forward_with_overflowing_sigmoid(x, prev_h, Wx, Wh, b):
    """Computes the sigmoid as 1 / (1 + exp(-a)): exp(1000) overflows and warns."""
    return _step(x, prev_h, Wx, Wh, b, squash=lambda a: 1 / (1 + np.exp(-a)))


def step_forward_squeezing_the_input(x, prev_h, Wx, Wh, b):
    """Squeezes x 'to be safe': when N = 1 it becomes 1-D and the state comes out 1-D too."""
    return _step(np.squeeze(x), prev_h, Wx, Wh, b)


# --- gru_step_backward (graded with step_forward) -----------------------------------------------


def step_backward_candidate_weights_from_prev_h(dnext_h, cache):
    """The n block of dWh multiplies prev_h instead of r * prev_h."""
    return _backward(dnext_h, cache, candidate_input="h")


def step_backward_without_reset_factor(dnext_h, cache):
    """The route of dprev_h through the candidate lacks the factor r."""
    return _backward(dnext_h, cache, reset_factor=False)


def step_backward_without_direct_route(dnext_h, cache):
    """dprev_h lacks dnext_h * z."""
    return _backward(dnext_h, cache, direct=False)


def step_backward_with_update_gradient_sign(dnext_h, cache):
    """dz = dnext_h * (n - prev_h): the wrong sign."""
    return _backward(dnext_h, cache, dz_sign=-1.0)


def step_backward_without_candidate_tanh_derivative(dnext_h, cache):
    """da_n = dnext_h * (1 - z), without tanh'."""
    return _backward(dnext_h, cache, candidate_slope=False)


def step_backward_with_db_not_summed_over_batch(dnext_h, cache):
    """Returns da, shape (N, 3H), as db."""
    return _backward(dnext_h, cache, sum_db=False)


# --- gru_forward and gru_backward -----------------------------------------------------------------


def forward_every_step_from_h0(x, h0, Wx, Wh, b):
    """Starts every step from h0 instead of the state before."""
    states = [step_forward(x[:, t], h0, Wx, Wh, b)[0] for t in range(x.shape[1])]
    return np.stack(states, axis=1), None


def forward_ignoring_h0(x, h0, Wx, Wh, b):
    """Starts from a zero state whatever h0 is."""
    return sequence_forward(x, np.zeros_like(h0), Wx, Wh, b)


def backward_overwriting_weights_each_step(dh, cache):
    """Assigns the weight gradients of each step instead of accumulating them."""
    return _sequence_backward(dh, cache, accumulate=False)


def backward_without_gradient_from_next_step(dh, cache):
    """Feeds dh[:, t] alone to each step: nothing flows back from step t+1."""
    return _sequence_backward(dh, cache, carry=False)


# --- rnn_backward_truncated ----------------------------------------------------------------------


def _truncated(dh, cache, cut, *, keep_window_start=True):
    """Truncated BPTT where ``cut(t)`` says whether step t carries nothing back into step t - 1."""
    x, h0, h, Wx, Wh = (cache[k] for k in ("x", "h0", "h", "Wx", "Wh"))
    steps = h.shape[1]
    previous = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    da = np.zeros_like(h)
    carried = np.zeros_like(h0)
    for t in range(steps - 1, -1, -1):
        da[:, t] = (dh[:, t] + carried) * (1 - h[:, t] ** 2)
        carried = np.zeros_like(h0) if cut(t) else da[:, t] @ Wh.T
        if cut(t) and not keep_window_start and t > 0:
            da[:, t] = 0.0
    dh0 = da[:, 0] @ Wh.T
    return (
        da @ Wx.T,
        dh0,
        np.einsum("ntd,nth->dh", x, da),
        np.einsum("ntk,nth->kh", previous, da),
        da.sum(axis=(0, 1)),
    )


def truncated_counting_from_the_end(dh, cache, window):
    """Cuts at T - window, T - 2 window, ...: counted from the end of the sequence."""
    steps = dh.shape[1]
    return _truncated(dh, cache, lambda t: (steps - t) % window == 0)


def truncated_one_step_early(dh, cache, window):
    """Cuts what step t carries back when t + 1 is a multiple of window: each cut one step early."""
    return _truncated(dh, cache, lambda t: (t + 1) % window == 0)


def truncated_ignoring_the_window(dh, cache, window):
    """Full BPTT whatever the window."""
    if window < 1:
        raise ValueError("window must be at least 1")
    return _truncated(dh, cache, lambda t: False)


def truncated_cutting_every_step(dh, cache, window):
    """Cuts at every step, as if the window were 1."""
    return _truncated(dh, cache, lambda t: True)


def truncated_dropping_the_window_start(dh, cache, window):
    """Zeroes the gradient of the first step of each window, besides cutting what it carries back."""
    return _truncated(dh, cache, lambda t: t % window == 0, keep_window_start=False)


def truncated_without_value_error(dh, cache, window):
    """Right for every window >= 1, but returns something for window = 0 instead of raising."""
    return _truncated(dh, cache, lambda t: window > 0 and t % window == 0)


def truncated(dh, cache, window):
    """Correct truncated BPTT (the companion of the train_step variants)."""
    if window < 1:
        raise ValueError("window must be at least 1")
    return _truncated(dh, cache, lambda t: t % window == 0)


# --- train_step --------------------------------------------------------------------------------


def _train(params, batch, h0, lr, max_norm, window, *, clip="global", reduce="mean", norm_after=False,
           in_place=False, first_state=False):
    """One SGD step; each keyword switches one mistake on (the defaults are correct)."""
    vocabulary = params["Wy"].shape[1]
    inputs, targets = batch[:, :-1], batch[:, 1:]
    h, cache = rnn_forward(one_hot(inputs, vocabulary), h0, params)
    log_p = log_softmax(h @ params["Wy"] + params["by"])
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)
    divisor = targets.size if reduce == "mean" else targets.shape[0]
    loss = -picked.sum() / divisor
    dscores = (np.exp(log_p) - one_hot(targets, vocabulary)) / divisor
    grads = dict(zip(("Wx", "Wh", "b"), truncated(dscores @ params["Wy"].T, cache, window)[2:]))
    grads["Wy"] = np.einsum("nth,ntv->hv", h, dscores)
    grads["by"] = dscores.sum(axis=(0, 1))
    norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    if clip == "global":
        grads = {k: g * min(1.0, max_norm / norm) for k, g in grads.items()}
    elif clip == "each":
        grads = {k: g * min(1.0, max_norm / np.linalg.norm(g)) for k, g in grads.items()}
    if in_place:
        for k in params:
            params[k] -= lr * grads[k]
        new = params
    else:
        new = {k: params[k] - lr * grads[k] for k in params}
    reported = min(norm, max_norm) if norm_after else norm
    return new, h[:, 0] if first_state else h[:, -1], float(loss), reported


def train_step(params, batch, h0, lr, max_norm, window):
    """Correct train_step."""
    return _train(params, batch, h0, lr, max_norm, window)


def step_clipping_each_array(params, batch, h0, lr, max_norm, window):
    """Clips each gradient to max_norm on its own."""
    return _train(params, batch, h0, lr, max_norm, window, clip="each")


def step_without_clipping(params, batch, h0, lr, max_norm, window):
    """Never clips."""
    return _train(params, batch, h0, lr, max_norm, window, clip="none")


def step_with_loss_summed_over_time(params, batch, h0, lr, max_norm, window):
    """Averages the loss (and its gradient) over the batch only, summing over time."""
    return _train(params, batch, h0, lr, max_norm, window, reduce="batch")


def step_returning_the_norm_after_clipping(params, batch, h0, lr, max_norm, window):
    """Returns the global norm after clipping."""
    return _train(params, batch, h0, lr, max_norm, window, norm_after=True)


def step_updating_params_in_place(params, batch, h0, lr, max_norm, window):
    """Right values, but subtracts into the caller's arrays (params[k] -= ...)."""
    return _train(params, batch, h0, lr, max_norm, window, in_place=True)


def step_returning_the_first_state(params, batch, h0, lr, max_norm, window):
    """Returns h[:, 0] as h_last."""
    return _train(params, batch, h0, lr, max_norm, window, first_state=True)
