"""This project's own JSON results, described by ``autograder/schemas/results.schema.json``.

Results written before a field existed stay readable: ``cases``, ``student``, ``submitted_at`` and a
case's ``inherited_from`` are optional when read back (a test without ``cases`` is read with none).
"""

import json

from autograder.result_signature import KEY_VARIABLE, configured_key, signed, signed_by
from autograder.results import FAILED, PASSED, PENDING, CaseResult, Mistake, SubmissionResult, TestResult


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
    """One object for one submission, a list of objects for several (or none).

    Each is signed with the instructor's key when ``AUTOGRADER_RESULTS_KEY`` is set
    (:mod:`autograder.result_signature`).
    """
    key = configured_key()
    documents = [signed(submission_document(result), key) for result in results]
    document = documents[0] if len(documents) == 1 else documents
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def results_from_json(text: str) -> list[SubmissionResult]:
    """The results in a document :func:`results_json` wrote (one object or a list), every one of them.

    Raises:
        ValueError: when the text is not such a document, or one of its results is not a result.
    """
    results, refused = parse_results(text)
    if refused:
        raise ValueError(refused[0])
    return results


def parse_results(text: str, *, key: bytes | None = None) -> tuple[list[SubmissionResult], list[str]]:
    """The results in a document :func:`results_json` wrote, and one line for each entry that is not a result.

    Every field is checked for its type (texts, finite non-negative points, a known status); an entry
    that fails is left out, so that one odd result never stops a class-wide command. With ``key``,
    an entry not signed with it is left out too.

    Raises:
        ValueError: when the text is not JSON, or neither a result object nor a list of them.
    """
    try:
        document = json.loads(text)  # NaN and Infinity are read, and refused where a number must be finite
    except (ValueError, RecursionError) as error:
        raise ValueError(f"not JSON ({str(error)[:200]})") from None
    documents = document if isinstance(document, list) else [document]
    results, refused = [], []
    for index, entry in enumerate(documents, 1):
        label = entry.get("submission") if isinstance(entry, dict) else None
        named = f" ({label[:200]!r})" if isinstance(label, str) else ""
        if key is not None and not signed_by(entry, key):
            refused.append(f"result {index}{named} is not signed with {KEY_VARIABLE}")
            continue
        try:
            results.append(submission_result(entry))
        except ValueError as error:
            refused.append(f"result {index}{named} is not autograder grade --format json output: {error}")
    return results, refused


def _field(document: object, key: str, kinds: tuple[type, ...], where: str, *, default: object = ...) -> object:
    """``document[key]`` when it has one of ``kinds`` (booleans are not numbers), else ``default`` when missing.

    Raises:
        ValueError: naming the field, when it is missing without a default or has another type.
    """
    if not isinstance(document, dict):
        raise ValueError(f"{where} is not a JSON object")
    if key not in document:
        if default is ...:
            raise ValueError(f"{where} has no {key!r}")
        return default
    value = document[key]
    if value is None and type(None) in kinds:
        return None
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        raise ValueError(f"{where}: {key!r} is {type(value).__name__}, not {' or '.join(k.__name__ for k in kinds)}")
    return value


def _points(document: dict, key: str, where: str) -> float:
    """A number of points: finite and not negative."""
    value = _field(document, key, (int, float), where)
    try:
        value = float(value)
    except OverflowError:
        value = float("inf")
    if not 0 <= value < float("inf"):
        raise ValueError(f"{where}: {key!r} is {value!r}, not a number of points")
    return value


def _texts(document: dict, key: str, where: str) -> tuple[str, ...]:
    items = _field(document, key, (list,), where, default=[])
    if not all(isinstance(item, str) for item in items):
        raise ValueError(f"{where}: {key!r} holds something that is not text")
    return tuple(items)


def submission_result(document: object) -> SubmissionResult:
    """One submission read back from its JSON, every field checked, its cases and mistakes included when present.

    Raises:
        ValueError: naming the first field that is missing or of the wrong type.
    """
    where = "the result"
    tests = _field(document, "tests", (list,), where)
    seed = _field(document, "seed", (int, type(None)), where, default=None)
    if seed is not None and seed < 0:
        raise ValueError(f"{where}: its seed {seed} is negative")
    result = SubmissionResult(
        submission=_field(document, "submission", (str,), where),
        assignment=_field(document, "assignment", (str,), where),
        tests=tuple(test_result(t, seed, f"test {i}") for i, t in enumerate(tests, 1)),
        notes=_texts(document, "notes", where),
        protections=_texts(document, "protections", where),
        seed=seed,
        student=_field(document, "student", (str, type(None)), where, default=None),
        submitted_at=_field(document, "submitted_at", (str, type(None)), where, default=None),
    )
    for key, computed in (("score", result.score), ("max_score", result.max_score)):
        stated = _points(document, key, where) if key in document else computed
        if abs(stated - computed) > 1e-6:
            raise ValueError(f"{where}: its {key} {stated!r} is not the sum of its tests' ({computed:g})")
    return result


STATUSES = (PASSED, FAILED, PENDING)


def test_result(document: object, seed: int | None, where: str = "a test") -> TestResult:
    """One test read back from its JSON (a document without ``cases`` gives none).

    Raises:
        ValueError: naming the first field that is missing or of the wrong type.
    """
    function = _field(document, "function", (str,), where)
    hidden = _field(document, "hidden", (bool,), where)
    status = _field(document, "status", (str,), where)
    if status not in STATUSES:
        raise ValueError(f"{where}: its status {status[:40]!r} is none of {', '.join(STATUSES)}")
    cases = tuple(
        CaseResult(
            function,
            _field(case, "name", (str,), f"{where}, case {i}"),
            _points(case, "score", f"{where}, case {i}"),
            _points(case, "max_score", f"{where}, case {i}"),
            _field(case, "message", (str,), f"{where}, case {i}", default=""),
            hidden,
            seed if hidden else None,
            _mistake(_field(case, "mistake", (dict, type(None)), f"{where}, case {i}", default=None), f"{where}, case {i}"),
            _inherited(_field(case, "inherited_from", (list,), f"{where}, case {i}", default=[]), f"{where}, case {i}"),
        )
        for i, case in enumerate(_field(document, "cases", (list,), where, default=[]), 1)
    )
    return TestResult(
        _field(document, "name", (str,), where),
        function,
        _points(document, "score", where),
        _points(document, "max_score", where),
        status,
        _field(document, "output", (str,), where),
        hidden,
        _field(document, "cell", (str,), where, default=""),
        cases,
    )


def _inherited(names: list, where: str) -> tuple[str, ...]:
    """A case's ``inherited_from``: the names of student functions, each a text.

    Raises:
        ValueError: when one is not a text.
    """
    if not all(isinstance(name, str) and len(name) <= 200 for name in names):
        raise ValueError(f"{where}: inherited_from must be a list of function names")
    return tuple(names)


def _mistake(document: dict | None, where: str) -> Mistake | None:
    if document is None:
        return None
    return Mistake(_field(document, "id", (str,), f"{where}, mistake"), _field(document, "text", (str,), f"{where}, mistake"))
