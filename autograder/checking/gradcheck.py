r"""Numerical gradients by centered differences, and the relative error used to compare them.

For a scalar function $f$ and a small step $\varepsilon$, the centered difference

$$\frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}$$

has an error of order $\varepsilon^2$ (the one-sided difference is only of order $\varepsilon$).
In float64 with $\varepsilon = 10^{-6}$ the total error, truncation plus rounding, is around
$10^{-9}$ relative to the gradient: a correct backward pass agrees with it to about eight digits,
and a wrong one typically disagrees in the first.
"""

from collections.abc import Callable, Iterable, Iterator

import numpy as np

EPS = 1e-6


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, *, eps: float = EPS) -> np.ndarray:
    r"""Gradient of the scalar function ``f`` at ``x`` by centered differences.

    Args:
        f: maps an array shaped like ``x`` to a float. It receives a perturbed copy, never ``x``.
        x: the point, a float array of any shape.
        eps: the step $\varepsilon$.

    Returns:
        Array shaped like ``x``; entry $i$ is
        $(f(x + \varepsilon e_i) - f(x - \varepsilon e_i)) / 2\varepsilon$.
    """
    return central_difference_of_values(map(f, perturbed(x, eps=eps)), np.shape(x), eps=eps)


def perturbed(x: np.ndarray, *, eps: float = EPS) -> Iterator[np.ndarray]:
    r"""The points centered differences evaluate, in order: $x + \varepsilon e_0$, $x - \varepsilon e_0$, $x + \varepsilon e_1$, ...

    Each is a new float64 array; ``x`` is never changed.
    """
    x = np.array(x, dtype=np.float64)
    flat = x.reshape(-1)
    for i in range(flat.size):
        for step in (eps, -eps):
            point = x.copy()
            point.reshape(-1)[i] = flat[i] + step
            yield point


def central_difference_of_values(values: Iterable[float], shape: tuple[int, ...], *, eps: float = EPS) -> np.ndarray:
    r"""The centered-difference gradient from the values of $f$ at the points of :func:`perturbed`, in order.

    ``values`` is consumed lazily, two values per entry, ``prod(shape)`` entries: a shared
    iterator can hold the values of several arrays one after the other.
    """
    values = iter(values)
    gradient = np.zeros(shape, dtype=np.float64)
    flat = gradient.reshape(-1)
    for i in range(flat.size):
        f_plus = next(values)
        f_minus = next(values)
        flat[i] = (f_plus - f_minus) / (2 * eps)
    return gradient


def relative_error(analytic: np.ndarray, numeric: np.ndarray, *, floor: float = 1e-12) -> float:
    r"""Relative error of two gradients as whole arrays: $\lVert a - n \rVert / (\lVert a \rVert + \lVert n \rVert)$.

    Measured over the whole array rather than entry by entry, so that entries that are nearly
    zero (where rounding dominates) cannot make a correct gradient look wrong. The ``floor``
    keeps two zero gradients from dividing by zero: they count as equal.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    scale = max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), floor)
    return float(np.linalg.norm(analytic - numeric) / scale)


def linear_loss(outputs: tuple[np.ndarray, ...], upstream: tuple[np.ndarray, ...]) -> float:
    r"""$L = \sum_k \langle u_k, y_k \rangle$, whose gradient with respect to output $y_k$ is $u_k$.

    A backward pass called with upstream gradients ``upstream`` must return the gradients of
    exactly this loss, which makes it the right function to differentiate numerically.
    """
    return float(sum(np.sum(u * np.asarray(y, dtype=np.float64)) for u, y in zip(upstream, outputs)))
