"""Correct student code for the rnn assignment, written differently from the solutions.

Each function is right; each is written in a way a student might choose and the reference does
not: explicit loops, einsum, a cache of hidden states instead of pre-activations (with f'
computed from h), in-place updates only on the function's own copies (``+=``, ``*=``, ``pop()``)
with the steps called by their assignment names, a BPTT that never calls a step backward,
clipping with a factor. Where a
backward pass relies on its own cache layout it comes with the forward pass that builds it.
"""

import numpy as np

# --- activations: masks instead of one formula, a table instead of if/elif ---------------------


def sigmoid_with_masks(x):
    """Exponentiates only non-positive numbers, choosing the formula per entry with masks."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def _tanh_slope(a):
    t = np.tanh(a)
    return (1.0 - t) * (1.0 + t)


def _sigmoid_slope(a):
    return sigmoid_with_masks(a) * sigmoid_with_masks(-a)


_SLOPES = {"tanh": _tanh_slope, "sigmoid": _sigmoid_slope, "relu": lambda a: np.heaviside(a, 0.0)}


def activation_derivative_from_a_table(a, activation):
    """Looks the derivative up in a dict; sigma' = sigma(a) sigma(-a), relu' = heaviside(a, 0)."""
    if activation not in _SLOPES:
        raise ValueError(f"activation must be one of {sorted(_SLOPES)}, not {activation!r}")
    return _SLOPES[activation](np.asarray(a, dtype=np.float64))


def _apply(a, activation):
    if activation == "tanh":
        return np.tanh(a)
    if activation == "sigmoid":
        return sigmoid_with_masks(a)
    if activation == "relu":
        return a * (a > 0)
    raise ValueError(f"unknown activation {activation!r}")


# --- one step: a tuple cache, backward with explicit loops or with einsum ------------------------


def step_forward_with_tuple_cache(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Caches (activation, x, prev_h, Wx, Wh, a), in that order."""
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    return _apply(a, activation), (activation, x, prev_h, Wx, Wh, a)


def step_backward_with_loops(dnext_h, cache):
    """Every product written out as explicit Python loops over the indices."""
    activation, x, prev_h, Wx, Wh, a = cache
    n_batch, n_in = x.shape
    n_hidden = Wh.shape[0]
    slope = activation_derivative_from_a_table(a, activation)
    da = np.zeros((n_batch, n_hidden))
    for n in range(n_batch):
        for j in range(n_hidden):
            da[n, j] = dnext_h[n, j] * slope[n, j]
    dx, dprev_h = np.zeros((n_batch, n_in)), np.zeros((n_batch, n_hidden))
    dWx, dWh, db = np.zeros((n_in, n_hidden)), np.zeros((n_hidden, n_hidden)), np.zeros(n_hidden)
    for n in range(n_batch):
        for j in range(n_hidden):
            db[j] += da[n, j]
            for d in range(n_in):
                dx[n, d] += da[n, j] * Wx[d, j]
                dWx[d, j] += x[n, d] * da[n, j]
            for i in range(n_hidden):
                dprev_h[n, i] += da[n, j] * Wh[i, j]
                dWh[i, j] += prev_h[n, i] * da[n, j]
    return dx, dprev_h, dWx, dWh, db


def step_backward_with_einsum(dnext_h, cache):
    """Every product written with np.einsum."""
    activation, x, prev_h, Wx, Wh, a = cache
    da = dnext_h * activation_derivative_from_a_table(a, activation)
    return (
        np.einsum("nj,dj->nd", da, Wx),
        np.einsum("nj,ij->ni", da, Wh),
        np.einsum("nd,nj->dj", x, da),
        np.einsum("ni,nj->ij", prev_h, da),
        np.einsum("nj->j", da),
    )


# --- caching hidden states, not pre-activations: f' computed from h -------------------------------


def _slope_from_h(h, activation):
    if activation == "tanh":
        return 1.0 - h * h
    if activation == "sigmoid":
        return h * (1.0 - h)
    return (h > 0).astype(np.float64)


def step_forward_keeping_h(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Caches a dict holding next_h instead of the pre-activation."""
    next_h = _apply(x @ Wx + prev_h @ Wh + b, activation)
    return next_h, {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "h": next_h, "activation": activation}


def step_backward_from_h(dnext_h, cache):
    """Computes f' from the cached next_h: 1 - h**2, h * (1 - h), h > 0."""
    da = dnext_h * _slope_from_h(cache["h"], cache["activation"])
    return da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["prev_h"].T @ da, da.sum(axis=0)


def forward_keeping_states(x, h0, Wx, Wh, b, activation="tanh"):
    """Caches every hidden state, h0 included, in one (N, T+1, H) array inside a dict."""
    n, steps, _ = x.shape
    states = np.empty((n, steps + 1, h0.shape[1]))
    states[:, 0] = h0
    for t in range(steps):
        states[:, t + 1] = _apply(x[:, t] @ Wx + states[:, t] @ Wh + b, activation)
    return states[:, 1:].copy(), {"x": x, "states": states, "Wx": Wx, "Wh": Wh, "activation": activation}


def backward_from_states(dh, cache):
    """BPTT that recomputes each step's f' from the cached hidden states."""
    x, states, Wx, Wh = cache["x"], cache["states"], cache["Wx"], cache["Wh"]
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    upstream = np.zeros_like(states[:, 0])
    for t in reversed(range(x.shape[1])):
        da = (dh[:, t] + upstream) * _slope_from_h(states[:, t + 1], cache["activation"])
        dx[:, t] = da @ Wx.T
        dWx = dWx + x[:, t].T @ da
        dWh = dWh + states[:, t].T @ da
        db = db + da.sum(axis=0)
        upstream = da @ Wh.T
    return dx, upstream, dWx, dWh, db


def gradient_norms_from_states(dh_last, cache):
    """The norm of dL/dh_t for every t, going back through the cached states."""
    states, Wh, activation = cache["states"], cache["Wh"], cache["activation"]
    steps = states.shape[1] - 1
    norms, g = np.empty(steps), dh_last
    for t in range(steps - 1, -1, -1):
        norms[t] = np.sqrt(np.sum(g * g))
        g = (g * _slope_from_h(states[:, t + 1], activation)) @ Wh.T
    return norms


# --- in place, but only on the function's own copies; steps looked up by name, as in a notebook ---


def step_backward_on_own_copies(dnext_h, cache):
    """Consumes a copy of its dict cache with pop(), and scales a copy of dnext_h with *=."""
    cache = dict(cache)
    slope = _slope_from_h(cache.pop("h"), cache.pop("activation"))
    da = dnext_h.copy()
    da *= slope
    return da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["prev_h"].T @ da, da.sum(axis=0)


rnn_step_forward = step_forward_keeping_h
rnn_step_backward = step_backward_on_own_copies
"""The step functions under their assignment names, which the three functions below call them by."""


def forward_stepping_by_name(x, h0, Wx, Wh, b, activation="tanh"):
    """Calls rnn_step_forward by name; caches the list of step caches, filling h it allocated itself."""
    h, caches, previous = np.zeros((x.shape[0], x.shape[1], h0.shape[1])), [], h0
    for t in range(x.shape[1]):
        previous, step_cache = rnn_step_forward(x[:, t], previous, Wx, Wh, b, activation)
        h[:, t] = previous
        caches.append(step_cache)
    return h, caches


def backward_accumulating_in_place(dh, cache):
    """Adds into gradients it allocated (+=), feeding each step a copy of dh[:, t] it adds to."""
    steps = dh.shape[1]
    dx = np.zeros((dh.shape[0], steps, cache[0]["x"].shape[1]))
    dWx, dWh, db = np.zeros_like(cache[0]["Wx"]), np.zeros_like(cache[0]["Wh"]), np.zeros(dh.shape[2])
    carried = np.zeros_like(dh[:, 0])
    for t in range(-1, -steps - 1, -1):
        upstream = dh[:, t].copy()
        upstream += carried
        dx[:, t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(upstream, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried, dWx, dWh, db


def gradient_norms_popping_a_copied_cache(dh_last, cache):
    """Consumes a copy of the list of step caches with pop(), latest step first."""
    caches, g = list(cache), dh_last
    norms = np.zeros(len(caches))
    while caches:
        norms[len(caches) - 1] = np.linalg.norm(g)
        g = rnn_step_backward(g, caches.pop())[1]
    return norms


# --- BPTT without a step backward: pre-activations of all steps, weight gradients in one go ------


def forward_with_preactivations(x, h0, Wx, Wh, b, activation="tanh"):
    """Caches the pre-activations of all steps as one (N, T, H) array, in a tuple."""
    n, steps, _ = x.shape
    inputs = x @ Wx + b
    pre = np.empty((n, steps, h0.shape[1]))
    h = np.empty_like(pre)
    previous = h0
    for t in range(steps):
        pre[:, t] = inputs[:, t] + previous @ Wh
        h[:, t] = previous = _apply(pre[:, t], activation)
    return h, (x, h0, Wx, Wh, h, pre, activation)


def backward_vectorised(dh, cache):
    """Propagates dL/da through time in a loop, then forms every other gradient with one einsum."""
    x, h0, Wx, Wh, h, pre, activation = cache
    slope = activation_derivative_from_a_table(pre, activation)
    da = np.empty_like(pre)
    carried = np.zeros_like(h0)
    for t in range(pre.shape[1] - 1, -1, -1):
        da[:, t] = (dh[:, t] + carried) * slope[:, t]
        carried = da[:, t] @ Wh.T
    previous = np.concatenate([h0[:, None, :], h[:, :-1]], axis=1)
    return (
        da @ Wx.T,
        carried,
        np.einsum("ntd,nth->dh", x, da),
        np.einsum("nti,ntj->ij", previous, da),
        da.sum(axis=(0, 1)),
    )


def gradient_norms_vectorised(dh_last, cache):
    """Multiplies by diag(f'(a_t)) Wh^T step by step and takes all the norms at the end."""
    _, _, _, Wh, _, pre, activation = cache
    slope = activation_derivative_from_a_table(pre, activation)
    gradients = [dh_last]
    for t in range(pre.shape[1] - 1, 0, -1):
        gradients.append((gradients[-1] * slope[:, t]) @ Wh.T)
    return np.linalg.norm(np.stack(gradients[::-1]), axis=(1, 2))


# --- clipping with np.minimum / np.maximum and a factor ------------------------------------------


def clip_by_value_with_minimum_maximum(grads, clip_value):
    """Clips with np.minimum(np.maximum(g, -c), c)."""
    if not clip_value > 0:
        raise ValueError("clip_value must be positive")
    return {name: np.minimum(np.maximum(g, -clip_value), clip_value) for name, g in grads.items()}


def clip_by_norm_with_a_factor(grad, max_norm):
    """Always multiplies by max_norm / max(norm, max_norm), which is exactly 1 below the threshold."""
    if not max_norm > 0:
        raise ValueError("max_norm must be positive")
    return grad * (max_norm / max(np.linalg.norm(grad), max_norm))


def clip_by_global_norm_concatenated(grads, max_norm):
    """Takes the global norm with np.linalg.norm of all the arrays ravelled and concatenated."""
    if not max_norm > 0:
        raise ValueError("max_norm must be positive")
    global_norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()])))
    factor = max_norm / max(global_norm, max_norm)
    return {name: g * factor for name, g in grads.items()}, global_norm


# --- CS231n style: list caches consumed with pop() on copies, += on local copies, negative indices --


def tanh_sigmoid(x):
    """The textbook 0.5 * (1 + tanh(x / 2)): stable, with values below about 1e-16 rounded to 0."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def relu_derivative_through_a_float32_mask(a, activation):
    """relu' as a float32 mask cast back to float64 (exact: 0 and 1 are float32 numbers)."""
    if activation == "relu":
        return (a > 0).astype(np.float32).astype(np.float64)
    return activation_derivative_from_a_table(a, activation)


def step_forward_with_list_cache(x, prev_h, Wx, Wh, b, activation="tanh"):
    """np.dot, a += on the array it just allocated, and a list cache [x, prev_h, Wx, Wh, a, activation]."""
    a = np.dot(x, Wx)
    a += np.dot(prev_h, Wh)
    a += b
    return _apply(a, activation), [x, prev_h, Wx, Wh, a, activation]


def step_backward_popping_a_copy(dnext_h, cache):
    """Unpacks the list cache with pop() on a copy of it; scales a copy of dnext_h in place."""
    cache = list(cache)
    activation, a, Wh, Wx, prev_h, x = (cache.pop() for _ in range(6))
    da = dnext_h.copy()
    da *= activation_derivative_from_a_table(a, activation)
    db = np.sum(da, axis=0, keepdims=True).reshape(-1)
    return da.dot(Wx.T), da.dot(Wh.T), x.T.dot(da), prev_h.T.dot(da), db


def forward_with_a_list_of_list_caches(x, h0, Wx, Wh, b, activation="tanh"):
    """Slices x[:, t, :] by reshape, writes h[:, t, :] into its own array, keeps a list of caches."""
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    caches, prev_h = [], h0
    for t in range(T):
        prev_h, step_cache = step_forward_with_list_cache(
            x[:, t, :].reshape(N, D), prev_h, Wx, Wh, b, activation
        )
        h[:, t, :] = prev_h
        caches.append(step_cache)
    return h, caches


def backward_popping_steps_with_negative_indices(dh, cache):
    """Pops the step caches off a copied list (last step first), indexing time from the end: -1 - t."""
    N, T, H = dh.shape
    caches = list(cache)
    D = caches[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in range(T):
        index = -1 - t
        upstream = dh[:, index, :].copy()
        upstream += dprev_h
        dx_t, dprev_h, dWx_t, dWh_t, db_t = step_backward_popping_a_copy(upstream, caches.pop())
        dx[:, index, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


def gradient_norms_popping_steps(dh_last, cache):
    """Norms written from the end with negative indices, caches popped off a copied list."""
    caches = list(cache)
    norms = np.zeros(len(caches))
    grad = dh_last
    for t in range(1, len(norms) + 1):
        norms[-t] = np.linalg.norm(grad)
        _, grad, _, _, _ = step_backward_popping_a_copy(grad, caches.pop())
    return norms


def clip_by_value_into_copies(grads, clip_value):
    """Copies each array, then clips the copy in place with boolean masks."""
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    clipped = {}
    for name, grad in grads.items():
        out = grad.copy()
        out[out > clip_value] = clip_value
        out[out < -clip_value] = -clip_value
        clipped[name] = out
    return clipped


def clip_by_norm_scaling_a_copy(grad, max_norm):
    """Scales a copy in place with *=."""
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    out = np.array(grad, dtype=np.float64)
    norm = np.sqrt(np.sum(out**2))
    if norm > max_norm:
        out *= max_norm / norm
    return out


def clip_by_global_norm_scaling_copies(grads, max_norm):
    """Accumulates the squared norm with +=, then scales copies in place."""
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = 0.0
    for grad in grads.values():
        total += np.sum(grad * grad)
    global_norm = np.sqrt(total)
    clipped = {name: grad.copy() for name, grad in grads.items()}
    if global_norm > max_norm:
        for name in clipped:
            clipped[name] *= max_norm / global_norm
    return clipped, float(global_norm)


# --- float32 intermediates that round: not float64 arithmetic, so not full marks ----------------


def step_forward_in_float32(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Computes the pre-activation in float32 and casts next_h back to float64: 7 digits, not 16."""
    a = x.astype(np.float32) @ Wx.astype(np.float32) + prev_h.astype(np.float32) @ Wh.astype(np.float32)
    return _apply((a + b.astype(np.float32)).astype(np.float64), activation), (
        activation,
        x,
        prev_h,
        Wx,
        Wh,
        a,
    )


# --- growth_factor: the mean of the log-ratios, and a fitted power --------------------------------


def growth_factor_as_mean_log_ratio(norms):
    """The mean of log(norms[t] / norms[t+1]), exponentiated: the geometric mean, step by step."""
    logs = np.log(np.asarray(norms, dtype=np.float64)) if np.size(norms) else np.zeros(0)
    if logs.ndim != 1 or logs.size < 2 or not np.all(np.isfinite(logs)):
        raise ValueError("growth_factor needs two or more positive, finite norms")
    return float(np.exp(np.mean(logs[:-1] - logs[1:])))


def growth_factor_with_log2(norms):
    """Base-2 logarithms and a power of 2, with the checks written out one by one."""
    norms = np.array(norms, dtype=float)
    if len(norms.shape) != 1 or len(norms) < 2:
        raise ValueError("at least two norms are needed")
    for value in norms:
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"a norm must be positive and finite, got {value}")
    return float(2.0 ** ((np.log2(norms[0]) - np.log2(norms[-1])) / (len(norms) - 1)))
