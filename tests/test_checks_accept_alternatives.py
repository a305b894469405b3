"""Right code earns full marks on the rnn checks, however it is written.

Each alternative in ``alternative_rnn`` is a set of correct functions written differently from
the solutions; it must earn every public and every hidden point of each check whose functions
it implements. A backward pass is always graded with the forward pass of the same set, whose
cache it reads.
"""

import alternative_rnn as alternative
import pytest
from rnn_grading import full_marks, run_check
from test_reference_scores import RNN_CHECKS

ALTERNATIVES = {
    "a sigmoid built with masks and derivatives looked up in a table": {
        "sigmoid": alternative.sigmoid_with_masks,
        "activation_derivative": alternative.activation_derivative_from_a_table,
    },
    "a step backward written as explicit Python loops": {
        "rnn_step_forward": alternative.step_forward_with_tuple_cache,
        "rnn_step_backward": alternative.step_backward_with_loops,
    },
    "a step backward written with np.einsum": {
        "rnn_step_forward": alternative.step_forward_with_tuple_cache,
        "rnn_step_backward": alternative.step_backward_with_einsum,
    },
    "dict caches of hidden states, with f' computed from h": {
        "rnn_step_forward": alternative.step_forward_keeping_h,
        "rnn_step_backward": alternative.step_backward_from_h,
        "rnn_forward": alternative.forward_keeping_states,
        "rnn_backward": alternative.backward_from_states,
        "bptt_gradient_norms": alternative.gradient_norms_from_states,
    },
    "in place only on its own copies (+=, *=, pop() on a copied dict or list), steps called by name": {
        "rnn_step_forward": alternative.step_forward_keeping_h,
        "rnn_step_backward": alternative.step_backward_on_own_copies,
        "rnn_forward": alternative.forward_stepping_by_name,
        "rnn_backward": alternative.backward_accumulating_in_place,
        "bptt_gradient_norms": alternative.gradient_norms_popping_a_copied_cache,
    },
    "a vectorised BPTT that never calls a step backward": {
        "rnn_forward": alternative.forward_with_preactivations,
        "rnn_backward": alternative.backward_vectorised,
        "bptt_gradient_norms": alternative.gradient_norms_vectorised,
    },
    "clipping with np.minimum/np.maximum and a global norm of the concatenated arrays": {
        "clip_by_value": alternative.clip_by_value_with_minimum_maximum,
        "clip_by_norm": alternative.clip_by_norm_with_a_factor,
        "clip_by_global_norm": alternative.clip_by_global_norm_concatenated,
    },
}


def graded_checks(functions: dict) -> list[str]:
    """The checks all of whose student functions the set implements."""
    return [name for name, (needs, _) in RNN_CHECKS.items() if set(needs) <= set(functions)]


CASES = [
    (description, check, hidden)
    for description, functions in ALTERNATIVES.items()
    for check in graded_checks(functions)
    for hidden in (False, True)
]


@pytest.mark.parametrize(
    ("description", "check", "hidden"),
    CASES,
    ids=[f"{check}-{'hidden' if hidden else 'public'}-{description}" for description, check, hidden in CASES],
)
def test_alternative_earns_full_marks(description, check, hidden, reference, capsys):
    """Does a correct implementation written differently earn every point of the check?"""
    score = run_check(check, reference, ALTERNATIVES[description], hidden=hidden)
    out, err = capsys.readouterr()
    assert score == full_marks(check, hidden=hidden), out
    assert "✗" not in out
    assert err == ""


def test_every_function_of_the_assignment_has_an_alternative():
    """Is every check run on at least one alternative implementation?"""
    assert {check for functions in ALTERNATIVES.values() for check in graded_checks(functions)} == set(
        RNN_CHECKS
    )
