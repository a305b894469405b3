"""A function must be implemented to earn the points of its properties.

Each property a constant, zero or unchanged output satisfies (shapes, ranges, causality, purity,
clipping invariants, the gradient laws) is paired with a statement it does not satisfy, so the
stubs of ``cheap_stubs`` earn nothing, public or hidden (only the ValueError cases, which check
validation the stubs do not have, could have been earned, and are not; the purity case is earned
only together with a case that judges values).
"""

import pytest
from support.course_tables import CHARLM_CHECKS, LSTM_CHECKS, RNN_CHECKS
from support.stub_tables import CHARLM_STUBS, LSTM_STUBS, RNN_STUBS

from autograder.checks import charlm as charlm_checks
from autograder.checks import lstm as lstm_checks
from autograder.checks import rnn as rnn_checks


def run(checks, table, name, reference, replacements, *, hidden):
    functions, _ = table[name]
    return getattr(checks, name)(
        *(replacements.get(f, getattr(reference, f, None)) for f in functions), hidden=hidden
    )


@pytest.mark.parametrize("stub_name", sorted(RNN_STUBS))
def test_rnn_stubs_earn_nothing(stub_name, reference, capsys):
    """Does a stub returning only what the properties accept score 0, public and hidden?"""
    check, replacements = RNN_STUBS[stub_name]
    for hidden in (False, True):
        score = run(rnn_checks, RNN_CHECKS, check, reference, replacements, hidden=hidden)
        assert score == 0.0, capsys.readouterr().out
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("stub_name", sorted(LSTM_STUBS))
def test_lstm_stubs_earn_nothing(stub_name, capsys):
    """Does an lstm stub returning only what the properties accept score 0, public and hidden?"""
    from autograder.checking.reference import load_reference

    check, replacements = LSTM_STUBS[stub_name]
    for hidden in (False, True):
        score = run(lstm_checks, LSTM_CHECKS, check, load_reference("lstm"), replacements, hidden=hidden)
        assert score == 0.0, capsys.readouterr().out
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("stub_name", sorted(CHARLM_STUBS))
def test_charlm_stubs_earn_nothing(stub_name, capsys):
    """Does a charlm stub returning only what its laws accept (a copy of the state, zeros) score 0, public and hidden?"""
    from autograder.checking.reference import load_reference

    check, replacements = CHARLM_STUBS[stub_name]
    for hidden in (False, True):
        score = run(charlm_checks, CHARLM_CHECKS, check, load_reference("charlm"), replacements, hidden=hidden)
        assert score == 0.0, capsys.readouterr().out
    assert capsys.readouterr().err == ""
