r"""The LSTM's cell-gradient laws, as statements any correct backward pass satisfies.

From $c_t = f_t \odot c_{t-1} + i_t \odot g_t$, one step back along the cell multiplies the
gradient by the forget gate: $\partial L/\partial c_{t-1} = \partial L/\partial c_t \odot f_t$
plus what arrives through $h_{t-1}$. Hence:

* **constant forget gate**: with $i = 0$, $o = 0$ and $f$ constant (zero weights on those blocks,
  the gates set by their biases), the cell path is the only path and
  $\partial L/\partial c_0 = f^T \odot \partial L/\partial c_T$ exactly, after $T$ steps back;
* **the constant error carousel**: with $i = 0$ (so the cell stays empty and $\tanh' = 1$) and
  $f \to 1$ (a forget bias of +30 gives $f = 1 - 10^{-13}$), the gradient reaching $c_t$ from a
  loss on $h_{T-1}$ keeps its norm for any $T$: $\lVert \partial L/\partial c_{T-1-k} \rVert =
  f^k \lVert \partial L/\partial c_{T-1} \rVert$.

The strategies below build inputs for which each law must hold, in gate order i, f, o, g.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.checking.strategies import dimensions, float_arrays, floats
from autograder.checks.rnn_laws import geometric_mismatch, upstream_gradients

CLOSED = -1e3
"""A gate pre-activation whose sigmoid is exactly 0.0: the gate is held shut."""
OPEN_FORGET = 30.0
"""A forget-gate bias whose sigmoid is 1 - 9.4e-14: the cell keeps (almost) everything."""


def _weights_with_fixed_gates(draw, d: int, h: int, biases: dict[int, float]) -> dict[str, np.ndarray]:
    """Random ``Wx (D, 4H)``, ``Wh (H, 4H)`` and ``b (4H,)`` with some gates held constant.

    Each gate block in ``biases`` (0 = i, 1 = f, 2 = o, 3 = g) gets zero weights and that bias,
    so the gate takes the same value at every step.
    """
    weights = {
        "Wx": draw(float_arrays((d, 4 * h), min_value=-1, max_value=1)),
        "Wh": draw(float_arrays((h, 4 * h), min_value=-1, max_value=1)),
        "b": draw(float_arrays((4 * h,), min_value=-1, max_value=1)),
    }
    for block, bias in biases.items():
        columns = slice(block * h, (block + 1) * h)
        weights["Wx"][:, columns] = 0.0
        weights["Wh"][:, columns] = 0.0
        weights["b"][columns] = bias
    return weights


@st.composite
def constant_forget_examples(draw, *, max_steps: int = 12, max_size: int = 4) -> dict:
    """Step inputs with ``i = o = 0`` and a constant forget gate ``f``, an upstream ``dc_T``."""
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    forget = draw(floats(min_value=0.05, max_value=0.99))
    weights = _weights_with_fixed_gates(draw, d, h, {0: CLOSED, 1: np.log(forget / (1 - forget)), 2: CLOSED})
    return {
        "x": draw(float_arrays((n, t, d))),
        "prev_h": draw(float_arrays((n, h))),
        "prev_c": draw(float_arrays((n, h))),
        **weights,
        "dnext_c": draw(upstream_gradients((n, h))),
        "forget": forget,
    }


@st.composite
def carousel_examples(
    draw, *, forget_bias: float | None = None, max_steps: int = 8, max_size: int = 4
) -> dict:
    """Sequences with ``i = 0`` (an empty cell), a constant forget gate and a free output gate.

    ``forget_bias=None`` draws the forget gate in [0.05, 0.99]; a number fixes its bias.
    """
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    if forget_bias is None:
        forget = draw(floats(min_value=0.05, max_value=0.99))
        forget_bias = float(np.log(forget / (1 - forget)))
    weights = _weights_with_fixed_gates(draw, d, h, {0: CLOSED, 1: forget_bias, 3: 0.0})
    return {
        "x": draw(float_arrays((n, t, d))),
        "h0": draw(float_arrays((n, h))),
        **weights,
        "dh_last": draw(upstream_gradients((n, h))),
        "forget": float(1.0 / (1.0 + np.exp(-forget_bias))),
    }


def constant_forget_violation(dprev_c: np.ndarray, dnext_c: np.ndarray, forget: float, steps: int) -> str:
    """Where ``dL/dc_0 == f**T * dL/dc_T`` fails, described; ``""`` when it holds."""
    expected = forget**steps * dnext_c
    if np.allclose(dprev_c, expected, rtol=1e-10, atol=1e-300):
        return ""
    worst = np.unravel_index(np.argmax(np.abs(dprev_c - expected)), expected.shape)
    return (
        f"after {steps} steps back with i = 0, o = 0 and a constant forget gate f = {forget:.6g}, "
        f"dprev_c[{worst[0]}, {worst[1]}] is {dprev_c[worst]:.10g}, but it must be exactly "
        f"f**{steps} * dnext_c = {expected[worst]:.10g}: along the cell each step multiplies by f."
    )


def carousel_violation(norms: np.ndarray, forget: float) -> str:
    """Where ``norms[T-1-k] == forget**k * norms[T-1]`` fails, described; ``""`` when it holds."""
    mismatch = geometric_mismatch(norms, forget)
    if mismatch is None:
        return ""
    k, expected = mismatch
    last = len(norms) - 1
    return (
        f"the cell gradient norm at t = {last - k} is {norms[last - k]:.10g}, but with i = 0 "
        f"(an empty cell) and a constant forget gate f = {forget:.10g} it must be exactly "
        f"f**{k} * norms[{last}] = {expected:.10g}: only the cell path carries the gradient back."
    )
