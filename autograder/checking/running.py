"""Running a check: every case settled, then earned only together with a case on fresh inputs.

:func:`run_cases` runs the cases of one check in order, each through
:func:`autograder.checking.inheritance.settle` (a failure that comes from another student
function is not charged), inside one :func:`autograder.calls.check_run.check_run` whose log the
purity and shape cases read. Then the rule that keeps points for implementations only: a case that
is not fresh (known answers, purity, shapes, input validation: a stub, a constant or a table of the
published answers can pass them) keeps its points only when a fresh case of the same run earned
points too.
"""

import contextlib
import io

from autograder.calls import call_warnings
from autograder.calls.check_run import CheckRun, check_run
from autograder.checking.case import EXPECTED_VALUES_SHOWN, NOT_IMPLEMENTED, Case
from autograder.checking.inheritance import Outcome, settle
from autograder.results import CaseResult

POINTS_DECIMALS = 2
"""Cases are earned to the hundredth of a point: a share of 5 outputs of 1.25 points is 0.75, not 0.7500001."""

NOT_COUNTED_YET = (
    "Passed, but not counted yet: this case counts once a case above that checks values on fresh "
    "inputs earns points (a function that is not written yet, or returns constants or a table of "
    "the published answers, passes this one too)."
)


PARTLY_NOT_COUNTED_YET = (
    "What passed here is not counted yet: it counts once a case above that checks values on fresh inputs "
    "earns points."
)


def run_cases(
    function: str, cases: list[Case], *, hidden: bool = False, seed: int | None = None
) -> list[CaseResult]:
    """Run every case of a check and collect one result per case; never raises.

    Output the student code writes to stdout or stderr while it runs is discarded, and warnings
    are silenced, so that nothing reaches the notebook's stderr. ``seed`` is the seed hidden cases
    drew their inputs from, recorded on each result.
    """
    outcomes: list[Outcome] = []
    showing = EXPECTED_VALUES_SHOWN.set(not hidden)
    try:
        with check_run(function) as log:
            for case in cases:
                if log.not_a_function:  # every call would fail the same way: the case is not run
                    outcomes.append(Outcome(0.0, log.not_a_function))
                    continue
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                    call_warnings.silenced(),
                ):
                    outcome = settle(case, function)
                log.values_earned |= case.fresh and outcome.share > 0
                if not log.stub_message and NOT_IMPLEMENTED.match(outcome.message):
                    log.stub_message = outcome.message
                outcomes.append(outcome)
            outcomes = [_counted(case, outcome, log, cases) for case, outcome in zip(cases, outcomes)]
    finally:
        EXPECTED_VALUES_SHOWN.reset(showing)
    return [
        CaseResult(
            function,
            case.name,
            round(float(case.points) * outcome.share, POINTS_DECIMALS),
            float(case.points),
            outcome.message,
            hidden,
            seed,
            outcome.mistake,
            outcome.inherited_from,
        )
        for case, outcome in zip(cases, outcomes)
    ]


def _counted(case: Case, outcome: Outcome, log: CheckRun, cases: list[Case]) -> Outcome:
    """``outcome``, or nothing earned when ``case`` is not fresh and no fresh case of the run earned points."""
    if case.fresh or outcome.share == 0 or log.values_earned or not any(c.fresh for c in cases):
        return outcome
    if outcome.share < 1:
        return Outcome(0.0, f"{outcome.message}\n{PARTLY_NOT_COUNTED_YET}", outcome.mistake, outcome.inherited_from)
    return Outcome(0.0, log.stub_message or NOT_COUNTED_YET, None, outcome.inherited_from)
