"""Builds that hand the course to a platform, each from the course checkout in one call.

- :func:`autograder.builds.classroom.build_classroom`: a GitHub Classroom template repository
  (the release, the public autograder, a workflow that grades every push);
- :func:`autograder.builds.gradescope.build_gradescope`: a Gradescope autograder zip (the
  autograder and the solutions its hidden checks need).

Neither is part of what a build ships: the shipped autograder leaves this package out.
"""

from autograder.builds.classroom import build_classroom
from autograder.builds.gradescope import build_gradescope

__all__ = ["build_classroom", "build_gradescope"]
