"""Common mistakes, recognised by the wrong outputs they produce: the grader's own knowledge.

Each diagnosis here computes, from the definitions of the assignment's functions, what an
output is when a given mistake is made, and names the mistake when the student's output equals
it. Computing those outputs means computing near-answers, so this package stays with the
grader: the student bundle and the platform templates leave it out, and student code cannot
import or read it while it is graded. The public checks reach it through
:func:`autograder.checks.diagnosing.mistakes_of`, and a student's copy of them names mistakes from
the signatures published with the known answers instead.
"""
