"""The errors student code raises through the grader, and how an error is told to a student."""

import sysconfig
import traceback
from pathlib import Path

NOT_STUDENT_CODE = (str(Path(__file__).resolve().parents[1]), sysconfig.get_paths()["stdlib"])
"""Frames in these directories (the autograder, the standard library) are never the student's."""


class StudentCodeError(Exception):
    """An error student code raised in another process, described there (see ``autograder.sandbox.process``).

    Attributes:
        description: ``"ValueError: message (in f, line 7: a = x @ Wx)"``, as
            :func:`describe_exception` would have written it.
    """

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class SandboxFailure(StudentCodeError):
    """The process running student code could not answer a call: ``description`` follows the name.

    E.g. ``"did not return within 10 s ..."`` or ``"is not defined: its answer cell raised ..."``.
    """


def describe_exception(error: BaseException) -> str:
    """``"ValueError: message (line 7 of your code: a = x @ Wx)"``: the error and where it arose."""
    if isinstance(error, StudentCodeError):
        return error.description
    text = f"{type(error).__name__}: {error}"
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith(NOT_STUDENT_CODE) and "site-packages" not in frame.filename
    ]
    if frames:
        frame = frames[-1]
        text += f" (in {frame.name}, line {frame.lineno}: {(frame.line or '').strip()})"
    return text
