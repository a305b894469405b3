"""Hidden cases: inputs drawn fresh for every grading, from a seed that is recorded to rebuild them.

The package is public, so inputs fixed in it could be recognised by a submission. Instead each
grading has a seed, drawn fresh unless one is given (``AUTOGRADER_SEED``, ``autograder grade
--seed``, or the seed ``autograder audit`` reads back from nbgrader's output). Every hidden case
draws its inputs from a generator made of that seed, the function's name and the case's number,
so the same seed gives the same cases, and a student can rebuild any case that failed::

    from autograder.checking.hidden_cases import inputs
    example = inputs("rnn_backward", 2, seed=1234567)   # {"x": ..., "h0": ..., "dh": ..., ...}

The hidden checks print the seed ("rnn_backward: hidden checks (seed 1234567)"), so nbgrader's
feedback and the isolated grader's results carry it.
"""

import contextlib
import importlib
import os
import secrets
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

import numpy as np

from autograder.checking.case import CheckFailed
from autograder.checking.compare import describe_sizes
from autograder.checking.judging import judge_each
from autograder.student_api import STUDENT_FUNCTIONS

SEED_VARIABLE = "AUTOGRADER_SEED"
"""The environment variable that fixes the seed of every grading (to reproduce one)."""

Builder = Callable[[np.random.Generator, int], dict]
"""``build(rng, case)``: the inputs of one hidden case, drawn from ``rng``."""

_given: ContextVar[int | None] = ContextVar("grading_seed", default=None)
_drawn: dict[str, int] = {}
"""The seed drawn for this process when none is given: a notebook kernel is one grading."""
_builders: dict[str, tuple[Builder, int]] = {}


def seed_from_environment() -> int | None:
    """The seed ``AUTOGRADER_SEED`` gives, or None when it is unset or empty.

    Raises:
        ValueError: when it is set to anything but a non-negative integer.
    """
    text = os.environ.get(SEED_VARIABLE, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{SEED_VARIABLE} must be a non-negative integer, got {text!r}")
    return int(text)


def fresh_seed() -> int:
    """A seed nobody can predict."""
    return secrets.randbelow(2**32)


def current_seed() -> int:
    """The seed of the grading under way: given, else ``AUTOGRADER_SEED``, else drawn once per process."""
    seed = _given.get()
    if seed is None:
        seed = seed_from_environment()
    if seed is None:
        seed = _drawn.setdefault("seed", fresh_seed())
    return seed


@contextlib.contextmanager
def grading_seed(seed: int | None = None) -> Iterator[int]:
    """Within: one grading, whose hidden cases are drawn from ``seed``; yields the seed.

    Args:
        seed: the seed to replay; None draws a fresh one (or takes ``AUTOGRADER_SEED``).
    """
    if seed is None:
        seed = seed_from_environment()
    if seed is None:
        seed = fresh_seed()
    if seed < 0:
        raise ValueError(f"a grading seed must be a non-negative integer, got {seed}")
    token = _given.set(seed)
    try:
        yield seed
    finally:
        _given.reset(token)


def hidden_inputs(function: str, cases: int) -> Callable[[Builder], Builder]:
    """Register ``build(rng, case)`` as the maker of the ``cases`` hidden cases of ``function``."""

    def register(build: Builder) -> Builder:
        _builders[function] = (build, cases)
        return build

    return register


def inputs(function: str, case: int, *, seed: int | None = None) -> dict:
    """The inputs of hidden case ``case`` of ``function`` under ``seed`` (default: this grading's)."""
    if function not in _builders:
        assignment = next((a for a, functions in STUDENT_FUNCTIONS.items() if function in functions), None)
        if assignment is None:
            raise ValueError(f"{function} is not a function of any assignment")
        importlib.import_module(f"autograder.checks.{assignment}")  # a student's copy holds only its own
    build, count = _builders[function]
    if not 0 <= case < count:
        raise ValueError(f"{function} has hidden cases 0 to {count - 1}, not {case}")
    seed = current_seed() if seed is None else seed
    return build(np.random.default_rng([seed, zlib.crc32(function.encode()), case]), case)


def run_hidden_cases(
    function: str, check: Callable[[dict], None], *, part_of: Callable[[dict], str] | None = None
) -> str | None:
    """Run ``check(example)`` on every hidden case of ``function``; a failure says how to rebuild it.

    The message gains the sizes of the inputs and the call that rebuilds them, never the
    expected values. The cases are judged each on its own
    (:func:`autograder.checking.judging.judge_each`, in the parts ``part_of`` tells, e.g. one per
    activation); returns a note when some were set aside.
    """
    seed = current_seed()

    def judge(case: int) -> None:
        example = inputs(function, case, seed=seed)
        try:
            check(example)
        except CheckFailed as failure:
            raise failure.amended(
                f"Failing inputs: {describe_sizes(example)}. Hidden case {case} of this grading "
                f"(seed {seed}): `autograder.checking.hidden_cases.inputs({function!r}, {case}, seed={seed})` "
                "rebuilds them."
            ) from None

    cases = range(_builders[function][1])
    part = (lambda case: part_of(inputs(function, case, seed=seed))) if part_of is not None else None
    return judge_each(((f"hidden case {case}", case) for case in cases), judge, part_of=part)


def sizes(rng: np.random.Generator, maxima: tuple[int, ...], *, edge: bool = False) -> tuple[int, ...]:
    """Array sizes for a hidden case: each drawn in ``[2, maximum]``, or all 1 for an edge case.

    Random sizes start at 2, so that which case meets a size of 1 never depends on the seed:
    :func:`edge_sizes` gives those, in cases of their own.
    """
    return tuple(1 if edge else int(rng.integers(2, max(maximum, 2) + 1)) for maximum in maxima)


def edge_sizes(maxima: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The sizes every function is tried on: all 1, then each size 1 in turn with the others at their maximum.

    ``edge_sizes((3, 4, 5))`` is ``[(1, 1, 1), (1, 4, 5), (3, 1, 5), (3, 4, 1)]``: where ``np.squeeze``,
    an index that drops an axis, or broadcasting give a wrong shape or wrong values.
    """
    return [tuple(1 for _ in maxima)] + [
        tuple(1 if i == j else maximum for j, maximum in enumerate(maxima)) for i in range(len(maxima))
    ]


def signed_spread(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """Normal values of ``scale`` in ``shape``, whose first entries are 0, ``scale`` and ``-scale``.

    Every hidden case then meets zero and both signs, whatever the seed: a ReLU slope of 1 at 0,
    or a formula right for negative values only, cannot slip through on a lucky draw.
    """
    values = rng.normal(scale=scale, size=shape)
    fixed = np.array([0.0, scale, -scale])[: values.size]
    values.flat[: fixed.size] = fixed
    return values
