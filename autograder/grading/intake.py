"""What a batch took in that an instructor must look at before grades go out.

Who a submission is and when it came are never guessed silently: a folder with several notebooks,
a submission that could not be read, a student with two submissions, and a submission whose time
could not be told from the source named are each listed by ``autograder grade`` after a batch.
The first three make its exit status 1 (unless ``--allow-problems``): a person must decide what
was handed in. A missing time is listed only: the result says so, and no late penalty is applied.
"""

import re
from dataclasses import dataclass

from autograder.results import SubmissionResult

SEVERAL_NOTEBOOKS = re.compile(r"holds (\d+) notebooks")
"""How a result's note says its folder held several notebooks (see ``submission_files.find_notebook``)."""


@dataclass(frozen=True)
class IntakeProblem:
    """One thing about one submission to look at: whose, which, and what."""

    student: str
    submission: str
    problem: str
    blocking: bool = True


def intake_problems(results: list[SubmissionResult]) -> list[IntakeProblem]:
    """The problems of a batch's intake, in the order of the results."""
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for result in results:
        student = result.student_id
        for note in result.notes:
            lowered = note.lower()
            if "nothing was graded" in lowered:
                problems.append(IntakeProblem(student, result.submission, f"not graded: {note}"))
            elif match := SEVERAL_NOTEBOOKS.search(note):
                problems.append(IntakeProblem(student, result.submission, f"{match.group(1)} notebooks: {note}"))
            elif lowered.startswith("no submission time"):
                problems.append(IntakeProblem(student, result.submission, note, blocking=False))
        key = (student, result.assignment)
        if key in seen:
            problems.append(
                IntakeProblem(student, result.submission, f"a second submission of {result.assignment} (also {seen[key]})")
            )
        seen.setdefault(key, result.submission)
    return problems


def intake_table(problems: list[IntakeProblem]) -> str:
    """The problems as a text table: student, submission, what is wrong; empty when there are none."""
    if not problems:
        return ""
    width = max(len(p.student) for p in problems)
    lines = [f"{len(problems)} thing{'s' if len(problems) != 1 else ''} to look at before grades go out:"]
    lines += [f"  {p.student:<{width}}  {p.submission}\n  {'':<{width}}    {p.problem}" for p in problems]
    return "\n".join(lines)
