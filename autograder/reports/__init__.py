"""After the deadline: what an instructor reads and hands on, built from graded results only.

- ``class_statistics``: the numbers of a class (scores, points per function, pass rate of every
  case, the mistakes the checks recognised, who made them and what they cost);
- ``class_report``: those numbers as one self-contained HTML page, with ``figures``;
- ``feedback``: one page per student (HTML or Markdown) from the same results;
- ``similarity``: answer cells compared across a batch with copydetect, stub code left out;
- ``late_policy`` and ``lms_export``: grades for Canvas, Moodle or a plain CSV, late penalties applied;
- ``results_files``: reading the results of ``autograder grade`` or ``autograder audit``;
- ``rendering``: the Jinja2 templates (``templates/``), every value escaped.

Nothing here grades: a report reads results and never runs student code.
"""
