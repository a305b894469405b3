"""The inputs the vanishing and exploding laws are checked on are fair to every correct implementation."""

import numpy as np
from hypothesis import given, settings

from autograder.checks import rnn_laws as laws


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(laws.vanishing_examples(), laws.exploding_examples())
def test_upstream_gradients_hold_no_entry_whose_square_is_subnormal(vanishing, exploding):
    """An entry near 1e-160 squares below 1e-308, where norms lose digits; the laws' slack is 1e-9."""
    for example in (vanishing, exploding):
        entries = np.abs(example["dh_last"])
        assert np.all((entries == 0) | (entries >= laws.SMALLEST_ENTRY))
        assert np.all(entries <= 2)
