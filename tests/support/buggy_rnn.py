"""Plausible wrong student code for the rnn assignment, each function named after its mistake.

Written from scratch for these tests, not copied from the solutions. A buggy backward pass comes
with the correct forward pass it is graded with (``step_forward``, ``sequence_forward``), whose
cache is this module's own design: the checks only ever hand a cache back to the same student's
backward function.
"""

import numpy as np

# --- correct building blocks the buggy functions are combined with ---------------------------


def _logistic(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _activate(a, activation):
    if activation == "tanh":
        return np.tanh(a)
    if activation == "sigmoid":
        return _logistic(a)
    if activation == "relu":
        return np.where(a > 0, a, 0.0)
    raise ValueError(f"no such activation: {activation}")


def _slope(a, activation):
    if activation == "tanh":
        return 1.0 / np.cosh(a) ** 2
    if activation == "sigmoid":
        return _logistic(a) * _logistic(-a)
    return np.where(a > 0, 1.0, 0.0)


def step_forward(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Correct step forward; its cache is a dict holding the inputs, a and next_h."""
    a = x @ Wx + prev_h @ Wh + b
    next_h = _activate(a, activation)
    cache = {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "a": a, "next_h": next_h, "f": activation}
    return next_h, cache


def step_backward(dnext_h, cache):
    """Correct step backward for the cache of ``step_forward``."""
    da = dnext_h * _slope(cache["a"], cache["f"])
    return da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["prev_h"].T @ da, da.sum(0)


def sequence_forward(x, h0, Wx, Wh, b, activation="tanh"):
    """Correct sequence forward; its cache is the list of step caches."""
    states, caches, h = [], [], h0
    for t in range(x.shape[1]):
        h, step_cache = step_forward(x[:, t, :], h, Wx, Wh, b, activation)
        states.append(h)
        caches.append(step_cache)
    return np.stack(states, axis=1), caches


def _zero_gradients(dh, caches):
    n, steps, hidden = dh.shape
    inputs = caches[0]["x"].shape[1]
    return (
        np.zeros((n, steps, inputs)),
        np.zeros((inputs, hidden)),
        np.zeros((hidden, hidden)),
        np.zeros(hidden),
    )


def sequence_backward(dh, cache):
    """Correct BPTT for the cache of ``sequence_forward``."""
    dx, dWx, dWh, db = _zero_gradients(dh, cache)
    carried = np.zeros_like(dh[:, 0])
    for t in range(dh.shape[1] - 1, -1, -1):
        dx[:, t], carried, dWx_t, dWh_t, db_t = step_backward(dh[:, t] + carried, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, carried, dWx, dWh, db


# --- sigmoid and activation_derivative ---------------------------------------------------------


def sigmoid_that_overflows(x):
    """Exponentiates -x for every x: exp(1000) overflows and warns."""
    return 1.0 / (1.0 + np.exp(-x))


def tanh_derivative_of_the_hidden_state(a, activation):
    """Computes tanh' as 1 - a**2, treating the pre-activation a as if it were h = tanh(a)."""
    if activation == "tanh":
        return 1.0 - a**2
    return activation_derivative_without_value_error(a, activation)


def sigmoid_derivative_of_the_hidden_state(a, activation):
    """Computes sigmoid' as a * (1 - a), treating the pre-activation a as if it were sigmoid(a)."""
    if activation == "sigmoid":
        return a * (1.0 - a)
    return activation_derivative_without_value_error(a, activation)


def relu_derivative_as_booleans(a, activation):
    """Returns relu'(a) as the boolean mask a > 0 instead of floats."""
    if activation == "relu":
        return a > 0
    return activation_derivative_without_value_error(a, activation)


def relu_derivative_one_at_zero(a, activation):
    """Uses a >= 0 for relu', so relu'(0) = 1 where the course defines it as 0."""
    if activation == "relu":
        return (a >= 0).astype(float)
    return activation_derivative_without_value_error(a, activation)


def activation_derivative_without_value_error(a, activation):
    """Falls through to relu' for any unknown activation instead of raising ValueError."""
    if activation == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if activation == "sigmoid":
        return _logistic(a) * (1.0 - _logistic(a))
    return (a > 0).astype(float)


# --- rnn_step_forward ------------------------------------------------------------------------


def step_forward_without_bias(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Forgets to add the bias b to the pre-activation."""
    return step_forward(x, prev_h, Wx, Wh, np.zeros_like(b), activation)


def step_forward_always_tanh(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Applies tanh whatever activation was asked for (and so never raises ValueError)."""
    a = x @ Wx + prev_h @ Wh + b
    return np.tanh(a), (x, prev_h, Wx, Wh, a, "tanh")


# --- rnn_step_backward (graded with step_forward) ----------------------------------------------


def step_backward_without_activation_derivative(dnext_h, cache):
    """Uses da = dnext_h, leaving out the factor f'(a)."""
    da = dnext_h
    return da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["prev_h"].T @ da, da.sum(0)


def step_backward_with_derivative_at_next_h(dnext_h, cache):
    """Evaluates the derivative at next_h = f(a) instead of at the pre-activation a."""
    da = dnext_h * _slope(cache["next_h"], cache["f"])
    return da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["prev_h"].T @ da, da.sum(0)


def step_backward_with_db_not_summed_over_batch(dnext_h, cache):
    """Returns da itself, shape (N, H), as db instead of summing it over the batch."""
    dx, dprev_h, dWx, dWh, _ = step_backward(dnext_h, cache)
    return dx, dprev_h, dWx, dWh, dnext_h * _slope(cache["a"], cache["f"])


def step_backward_with_db_averaged_over_batch(dnext_h, cache):
    """Takes the mean of da over the batch for db instead of the sum."""
    dx, dprev_h, dWx, dWh, db = step_backward(dnext_h, cache)
    return dx, dprev_h, dWx, dWh, db / dnext_h.shape[0]


def step_backward_with_transposed_dWh(dnext_h, cache):
    """Computes dWh as da.T @ prev_h, the transpose of prev_h.T @ da."""
    dx, dprev_h, dWx, _, db = step_backward(dnext_h, cache)
    da = dnext_h * _slope(cache["a"], cache["f"])
    return dx, dprev_h, dWx, da.T @ cache["prev_h"], db


def step_backward_with_dWh_from_next_h(dnext_h, cache):
    """Computes dWh from next_h, the state the step produced, instead of prev_h."""
    dx, dprev_h, dWx, _, db = step_backward(dnext_h, cache)
    da = dnext_h * _slope(cache["a"], cache["f"])
    return dx, dprev_h, dWx, cache["next_h"].T @ da, db


def step_backward_with_dprev_h_through_Wh_untransposed(dnext_h, cache):
    """Multiplies da by Wh instead of Wh.T for dprev_h."""
    dx, _, dWx, dWh, db = step_backward(dnext_h, cache)
    da = dnext_h * _slope(cache["a"], cache["f"])
    return dx, da @ cache["Wh"], dWx, dWh, db


# --- rnn_forward ------------------------------------------------------------------------------


def forward_feeding_h0_to_every_step(x, h0, Wx, Wh, b, activation="tanh"):
    """Starts every time step from h0 instead of from the previous hidden state."""
    states, caches = [], []
    for t in range(x.shape[1]):
        h, step_cache = step_forward(x[:, t, :], h0, Wx, Wh, b, activation)
        states.append(h)
        caches.append(step_cache)
    return np.stack(states, axis=1), caches


def forward_returning_time_major_states(x, h0, Wx, Wh, b, activation="tanh"):
    """Stacks the hidden states along axis 0, returning h of shape (T, N, H)."""
    h, caches = sequence_forward(x, h0, Wx, Wh, b, activation)
    return np.ascontiguousarray(h.transpose(1, 0, 2)), caches


# --- rnn_backward (graded with sequence_forward) ------------------------------------------------


def backward_overwriting_dWh_each_step(dh, cache):
    """Assigns dWh = (this step's dWh) instead of accumulating it over the time steps."""
    dx, dWx, dWh, db = _zero_gradients(dh, cache)
    carried = np.zeros_like(dh[:, 0])
    for t in range(dh.shape[1] - 1, -1, -1):
        dx[:, t], carried, dWx_t, dWh, db_t = step_backward(dh[:, t] + carried, cache[t])
        dWx, db = dWx + dWx_t, db + db_t
    return dx, carried, dWx, dWh, db


def backward_without_gradient_from_next_step(dh, cache):
    """Feeds dh[:, t] alone into each step, dropping the gradient that flows back from step t+1."""
    dx, dWx, dWh, db = _zero_gradients(dh, cache)
    for t in range(dh.shape[1] - 1, -1, -1):
        dx[:, t], dh0, dWx_t, dWh_t, db_t = step_backward(dh[:, t], cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh0, dWx, dWh, db


def backward_running_forward_in_time(dh, cache):
    """Loops over t = 0, 1, ..., T-1, so gradients flow forward in time instead of back."""
    dx, dWx, dWh, db = _zero_gradients(dh, cache)
    carried = np.zeros_like(dh[:, 0])
    for t in range(dh.shape[1]):
        dx[:, t], carried, dWx_t, dWh_t, db_t = step_backward(dh[:, t] + carried, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, carried, dWx, dWh, db


def backward_with_zero_dh0(dh, cache):
    """Computes every other gradient but returns zeros for dh0."""
    dx, _, dWx, dWh, db = sequence_backward(dh, cache)
    return dx, np.zeros_like(dh[:, 0]), dWx, dWh, db


# --- bptt_gradient_norms (graded with sequence_forward) -----------------------------------------


def gradient_norms_in_reverse_order(dh_last, cache):
    """Appends the norms while walking back in time, so norms[0] belongs to the last step."""
    norms, g = [], dh_last
    for step_cache in reversed(cache):
        norms.append(np.sqrt(np.sum(g**2)))
        g = step_backward(g, step_cache)[1]
    return np.array(norms)


def gradient_norms_shifted_by_one_step(dh_last, cache):
    """Records the norm after stepping back instead of before, so norms[t] is that of dL/dh_{t-1}."""
    norms, g = np.zeros(len(cache)), dh_last
    for t in range(len(cache) - 1, -1, -1):
        g = step_backward(g, cache[t])[1]
        norms[t] = np.linalg.norm(g)
    return norms


def gradient_norms_of_pre_activation_gradients(dh_last, cache):
    """Measures dL/da_t = g_t * f'(a_t) instead of dL/dh_t."""
    norms, g = np.zeros(len(cache)), dh_last
    for t in range(len(cache) - 1, -1, -1):
        norms[t] = np.linalg.norm(g * _slope(cache[t]["a"], cache[t]["f"]))
        g = step_backward(g, cache[t])[1]
    return norms


def gradient_norms_never_stored(dh_last, cache):
    """Computes every gradient but writes the norms into a copy, returning the zeros it started with."""
    norms, g = np.zeros(len(cache)), dh_last
    for t in range(len(cache) - 1, -1, -1):
        norms.copy()[t] = np.linalg.norm(g)
        g = step_backward(g, cache[t])[1]
    return norms


# --- clipping -----------------------------------------------------------------------------------


def clip_by_value_in_place(grads, clip_value):
    """Clips with np.clip(g, -c, c, out=g), overwriting the caller's arrays."""
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
    return dict(grads)


def clip_by_value_accepting_zero(grads, clip_value):
    """Never validates clip_value, so 0 and negative thresholds are accepted silently."""
    return {k: np.clip(g, -abs(clip_value), abs(clip_value)) for k, g in grads.items()}


def clip_by_value_with_inverted_validation(grads, clip_value):
    """Raises ValueError when clip_value > 0, the condition the wrong way round."""
    if clip_value > 0:
        raise ValueError("clip_value must be positive")
    return {k: np.clip(g, -clip_value, clip_value) for k, g in grads.items()}


def clip_by_value_only_above(grads, clip_value):
    """Clips only from above (np.minimum(g, c)), leaving large negative entries alone."""
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    return {k: np.minimum(g, clip_value) for k, g in grads.items()}


def clip_by_norm_always_rescaling(grad, max_norm):
    """Rescales to norm max_norm even when the norm is already below it."""
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    return grad * (max_norm / np.linalg.norm(grad))


def clip_by_norm_with_the_largest_entry(grad, max_norm):
    """Measures the norm as the largest absolute entry instead of the Frobenius norm."""
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    size = np.max(np.abs(grad))
    return grad * (max_norm / size) if size > max_norm else grad.copy()


def clip_by_global_norm_per_array(grads, max_norm):
    """Clips each array by its own norm instead of scaling all by one factor from the global norm."""
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = np.sqrt(sum(np.vdot(g, g) for g in grads.values()))
    clipped = {}
    for key, g in grads.items():
        own = np.linalg.norm(g)
        clipped[key] = g * (max_norm / own) if own > max_norm else g.copy()
    return clipped, float(total)


def clip_by_global_norm_returning_clipped_norm(grads, max_norm):
    """Returns the global norm measured after clipping instead of before."""
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = np.sqrt(sum(np.vdot(g, g) for g in grads.values()))
    factor = max_norm / total if total > max_norm else 1.0
    clipped = {k: g * factor for k, g in grads.items()}
    return clipped, float(np.sqrt(sum(np.vdot(g, g) for g in clipped.values())))


def clip_by_global_norm_summing_norms(grads, max_norm):
    """Takes the global norm as the sum of the arrays' norms instead of sqrt of summed squares."""
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = sum(np.linalg.norm(g) for g in grads.values())
    factor = max_norm / total if total > max_norm else 1.0
    return {k: g * factor for k, g in grads.items()}, float(total)


# --- purity: right values, arguments changed in place ------------------------------------------


def step_backward_scaling_dnext_h_in_place(dnext_h, cache):
    """Right gradients, but ``dnext_h *= f'(a)`` writes into the caller's upstream gradient."""
    dnext_h *= _slope(cache["a"], cache["f"])
    da = dnext_h
    return da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["prev_h"].T @ da, da.sum(0)


def step_backward_popping_its_cache(dnext_h, cache):
    """Right gradients, but consumes the caller's dict cache with ``cache.pop(...)``."""
    da = dnext_h * _slope(cache.pop("a"), cache.pop("f"))
    return da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["prev_h"].T @ da, da.sum(0)


def step_backward_zeroing_its_inputs(dnext_h, cache):
    """No gradient code: zeroes dnext_h and the cache's arrays in place and returns zeros.

    Were the checks to compare with gradients computed from the same arrays afterwards (centered
    differences of the forward, the reference), zeros would match zeros.
    """
    dnext_h[...] = 0.0
    for value in cache.values():
        if isinstance(value, np.ndarray):
            value[...] = 0.0
    x, prev_h, Wh = cache["x"], cache["prev_h"], cache["Wh"]
    return (
        np.zeros_like(x),
        np.zeros_like(prev_h),
        np.zeros_like(cache["Wx"]),
        np.zeros_like(Wh),
        np.zeros(len(Wh)),
    )


NESTING = 2000
"""How deep the cache below is wrapped: far beyond what ``copy.deepcopy`` can copy."""


def step_forward_with_a_deeply_nested_cache(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Right next_h, but its cache is wrapped in ``NESTING`` one-item tuples."""
    next_h, cache = step_forward(x, prev_h, Wx, Wh, b, activation)
    for _ in range(NESTING):
        cache = (cache,)
    return next_h, cache


def step_backward_of_a_deeply_nested_cache(dnext_h, cache):
    """Unwraps the cache of ``step_forward_with_a_deeply_nested_cache``, then zeroes what it was given."""
    while isinstance(cache, tuple):
        cache = cache[0]
    return step_backward_zeroing_its_inputs(dnext_h, cache)


rnn_step_backward = step_backward
"""The step backward under its assignment name, as the two callers below find it in a notebook.

Tests rebind it (``monkeypatch.setattr``) to a step backward that changes its arguments.
"""


def gradient_norms_calling_rnn_step_backward(dh_last, cache):
    """Right norms, stepping back with ``rnn_step_backward`` looked up by name; dh_last goes in first."""
    norms, g = np.zeros(len(cache)), dh_last
    for t in range(len(cache) - 1, -1, -1):
        norms[t] = np.linalg.norm(g)
        g = rnn_step_backward(g, cache[t])[1]
    return norms


def sequence_backward_calling_rnn_step_backward(dh, cache):
    """Right BPTT through ``rnn_step_backward`` looked up by name, handing it the caller's step caches."""
    dx, dWx, dWh, db = _zero_gradients(dh, cache)
    carried = np.zeros_like(dh[:, 0])
    for t in range(dh.shape[1] - 1, -1, -1):
        dx[:, t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carried, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, carried, dWx, dWh, db


# --- crashes on edge shapes only: np.squeeze collapses a size of 1 --------------------------------


def forward_squeezing_each_input(x, h0, Wx, Wh, b, activation="tanh"):
    """Squeezes x[:, t] to 'drop the time axis': when D = 1 it drops the feature axis too, and crashes."""
    states, caches, h = [], [], h0
    for t in range(x.shape[1]):
        h, step_cache = step_forward(np.squeeze(x[:, t, :]), h, Wx, Wh, b, activation)
        states.append(h)
        caches.append(step_cache)
    return np.stack(states, axis=1), caches


def backward_reading_sizes_from_a_squeezed_gradient(dh, cache):
    """Reads N and H from np.squeeze(dh[:, 0]): when N = 1 or H = 1 one size is gone, and it crashes."""
    n, hidden = np.squeeze(dh[:, 0]).shape
    return sequence_backward(dh.reshape(n, -1, hidden), cache)


# --- growth_factor ------------------------------------------------------------------------------


def _validated(norms):
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 1 or len(norms) < 2 or not np.all(np.isfinite(norms) & (norms > 0)):
        raise ValueError("need at least two positive, finite norms")
    return norms


def growth_factor_forwards_in_time(norms):
    """Reads the curve forwards, norms[T-1] / norms[0]: the reciprocal of the factor going back."""
    norms = _validated(norms)
    return float(np.exp((np.log(norms[-1]) - np.log(norms[0])) / (len(norms) - 1)))


def growth_factor_with_a_root_too_many(norms):
    """Takes the T-th root of the total change, as if T norms were T steps apart."""
    norms = _validated(norms)
    return float(np.exp((np.log(norms[0]) - np.log(norms[-1])) / len(norms)))


def growth_factor_as_the_arithmetic_mean(norms):
    """Averages the ratios of neighbours instead of taking their geometric mean."""
    norms = _validated(norms)
    return float(np.mean(norms[:-1] / norms[1:]))


def growth_factor_without_the_root(norms):
    """Returns the total change over the curve, not the change per step."""
    norms = _validated(norms)
    return float(norms[0] / norms[-1])


def growth_factor_from_the_ratio(norms):
    """Right formula, but divides the two ends before taking logs: out of range for extreme norms."""
    norms = _validated(norms)
    return float((norms[0] / norms[-1]) ** (1.0 / (len(norms) - 1)))


def growth_factor_without_validation(norms):
    """Right in range, but takes logs of zeros and negatives instead of raising ValueError."""
    norms = np.asarray(norms, dtype=np.float64)
    with np.errstate(all="ignore"):
        return float(np.exp((np.log(norms[0]) - np.log(norms[-1])) / max(len(norms) - 1, 1)))
