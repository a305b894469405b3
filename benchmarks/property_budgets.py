"""Do smaller Hypothesis budgets lose grading power? The failing cases of every planted mistake, at two budgets.

Every property case runs ``max_examples`` derandomized examples. This runs the public cases of
each planted mistake (``tests/support/buggy_rnn.py``, ``tests/support/buggy_lstm.py``), each cheap stub
(``tests/support/cheap_stubs.py``) and each correct alternative (``tests/support/alternative_rnn.py``), as the
tests of the checks do, once with the budgets of the checks and once with every budget
multiplied by ``--scale``, and lists every submission whose failing cases differ. None listed:
the two budgets catch exactly the same mistakes, case by case, and pass the same alternatives.

    python benchmarks/property_budgets.py [--scale 2]   # the budgets before issue 13: twice today's
"""

import argparse
import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"


def failing_cases(scale: float) -> dict[str, list[str]]:
    """The public cases each known submission fails, with every property budget times ``scale``.

    Runs in a fresh interpreter's state: call it once per process (the budgets are scaled once the
    checks are imported, before any example is drawn).
    """
    sys.path.insert(0, str(TESTS))
    import test_cheap_stubs as stubs
    import test_checks_accept_alternatives as alternatives
    import test_checks_catch_mistakes as rnn_mistakes
    import test_lstm_checks as lstm_mistakes
    from rnn_grading import run_check
    from test_reference_scores import LSTM_CHECKS, RNN_CHECKS

    from autograder.checking.case import collecting_results
    from autograder.checking.hidden_cases import grading_seed
    from autograder.checking.property import DECLARED
    from autograder.checking.reference import load_reference
    from autograder.checks import lstm, rnn

    for examples in DECLARED:  # none drawn yet in this process
        examples.count = max(1, round(examples.count * scale))
    rnn_reference, lstm_reference = load_reference("rnn"), load_reference("lstm")
    runs: dict[str, Callable[[], object]] = {}
    for m in rnn_mistakes.MISTAKES:
        runs[f"rnn mistake {m.function.__name__}"] = lambda m=m: run_check(m.check, rnn_reference, m.replacements, hidden=False)
    for mistake, (name, _) in lstm_mistakes.MISTAKES.items():
        runs[f"lstm mistake {mistake.__name__}"] = lambda n=name, f=mistake: lstm_mistakes.run_check(n, f)
    for label, (name, functions) in stubs.RNN_STUBS.items():
        runs[f"rnn stub {label}"] = lambda n=name, f=functions: stubs.run(rnn, RNN_CHECKS, n, rnn_reference, f, hidden=False)
    for label, (name, functions) in stubs.LSTM_STUBS.items():
        runs[f"lstm stub {label}"] = lambda n=name, f=functions: stubs.run(lstm, LSTM_CHECKS, n, lstm_reference, f, hidden=False)
    for label, functions in alternatives.ALTERNATIVES.items():
        for check in alternatives.graded_checks(functions):
            runs[f"alternative {label}: {check}"] = lambda c=check, f=functions: run_check(c, rnn_reference, f, hidden=False)
    failing = {}
    with grading_seed(2013):
        for label, run in runs.items():
            with collecting_results() as collected, contextlib.redirect_stdout(io.StringIO()):
                run()
            failing[label] = sorted(r.name for results in collected for r in results if not r.passed)
    return failing


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--scale", type=float, default=2.0, help="the other budgets, as a multiple (default: 2)")
    arguments.add_argument("--only", type=float, help=argparse.SUPPRESS)  # one budget, in a child process
    options = arguments.parse_args(argv)
    if options.only is not None:
        import json

        print(json.dumps(failing_cases(options.only)))
        return 0
    import json
    import subprocess

    def run(scale: float) -> dict[str, list[str]]:
        done = subprocess.run([sys.executable, __file__, "--only", str(scale)], capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    today, other = run(1.0), run(options.scale)
    differ = [label for label in today if today[label] != other.get(label)]
    print(f"{len(today)} submissions: planted mistakes, cheap stubs and alternatives, public cases")
    for label in differ:
        print(f"- {label}\n    budgets x1: {today[label]}\n    budgets x{options.scale:g}: {other.get(label)}")
    print(f"{len(differ)} of them fail other cases with the budgets x{options.scale:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
