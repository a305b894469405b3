"""This project's own JSON results, described by ``autograder/schemas/results.schema.json``."""

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
    """One submission as JSON: its path as given, assignment, points, notes, protections and tests."""
    return {
        "submission": result.submission,
        "assignment": result.assignment,
        "score": result.score,
        "max_score": result.max_score,
        "notes": list(result.notes),
        "protections": list(result.protections),
        "tests": [test_document(test) for test in result.tests],
    }


def results_json(results: list[SubmissionResult]) -> str:
    """One object for one submission, a list of objects for several (or none)."""
    documents = [submission_document(result) for result in results]
    document = documents[0] if len(documents) == 1 else documents
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
