"""The rnn assignment's planted mistakes and correct alternatives: what each check must take points from, and what it must accept."""

from dataclasses import dataclass

from support import alternative_rnn as alternative
from support import buggy_rnn as buggy

PUBLIC, BOTH = ("public",), ("public", "hidden")


@dataclass(frozen=True)
class Mistake:
    """A buggy function, the check that must catch it, where it loses points, what the message says."""

    function: object
    check: str
    loses: tuple[str, ...]
    says: str
    companion: dict | None = None

    @property
    def replacements(self) -> dict:
        return {self.check: self.function, **(self.companion or {})}


STEP = {"rnn_step_forward": buggy.step_forward}


SEQUENCE = {"rnn_forward": buggy.sequence_forward}


MISTAKES = [
    Mistake(buggy.sigmoid_that_overflows, "sigmoid", PUBLIC, "overflow"),
    Mistake(
        buggy.tanh_derivative_of_the_hidden_state,
        "activation_derivative",
        BOTH,
        "treating the pre-activation a as if it were h = tanh(a)",
    ),
    Mistake(
        buggy.sigmoid_derivative_of_the_hidden_state,
        "activation_derivative",
        BOTH,
        "as if it were s = sigmoid(a)",
    ),
    Mistake(buggy.relu_derivative_as_booleans, "activation_derivative", PUBLIC, "came back as bool"),
    Mistake(buggy.relu_derivative_one_at_zero, "activation_derivative", PUBLIC, "relu'(0) must be 0"),
    Mistake(
        buggy.activation_derivative_without_value_error,
        "activation_derivative",
        PUBLIC,
        "should raise ValueError",
    ),
    Mistake(buggy.step_forward_without_bias, "rnn_step_forward", BOTH, "the bias is missing"),
    Mistake(
        buggy.step_forward_always_tanh,
        "rnn_step_forward",
        BOTH,
        "you applied tanh, but activation='sigmoid' was asked for",
    ),
    Mistake(
        buggy.step_backward_without_activation_derivative,
        "rnn_step_backward",
        BOTH,
        "the factor f'(a) is missing",
        STEP,
    ),
    Mistake(
        buggy.step_backward_with_derivative_at_next_h,
        "rnn_step_backward",
        BOTH,
        "evaluated at next_h = f(a); evaluate it at the pre-activation a",
        STEP,
    ),
    Mistake(
        buggy.step_backward_with_db_not_summed_over_batch,
        "rnn_step_backward",
        BOTH,
        "Did you forget to sum over the batch",
        STEP,
    ),
    Mistake(
        buggy.step_backward_with_db_averaged_over_batch,
        "rnn_step_backward",
        BOTH,
        "db is the mean of da over the batch; it must be the sum",
        STEP,
    ),
    Mistake(
        buggy.step_backward_with_transposed_dWh,
        "rnn_step_backward",
        BOTH,
        "the transpose of the expected ones",
        STEP,
    ),
    Mistake(
        buggy.step_backward_with_dWh_from_next_h,
        "rnn_step_backward",
        BOTH,
        "dWh was computed from next_h",
        STEP,
    ),
    Mistake(
        buggy.step_backward_with_dprev_h_through_Wh_untransposed,
        "rnn_step_backward",
        BOTH,
        "you multiplied by Wh instead of its transpose",
        STEP,
    ),
    Mistake(buggy.forward_feeding_h0_to_every_step, "rnn_forward", BOTH, "every step starts from h0"),
    Mistake(buggy.forward_returning_time_major_states, "rnn_forward", BOTH, "right axes in the wrong order"),
    Mistake(buggy.backward_overwriting_dWh_each_step, "rnn_backward", BOTH, "accumulated (+=)", SEQUENCE),
    Mistake(
        buggy.backward_without_gradient_from_next_step,
        "rnn_backward",
        BOTH,
        "no gradient flows back from step t+1",
        SEQUENCE,
    ),
    Mistake(
        buggy.backward_running_forward_in_time,
        "rnn_backward",
        BOTH,
        "the gradient from step t+1",
        SEQUENCE,
    ),
    Mistake(buggy.backward_with_zero_dh0, "rnn_backward", BOTH, "dh0 is wrong", SEQUENCE),
    Mistake(buggy.forward_squeezing_each_input, "rnn_forward", BOTH, "D=1, H="),
    Mistake(
        buggy.backward_reading_sizes_from_a_squeezed_gradient,
        "rnn_backward",
        BOTH,
        "Failing inputs: N=1",
        SEQUENCE,
    ),
    Mistake(buggy.gradient_norms_in_reverse_order, "bptt_gradient_norms", BOTH, "reverse order", SEQUENCE),
    Mistake(
        buggy.gradient_norms_shifted_by_one_step,
        "bptt_gradient_norms",
        BOTH,
        "before going back through",
        SEQUENCE,
    ),
    Mistake(
        buggy.gradient_norms_of_pre_activation_gradients,
        "bptt_gradient_norms",
        BOTH,
        "norms[T-1] must be the norm of dh_last itself",
        SEQUENCE,
    ),
    Mistake(
        buggy.gradient_norms_never_stored,
        "bptt_gradient_norms",
        BOTH,
        "must be the norm of dh_last",
        SEQUENCE,
    ),
    Mistake(buggy.growth_factor_forwards_in_time, "growth_factor", BOTH, "going forwards in time"),
    Mistake(buggy.growth_factor_with_a_root_too_many, "growth_factor", BOTH, "not the T-th"),
    Mistake(buggy.growth_factor_as_the_arithmetic_mean, "growth_factor", BOTH, "arithmetic mean"),
    Mistake(buggy.growth_factor_without_the_root, "growth_factor", BOTH, "the total change"),
    Mistake(buggy.growth_factor_from_the_ratio, "growth_factor", PUBLIC, "take logarithms first"),
    Mistake(buggy.growth_factor_without_validation, "growth_factor", PUBLIC, "should raise ValueError"),
    Mistake(
        buggy.clip_by_value_with_inverted_validation,
        "clip_by_value",
        BOTH,
        "raised ValueError",
    ),
    Mistake(buggy.clip_by_value_in_place, "clip_by_value", PUBLIC, "modified its argument `grads` in place"),
    Mistake(buggy.clip_by_value_accepting_zero, "clip_by_value", PUBLIC, "should raise ValueError"),
    Mistake(buggy.clip_by_value_only_above, "clip_by_value", BOTH, "only the upper bound was applied"),
    Mistake(buggy.clip_by_norm_always_rescaling, "clip_by_norm", BOTH, "you rescaled it anyway"),
    Mistake(
        buggy.clip_by_norm_with_the_largest_entry,
        "clip_by_norm",
        BOTH,
        "you measured the norm as the largest absolute entry",
    ),
    Mistake(buggy.clip_by_global_norm_per_array, "clip_by_global_norm", BOTH, "the same factor"),
    Mistake(
        buggy.clip_by_global_norm_returning_clipped_norm,
        "clip_by_global_norm",
        BOTH,
        "the norm after clipping",
    ),
    Mistake(
        buggy.clip_by_global_norm_summing_norms,
        "clip_by_global_norm",
        BOTH,
        "the sum of the arrays' norms",
    ),
]


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
