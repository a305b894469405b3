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
