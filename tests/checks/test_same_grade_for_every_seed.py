"""The same code earns the same grade under any seed (issue 22, item 4).

Hidden cases are drawn fresh for every grading, so that a submission cannot recognise them; the
draws must still never decide a grade. Every planted mistake, cheap stub and correct alternative
of the suite is graded on its hidden cases under several seeds, and must earn the same points
under each: the edge cases every draw includes and the random cases' sizes and spreads catch a
mistake on every draw or on none.
"""

import pytest
from support import charlm_tables, lstm_tables
from support import cheap_stubs as stub
from support.course_tables import CHARLM_CHECKS, LSTM_CHECKS
from support.rnn_grading import run_check
from support.rnn_tables import ALTERNATIVES, MISTAKES
from support.stub_tables import CHARLM_STUBS, LSTM_STUBS, RNN_STUBS

from autograder.checking.hidden_cases import grading_seed
from autograder.checking.reference import load_reference
from autograder.checks import charlm as charlm_checks
from autograder.checks import lstm as lstm_checks

SEEDS = (1, 7, 2026, 31337)

RNN_CORPUS = {
    **{f"mistake {m.function.__name__}": (m.check, m.replacements) for m in MISTAKES},
    **{
        f"alternative {name}: {check}": (check, functions)
        for name, functions in ALTERNATIVES.items()
        for check in functions
    },
    **{f"stub {name}": entry for name, entry in RNN_STUBS.items()},
}
"""Every rnn function of the suite's corpora, with the check that grades it and what it is graded with."""


def hidden_scores(grade) -> list[float]:
    """The hidden points ``grade()`` earns under each seed."""
    scores = []
    for seed in SEEDS:
        with grading_seed(seed):
            scores.append(grade())
    return scores


@pytest.mark.parametrize("entry", sorted(RNN_CORPUS))
def test_an_rnn_function_earns_the_same_hidden_points_under_every_seed(entry, reference, capsys):
    """Does each planted mistake, stub and alternative of rnn earn the same hidden points whatever the seed?"""
    check, replacements = RNN_CORPUS[entry]
    scores = hidden_scores(lambda: run_check(check, reference, replacements, hidden=True))
    assert len(set(scores)) == 1, dict(zip(SEEDS, scores))
    capsys.readouterr()


LSTM_CORPUS = {
    **{
        f"mistake {function.__name__}": (check, function, None)
        for function, (check, _) in lstm_tables.MISTAKES.items()
    },
    **{
        f"stub {name}": (check, functions[check], functions)
        for name, (check, functions) in LSTM_STUBS.items()
    },
}


@pytest.mark.parametrize("entry", sorted(LSTM_CORPUS))
def test_an_lstm_function_earns_the_same_hidden_points_under_every_seed(entry, capsys):
    """Does each planted mistake and stub of lstm earn the same hidden points whatever the seed?"""
    check, function, functions = LSTM_CORPUS[entry]
    reference = load_reference("lstm")
    if functions is None:
        arguments = [function] + ([lstm_tables.COMPANION[check]] if check in lstm_tables.COMPANION else [])
    else:
        arguments = [functions.get(name, getattr(reference, name)) for name in LSTM_CHECKS[check][0]]
    scores = hidden_scores(lambda: getattr(lstm_checks, check)(*arguments, hidden=True))
    assert len(set(scores)) == 1, dict(zip(SEEDS, scores))
    capsys.readouterr()


def test_a_relu_derivative_that_returns_relu_itself_is_caught_under_every_seed(reference, capsys):
    """Is activation_derivative's ReLU branch returning max(a, 0) caught on every draw (it was not on one in four)?"""

    def relu_itself(a, activation):
        if activation == "relu":
            return stub.zeros_like_input(a) + (a > 0) * a
        return reference.activation_derivative(a, activation)

    scores = hidden_scores(
        lambda: run_check(
            "activation_derivative", reference, {"activation_derivative": relu_itself}, hidden=True
        )
    )
    assert max(scores) < 1, dict(zip(SEEDS, scores))
    capsys.readouterr()


CHARLM_CORPUS = {
    **{
        f"mistake {function.__name__}": (check, function, None)
        for function, (check, _) in charlm_tables.MISTAKES.items()
    },
    **{f"stub {name}": (check, functions[check], functions) for name, (check, functions) in CHARLM_STUBS.items()},
}


@pytest.mark.parametrize("entry", sorted(CHARLM_CORPUS))
def test_a_charlm_function_earns_the_same_hidden_points_under_every_seed(entry, capsys):
    """Does each planted mistake and stub of charlm earn the same hidden points whatever the seed?"""
    check, function, functions = CHARLM_CORPUS[entry]
    reference = load_reference("charlm")
    if functions is None:
        arguments = [function] + ([charlm_tables.COMPANION[check]] if check in charlm_tables.COMPANION else [])
    else:
        arguments = [functions.get(name, getattr(reference, name)) for name in CHARLM_CHECKS[check][0]]
    scores = hidden_scores(lambda: getattr(charlm_checks, check)(*arguments, hidden=True))
    assert len(set(scores)) == 1, dict(zip(SEEDS, scores))
    capsys.readouterr()
