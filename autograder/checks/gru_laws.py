r"""The GRU's laws, as statements any correct GRU satisfies, with the inputs that exercise them.

With blocks r, z, n, $n = \tanh(x W_x^{(n)} + (r \odot h) W_h^{(n)} + b^{(n)})$ and
$h_t = (1 - z) \odot n + z \odot h_{t-1}$:

* **z = 1 copies the state**: with zero weights on the z block and a bias of +40 ($\sigma(40) = 1$
  in float64), $h_t = h_{t-1}$ exactly; the step's gradient passes through unchanged,
  $\partial L / \partial h_{t-1} = \partial L / \partial h_t$, and every other gradient is 0. Over a
  sequence every state is $h_0$, and $\partial L / \partial h_0 = \sum_t dh_t$.
* **r = 0 removes the state from the candidate**: with zero weights on the r block and a bias of
  $-1000$ ($\sigma(-1000) = 0$), the candidate is $\tanh(x W_x^{(n)} + b^{(n)})$: the step's output
  does not change when the candidate's recurrent weights $W_h^{(n)}$ do.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.checking.strategies import dimensions, float_arrays

OPEN = 40.0
"""A gate bias whose sigmoid is exactly 1.0 in float64."""
SHUT = -1000.0
"""A gate bias whose sigmoid is exactly 0.0 in float64."""


def _weights(draw, d: int, h: int) -> dict[str, np.ndarray]:
    return {
        "Wx": draw(float_arrays((d, 3 * h), min_value=-1, max_value=1)),
        "Wh": draw(float_arrays((h, 3 * h), min_value=-1, max_value=1)),
        "b": draw(float_arrays((3 * h,), min_value=-1, max_value=1)),
    }


def held(weights: dict[str, np.ndarray], block: int, bias: float) -> dict[str, np.ndarray]:
    """``weights`` with block ``block`` (0 = r, 1 = z, 2 = n) given zero weights and the bias ``bias``."""
    h = weights["Wh"].shape[0]
    columns = slice(block * h, (block + 1) * h)
    held = {k: v.copy() for k, v in weights.items()}
    held["Wx"][:, columns] = 0.0
    held["Wh"][:, columns] = 0.0
    held["b"][columns] = bias
    return held


@st.composite
def steps(draw, *, max_size: int = 4) -> dict:
    """Inputs of one GRU step: ``x (N, D)``, ``prev_h (N, H)``, ``Wx (D, 3H)``, ``Wh (H, 3H)``, ``b (3H,)``."""
    n, d, h = (draw(dimensions(max_size=max_size)) for _ in range(3))
    return {"x": draw(float_arrays((n, d))), "prev_h": draw(float_arrays((n, h), min_value=-1, max_value=1)), **_weights(draw, d, h)}


@st.composite
def copying_steps(draw, *, max_size: int = 4) -> dict:
    """One step with z = 1, and an upstream ``dnext_h``."""
    example = draw(steps(max_size=max_size))
    weights = held({k: example[k] for k in ("Wx", "Wh", "b")}, 1, OPEN)
    return {**example, **weights, "dnext_h": draw(float_arrays(example["prev_h"].shape))}


@st.composite
def reset_steps(draw, *, max_size: int = 4) -> dict:
    """One step with r = 0."""
    example = draw(steps(max_size=max_size))
    return {**example, **held({k: example[k] for k in ("Wx", "Wh", "b")}, 0, SHUT)}


@st.composite
def sequences(draw, *, max_steps: int = 6, max_size: int = 4) -> dict:
    """Inputs of ``gru_forward``: ``x (N, T, D)``, ``h0 (N, H)``, ``Wx (D, 3H)``, ``Wh (H, 3H)``, ``b (3H,)``."""
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    return {"x": draw(float_arrays((n, t, d))), "h0": draw(float_arrays((n, h), min_value=-1, max_value=1)), **_weights(draw, d, h)}


@st.composite
def copying_sequences(draw, *, max_steps: int = 12, max_size: int = 4) -> dict:
    """A sequence with z = 1 at every step, and upstream gradients ``dh (N, T, H)``."""
    example = draw(sequences(max_steps=max_steps, max_size=max_size))
    weights = held({k: example[k] for k in ("Wx", "Wh", "b")}, 1, OPEN)
    n, t, _ = example["x"].shape
    return {**example, **weights, "dh": draw(float_arrays((n, t, example["h0"].shape[1])))}


def other_candidate_weights(wh: np.ndarray) -> np.ndarray:
    """``Wh`` with its candidate block replaced by other values (the negation plus one)."""
    h = wh.shape[0]
    other = wh.copy()
    other[:, 2 * h :] = 1.0 - wh[:, 2 * h :]
    return other


def copy_violation(next_h: np.ndarray, prev_h: np.ndarray) -> str:
    """What is wrong with a step whose z = 1, or ''."""
    if np.allclose(next_h, prev_h, rtol=1e-12, atol=1e-12):
        return ""
    worst = np.unravel_index(np.argmax(np.abs(next_h - prev_h)), prev_h.shape)
    return (
        f"with z = 1 (update gate bias +40, its weights 0) next_h must equal prev_h, but at {tuple(map(int, worst))} "
        f"next_h is {next_h[worst]:.8g} and prev_h {prev_h[worst]:.8g}. z weighs the old state: "
        "next_h = (1 - z) * n + z * prev_h."
    )


def reset_violation(next_h: np.ndarray, with_other_weights: np.ndarray) -> str:
    """What is wrong with a step whose r = 0, or '' (its outputs with two different candidate weights)."""
    if np.allclose(next_h, with_other_weights, rtol=1e-12, atol=1e-12):
        return ""
    return (
        "with r = 0 (reset gate bias -1000, its weights 0) the candidate n = tanh(x Wx_n + (r * prev_h) Wh_n + b_n) "
        "cannot depend on Wh_n, but changing Wh[:, 2H:] changed next_h. Apply r to prev_h, and take the "
        "reset gate from block 0 (columns 0:H)."
    )


def copy_gradient_violation(grads: dict, dnext_h: np.ndarray) -> str:
    """What is wrong with a step backward whose z = 1, or ''."""
    if not np.allclose(np.asarray(grads["dprev_h"], dtype=float), dnext_h, rtol=1e-12, atol=1e-12):
        return "with z = 1 the step copies prev_h, so dprev_h must equal dnext_h: the route dnext_h * z."
    for name in ("dx", "dWx", "dWh", "db"):
        if np.any(np.abs(np.asarray(grads[name], dtype=float)) > 1e-12):
            return f"with z = 1 the step ignores x and its weights, so {name} must be 0, but it is not."
    return ""


def sequence_copy_violation(h: np.ndarray, h0: np.ndarray) -> str:
    """What is wrong with a sequence whose z = 1 at every step, or ''."""
    expected = np.broadcast_to(h0[:, None, :], h.shape)
    if np.allclose(h, expected, rtol=1e-12, atol=1e-12):
        return ""
    bad = int(np.argmax(np.any(~np.isclose(h, expected, rtol=1e-12, atol=1e-12), axis=(0, 2))))
    return f"with z = 1 at every step every state must equal h0, but h[:, {bad}] does not."


def summed_gradient_violation(dh0: np.ndarray, dh: np.ndarray) -> str:
    """What is wrong with a sequence backward whose z = 1, or '': dh0 must be the sum of every dh[:, t]."""
    if np.allclose(np.asarray(dh0, dtype=float), dh.sum(axis=1), rtol=1e-10, atol=1e-12):
        return ""
    return (
        "with z = 1 every state is h0, so the loss reaches h0 through every step unchanged: dh0 must be "
        "dh.sum(axis=1). Carry dprev_h back from each step into the one before."
    )
