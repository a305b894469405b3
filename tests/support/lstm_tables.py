"""The lstm assignment's planted mistakes: the check each must lose points on, what its message must say, and the forward each backward is graded with."""

from support import buggy_lstm as buggy
from support.course_tables import points

POINTS = points("lstm")


COMPANION = {
    "lstm_step_backward": buggy.step_forward,
    "lstm_backward": buggy.sequence_forward,
    "cell_gradient_norms": buggy.sequence_forward,
}


MISTAKES = {
    buggy.gates_in_pytorch_order: ("lstm_gates", "PyTorch's order"),
    buggy.gates_with_overflowing_sigmoid: ("lstm_gates", "overflow"),
    buggy.step_forward_in_pytorch_order: ("lstm_step_forward", "PyTorch's order"),
    buggy.step_forward_updating_prev_c_in_place: ("lstm_step_forward", "modified its argument `prev_c`"),
    buggy.step_backward_forget_gradient_with_next_c: ("lstm_step_backward", "the *previous* cell"),
    buggy.step_backward_without_tanh_derivative: ("lstm_step_backward", "tanh'(c_t) factor is missing"),
    buggy.step_backward_without_dnext_c: ("lstm_step_backward", "dnext_c is never added"),
    buggy.step_backward_dprev_c_without_forget_gate: ("lstm_step_backward", "missing the factor f"),
    buggy.step_backward_with_db_not_summed_over_batch: ("lstm_step_backward", "sum over the batch"),
    buggy.step_forward_squeezing_the_pre_activation: ("lstm_step_forward", "Failing inputs: N=1, D=3"),
    buggy.backward_reading_sizes_from_a_squeezed_gradient: ("lstm_backward", "Failing inputs: N=2, T=1"),
    buggy.forward_with_cell_starting_at_one: ("lstm_forward", "empty cell c = 0"),
    buggy.forward_ignoring_h0: ("lstm_forward", "from h0"),
    buggy.backward_overwriting_dWh_each_step: ("lstm_backward", "accumulated"),
    buggy.backward_without_gradient_from_next_step: ("lstm_backward", "from step t+1"),
    buggy.backward_without_cell_gradient_from_next_step: ("lstm_backward", "dprev_c as dnext_c"),
    buggy.gradient_norms_without_tanh_route: ("cell_gradient_norms", "(1 - tanh(c_t)**2)"),
    buggy.gradient_norms_of_the_future_part_only: ("cell_gradient_norms", "norms[T-1] is zero"),
    buggy.gradient_norms_in_reverse_order: ("cell_gradient_norms", "reverse order"),
}
