"""This project's own JSON results, described by ``autograder/schemas/results.schema.json``."""

import dataclasses
import json

from autograder.results import SubmissionResult, TestResult


def test_document(test: TestResult) -> dict:
    """One test as JSON: name, the student function it checks, points, status, output, hidden."""
    return {
        "name": test.name,
        "function": test.function,
        "score": test.score,
        "max_score": test.max_score,
        "status": test.status,
        "output": test.output,
        "hidden": test.hidden,
    }


def submission_document(result: SubmissionResult) -> dict:
    """One submission as JSON: its path as given, assignment, points, notes, protections, seed and tests."""
    return {
        "submission": result.submission,
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
    document = json.loads(text)
    documents = document if isinstance(document, list) else [document]
    try:
        return [submission_result(d) for d in documents]
    except (KeyError, TypeError) as error:
        raise ValueError(f"not autograder grade --format json output ({type(error).__name__}: {error})") from None


def submission_result(document: dict) -> SubmissionResult:
    """One submission read back from its JSON (its tests without their cases)."""
    tests = tuple(
        TestResult(t["name"], t["function"], t["score"], t["max_score"], t["status"], t["output"], t["hidden"])
        for t in document["tests"]
    )
    known = {field.name for field in dataclasses.fields(SubmissionResult)} - {"tests"}
    extra = {k: tuple(v) if isinstance(v, list) else v for k, v in document.items() if k in known}
    return SubmissionResult(**{**extra, "tests": tests})
