"""One check per student function, one module per assignment.

Notebook test cells import the assignment's module, e.g.
``from autograder.checks import rnn as checks`` and call ``checks.rnn_backward(...)``.
"""
