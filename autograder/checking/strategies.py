"""Hypothesis strategies for the checks: small shapes, bounded values, deterministic runs.

Strategies are plural nouns, with the core arguments first and bounds as keyword-only
``min_``/``max_`` pairs, as in ``hypothesis.extra.numpy``.
"""

import functools

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import strategies as st

GRADING_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=12,
    phases=[phase for phase in Phase if phase is not Phase.explain],
    print_blob=False,
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
    verbosity=Verbosity.quiet,
)
"""Every property check runs with these: same examples on every run, no timing flakiness.

No explain phase: it reruns a failing statement many times over to annotate the counterexample,
which multiplies the time a failing case takes by ten, and the annotation is never shown.

Budgets: 12 examples a property unless its check says otherwise (5 to 10 for the costlier
statements). Half the budgets of before (25, 20, 15, 10) fail exactly the same cases for every
planted mistake, cheap stub and alternative of the tests, and a fifth of them no longer does
(``benchmarks/property_budgets.py`` compares any two).
"""


def _validate_bounds(name: str, min_value: float, max_value: float) -> None:
    if not min_value <= max_value:
        raise ValueError(f"{name}: min_value={min_value} must not exceed max_value={max_value}")


def floats(*, min_value: float = -3.0, max_value: float = 3.0) -> st.SearchStrategy[float]:
    """Finite float64 values in ``[min_value, max_value]``."""
    _validate_bounds("floats", min_value, max_value)
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False, width=64)


@functools.lru_cache(maxsize=1024)
def float_arrays(
    shape: tuple[int, ...], *, min_value: float = -3.0, max_value: float = 3.0
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of the given shape with entries in ``[min_value, max_value]``.

    One strategy per shape and bounds, made once: composite strategies draw the shape first and
    ask for the arrays of that shape in every example, and a strategy made anew would work out
    its properties and validate itself again each time (a third of the time spent drawing).
    """
    _validate_bounds("float_arrays", min_value, max_value)
    return hnp.arrays(np.float64, shape, elements=floats(min_value=min_value, max_value=max_value))


def dimensions(*, min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[int]:
    """Array dimensions (batch size, feature sizes, sequence lengths)."""
    _validate_bounds("dimensions", min_size, max_size)
    return st.integers(min_size, max_size)


def array_shapes(*, min_dims: int = 1, max_dims: int = 3, max_side: int = 5) -> st.SearchStrategy:
    """Shapes of arrays that elementwise functions must accept."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


@st.composite
def rnn_sequences(
    draw,
    *,
    activations: tuple[str, ...] = ("tanh", "sigmoid", "relu"),
    max_steps: int = 6,
    max_size: int = 4,
) -> dict:
    """Inputs of ``rnn_forward``: ``x (N, T, D)``, ``h0 (N, H)``, ``Wx``, ``Wh``, ``b``, ``activation``."""
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    return {
        "x": draw(float_arrays((n, t, d))),
        "h0": draw(float_arrays((n, h))),
        "Wx": draw(float_arrays((d, h), min_value=-1, max_value=1)),
        "Wh": draw(float_arrays((h, h), min_value=-1, max_value=1)),
        "b": draw(float_arrays((h,), min_value=-1, max_value=1)),
        "activation": draw(st.sampled_from(activations)),
    }


@st.composite
def lstm_sequences(draw, *, max_steps: int = 6, max_size: int = 4) -> dict:
    """Inputs of ``lstm_forward``: ``x (N, T, D)``, ``h0 (N, H)``, ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)``."""
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    return {
        "x": draw(float_arrays((n, t, d))),
        "h0": draw(float_arrays((n, h))),
        "Wx": draw(float_arrays((d, 4 * h), min_value=-1, max_value=1)),
        "Wh": draw(float_arrays((h, 4 * h), min_value=-1, max_value=1)),
        "b": draw(float_arrays((4 * h,), min_value=-1, max_value=1)),
    }


@st.composite
def gradient_dicts(draw, *, max_arrays: int = 3, min_value: float = -10.0, max_value: float = 10.0) -> dict:
    """Gradient sets as the clipping functions take them: ``{name: float array}``."""
    names = draw(
        st.lists(st.sampled_from(["Wx", "Wh", "b", "Wy", "by"]), min_size=1, max_size=max_arrays, unique=True)
    )
    return {
        name: draw(
            float_arrays(draw(array_shapes(max_dims=2, max_side=4)), min_value=min_value, max_value=max_value)
        )
        for name in names
    }


def positive_thresholds(*, min_value: float = 1e-3, max_value: float = 20.0) -> st.SearchStrategy[float]:
    """Values of ``clip_value`` and ``max_norm``."""
    _validate_bounds("positive_thresholds", min_value, max_value)
    return floats(min_value=min_value, max_value=max_value)
