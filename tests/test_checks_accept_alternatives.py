"""Right code earns full marks on the rnn checks, however it is written.

Each alternative in ``alternative_rnn`` is a set of correct functions written differently from
the solutions; it must earn every public and every hidden point of each check whose functions
it implements. A backward pass is always graded with the forward pass of the same set, whose
cache it reads.
"""

import alternative_rnn as alternative
import pytest
from course_tables import RNN_CHECKS
from rnn_grading import full_marks, run_check

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
    "a growth factor as the mean of the log-ratios of neighbours": {
        "growth_factor": alternative.growth_factor_as_mean_log_ratio,
    },
    "a growth factor in base-2 logarithms, validated entry by entry": {
        "growth_factor": alternative.growth_factor_with_log2,
    },
    "CS231n style: the tanh sigmoid, list caches popped from copies, += on copies, negative time indices": {
        "sigmoid": alternative.tanh_sigmoid,
        "activation_derivative": alternative.relu_derivative_through_a_float32_mask,
        "rnn_step_forward": alternative.step_forward_with_list_cache,
        "rnn_step_backward": alternative.step_backward_popping_a_copy,
        "rnn_forward": alternative.forward_with_a_list_of_list_caches,
        "rnn_backward": alternative.backward_popping_steps_with_negative_indices,
        "bptt_gradient_norms": alternative.gradient_norms_popping_steps,
        "clip_by_value": alternative.clip_by_value_into_copies,
        "clip_by_norm": alternative.clip_by_norm_scaling_a_copy,
        "clip_by_global_norm": alternative.clip_by_global_norm_scaling_copies,
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


def test_float32_arithmetic_loses_the_value_cases_and_says_why(reference, capsys):
    """Does a forward pass computed in float32 lose its value cases, with a message naming float32 precision?

    Values rounded to float32 (7 significant digits) miss the tolerance of 1e-7 relative, and
    centered differences of a float32 forward cannot check a backward pass: the course computes
    in float64, and the message says so (float32 masks, which are exact, earn full marks above).
    """
    score = run_check(
        "rnn_step_forward", reference, {"rnn_step_forward": alternative.step_forward_in_float32}, hidden=False
    )
    out = capsys.readouterr().out
    assert score < full_marks("rnn_step_forward", hidden=False)
    assert "float32" in out, out
