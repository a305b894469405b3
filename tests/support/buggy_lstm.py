"""Plausible wrong student code for the lstm assignment, each function named after its mistake.

Written from scratch for these tests, not copied from the solutions. A buggy function comes
with correct companions it is graded with (``step_forward``, ``sequence_forward``); their cache
is a dict of this module's own design.
"""

import numpy as np

# --- correct building blocks the buggy functions are combined with ---------------------------


def _logistic(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def gates(a):
    """Correct gates in the order i, f, o, g."""
    i, f, o, g = np.split(a, 4, axis=1)
    return _logistic(i), _logistic(f), _logistic(o), np.tanh(g)


def step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Correct step forward; its cache is a dict."""
    i, f, o, g = gates(x @ Wx + prev_h @ Wh + b)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = {"x": x, "h": prev_h, "c": prev_c, "Wx": Wx, "Wh": Wh, "gates": (i, f, o, g), "next_c": next_c}
    return next_h, next_c, cache


def _backward(
    dnext_h, dnext_c, cache, *, tanh_slope=True, with_dnext_c=True, forget_times="c", keep_f=True, sum_db=True
):
    """The step backward; each keyword switches one mistake off (the defaults are correct)."""
    i, f, o, g = cache["gates"]
    tanh_c = np.tanh(cache["next_c"])
    dc = (dnext_c if with_dnext_c else 0.0) + dnext_h * o * ((1.0 - tanh_c**2) if tanh_slope else 1.0)
    cell = cache["c"] if forget_times == "c" else cache["next_c"]
    da = np.hstack(
        [dc * g * i * (1 - i), dc * cell * f * (1 - f), dnext_h * tanh_c * o * (1 - o), dc * i * (1 - g**2)]
    )
    dprev_c = dc * f if keep_f else dc
    return (
        da @ cache["Wx"].T,
        da @ cache["Wh"].T,
        dprev_c,
        cache["x"].T @ da,
        cache["h"].T @ da,
        da.sum(0) if sum_db else da,
    )


def step_backward(dnext_h, dnext_c, cache):
    """Correct step backward for the cache of ``step_forward``."""
    return _backward(dnext_h, dnext_c, cache)


def sequence_forward(x, h0, Wx, Wh, b):
    """Correct sequence forward; its cache is the list of step caches."""
    h, c, states, caches = h0, np.zeros_like(h0), [], []
    for t in range(x.shape[1]):
        h, c, cache = step_forward(x[:, t], h, c, Wx, Wh, b)
        states.append(h)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def _sequence_backward(dh, caches, *, carry_h=True, carry_c=True, accumulate=True):
    n, steps, hidden = dh.shape
    dx = np.zeros((n, steps, caches[0]["x"].shape[1]))
    dWx, dWh, db = 0.0, 0.0, 0.0
    dnext_h, dnext_c = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in reversed(range(steps)):
        dx[:, t], dh_prev, dc_prev, dWx_t, dWh_t, db_t = step_backward(dh[:, t] + dnext_h, dnext_c, caches[t])
        dnext_h = dh_prev if carry_h else 0.0 * dh_prev
        dnext_c = dc_prev if carry_c else 0.0 * dc_prev
        if accumulate:
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        else:
            dWx, dWh, db = dWx_t, dWh_t, db_t
    return dx, dh_prev, dWx, dWh, db


# --- lstm_gates ------------------------------------------------------------------------------


def gates_in_pytorch_order(a):
    """Slices the blocks as PyTorch does, i, f, g, o, instead of the course's i, f, o, g."""
    i, f, g, o = np.split(a, 4, axis=1)
    return _logistic(i), _logistic(f), _logistic(o), np.tanh(g)


def gates_with_overflowing_sigmoid(a):
    """Computes the sigmoid as 1 / (1 + exp(-a)): exp(1000) overflows and warns."""
    i, f, o, g = np.split(a, 4, axis=1)
    return 1 / (1 + np.exp(-i)), 1 / (1 + np.exp(-f)), 1 / (1 + np.exp(-o)), np.tanh(g)


# --- lstm_step_forward -----------------------------------------------------------------------


def step_forward_in_pytorch_order(x, prev_h, prev_c, Wx, Wh, b):
    """Uses gates in PyTorch's order i, f, g, o."""
    i, f, o, g = gates_in_pytorch_order(x @ Wx + prev_h @ Wh + b)
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c, None


def step_forward_updating_prev_c_in_place(x, prev_h, prev_c, Wx, Wh, b):
    """Writes the new cell into the caller's prev_c (prev_c *= f; prev_c += i * g)."""
    i, f, o, g = gates(x @ Wx + prev_h @ Wh + b)
    prev_c *= f
    prev_c += i * g
    return o * np.tanh(prev_c), prev_c, None


# --- lstm_step_backward (graded with step_forward) ---------------------------------------------


def step_backward_forget_gradient_with_next_c(dnext_h, dnext_c, cache):
    """Computes df = dc * c_t, with the new cell, instead of dc * c_{t-1}."""
    return _backward(dnext_h, dnext_c, cache, forget_times="next_c")


def step_backward_without_tanh_derivative(dnext_h, dnext_c, cache):
    """Takes dnext_h * o as the route into c_t, leaving out tanh'(c_t)."""
    return _backward(dnext_h, dnext_c, cache, tanh_slope=False)


def step_backward_without_dnext_c(dnext_h, dnext_c, cache):
    """Never adds dnext_c: the cell gradient only has the route through h_t."""
    return _backward(dnext_h, dnext_c, cache, with_dnext_c=False)


def step_backward_dprev_c_without_forget_gate(dnext_h, dnext_c, cache):
    """Returns dc itself as dprev_c, without the factor f."""
    return _backward(dnext_h, dnext_c, cache, keep_f=False)


def step_backward_with_db_not_summed_over_batch(dnext_h, dnext_c, cache):
    """Returns da, shape (N, 4H), as db."""
    return _backward(dnext_h, dnext_c, cache, sum_db=False)


# --- lstm_forward ----------------------------------------------------------------------------


def forward_with_cell_starting_at_one(x, h0, Wx, Wh, b):
    """Starts the cell at c = 1 instead of the empty cell c = 0."""
    h, c, states = h0, np.ones_like(h0), []
    for t in range(x.shape[1]):
        h, c, _ = step_forward(x[:, t], h, c, Wx, Wh, b)
        states.append(h)
    return np.stack(states, axis=1), None


def forward_ignoring_h0(x, h0, Wx, Wh, b):
    """Starts from a zero hidden state whatever h0 is."""
    return sequence_forward(x, np.zeros_like(h0), Wx, Wh, b)


# --- lstm_backward (graded with sequence_forward) ----------------------------------------------


def backward_overwriting_dWh_each_step(dh, cache):
    """Assigns the weight gradients of each step instead of accumulating them."""
    return _sequence_backward(dh, cache, accumulate=False)


def backward_without_gradient_from_next_step(dh, cache):
    """Feeds dh[:, t] alone to each step: nothing flows back from step t+1."""
    return _sequence_backward(dh, cache, carry_h=False, carry_c=False)


def backward_without_cell_gradient_from_next_step(dh, cache):
    """Carries dprev_h back but restarts every step with dnext_c = 0."""
    return _sequence_backward(dh, cache, carry_c=False)


# --- cell_gradient_norms (graded with sequence_forward) ----------------------------------------


def _norms(dh_last, caches, total):
    norms, dnext_h, dnext_c = np.zeros(len(caches)), dh_last, np.zeros_like(dh_last)
    for t in reversed(range(len(caches))):
        norms[t] = np.linalg.norm(total(dnext_h, dnext_c, caches[t]))
        _, dnext_h, dnext_c, _, _, _ = step_backward(dnext_h, dnext_c, caches[t])
    return norms


def gradient_norms_without_tanh_route(dh_last, cache):
    """Takes dnext_c + dnext_h * o as dL/dc_t, leaving out tanh'(c_t)."""
    return _norms(dh_last, cache, lambda dh, dc, step: dc + dh * step["gates"][2])


def gradient_norms_of_the_future_part_only(dh_last, cache):
    """Takes the norm of dnext_c alone, never adding the route through h_t."""
    return _norms(dh_last, cache, lambda dh, dc, step: dc)


def gradient_norms_in_reverse_order(dh_last, cache):
    """Lists the norms from the last step to the first."""
    slope = lambda step: 1 - np.tanh(step["next_c"]) ** 2  # noqa: E731
    return _norms(dh_last, cache, lambda dh, dc, step: dc + dh * step["gates"][2] * slope(step))[::-1]


# --- purity: right values, an argument changed in place ----------------------------------------


def step_backward_adding_into_dnext_c(dnext_h, dnext_c, cache):
    """Right gradients, but ``dnext_c += ...`` (the common CS231n idiom) writes into the caller's dnext_c."""
    i, f, o, g = cache["gates"]
    tanh_c = np.tanh(cache["next_c"])
    dnext_c += dnext_h * o * (1.0 - tanh_c**2)
    da = np.hstack(
        [dnext_c * g * i * (1 - i), dnext_c * cache["c"] * f * (1 - f), dnext_h * tanh_c * o * (1 - o)]
        + [dnext_c * i * (1 - g**2)]
    )
    dx, dprev_h, dWx, dWh, db = (
        da @ cache["Wx"].T,
        da @ cache["Wh"].T,
        cache["x"].T @ da,
        cache["h"].T @ da,
        da.sum(0),
    )
    return dx, dprev_h, dnext_c * f, dWx, dWh, db


# --- crashes on edge shapes only: np.squeeze collapses a size of 1 --------------------------------


def step_forward_squeezing_the_pre_activation(x, prev_h, prev_c, Wx, Wh, b):
    """Squeezes the pre-activation 'to be safe': when N = 1 it becomes 1-D and the gate slicing crashes."""
    i, f, o, g = gates(np.squeeze(x @ Wx + prev_h @ Wh + b))
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c, None


def backward_reading_sizes_from_a_squeezed_gradient(dh, cache):
    """Reads T and H from np.squeeze(dh[0]): when T = 1 or H = 1 one size is gone, and it crashes."""
    steps, hidden = np.squeeze(dh[0]).shape
    return _sequence_backward(dh.reshape(-1, steps, hidden), cache)
