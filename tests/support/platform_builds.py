"""What the tests pass to every platform's build: the options a build needs, with example values."""

from autograder.builds import Build

EXAMPLE_OPTIONS = {"image": "example-course/rnn-grader"}
"""An example value of each option a build may need (``Build.needs``)."""


def example_options(build: Build) -> dict[str, str]:
    """The options ``build`` needs, with example values."""
    return {option: EXAMPLE_OPTIONS[option] for option in build.needs}
