"""Correct lstm solutions written differently from the reference: each must earn full marks.

Written from scratch for these tests. ``ALTERNATIVES`` maps a name to the six functions of one
alternative solution; within one, the backward functions only ever see their own caches.
"""

import numpy as np


def _sigmoid_two_branches(x):
    """The logistic function, exponentiating only non-positive numbers."""
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1.0 + e)
    return out


# --- explicit loops and a dict cache ---------------------------------------------------------


def loop_gates(a):
    """The four blocks sliced one by one in a loop."""
    hidden = a.shape[1] // 4
    blocks = [a[:, k * hidden : (k + 1) * hidden] for k in range(4)]
    return tuple(_sigmoid_two_branches(block) for block in blocks[:3]) + (np.tanh(blocks[3]),)


def loop_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    i, f, o, g = loop_gates(x @ Wx + prev_h @ Wh + b)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = {"x": x, "prev_h": prev_h, "prev_c": prev_c, "Wx": Wx, "Wh": Wh, "i": i, "f": f, "o": o, "g": g}
    cache["c"] = next_c
    return next_h, next_c, cache


def loop_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g, c = (cache[k] for k in ("i", "f", "o", "g", "c"))
    dc = dnext_c + dnext_h * o * (1.0 - np.tanh(c) ** 2)
    da = np.zeros((dc.shape[0], 4 * dc.shape[1]))
    hidden = dc.shape[1]
    local = [dc * g * i * (1 - i), dc * cache["prev_c"] * f * (1 - f), dnext_h * np.tanh(c) * o * (1 - o)]
    local.append(dc * i * (1 - g * g))
    for k, block in enumerate(local):
        da[:, k * hidden : (k + 1) * hidden] = block
    dx = np.zeros_like(cache["x"])
    for n in range(dx.shape[0]):
        dx[n] = cache["Wx"] @ da[n]
    return dx, da @ cache["Wh"].T, dc * f, cache["x"].T @ da, cache["prev_h"].T @ da, np.sum(da, axis=0)


def step_backward_adding_into_its_own_copy(dnext_h, dnext_c, cache):
    """The CS231n idiom ``dnext_c += ...``, on a copy of dnext_c taken first."""
    i, f, o, g, c = (cache[k] for k in ("i", "f", "o", "g", "c"))
    dc = dnext_c.copy()
    dc += dnext_h * o * (1.0 - np.tanh(c) ** 2)
    da = np.hstack(
        [dc * g * i * (1 - i), dc * cache["prev_c"] * f * (1 - f), dnext_h * np.tanh(c) * o * (1 - o)]
        + [dc * i * (1 - g * g)]
    )
    return (
        da @ cache["Wx"].T,
        da @ cache["Wh"].T,
        dc * f,
        cache["x"].T @ da,
        cache["prev_h"].T @ da,
        da.sum(0),
    )


def loop_forward(x, h0, Wx, Wh, b):
    n, steps, _ = x.shape
    h = np.empty((n, steps, h0.shape[1]))
    prev_h, prev_c, caches = h0, np.zeros_like(h0), []
    for t in range(steps):
        prev_h, prev_c, cache = loop_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        caches.append(cache)
    return h, {"steps": caches}


def loop_backward(dh, cache):
    steps = cache["steps"]
    dx = np.empty(dh.shape[:2] + (steps[0]["x"].shape[1],))
    totals = None
    dprev_h, dprev_c = np.zeros_like(dh[:, 0]), np.zeros_like(dh[:, 0])
    for t in range(dh.shape[1] - 1, -1, -1):
        dx[:, t], dprev_h, dprev_c, *weights = loop_step_backward(dh[:, t] + dprev_h, dprev_c, steps[t])
        totals = weights if totals is None else [a + b for a, b in zip(totals, weights)]
    return (dx, dprev_h, *totals)


def loop_norms(dh_last, cache):
    steps = cache["steps"]
    norms = []
    dnext_h, dnext_c = dh_last, np.zeros_like(dh_last)
    for step in reversed(steps):
        norms.append(np.sqrt(np.sum((dnext_c + dnext_h * step["o"] * (1 - np.tanh(step["c"]) ** 2)) ** 2)))
        _, dnext_h, dnext_c, _, _, _ = loop_step_backward(dnext_h, dnext_c, step)
    return np.array(norms[::-1])


# --- einsum and tanh(c) recovered from h and o -------------------------------------------------


def einsum_gates(a):
    i, f, o, g = np.split(a, 4, axis=-1)
    sig = lambda z: np.exp(-np.logaddexp(0.0, -z))  # noqa: E731
    return sig(i), sig(f), sig(o), np.tanh(g)


def einsum_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    a = np.einsum("nd,dk->nk", x, Wx) + np.einsum("nh,hk->nk", prev_h, Wh) + b
    i, f, o, g = einsum_gates(a)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_h)


def einsum_step_backward(dnext_h, dnext_c, cache):
    """Recovers tanh(c_t) as h_t / o where o != 0 (where o = 0 the term it enters is 0 anyway)."""
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_h = cache
    tanh_c = np.divide(next_h, o, out=np.zeros_like(next_h), where=o != 0)
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)
    da = np.concatenate(
        [dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dnext_h * tanh_c * o * (1 - o)], axis=1
    )
    da = np.concatenate([da, dc * i * (1 - g**2)], axis=1)
    return (
        np.einsum("nk,dk->nd", da, Wx),
        np.einsum("nk,hk->nh", da, Wh),
        dc * f,
        np.einsum("nd,nk->dk", x, da),
        np.einsum("nh,nk->hk", prev_h, da),
        np.einsum("nk->k", da),
    )


def einsum_forward(x, h0, Wx, Wh, b):
    h, c, states, caches = h0, np.zeros_like(h0), [], []
    for t in range(x.shape[1]):
        h, c, step = einsum_step_forward(x[:, t], h, c, Wx, Wh, b)
        states.append(h)
        caches.append(step)
    return np.stack(states, axis=1), tuple(caches)


def einsum_backward(dh, cache):
    grads = [np.zeros((dh.shape[0], dh.shape[1], cache[0][0].shape[1])), None, 0.0, 0.0, 0.0]
    dprev_h, dprev_c = 0.0 * dh[:, 0], 0.0 * dh[:, 0]
    for t in reversed(range(dh.shape[1])):
        dx_t, dprev_h, dprev_c, dWx, dWh, db = einsum_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])
        grads[0][:, t] = dx_t
        grads[2:] = [grads[2] + dWx, grads[3] + dWh, grads[4] + db]
    grads[1] = dprev_h
    return tuple(grads)


def einsum_norms(dh_last, cache):
    norms = np.zeros(len(cache))
    dnext_h, dnext_c = dh_last, np.zeros_like(dh_last)
    for t in reversed(range(len(cache))):
        o, next_h = cache[t][7], cache[t][9]
        tanh_c = np.divide(next_h, o, out=np.zeros_like(next_h), where=o != 0)
        norms[t] = np.linalg.norm(dnext_c + dnext_h * o * (1 - tanh_c**2))
        _, dnext_h, dnext_c, _, _, _ = einsum_step_backward(dnext_h, dnext_c, cache[t])
    return norms


# --- a vectorised sequence: one array per quantity, no step functions ---------------------------


def vector_forward(x, h0, Wx, Wh, b):
    n, steps, _ = x.shape
    hidden = h0.shape[1]
    gates, cells, h = (
        np.zeros((n, steps, 4 * hidden)),
        np.zeros((n, steps + 1, hidden)),
        np.zeros((n, steps, hidden)),
    )
    inputs = x @ Wx + b
    prev_h = h0
    for t in range(steps):
        i, f, o, g = einsum_gates(inputs[:, t] + prev_h @ Wh)
        gates[:, t] = np.concatenate([i, f, o, g], axis=1)
        cells[:, t + 1] = f * cells[:, t] + i * g
        prev_h = h[:, t] = o * np.tanh(cells[:, t + 1])
    return h, {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "gates": gates, "cells": cells, "h": h}


def _vector_cell_gradients(dh, cache):
    """dL/da at every step and the total dL/dc_t, in one backward sweep."""
    n, steps, hidden = dh.shape
    i, f, o, g = np.split(cache["gates"], 4, axis=2)
    tanh_c = np.tanh(cache["cells"][:, 1:])
    da, dcs = np.zeros((n, steps, 4 * hidden)), np.zeros((n, steps, hidden))
    dh_carry, dc_carry = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in reversed(range(steps)):
        dh_t = dh[:, t] + dh_carry
        dcs[:, t] = dc = dc_carry + dh_t * o[:, t] * (1 - tanh_c[:, t] ** 2)
        da[:, t] = np.concatenate(
            [
                dc * g[:, t] * i[:, t] * (1 - i[:, t]),
                dc * cache["cells"][:, t] * f[:, t] * (1 - f[:, t]),
                dh_t * tanh_c[:, t] * o[:, t] * (1 - o[:, t]),
                dc * i[:, t] * (1 - g[:, t] ** 2),
            ],
            axis=1,
        )
        dh_carry, dc_carry = da[:, t] @ cache["Wh"].T, dc * f[:, t]
    return da, dcs, dh_carry


def vector_backward(dh, cache):
    da, _, dh0 = _vector_cell_gradients(dh, cache)
    previous = np.concatenate([cache["h0"][:, None], cache["h"][:, :-1]], axis=1)
    return (
        da @ cache["Wx"].T,
        dh0,
        np.tensordot(cache["x"], da, axes=([0, 1], [0, 1])),
        np.tensordot(previous, da, axes=([0, 1], [0, 1])),
        da.sum(axis=(0, 1)),
    )


def vector_norms(dh_last, cache):
    dh = np.zeros_like(cache["h"])
    dh[:, -1] = dh_last
    _, dcs, _ = _vector_cell_gradients(dh, cache)
    return np.sqrt((dcs**2).sum(axis=(0, 2)))


# --- CS231n style: the tanh sigmoid, list caches popped from copies, += on copies, negative indices --


def _tanh_sigmoid(x):
    """The textbook 0.5 * (1 + tanh(x / 2)): stable, with values below about 1e-16 rounded to 0."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def cs231n_gates(a):
    """np.split into four blocks, the sigmoid written with tanh."""
    ai, af, ao, ag = np.split(a, 4, axis=1)
    return _tanh_sigmoid(ai), _tanh_sigmoid(af), _tanh_sigmoid(ao), np.tanh(ag)


def cs231n_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """a += on its own array, a list cache."""
    a = x.dot(Wx)
    a += prev_h.dot(Wh)
    a += b
    i, f, o, g = cs231n_gates(a)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, [x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c]


def cs231n_step_backward(dnext_h, dnext_c, cache):
    """The CS231n idiom dnext_c += ..., on a copy; the list cache popped from a copy of it."""
    cache = list(cache)
    next_c, g, o, f, i, Wh, Wx, prev_c, prev_h, x = (cache.pop() for _ in range(10))
    dc = dnext_c.copy()
    dc += dnext_h * o * (1 - np.tanh(next_c) ** 2)
    di, df, do, dg = dc * g, dc * prev_c, dnext_h * np.tanh(next_c), dc * i
    da = np.hstack((di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g**2)))
    return da.dot(Wx.T), da.dot(Wh.T), dc * f, x.T.dot(da), prev_h.T.dot(da), da.sum(axis=0)


def cs231n_forward(x, h0, Wx, Wh, b):
    """np.squeeze with an axis (safe when N, D or H is 1), a list of step caches."""
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h, prev_c, caches = h0, np.zeros_like(h0), []
    for t in range(T):
        x_t = np.squeeze(x[:, t : t + 1, :], axis=1)
        prev_h, prev_c, step_cache = cs231n_step_forward(x_t, prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        caches.append(step_cache)
    return h, caches


def cs231n_backward(dh, cache):
    """Step caches popped off a copied list, time indexed from the end, += into its own arrays."""
    N, T, H = dh.shape
    caches = list(cache)
    D = caches[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in range(1, T + 1):
        dnext_h = dh[:, -t, :] + dprev_h
        dx[:, -t, :], dprev_h, dprev_c, dWx_t, dWh_t, db_t = cs231n_step_backward(
            dnext_h, dprev_c, caches.pop()
        )
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


def cs231n_norms(dh_last, cache):
    """Norms written from the end with negative indices, caches popped off a copied list."""
    caches = list(cache)
    norms = np.zeros(len(caches))
    dnext_h, dnext_c = dh_last, np.zeros_like(dh_last)
    for t in range(1, len(norms) + 1):
        step = caches.pop()
        o, next_c = step[7], step[9]
        norms[-t] = np.linalg.norm(dnext_c + dnext_h * o * (1 - np.tanh(next_c) ** 2))
        _, dnext_h, dnext_c, _, _, _ = cs231n_step_backward(dnext_h, dnext_c, step)
    return norms


def _functions(step_forward, step_backward, forward, backward, norms, gates=einsum_gates) -> dict:
    return {
        "lstm_gates": gates,
        "lstm_step_forward": step_forward,
        "lstm_step_backward": step_backward,
        "lstm_forward": forward,
        "lstm_backward": backward,
        "cell_gradient_norms": norms,
    }


ALTERNATIVES = {
    "explicit loops and a dict cache": _functions(
        loop_step_forward, loop_step_backward, loop_forward, loop_backward, loop_norms, loop_gates
    ),
    "dnext_c += ... on its own copy of dnext_c": _functions(
        loop_step_forward,
        step_backward_adding_into_its_own_copy,
        loop_forward,
        loop_backward,
        loop_norms,
        loop_gates,
    ),
    "einsum, tanh(c) recovered from h and o": _functions(
        einsum_step_forward, einsum_step_backward, einsum_forward, einsum_backward, einsum_norms
    ),
    "a vectorised sequence without step functions": _functions(
        einsum_step_forward, einsum_step_backward, vector_forward, vector_backward, vector_norms
    ),
    "CS231n style: the tanh sigmoid, list caches popped from copies, += on copies, negative indices": (
        _functions(
            cs231n_step_forward,
            cs231n_step_backward,
            cs231n_forward,
            cs231n_backward,
            cs231n_norms,
            cs231n_gates,
        )
    ),
    "a two-branch sigmoid with dict caches and the vectorised backward": _functions(
        loop_step_forward, loop_step_backward, vector_forward, vector_backward, vector_norms, loop_gates
    ),
}
