"""The charlm assignment's planted mistakes: the check each must lose points on, what its message must say, and the forward each backward is graded with."""

from support import buggy_charlm as buggy
from support.course_tables import points

POINTS = points("charlm")


COMPANION = {"gru_step_backward": buggy.step_forward, "gru_backward": buggy.sequence_forward}


MISTAKES = {
    buggy.step_forward_in_z_r_order: ("gru_step_forward", "read in the order z, r, n"),
    buggy.step_forward_with_reset_after_product: ("gru_step_forward", "PyTorch's and cuDNN's variant"),
    buggy.step_forward_with_update_gate_swapped: ("gru_step_forward", "z weighs the old state"),
    buggy.step_forward_without_reset: ("gru_step_forward", "never applied"),
    buggy.step_forward_with_overflowing_sigmoid: ("gru_step_forward", "overflow"),
    buggy.step_forward_squeezing_the_input: ("gru_step_forward", "Failing inputs: N=1"),
    buggy.step_backward_candidate_weights_from_prev_h: ("gru_step_backward", "(r * prev_h).T @ da_n"),
    buggy.step_backward_without_reset_factor: ("gru_step_backward", "lacks the factor r"),
    buggy.step_backward_without_direct_route: ("gru_step_backward", "direct route"),
    buggy.step_backward_with_update_gradient_sign: ("gru_step_backward", "wrong sign"),
    buggy.step_backward_without_candidate_tanh_derivative: ("gru_step_backward", "candidate's tanh' is missing"),
    buggy.step_backward_with_db_not_summed_over_batch: ("gru_step_backward", "db"),
    buggy.forward_every_step_from_h0: ("gru_forward", "every step starts from h0"),
    buggy.forward_ignoring_h0: ("gru_forward", "whatever h0 is"),
    buggy.backward_overwriting_weights_each_step: ("gru_backward", "accumulated"),
    buggy.backward_without_gradient_from_next_step: ("gru_backward", "from step t+1"),
    buggy.truncated_counting_from_the_end: ("rnn_backward_truncated", "counted from the end"),
    buggy.truncated_one_step_early: ("rnn_backward_truncated", "one step early"),
    buggy.truncated_ignoring_the_window: ("rnn_backward_truncated", "nothing is cut"),
    buggy.truncated_cutting_every_step: ("rnn_backward_truncated", "as if window were 1"),
    buggy.truncated_dropping_the_window_start: ("rnn_backward_truncated", "first step of each window"),
    buggy.truncated_without_value_error: ("rnn_backward_truncated", "should raise ValueError"),
    buggy.step_clipping_each_array: ("train_step", "clipped to max_norm on its own"),
    buggy.step_without_clipping: ("train_step", "were not clipped"),
    buggy.step_with_loss_summed_over_time: ("train_step", "summed over time"),
    buggy.step_returning_the_norm_after_clipping: ("train_step", "norm after clipping"),
    buggy.step_updating_params_in_place: ("train_step", "modified its argument `params`"),
    buggy.step_returning_the_first_state: ("train_step", "h_last is h[:, 0]"),
}
