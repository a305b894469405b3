"""This project's own JSON results, described by ``autograder/schemas/results.schema.json``.

Results written before a field existed stay readable: ``cases``, ``student``, ``submitted_at`` and a
case's ``inherited_from`` are optional when read back (a test without ``cases`` is read with none).
"""

import dataclasses
import json

from autograder.results import CaseResult, Mistake, SubmissionResult, TestResult


def mistake_document(mistake: Mistake | None) -> dict | None:
    """A recognised mistake as JSON: its id and the hint the student read; None for none."""
    return None if mistake is None else {"id": mistake.id, "text": mistake.text}


def case_document(case: CaseResult) -> dict:
    """One case of a test as JSON: what it promises, its points, its message and its mistake."""
    return {
        "name": case.name,
        "score": case.points,
        "max_score": case.max_points,
        "message": case.message,
        "mistake": mistake_document(case.mistake),
        "inherited_from": list(case.inherited_from),
    }


def test_document(test: TestResult) -> dict:
    """One test as JSON: name, the student function it checks, points, status, output, hidden, cases."""
    return {
        "name": test.name,
        "function": test.function,
        "score": test.score,
        "max_score": test.max_score,
        "status": test.status,
        "output": test.output,
        "hidden": test.hidden,
        "cell": test.cell,
        "cases": [case_document(case) for case in test.cases],
    }


def submission_document(result: SubmissionResult) -> dict:
    """One submission as JSON: its path as given, who and when, assignment, points, notes, seed and tests."""
    return {
        "submission": result.submission,
        "student": result.student,
        "submitted_at": result.submitted_at,
        "assignment": result.assignment,
        "score": result.score,
        "max_score": result.max_score,
        "notes": list(result.notes),
        "protections": list(result.protections),
        "seed": result.seed,
        "tests": [test_document(test) for test in result.tests],
    }


def results_json(results: list[SubmissionResult]) -> str:
    """One object for one submission, a list of objects for several (or none)."""
    documents = [submission_document(result) for result in results]
    document = documents[0] if len(documents) == 1 else documents
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def results_from_json(text: str) -> list[SubmissionResult]:
    """The results in a document :func:`results_json` wrote (one object or a list), for ``autograder merge``.

    Raises:
        ValueError: when the text is not such a document.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error})") from None
    documents = document if isinstance(document, list) else [document]
    try:
        return [submission_result(d) for d in documents]
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not autograder grade --format json output ({type(error).__name__}: {error})") from None


def submission_result(document: dict) -> SubmissionResult:
    """One submission read back from its JSON, its cases and their mistakes included when present."""
    tests = tuple(test_result(t, document.get("seed")) for t in document["tests"])
    known = {field.name for field in dataclasses.fields(SubmissionResult)} - {"tests"}
    extra = {k: tuple(v) if isinstance(v, list) else v for k, v in document.items() if k in known}
    return SubmissionResult(**{**extra, "tests": tests})


def test_result(document: dict, seed: int | None) -> TestResult:
    """One test read back from its JSON (a document without ``cases`` gives none)."""
    cases = tuple(
        CaseResult(
            document["function"],
            case["name"],
            case["score"],
            case["max_score"],
            case.get("message", ""),
            document["hidden"],
            seed if document["hidden"] else None,
            Mistake(case["mistake"]["id"], case["mistake"]["text"]) if case.get("mistake") else None,
            tuple(case.get("inherited_from", ())),
        )
        for case in document.get("cases", ())
    )
    return TestResult(
        document["name"],
        document["function"],
        document["score"],
        document["max_score"],
        document["status"],
        document["output"],
        document["hidden"],
        document.get("cell", ""),
        cases,
    )
