"""Code with no implementation in it: the cheapest values that the properties of each check accept.

Each stub returns values of the right type and shape and nothing else: zeros, a constant, its
input unchanged, a norm array that only holds the norm of the upstream gradient. Properties such
as shapes, ranges, causality, purity, "norm <= max_norm" or "f**k times the last norm" hold for
some of them; none of them computes anything the function is for.
"""

import numpy as np


def zeros_like_input(x, *args):
    """sigmoid, activation_derivative, lstm_gates' blocks, clip_by_norm: zeros shaped like the input."""
    return np.zeros_like(np.asarray(x, dtype=np.float64))


def one_half(x):
    """sigmoid: the constant 1/2, which is in [0, 1] and symmetric: sigmoid(x) + sigmoid(-x) = 1."""
    return np.full_like(np.asarray(x, dtype=np.float64), 0.5)


def identity(grad, max_norm):
    """clip_by_norm: the input back, unchanged."""
    return np.array(grad, dtype=np.float64)


def zero_dict(grads, threshold):
    """clip_by_value: zeros for every array."""
    return {key: np.zeros_like(value) for key, value in grads.items()}


def zero_dict_and_norm(grads, max_norm):
    """clip_by_global_norm: zeros for every array and a global norm of 0."""
    return zero_dict(grads, max_norm), 0.0


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh"):
    """Zeros of shape (N, H); the inputs as the cache."""
    return np.zeros(prev_h.shape), (x, prev_h, Wx, Wh, b)


def rnn_step_backward(dnext_h, cache):
    """Zero gradients shaped like the cached inputs."""
    return tuple(np.zeros_like(value) for value in cache)


def rnn_forward(x, h0, Wx, Wh, b, activation="tanh"):
    """Zeros of shape (N, T, H); the inputs as the cache."""
    return np.zeros((*x.shape[:2], h0.shape[1])), (x, h0, Wx, Wh, b)


def rnn_backward(dh, cache):
    """Zero gradients shaped like the cached inputs."""
    return tuple(np.zeros_like(value) for value in cache)


def norms_of_the_last_step_only(dh_last, cache):
    """bptt_gradient_norms, cell_gradient_norms: zeros, but the norm of dh_last at t = T-1."""
    norms = np.zeros(len(cache))
    norms[-1] = np.linalg.norm(dh_last)
    return norms


def lstm_gates(a):
    """Four zero gates of shape (N, H)."""
    zeros = np.zeros((a.shape[0], a.shape[1] // 4))
    return zeros, zeros.copy(), zeros.copy(), zeros.copy()


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Zero next_h and next_c; the inputs as the cache."""
    return np.zeros(prev_h.shape), np.zeros(prev_c.shape), (x, prev_h, prev_c, Wx, Wh, b)


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Zero gradients shaped like the cached inputs."""
    return tuple(np.zeros_like(value) for value in cache)


lstm_forward = rnn_forward
lstm_backward = rnn_backward


def gru_step_forward_copying(x, prev_h, Wx, Wh, b):
    """prev_h back unchanged, which is what z = 1 and r = 0 ask; the inputs as the cache."""
    return np.array(prev_h, dtype=np.float64), (x, prev_h, Wx, Wh, b)


def gru_step_backward_passing_through(dnext_h, cache):
    """dprev_h = dnext_h (the z = 1 route) and zeros for everything else."""
    x, prev_h, Wx, Wh, b = cache
    return np.zeros(np.shape(x)), np.array(dnext_h, dtype=np.float64), np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(b.shape)


def gru_forward_copying(x, h0, Wx, Wh, b):
    """Every state h0 (what z = 1 asks); the inputs as the cache."""
    n, t, _ = np.shape(x)
    return np.broadcast_to(h0[:, None, :], (n, t, h0.shape[1])).copy(), (x, h0, Wx, Wh, b)


def gru_backward_summing(dh, cache):
    """dh0 = dh.sum(axis=1) (the z = 1 law) and zeros for everything else."""
    x, h0, Wx, Wh, b = cache
    return np.zeros(np.shape(x)), np.asarray(dh).sum(axis=1), np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(b.shape)


def rnn_backward_truncated_zeros(dh, cache, window):
    """Zeros of every gradient's shape, which add up over windows as the truncation law asks."""
    return (
        np.zeros(cache["x"].shape),
        np.zeros(cache["h0"].shape),
        np.zeros(cache["Wx"].shape),
        np.zeros(cache["Wh"].shape),
        np.zeros(cache["Wh"].shape[0]),
    )


def train_step_unchanged(params, batch, h0, lr, max_norm, window):
    """The parameters unchanged, h0 as the last state, the loss log V and a global norm of 0."""
    new_params = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
    return new_params, np.array(h0, dtype=np.float64), float(np.log(params["Wy"].shape[1])), 0.0
