"""Write autograder/data/<assignment>.npz: fixed inputs, the reference outputs for them, and mistakes' signatures.

Run with `make known-answers` after changing a solution notebook, and commit the result. Each
assignment's description (``autograder/course/<assignment>.py``) names the generators of its
examples: the assignment's own, and any a function names for itself.
"""

import argparse

from autograder.checking import known_answers
from autograder.checking.reference import load_reference
from autograder.course import ASSIGNMENTS
from autograder.instructor.known_answer_examples import all_examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=list(ASSIGNMENTS))
    for assignment in parser.parse_args().assignments:
        examples = all_examples(ASSIGNMENTS[assignment], load_reference(assignment))
        print(f"wrote {known_answers.save(assignment, examples)}")


if __name__ == "__main__":
    main()
