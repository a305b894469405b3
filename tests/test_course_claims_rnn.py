"""Every claim the rnn notebook and its mark schemes make about an experiment holds on its numbers.

The solution notebook is executed once per session (``solution_run``); its experiments leave
their results in named variables, read back here. Each test quotes the claim it checks. When an
edit of a notebook makes its text and its data disagree, one of these fails.
"""

import math

import numpy as np
import pytest

GAMMA = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
BASELINE = 1 / 3


@pytest.fixture(scope="module")
def rnn(solution_run):
    return solution_run("rnn").values


def factor(rnn, activation, scale):
    return rnn["factors"][str((activation, scale))]


def span(rnn, activation, scale):
    """norms[0] / norms[T-1]: the change of the gradient over the whole sequence, going back."""
    norms = rnn["curves"][str((activation, scale))]
    return norms[0] / norms[-1]


def test_every_measured_curve_stays_below_its_bound(rnn):
    """'Every measured curve stays below its dotted bound': norms[T-1-k] <= (gamma s)^k norms[T-1]?"""
    for activation in GAMMA:
        for scale in rnn["scales"]:
            norms = np.array(rnn["curves"][str((activation, scale))])
            k = np.arange(len(norms))
            bound = norms[-1] * (GAMMA[activation] * scale) ** k
            assert np.all(norms[::-1] <= bound * (1 + 1e-9)), (activation, scale)


def test_sigmoid_falls_at_every_scale_even_where_the_bound_is_flat(rnn):
    """'Every [sigmoid] curve falls. Even at s = 4 ... about 0.64 per step' (and 0.11, 0.21, 0.30 in Question 1)?"""
    assert all(factor(rnn, "sigmoid", s) < 1 for s in rnn["scales"])
    for scale, quoted in [(4.0, 0.64), (0.5, 0.11), (1.0, 0.21), (1.5, 0.30)]:
        assert factor(rnn, "sigmoid", scale) == pytest.approx(quoted, abs=0.01)


def test_tanh_falls_up_to_scale_one_and_a_half_and_grows_above(rnn):
    """tanh: about 0.6 at s = 1, to about 1e-12; falls at s = 1.5; grows a few percent at s = 2; > 1.4 and about 1e9 at s = 4?"""
    assert factor(rnn, "tanh", 1.0) == pytest.approx(0.62, abs=0.02)
    assert 1e-13 < span(rnn, "tanh", 1.0) < 1e-11
    assert factor(rnn, "tanh", 1.5) == pytest.approx(0.86, abs=0.01)
    assert 1.0 < factor(rnn, "tanh", 2.0) < 1.1
    assert factor(rnn, "tanh", 4.0) > 1.4
    assert 1e8 < span(rnn, "tanh", 4.0) < 1e10
    assert factor(rnn, "tanh", 0.5) == pytest.approx(0.33, abs=0.01)


def test_tanh_falls_more_slowly_than_sigmoid_and_only_tanh_rises(rnn):
    """Question 1: 'at equal s tanh falls more slowly; from s = 2 on the tanh curves rise while every sigmoid curve falls'?"""
    for scale in rnn["scales"]:
        assert factor(rnn, "tanh", scale) > factor(rnn, "sigmoid", scale)
        assert (factor(rnn, "tanh", scale) > 1) == (scale >= 2)


def test_relu_falls_at_scale_one_is_level_at_one_and_a_half_and_grows_by_less_than_the_scale(rnn):
    """relu: 'falls at s <= 1, stays roughly level at s = 1.5 and grows at s >= 2, by less than s per step'?"""
    for scale in rnn["scales"]:
        f = factor(rnn, "relu", scale)
        if scale <= 1:
            assert f < 1
        elif scale == 1.5:
            assert f == pytest.approx(1.0, abs=0.05)
        else:
            assert 1 < f < scale


def test_the_prediction_s_times_rms_slope_is_within_ten_percent(rnn):
    """2.6: 's rms(f') agrees with the measured factor to within 10 percent for all three activations'?"""
    for activation in GAMMA:
        for scale in rnn["scales"]:
            key = str((activation, scale))
            assert rnn["factors"][key] == pytest.approx(rnn["predicted"][key], rel=0.1), key


def test_relu_vanishes_at_scale_one_and_explodes_by_about_two_point_seven_at_four(rnn):
    """2.6 and Question 3: ReLU at s = 1 about 0.67, below 1e-10 after 59 steps, half the units off; at s = 4 about 2.7?"""
    assert factor(rnn, "relu", 1.0) == pytest.approx(0.67, abs=0.02)
    assert span(rnn, "relu", 1.0) < 1e-10
    active = (rnn["predicted"][str(("relu", 1.0))] / 1.0) ** 2
    assert 0.35 < active < 0.65
    assert factor(rnn, "relu", 4.0) == pytest.approx(2.7, abs=0.05)


def test_the_non_normal_matrix_grows_for_a_few_steps_and_then_vanishes_like_its_eigenvalues(rnn):
    """2.6: eigenvalues 0.5, sigma_max about 3.4, many-fold growth over about 5 steps, then parallel to 0.5^k?"""
    relative = np.array(rnn["relative"])
    assert rnn["spectral_radius"] == pytest.approx(0.5, abs=0.01)
    assert rnn["largest_singular_value"] == pytest.approx(3.4, abs=0.1)
    assert relative[rnn["peak_step"]] > 10
    assert 3 <= rnn["peak_step"] <= 8
    assert relative[-1] < 1e-8
    late = (relative[-1] / relative[20]) ** (1 / (len(relative) - 21))
    assert late == pytest.approx(0.5, abs=0.1)


def test_every_unclipped_run_diverges_and_every_clipped_run_stays_finite(rnn):
    """3.4: 'without clipping every run diverges within its first few dozen iterations, beyond 1e6, and never
    comes back below it; with clipping every run stays finite'?

    Where a diverged run ends (inf, nan or a huge finite loss) depends on the last bits of the machine's
    arithmetic, so only what the text says is asserted.
    """
    unclipped = np.array(rnn["runs"]["no clipping"]["loss"], dtype=float)
    clipped = np.array(rnn["runs"][f"clip by global norm ({rnn['max_norm']:g})"]["loss"], dtype=float)
    assert unclipped.shape[0] >= 5
    for loss in unclipped:
        diverged = ~np.isfinite(loss) | (loss > 1e6)
        first = int(np.argmax(diverged))
        assert diverged[first] and first < 60
        assert np.all(diverged[first:])
    assert np.all(np.isfinite(clipped))
    assert all(math.isinf(f) or f > 1e6 for f in rnn["finals"]["none"])


def test_with_clipping_some_runs_learn_and_others_stay_near_the_baseline(rnn):
    """3.4: 'some runs learn (loss well below 1/3), while others are still near 1/3'?"""
    finals = np.array(rnn["finals"][f"{rnn['max_norm']:g}"])
    assert np.sum(finals < 0.5 * BASELINE) >= 1
    assert np.sum(np.abs(finals - BASELINE) < 0.1) >= 1


def test_the_unclipped_gradient_norm_explodes_and_the_clipped_one_does_not(rnn):
    """3.4: 'the [unclipped] norm leaves the plot'; 'clipped runs meet large norms too, especially early on'?"""
    unclipped = np.array(rnn["runs"]["no clipping"]["global_norm"], dtype=float)
    clipped = np.array(rnn["runs"][f"clip by global norm ({rnn['max_norm']:g})"]["global_norm"], dtype=float)
    assert np.all(np.nanmax(unclipped, axis=1) > 1e12)
    assert np.all(np.max(clipped, axis=1) > 10 * rnn["max_norm"])
    assert np.max(clipped) < 1e4
    assert np.max(clipped[:, :50]) > np.max(clipped[:, -100:])


def test_the_threshold_matters_at_both_ends(rnn):
    """3.4: 'tau = 3: nothing diverges but the loss ends near or above 1/3; tau = 0.1: slow (above 1/3); in between works best'?"""
    finals = {tau: np.array(values) for tau, values in rnn["finals"].items()}
    assert np.all(np.isfinite(finals["3"]))
    assert np.median(finals["3"]) > BASELINE
    assert np.all(finals["0.1"] > BASELINE)
    best = min(finals, key=lambda tau: np.median(finals[tau]))
    assert best in {"0.3", "1"}
