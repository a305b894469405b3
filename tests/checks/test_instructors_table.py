"""The guide's table of what each check tests holds the checks' own cases and points.

INSTRUCTORS.md lists, for every function, its public cases with their points in the order the
check runs them, and its hidden points. The checks are run on the reference here and their cases
compared with the table, so that the guide and the grader cannot drift apart.
"""

import re
from pathlib import Path

import pytest
from support.course_tables import CHARLM_CHECKS, LSTM_CHECKS, RNN_CHECKS

from autograder.checking.case import collecting_results
from autograder.checking.reference import load_reference
from autograder.checks import charlm, lstm, rnn

GUIDE = Path(__file__).resolve().parents[2] / "INSTRUCTORS.md"
CHECKS = {"rnn": (rnn, RNN_CHECKS), "lstm": (lstm, LSTM_CHECKS), "charlm": (charlm, CHARLM_CHECKS)}


def table_rows() -> dict[str, tuple[list[float], list[float]]]:
    """Each function's row of the guide: the points of its public cases, then of its hidden ones."""
    rows = {}
    for line in GUIDE.read_text("utf-8").splitlines():
        match = re.match(r"\| `(\w+)` \| (.*?) \| (.*?) \| .* \|$", line)
        if match:
            public, hidden = (re.findall(r"\((\d+(?:\.\d+)?)\)(?=;|$)", cell) for cell in match.group(2, 3))
            rows[match.group(1)] = ([float(p) for p in public], [float(p) for p in hidden])
    return rows


@pytest.mark.parametrize("assignment", sorted(CHECKS))
def test_the_table_lists_every_case_with_its_points_in_order(assignment, capsys):
    """Does each row give the points of the check's public cases in order, and of its hidden ones?"""
    module, table = CHECKS[assignment]
    reference, rows = load_reference(assignment), table_rows()
    for name, (functions, _) in table.items():
        points = []
        for hidden in (False, True):
            with collecting_results() as collected:
                getattr(module, name)(*(getattr(reference, f) for f in functions), hidden=hidden)
            points.append([case.max_points for case in collected[0]])
        assert rows[name] == tuple(points), name
    capsys.readouterr()
