"""Grading notebooks.

One submission in a sandbox, batches over a process pool or a Dask cluster, and the result store
that lets a stopped batch resume.
"""
