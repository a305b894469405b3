"""Correct charlm implementations written differently from the reference: each must earn full marks.

Written from scratch for these tests. ``ALTERNATIVES`` maps a name to one complete set of the six
functions.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "solutions" / "charlm"))

from charlm_support import log_softmax, one_hot, rnn_forward  # noqa: E402


def two_branch_sigmoid(a):
    """The logistic function with two branches, never exponentiating a positive number."""
    out = np.empty_like(a, dtype=np.float64)
    positive = a >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-a[positive]))
    e = np.exp(a[~positive])
    out[~positive] = e / (1.0 + e)
    return out


# --- split: one matrix per block, a dict cache, the weight gradients summed with einsum ----------


def split_step_forward(x, prev_h, Wx, Wh, b):
    Wxr, Wxz, Wxn = np.split(Wx, 3, axis=1)
    Whr, Whz, Whn = np.split(Wh, 3, axis=1)
    br, bz, bn = np.split(b, 3)
    r = two_branch_sigmoid(x @ Wxr + prev_h @ Whr + br)
    z = two_branch_sigmoid(x @ Wxz + prev_h @ Whz + bz)
    n = np.tanh(x @ Wxn + (r * prev_h) @ Whn + bn)
    next_h = n + z * (prev_h - n)
    return next_h, {"x": x, "h": prev_h, "Wx": Wx, "Wh": Wh, "r": r, "z": z, "n": n}


def split_step_backward(dnext_h, cache):
    x, h, Wx, Wh, r, z, n = (cache[k] for k in ("x", "h", "Wx", "Wh", "r", "z", "n"))
    Whr, Whz, Whn = np.split(Wh, 3, axis=1)
    g_n = dnext_h * (1 - z) * (1 - n**2)
    g_rh = g_n @ Whn.T
    g_r = g_rh * h * r * (1 - r)
    g_z = dnext_h * (h - n) * z * (1 - z)
    g = np.concatenate([g_r, g_z, g_n], axis=1)
    dprev_h = dnext_h * z + g_rh * r + g_r @ Whr.T + g_z @ Whz.T
    dWh = np.concatenate([h.T @ g_r, h.T @ g_z, (r * h).T @ g_n], axis=1)
    return g @ Wx.T, dprev_h, x.T @ g, dWh, g.sum(axis=0)


def split_forward(x, h0, Wx, Wh, b):
    states, caches, h = [], [], h0
    for x_t in np.moveaxis(x, 1, 0):
        h, cache = split_step_forward(x_t, h, Wx, Wh, b)
        states.append(h)
        caches.append(cache)
    return np.stack(states, axis=1), {"steps": caches}


def split_backward(dh, cache):
    steps = cache["steps"]
    dx = np.empty(dh.shape[:2] + (steps[0]["x"].shape[1],))
    totals = None
    dprev = np.zeros_like(dh[:, 0])
    for t in range(len(steps) - 1, -1, -1):
        dx[:, t], dprev, *weights = split_step_backward(dh[:, t] + dprev, steps[t])
        totals = weights if totals is None else [a + b for a, b in zip(totals, weights)]
    return (dx, dprev, *totals)


def chunked_truncated(dh, cache, window):
    """Full BPTT on each window [k*w, (k+1)*w), from the state the window before left, added up."""
    if not window >= 1:
        raise ValueError(f"window must be >= 1, not {window}")
    x, h0, h, Wx, Wh = cache["x"], cache["h0"], cache["h"], cache["Wx"], cache["Wh"]
    dx, dWx, dWh, db, dh0 = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0]), None
    for start in range(0, h.shape[1], window):
        end = min(start + window, h.shape[1])
        first = h0 if start == 0 else h[:, start - 1]
        carried = np.zeros_like(h0)
        for t in range(end - 1, start - 1, -1):
            da = (dh[:, t] + carried) * (1 - h[:, t] ** 2)
            dx[:, t] = da @ Wx.T
            dWx += x[:, t].T @ da
            dWh += (first if t == start else h[:, t - 1]).T @ da
            db += da.sum(axis=0)
            carried = da @ Wh.T
        if start == 0:
            dh0 = carried
    return dx, dh0, dWx, dWh, db


def split_train_step(params, batch, h0, lr, max_norm, window):
    vocabulary = params["Wy"].shape[1]
    x, targets = one_hot(batch[:, :-1], vocabulary), batch[:, 1:]
    h, cache = rnn_forward(x, h0, params)
    scores = h @ params["Wy"] + params["by"]
    log_z = np.logaddexp.reduce(scores, axis=-1)
    n, steps = targets.shape
    rows, cols = np.meshgrid(np.arange(n), np.arange(steps), indexing="ij")
    loss = float(np.mean(log_z - scores[rows, cols, targets]))
    dscores = np.exp(scores - log_z[..., None])
    dscores[rows, cols, targets] -= 1.0
    dscores /= n * steps
    _, _, dWx, dWh, db = chunked_truncated(dscores @ params["Wy"].T, cache, window)
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": h.reshape(-1, h.shape[2]).T @ dscores.reshape(-1, vocabulary),
             "by": dscores.reshape(-1, vocabulary).sum(axis=0)}
    norm = float(np.sqrt(np.sum([np.vdot(g, g) for g in grads.values()])))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: params[k] - (lr * scale) * grads[k] for k in params}, h[:, -1], loss, norm


# --- masked: one (3H) pre-activation, a tuple cache, truncation as a mask of carried steps ------


def masked_step_forward(x, prev_h, Wx, Wh, b):
    size = prev_h.shape[1]
    a = x @ Wx + b
    a[:, : 2 * size] += prev_h @ Wh[:, : 2 * size]
    gates = np.exp(-np.logaddexp(0.0, -a[:, : 2 * size]))
    r, z = gates[:, :size], gates[:, size:]
    n = np.tanh(a[:, 2 * size :] + (r * prev_h) @ Wh[:, 2 * size :])
    return z * prev_h + (1 - z) * n, (x, prev_h, Wx, Wh, r, z, n)


def masked_step_backward(dnext_h, cache):
    x, h, Wx, Wh, r, z, n = cache
    size = h.shape[1]
    d_n = dnext_h - dnext_h * z
    da_n = d_n - d_n * n * n
    back = da_n @ Wh[:, 2 * size :].T
    da = np.concatenate([back * h * r * (1 - r), dnext_h * (h - n) * z * (1 - z), da_n], axis=1)
    dprev_h = dnext_h * z + back * r + da[:, : 2 * size] @ Wh[:, : 2 * size].T
    inputs = np.concatenate([h, h, r * h], axis=1).reshape(h.shape[0], 3, size)
    dWh = np.einsum("nkh,nkj->hkj", inputs, da.reshape(-1, 3, size)).reshape(size, 3 * size)
    return da @ Wx.T, dprev_h, x.T @ da, dWh, np.einsum("nk->k", da)


def masked_forward(x, h0, Wx, Wh, b):
    caches, h = [], np.zeros((x.shape[0], x.shape[1], h0.shape[1]))
    state = h0
    for t in range(x.shape[1]):
        state, step = masked_step_forward(x[:, t], state, Wx, Wh, b)
        h[:, t] = state
        caches.append(step)
    return h, tuple(caches)


def masked_backward(dh, cache):
    grads = [np.zeros_like(cache[0][2]), np.zeros_like(cache[0][3]), np.zeros(cache[0][3].shape[1])]
    dx = np.zeros(dh.shape[:2] + (cache[0][0].shape[1],))
    dprev = 0.0 * dh[:, 0]
    for t, step in reversed(list(enumerate(cache))):
        dx[:, t], dprev, dWx, dWh, db = masked_step_backward(dh[:, t] + dprev, step)
        for total, part in zip(grads, (dWx, dWh, db)):
            total += part
    return dx, dprev, *grads


def masked_truncated(dh, cache, window):
    """Full BPTT with a mask: what step t carries back is kept unless t is a multiple of window."""
    if window <= 0:
        raise ValueError("window must be positive")
    x, h0, h, Wx, Wh = (cache[k] for k in ("x", "h0", "h", "Wx", "Wh"))
    steps = h.shape[1]
    keeps = np.arange(steps) % window != 0
    da = np.empty_like(h)
    carried = np.zeros_like(h0)
    for t in reversed(range(steps)):
        da[:, t] = (dh[:, t] + carried) * (1 - h[:, t] * h[:, t])
        carried = (da[:, t] @ Wh.T) * keeps[t]
    previous = np.concatenate([h0[:, None, :], h[:, :-1]], axis=1)
    flat = da.reshape(-1, da.shape[2])
    return (
        da @ Wx.T,
        da[:, 0] @ Wh.T,
        x.reshape(-1, x.shape[2]).T @ flat,
        previous.reshape(-1, previous.shape[2]).T @ flat,
        flat.sum(axis=0),
    )


def masked_train_step(params, batch, h0, lr, max_norm, window):
    vocabulary = params["Wy"].shape[1]
    h, cache = rnn_forward(one_hot(batch[:, :-1], vocabulary), h0, params)
    log_p = log_softmax(h @ params["Wy"] + params["by"])
    target = one_hot(batch[:, 1:], vocabulary)
    count = batch[:, 1:].size
    loss = -np.sum(target * log_p) / count
    dscores = (np.exp(log_p) - target) / count
    dWx, dWh, db = masked_truncated(dscores @ params["Wy"].T, cache, window)[2:]
    grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": np.einsum("nth,ntv->hv", h, dscores), "by": dscores.sum(axis=(0, 1))}
    norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
    factor = np.minimum(1.0, max_norm / norm)
    new = {}
    for name, value in params.items():
        new[name] = value.copy()
        new[name] -= lr * factor * grads[name]
    return new, h[:, -1].copy(), loss, norm


ALTERNATIVES = {
    "split weights, dict caches, truncation by chunks": {
        "gru_step_forward": split_step_forward,
        "gru_step_backward": split_step_backward,
        "gru_forward": split_forward,
        "gru_backward": split_backward,
        "rnn_backward_truncated": chunked_truncated,
        "train_step": split_train_step,
    },
    "one pre-activation, tuple caches, truncation by a mask": {
        "gru_step_forward": masked_step_forward,
        "gru_step_backward": masked_step_backward,
        "gru_forward": masked_forward,
        "gru_backward": masked_backward,
        "rnn_backward_truncated": masked_truncated,
        "train_step": masked_train_step,
    },
}
