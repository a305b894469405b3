"""The vanishing and exploding gradient laws, as statements any correct BPTT satisfies.

For a loss on the last hidden state, one step back multiplies the gradient by
$\\operatorname{diag}(f'(a_t))\\,W_h^\\top$, whose norm is at most $\\gamma\\,\\sigma_{\\max}(W_h)$
(Pascanu, Mikolov and Bengio, 2013). Hence, with $\\rho = \\gamma\\,\\sigma_{\\max}(W_h)$:

* **vanishing**: $\\lVert g_{T-1-k} \\rVert \\le \\rho^k \\lVert g_{T-1} \\rVert$ for every $k$;
* **exploding**: with ReLU, positive pre-activations ($f' = 1$) and $W_h = sP$ for a permutation
  matrix $P$, each step multiplies by the orthogonal $sP^\\top$, so
  $\\lVert g_{T-1-k} \\rVert = s^k \\lVert g_{T-1} \\rVert$ exactly.

The strategies below build inputs for which each law must hold; the ``*_violation`` functions
return a description of the first time step that breaks it, or ``""``.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.checking.strategies import dimensions, float_arrays, floats

GAMMA = {"tanh": 1.0, "sigmoid": 0.25}
RELATIVE_SLACK = 1e-9
SMALLEST_ENTRY = 1e-3


def upstream_gradients(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    """``dh_last`` for the laws: entries in [-2, 2], those below ``SMALLEST_ENTRY`` in size set to 0, never all 0.

    An entry near 1e-160 squares into the subnormal range, where a norm keeps only a few digits:
    no correct implementation could meet the laws' relative slack of 1e-9 on it. A gradient of
    zeros would make every law hold for any function that returns zeros: its first entry is 1 then.
    """
    return float_arrays(shape, min_value=-2, max_value=2).map(_never_all_zero)


def _never_all_zero(values: np.ndarray) -> np.ndarray:
    values = np.where(np.abs(values) < SMALLEST_ENTRY, 0.0, values)
    if not np.any(values):
        values.flat[0] = 1.0
    return values


@st.composite
def vanishing_examples(draw, *, max_steps: int = 8, max_size: int = 4) -> dict:
    """Tanh or sigmoid sequences whose ``Wh`` is scaled so that gamma * sigma_max(Wh) = rho < 1."""
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    activation = draw(st.sampled_from(sorted(GAMMA)))
    rho = draw(floats(min_value=0.2, max_value=0.95))
    direction = draw(float_arrays((h, h), min_value=-1, max_value=1))
    sigma_max = np.linalg.norm(direction, 2)
    if sigma_max < 1e-3:
        direction, sigma_max = np.eye(h), 1.0
    return {
        "x": draw(float_arrays((n, t, d))),
        "h0": draw(float_arrays((n, h))),
        "Wx": draw(float_arrays((d, h), min_value=-1, max_value=1)),
        "Wh": direction * (rho / (GAMMA[activation] * sigma_max)),
        "b": draw(float_arrays((h,), min_value=-1, max_value=1)),
        "activation": activation,
        "dh_last": draw(upstream_gradients((n, h))),
        "rho": rho,
    }


@st.composite
def exploding_examples(draw, *, max_steps: int = 8, max_size: int = 4) -> dict:
    """ReLU sequences with non-negative inputs and weights, ``b > 0`` and ``Wh = s * P``."""
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    scale = draw(floats(min_value=0.5, max_value=3.0))
    permutation = np.eye(h)[draw(st.permutations(range(h)))]
    return {
        "x": draw(float_arrays((n, t, d), min_value=0, max_value=1)),
        "h0": draw(float_arrays((n, h), min_value=0, max_value=1)),
        "Wx": draw(float_arrays((d, h), min_value=0, max_value=1)),
        "Wh": scale * permutation,
        "b": draw(float_arrays((h,), min_value=0.1, max_value=1)),
        "activation": "relu",
        "dh_last": draw(upstream_gradients((n, h))),
        "scale": scale,
    }


def vanishing_violation(norms: np.ndarray, rho: float) -> str:
    """Where ``norms[T-1-k] <= beta**k * norms[T-1]`` (``rho`` is beta here) fails, described; ``""`` when it holds."""
    last = len(norms) - 1
    for k in range(len(norms)):
        bound = rho**k * norms[last]
        if norms[last - k] > bound * (1 + RELATIVE_SLACK) + 1e-300:
            return (
                f"the gradient norm at t = {last - k} is {norms[last - k]:.6g}, above the bound "
                f"beta**{k} * norms[{last}] = {bound:.6g} (beta = gamma * sigma_max(Wh) = {rho:.4g}), which no correct "
                "backward pass can exceed."
            )
    return ""


def geometric_mismatch(norms: np.ndarray, ratio: float) -> tuple[int, float] | None:
    """The first ``k`` where ``norms[T-1-k] == ratio**k * norms[T-1]`` fails, with that expected value.

    Equality holds up to a relative ``RELATIVE_SLACK``; ``None`` when it holds for every ``k``.
    """
    last = len(norms) - 1
    for k in range(len(norms)):
        expected = ratio**k * norms[last]
        if abs(norms[last - k] - expected) > RELATIVE_SLACK * expected + 1e-300:
            return k, expected
    return None


def exploding_violation(norms: np.ndarray, scale: float) -> str:
    """Where ``norms[T-1-k] == scale**k * norms[T-1]`` fails, described; ``""`` when it holds."""
    mismatch = geometric_mismatch(norms, scale)
    if mismatch is None:
        return ""
    k, expected = mismatch
    last = len(norms) - 1
    return (
        f"the gradient norm at t = {last - k} is {norms[last - k]:.10g}, but with ReLU, "
        f"positive states and Wh = {scale:.4g} * P it must be exactly "
        f"{scale:.4g}**{k} * norms[{last}] = {expected:.10g}."
    )
