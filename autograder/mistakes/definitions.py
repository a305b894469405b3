"""The activations and their slopes by definition: what the diagnoses compute mistaken outputs from."""

import numpy as np


def logistic(a):
    """The logistic function, without overflow."""
    with np.errstate(over="ignore"):
        return np.exp(-np.logaddexp(0.0, -a))


ACTIVATION_FUNCTIONS = {"tanh": np.tanh, "sigmoid": logistic, "relu": lambda a: np.maximum(a, 0.0)}
"""The activations by definition."""

ACTIVATION_SLOPES = {
    "tanh": lambda a: 1.0 - np.tanh(a) ** 2,
    "sigmoid": lambda a: logistic(a) * logistic(-a),
    "relu": lambda a: (a > 0).astype(np.float64),
}
"""The derivative of each activation, by definition."""
