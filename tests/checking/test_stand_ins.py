"""Stand-ins: what the grader lends a student process while it checks a case again, and no longer.

While a case is checked again with the reference standing in for the functions before the checked
one (autograder/checking/inheritance.py), the student process asks the grader for each call of a
stand-in. Those answers exist only for that call: a stand-in kept and called afterwards, a name the
grader did not lend, too many calls or arrays too large end the call, never the grader.
"""

import numpy as np
import pytest

from autograder.calls.check_run import StandIns, standing_in
from autograder.checking.case import SandboxFailure
from autograder.sandbox.process import Cell, Limits, Sandbox

CELLS = [
    Cell("setup", "import numpy as np\nKEPT = []\n"),
    Cell(
        "callee",
        "def rnn_step_forward(x, prev_h, Wx, Wh, b, activation='tanh'):\n    raise NotImplementedError()\n",
    ),
    Cell(
        "caller",
        "def rnn_forward(x, h0, Wx, Wh, b, activation='tanh'):\n"
        "    KEPT.append(rnn_step_forward)\n"
        "    return rnn_step_forward(x[:, 0], h0, Wx, Wh, b, activation)[0]\n"
        "\n"
        "def later(x):\n"
        "    return KEPT[0](x, x, x, x, x)\n"
        "\n"
        "def flood(n):\n"
        "    for _ in range(n):\n"
        "        rnn_step_forward(np.ones((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.ones(1))\n"
        "    return n\n"
        "\n"
        "def huge():\n"
        "    big = np.ones((400, 400))\n"
        "    try:\n"
        "        rnn_step_forward(big, big, big, big, big)\n"
        "    except TypeError as error:\n"
        "        return str(error)\n",
    ),
]


def reference_step(x, prev_h, Wx, Wh, b, activation="tanh"):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h)


def lent() -> StandIns:
    return StandIns({"rnn_step_forward": reference_step}, inside=frozenset({"rnn_step_forward"}))


@pytest.fixture
def sandbox():
    with Sandbox(CELLS, limits=Limits(seconds_per_call=60)) as box:  # 10,000 stand-in calls on a busy machine
        yield box


def test_a_stand_in_answers_while_it_is_lent(sandbox):
    """Does the student's rnn_forward get the reference's step from the grader while the step is lent?"""
    inputs = [np.ones((1, 1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.zeros(1)]
    with standing_in(lent()) as stand_ins:
        h = sandbox.call("rnn_forward", tuple(inputs), {})
    np.testing.assert_allclose(h, np.tanh([[1.0]]))
    assert stand_ins.used == {"rnn_step_forward"}


def test_a_stand_in_kept_for_later_answers_nothing(sandbox):
    """Does calling a kept stand-in after its call is over end that call, saying the grader refused it?"""
    inputs = [np.ones((1, 1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.zeros(1)]
    with standing_in(lent()):
        sandbox.call("rnn_forward", tuple(inputs), {})
    with pytest.raises(SandboxFailure, match="it asked the grader for a call it may not make"):
        sandbox.call("later", (np.ones((1, 1)),), {})


def test_more_calls_than_a_stand_in_allows_end_the_call(sandbox):
    """Are 10,000 calls of a stand-in answered, and the 10,001st refused by ending the call?"""
    with standing_in(lent()):
        assert sandbox.call("flood", (10_000,), {}) == 10_000
        with pytest.raises(SandboxFailure, match="may not make"):
            sandbox.call("flood", (10_001,), {})


def test_arrays_too_large_for_a_stand_in_raise_in_the_students_code(sandbox):
    """Is a stand-in given arrays of 400 x 400 refused with a TypeError the student's code sees?"""
    with standing_in(lent()):
        assert "arguments too large" in sandbox.call("huge", (), {})
