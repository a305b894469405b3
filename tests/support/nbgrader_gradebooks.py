"""Gradebooks made by nbgrader's own API, holding a person's marks of written answers (as formgrader saves them)."""

import warnings
from collections.abc import Iterable
from pathlib import Path

from autograder.instructor.nbgrader_pipeline import nbgrader_environment


def alembic_on_path() -> str:
    """``PATH`` as nbgrader runs with it (this interpreter's ``bin/`` first): it runs ``alembic`` to create a gradebook."""
    return nbgrader_environment()["PATH"]


def nbgrader_gradebook(
    path: Path,
    questions: dict[str, float],
    marks: dict[tuple[str, str], tuple[float | None, str]],
    *,
    students: Iterable[str] = (),
    assignment: str = "rnn",
) -> Path:
    """A gradebook of ``assignment``'s written ``questions`` (grade id -> points), each student's manual marks.

    ``marks`` maps ``(student, question)`` to ``(points, comment)``; points None is an answer formgrader
    has not graded. Every student of ``students`` and of ``marks`` has a submission.
    """
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{path}") as gradebook:
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's own add_submission warns under SQLAlchemy 2
        gradebook.add_assignment(assignment)
        gradebook.add_notebook(assignment, assignment)
        for question, points in questions.items():
            gradebook.add_grade_cell(question, assignment, assignment, max_score=points, cell_type="markdown")
            gradebook.add_solution_cell(question, assignment, assignment)
        for student in sorted({*students, *(s for s, _ in marks)}):
            gradebook.add_student(student)
            gradebook.add_submission(assignment, student)
        for (student, question), (points, comment) in marks.items():
            grade = gradebook.find_grade(question, assignment, assignment, student)
            grade.manual_score = points
            gradebook.find_comment(question, assignment, assignment, student).manual_comment = comment
        gradebook.db.commit()
    return path
