"""Every claim the notebooks and their mark schemes make about an experiment holds on its numbers.

Each solution notebook is executed once per session (``solution_run``); its experiments leave
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


@pytest.fixture(scope="module")
def lstm(solution_run):
    return solution_run("lstm").values


def per_step(norms):
    return (norms[0] / norms[-1]) ** (1 / (len(norms) - 1))


BIASES = ("forget bias 0", "forget bias +1", "forget bias +5")


def test_the_cell_path_never_grows_and_runs_beside_the_mean_forget_gate(lstm):
    """4.2: 'the cell path shrinks by about the mean forget gate per step, slightly less'; Question 1: 0.51, 0.73, 0.99?"""
    for label, quoted in zip(BIASES, (0.51, 0.73, 0.99)):
        path = np.array(lstm["cell_paths"][label])
        assert np.all(np.diff(path) >= 0)
        assert lstm["mean_forget"][label] < per_step(path) < lstm["mean_forget"][label] + 0.05
        assert per_step(path) == pytest.approx(quoted, abs=0.01)


def test_the_total_is_mostly_other_paths_far_back(lstm):
    """4.2: 'bias 0: total about 0.63 per step against 0.51; more than 1e13 times its cell path at t = 0; bias +1 about 1e6 times'?"""
    ratio = {label: lstm["totals"][label][0] / lstm["cell_paths"][label][0] for label in BIASES}
    assert per_step(lstm["totals"]["forget bias 0"]) == pytest.approx(0.63, abs=0.01)
    assert ratio["forget bias 0"] > 1e13
    assert 1e6 <= ratio["forget bias +1"] < 1e7
    for label in BIASES:
        assert per_step(lstm["totals"][label]) > per_step(lstm["cell_paths"][label])


def test_with_bias_five_the_total_grows_going_back_about_28_fold(lstm):
    """4.2 and Question 1: 'with bias +5 the total grows (about 28-fold over 150 steps)' though its cell path cannot?"""
    total = np.array(lstm["totals"]["forget bias +5"])
    assert total[0] > total[-1]
    assert lstm["rise"] == pytest.approx(28, abs=1.5)
    assert per_step(lstm["cell_paths"]["forget bias +5"]) < 1 < per_step(total)


def test_a_quarter_of_the_cell_path_survives_with_bias_five_and_almost_none_with_bias_zero(lstm):
    """Question 1: 'about a quarter still there 149 steps back with bias +5, about 1e-44 with bias 0'?"""
    kept = {label: lstm["cell_paths"][label][0] / lstm["cell_paths"][label][-1] for label in BIASES}
    assert kept["forget bias +5"] == pytest.approx(0.25, abs=0.05)
    assert 1e-45 < kept["forget bias 0"] < 1e-43


def largest_length(lstm, model, at_least):
    """The longest T at which at least ``at_least`` seeds of ``model`` succeed (0 if none)."""
    lengths = [t for t, count in zip(lstm["sweep"]["lengths"], lstm["successes"][model]) if count >= at_least]
    return max(lengths, default=0)


def test_every_model_learns_ten_steps_and_the_forget_bias_decides_the_rest(lstm):
    """4.3 and Question 2: 'at T = 10 every model learns; bias 0 no run at 20; +1 all at 20, none at 40; +3 all at 40, one in five at 80'?"""
    successes = {
        model: dict(zip(lstm["sweep"]["lengths"], counts)) for model, counts in lstm["successes"].items()
    }
    seeds = len(lstm["sweep"]["simple RNN"][0])
    assert seeds >= 5
    assert all(counts[10] == seeds for counts in successes.values())
    assert successes["lstm forget bias 0"][20] == 0
    assert successes["lstm forget bias +1"][20] == seeds and successes["lstm forget bias +1"][40] == 0
    assert successes["lstm forget bias +3"][40] == seeds and successes["lstm forget bias +3"][80] == 1


def test_the_tuned_simple_rnn_learns_twenty_steps_in_some_seeds_and_never_forty(lstm):
    """4.3: 'the simple RNN learns T = 20 in three seeds of five, never T >= 40; there its losses end below 1/3'?"""
    counts = dict(zip(lstm["sweep"]["lengths"], lstm["successes"]["simple RNN"]))
    assert counts[20] == 3
    assert all(count == 0 for t, count in counts.items() if t >= 40)
    losses = np.array(lstm["sweep"]["simple RNN"])
    long = np.array(lstm["sweep"]["lengths"]) >= 40
    assert np.median(losses[long]) < BASELINE


def test_an_open_carousel_learns_at_least_twice_as_long_a_dependency(lstm):
    """4.3: 'an LSTM whose cell path is open from the start learns dependencies at least twice as long as a simple RNN'?"""
    for at_least in (3, 5):
        assert largest_length(lstm, "lstm forget bias +3", at_least) >= 2 * largest_length(
            lstm, "simple RNN", at_least
        )
    assert largest_length(lstm, "lstm forget bias 0", 3) < largest_length(lstm, "simple RNN", 3)


def test_your_functions_reproduce_the_cached_point_of_the_sweep(lstm):
    """4.4: does the live run with the notebook's functions succeed as often as the cached sweep at the same point?"""
    live, cached = np.array(lstm["live"]), np.array(lstm["cached"])
    assert np.sum(live < 0.05) == np.sum(cached < 0.05)


def test_training_spreads_the_forget_gates_apart(lstm):
    """4.4: 'at initialisation every forget gate sits near 0.73; after training some are more open, others more closed'?"""
    before, after = (np.array(lstm["forget"][label]).mean(axis=0) for label in ("before", "after"))
    assert np.all(np.abs(before - 1 / (1 + np.exp(-1))) < 0.1)
    assert after.max() > before.max() and after.min() < before.min()
    assert after.std() > 2 * before.std()
