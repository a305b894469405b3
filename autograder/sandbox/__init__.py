"""Running student code confined.

The process the answer cells run in, the worker inside it, the bubblewrap and seccomp/Landlock
confinement, and the scratch directory.
"""
