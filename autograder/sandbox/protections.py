"""The names of the protections student code runs under, as results and notes list them.

The worker reports those it gave itself (:mod:`autograder.sandbox.confinement`, and dropping to an
unprivileged user); the grader adds those it gives from outside (the launcher's, and its checks of
the scratch directory). ``EXPECTED`` are those every Linux the course supports gives.
"""

BUBBLEWRAP = "bubblewrap"
SCRATCH_LIMITS = "scratch limits"
RESOURCE_LIMITS = "resource limits"
NO_NEW_PROCESSES = "no new processes"
NO_SOCKETS = "no sockets"
FILESYSTEM = "filesystem"
NETWORK = "network"
UNPRIVILEGED_USER = "unprivileged user"

EXPECTED = (RESOURCE_LIMITS, NO_NEW_PROCESSES, NO_SOCKETS, FILESYSTEM, SCRATCH_LIMITS)
"""The protections the worker confines itself with on any Linux this course supports, and the grader's bound
on the scratch directory."""
