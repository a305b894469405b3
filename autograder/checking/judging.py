"""Judging a case over its examples: by part and by output, never on an example another function spoiled.

A case states something about a student function on several examples (known answers, hidden
cases, the inputs of a gradient check, a property's examples). :func:`judge_each` runs the
statement on every example and combines what it saw, so that a mistake costs what it breaks and
no more:

* an example on which a helper the check relied on failed (raised, hung, returned wrong values:
  :class:`~autograder.checking.case.SetAside`) says nothing about the function checked: it is set
  aside, and the case rests on the others;
* the examples fall into parts (for most functions, one per activation): the case earns the mean
  of its parts' shares, so a mistake in the sigmoid branch costs the sigmoid third;
* within a part, an output of a function that returns several (``dx``, ``dh0``, ``dWx``...) is
  right when it is right on every example judged, and the part's share is the share of its
  outputs that are right (a failure that names no outputs, an error say, costs the whole part).

The first failure's message is the case's, with the share of points it still earns
(:attr:`~autograder.checking.case.CheckFailed.share`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from autograder.calls.check_run import current_check_run
from autograder.checking.case import CheckFailed, SetAside
from autograder.checking.inheritance import wrong_helpers

Example = TypeVar("Example")


@dataclass
class Part:
    """What the examples of one part showed: how many were judged, which outputs were compared and wrong."""

    judged: int = 0
    compared: dict[str, None] = field(default_factory=dict)
    wrong: set[str] = field(default_factory=set)
    whole: bool = False

    @property
    def share(self) -> float:
        """The share of this part's outputs that were right on every example judged."""
        if self.whole:
            return 0.0
        if not self.compared:
            return 1.0
        return (len(self.compared) - len(self.wrong & self.compared.keys())) / len(self.compared)

    def add(self, failure: CheckFailed) -> None:
        """Count a failed example: the outputs it compared and found wrong, or the whole part."""
        if failure.outputs is None or failure.wrong is None:
            self.whole = True
        else:
            self.compared.update(dict.fromkeys(failure.outputs))
            self.wrong |= failure.wrong


UNJUDGED = "This case could not judge your code"
"""How a case begins its message when a function it relies on failed on (nearly) all its examples."""

def judge_each(
    examples: Iterable[tuple[str, Example]],
    judge: Callable[[Example], None],
    *,
    part_of: Callable[[Example], str] | None = None,
) -> str | None:
    """Run ``judge(example)`` on every ``(label, example)``; return a note, or raise what the examples showed.

    Args:
        examples: the examples with a label a student reads ("hidden case 3", "tanh N=1").
        judge: raises CheckFailed when an example shows a mistake (with the outputs it compared
            and those wrong, where it compares several).
        part_of: the part an example belongs to (e.g. its activation); one part when None.

    Returns:
        None when every example passed; a note naming the examples set aside when some were.

    Raises:
        CheckFailed: the first failure's message, with the share of points the case still earns.
        SetAside: when most examples were set aside and the others passed: the case could not judge
            the function. The examples a wrong helper leaves are often degenerate (zero states,
            dead units), where a function that computes nothing is right too; a case rests on them
            only while they are the majority.
    """
    first: CheckFailed | None = None
    parts: dict[str, Part] = {}
    set_aside: list[tuple[str, SetAside]] = []
    for label, example in examples:
        failure = judge_one(judge, example)
        if isinstance(failure, SetAside):
            set_aside.append((label, failure))
            continue
        part = parts.setdefault(part_of(example) if part_of is not None else "", Part())
        part.judged += 1
        if failure is not None:
            first = first or failure
            part.add(failure)
    judged = sum(part.judged for part in parts.values())
    if first is not None:
        share = sum(part.share for part in parts.values()) / len(parts)
        raise CheckFailed(str(first) + set_aside_note(set_aside, judged), mistake=first.mistake, share=share)
    if set_aside and judged < len(set_aside):
        raise SetAside(unjudged_message(set_aside, judged), sources=_sources(set_aside))
    return set_aside_note(set_aside, judged).strip() or None


def judge_one(judge: Callable[[Example], None], example: Example) -> CheckFailed | None:
    """Run ``judge`` on one example: None when it passed, else its failure, set aside when a helper spoiled it.

    The calls of helpers the check makes meanwhile are collected; when the example fails, their
    outputs are compared with the reference's on the same inputs (where the solutions are found),
    and a helper that was wrong makes the failure a :class:`SetAside`.
    """
    log = current_check_run()
    outer, log.helper_calls = log.helper_calls, []
    try:
        judge(example)
    except SetAside as failure:
        return failure
    except CheckFailed as failure:
        if spoiled := wrong_helpers(log.helper_calls, log.function):
            return SetAside(helper_wrong_message(spoiled), sources=spoiled)
        return failure
    finally:
        log.helper_calls = outer
    return None


def helper_wrong_message(helpers: tuple[str, ...]) -> str:
    """Why an example was set aside when a helper returned wrong values on it."""
    names = " and ".join(helpers)
    return f"your {names} returned wrong values on these inputs"


def unjudged_message(set_aside: list[tuple[str, SetAside]], judged: int = 0) -> str:
    """What a case says when most of its examples were set aside."""
    names = " and ".join(_sources(set_aside)) or "a function it relies on"
    label, failure = set_aside[0]
    how_many = "every one" if not judged else f"{len(set_aside)} of {len(set_aside) + judged}"
    return (
        f"{UNJUDGED}: it relies on your {names}, which failed on {how_many} of "
        f"its examples (fix {names} first; its own checks say what is wrong). On {label}: {_first_line(failure)}"
    )


def set_aside_note(set_aside: list[tuple[str, SetAside]], judged: int) -> str:
    """A line saying how many examples were set aside and why, or ``""`` when none was."""
    if not set_aside:
        return ""
    names = " and ".join(_sources(set_aside))
    return (
        f"\n{len(set_aside)} of {len(set_aside) + judged} examples were set aside, not charged: your {names} "
        f"failed on them ({set_aside[0][0]}: {_first_line(set_aside[0][1])}), and this case was judged on the others."
    )


def _sources(set_aside: list[tuple[str, SetAside]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for _, failure in set_aside for name in failure.sources))


def _first_line(failure: CheckFailed) -> str:
    text = str(failure)
    return text.splitlines()[0] if text else ""
