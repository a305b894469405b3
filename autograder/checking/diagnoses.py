"""Diagnoses: what names the likely mistake behind a wrong output.

A diagnosis is called with the names of the wrong outputs and the actual and desired outputs,
and returns the :class:`~autograder.results.Mistake` it recognises (an id that reports count by,
and the hint the student reads), or None. The builders here recognise a mistake by the exact
wrong value it produces (its signature), computed by the grader or published with a known answer.
"""

from collections.abc import Callable

import numpy as np

from autograder.results import Mistake

Diagnosis = Callable[[set, dict, dict], Mistake | None]
"""``diagnose(wrong_outputs, actual, desired)``: the likely mistake, or None."""

Signature = tuple[str, np.ndarray, Mistake]
"""``(output, the value that output takes when the mistake is made, the mistake)``."""
Signatures = tuple[Signature, ...]

SIGNATURE_PREFIX = "signature"
"""Known-answer examples publish the signatures of common mistakes as entries ``signature<n>:<field>``."""


def known_mistakes(
    *mistakes: tuple[str, np.ndarray, Mistake], otherwise: Diagnosis | None = None
) -> Diagnosis:
    """A diagnosis that recognises common mistakes by the wrong output each of them produces.

    Args:
        *mistakes: ``(output, value that output takes when the mistake is made, the mistake)``;
            the first one whose output is wrong and equals that value is named.
        otherwise: the diagnosis to fall back on when no mistake is recognised.
    """

    def diagnose(wrong: set, actual: dict, desired: dict) -> Mistake | None:
        for output, mistaken, mistake in mistakes:
            if output in wrong and _equals(actual.get(output), mistaken):
                return mistake
        return otherwise(wrong, actual, desired) if otherwise is not None else None

    return diagnose


def published_signatures(signatures: Signatures) -> dict[str, np.ndarray]:
    """Signatures as entries of a known-answer example (see :func:`published_mistakes`), in order."""
    entries: dict[str, np.ndarray] = {}
    for number, (output, value, mistake) in enumerate(signatures):
        prefix = f"{SIGNATURE_PREFIX}{number:02d}:"
        entries[prefix + "output"] = np.str_(output)
        entries[prefix + "value"] = np.asarray(value, dtype=np.float64)
        entries[prefix + "id"] = np.str_(mistake.id)
        entries[prefix + "text"] = np.str_(mistake.text)
    return entries


def published_mistakes(example: dict, *, otherwise: Diagnosis | None = None) -> Diagnosis:
    """The diagnosis made of the signatures a known-answer example publishes (no formula needed to read them)."""
    numbers = sorted({key[len(SIGNATURE_PREFIX) :].split(":", 1)[0] for key in example if key.startswith(SIGNATURE_PREFIX)})
    signatures = tuple(
        (
            str(example[f"{SIGNATURE_PREFIX}{n}:output"]),
            example[f"{SIGNATURE_PREFIX}{n}:value"],
            Mistake(str(example[f"{SIGNATURE_PREFIX}{n}:id"]), str(example[f"{SIGNATURE_PREFIX}{n}:text"])),
        )
        for n in numbers
    )
    return known_mistakes(*signatures, otherwise=otherwise)


def _equals(actual, mistaken) -> bool:
    """Whether ``actual`` is a float array equal to ``mistaken`` (other types have other messages)."""
    if not isinstance(actual, (np.ndarray, float, np.floating)) or np.asarray(actual).dtype.kind != "f":
        return False
    actual, mistaken = np.asarray(actual), np.asarray(mistaken, dtype=np.float64)
    with np.errstate(all="ignore"):
        return actual.shape == mistaken.shape and bool(np.allclose(actual, mistaken, rtol=1e-6, atol=1e-9))
