"""nbgrader configuration: the directory holding this file is the course directory."""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

# An absolute root: nbgrader warns about a relative one. Copies of this file (a course made
# from this repository, e.g. by autograder.instructor.nbgrader_pipeline) are rooted where they are copied.
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
# Running the notebooks leaves Hypothesis's cache next to them: never copy it into a release,
# an autograded submission or a student's feedback.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".hypothesis"]

# autograde executes the whole notebook, the experiments included: a training cell takes some
# seconds, several times that on a busy machine, and nbgrader's default limits (30 s per cell, 4 s
# for a cell's output to arrive) would fail it. A student's infinite loop still ends at the limit.
c.Execute.timeout = 300
c.Execute.iopub_timeout = 60

# autograde restores every locked cell from the gradebook, mark schemes included, and the
# feedback HTML is rendered from the autograded notebook: strip the mark schemes before
# rendering. GetGrades first (it reads scores by cell id), the CSS header last, as in nbgrader.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
