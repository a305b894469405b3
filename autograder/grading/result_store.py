"""Results kept per submission as they complete, so that a stopped batch resumes where it stopped.

``autograder grade ... --results-dir DIR`` stores each submission's result in ``DIR`` the moment
it is graded, written atomically, under a key made of the notebook's bytes, the trusted copy of
its assignment, the grader's version and the limits of the student processes. Run again (after
Ctrl-C, a killed worker, a lost node), the batch loads what is stored and grades only the rest; a
changed notebook, a changed course, a new grader or other limits make a new key, so nothing stale
is reused. An entry is signed (:mod:`autograder.result_signature`: the instructor's key, else the
user's own) and checked against the trusted assignment when it is loaded; an edited, foreign or
impossible entry is graded again, never served.
"""

import dataclasses
import hashlib
import json
from importlib import metadata
from pathlib import Path

from autograder.atomic_files import write_atomically
from autograder.grading.trusted_results import result_problems
from autograder.result_signature import FIELD, configured_key, signed, signed_by, user_key
from autograder.results import CaseResult, Mistake, SubmissionResult, TestResult
from autograder.sandbox.process import Limits

PACKAGE = "rnn-gradients-autograder"


def grader_version() -> str:
    """The version of the installed grader (``"unknown"`` when it runs from a bare checkout)."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"


def result_document(result: SubmissionResult) -> dict:
    """Everything in a result, as JSON-ready data (cases included)."""
    return dataclasses.asdict(result)


def result_from_document(document: dict) -> SubmissionResult:
    """The result :func:`result_document` wrote."""
    tests = tuple(
        TestResult(**{**test, "cases": tuple(case_result(case) for case in test.get("cases", ()))})
        for test in document["tests"]
    )
    fields = {field.name for field in dataclasses.fields(SubmissionResult)}
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in document.items()}
    return SubmissionResult(**{**{k: v for k, v in values.items() if k in fields}, "tests": tests})


def case_result(document: dict) -> CaseResult:
    """A case :func:`result_document` wrote, its mistake (a dict there) made a Mistake again."""
    mistake = document.get("mistake")
    inherited = tuple(document.get("inherited_from", ()))
    return CaseResult(**{**document, "mistake": Mistake(**mistake) if mistake else None, "inherited_from": inherited})


MAX_STORED_BYTES = 64 * 2**20
"""The most read of one stored result (a real one weighs a few hundred kilobytes)."""


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a result can hold")


class ResultStore:
    """A directory of results, one JSON file per graded submission.

    Args:
        directory: where the results are kept (made if missing).
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.signing_key = configured_key() or user_key()

    def key(
        self, notebook: bytes, trusted: Path | None, limits: Limits | None = None, *, found: tuple[str, ...] = ()
    ) -> str:
        """The key of a submission: its notebook, what else its folder held, the trusted notebook, the version, the limits.

        ``found`` are the notes on what else the submission's folder held. A batch run again with other limits (``--seconds-per-call``) grades again: a slow function
        may pass under one and fail under another.
        """
        digest = hashlib.sha256(notebook)
        digest.update(b"\0" + "\n".join(found).encode("utf-8", "surrogateescape"))
        digest.update(b"\0" + (trusted.read_bytes() if trusted is not None else b""))
        digest.update(b"\0" + grader_version().encode())
        digest.update(b"\0" + repr(limits or Limits()).encode())
        return digest.hexdigest()

    def load(self, key: str | None, submission: str) -> SubmissionResult | None:
        """The stored result of ``key``, relabelled with ``submission`` as given now; None if absent or unreadable.

        Its student and time are left for the batch to tell again from ``submission``.
        """
        if key is None:
            return None
        try:
            with open(self.directory / f"{key}.json", "rb") as stream:
                document = json.loads(stream.read(MAX_STORED_BYTES), parse_constant=_no_constant)
            if not signed_by(document, self.signing_key):  # edited, or by another key: graded again
                return None
            stored = result_from_document({k: v for k, v in document.items() if k != FIELD})
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None
        if result_problems(stored):  # impossible for the trusted assignment: graded again
            return None
        # who and when belong to the submission as given now (the same bytes may be another's)
        return dataclasses.replace(stored, submission=submission, student=None, submitted_at=None)

    def save(self, key: str | None, result: SubmissionResult) -> None:
        """Store ``result`` under ``key``, atomically (nothing is stored without a key)."""
        if key is not None:
            document = signed(result_document(result), self.signing_key)
            write_atomically(self.directory / f"{key}.json", json.dumps(document) + "\n")
