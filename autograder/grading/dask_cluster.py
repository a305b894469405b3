"""Grading a batch on a dask.distributed cluster: a laptop's LocalCluster, Slurm or PBS, Kubernetes.

``autograder grade ... --scheduler tcp://host:8786`` sends each submission to the cluster's
workers as one task, :func:`autograder.grading.batch.grade_one`, and collects the results as they
complete (so ``--results-dir`` keeps them as on one machine). Each worker grades in its own
sandboxes, as a local pool process would; it needs:

* this package installed in the worker's environment (the same version as the client);
* the course's solutions, for the hidden checks: the workers run in a checkout of the course, or
  have ``AUTOGRADER_SOLUTIONS`` set to one (without them only the public checks run, and every
  result says so);
* the submissions at the same paths as the client (a shared file system, as on a cluster).

A task whose worker dies is retried on another worker by the scheduler (dask's
``distributed.scheduler.allowed-failures``); one that keeps killing workers becomes a result
saying it was not graded. ``distributed`` is an optional dependency: ``pip install
'rnn-gradients-autograder[dask]'``.
"""

from collections.abc import Callable, Sequence

from autograder.results import SubmissionResult
from autograder.sandbox.process import Limits


def grade_on_cluster(
    pending: Sequence[str],
    assignment: str | None,
    limits: Limits | None,
    finish: Callable[[str, SubmissionResult], None],
    *,
    scheduler: str,
    seeds: dict[str, int | None] | None = None,
    distrusted: tuple[str, ...] = (),
) -> None:
    """Grade ``pending`` on the cluster whose scheduler is at ``scheduler``; ``finish`` each result.

    ``seeds`` gives a submission's hidden cases their seed (a fresh one when it gives none);
    ``distrusted`` are the batch's folders, from which no worker takes a trusted notebook.

    Raises:
        ImportError: when ``distributed`` is not installed (the message says how to install it).
    """
    try:
        from distributed import Client, as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise ImportError(
            "grading on a cluster needs dask.distributed: pip install 'rnn-gradients-autograder[dask]'"
        ) from None
    from autograder.grading.one_submission import grade_one, ungraded

    with Client(scheduler) as client:
        futures = {
            client.submit(
                grade_one, submission, assignment, limits, (seeds or {}).get(submission), 1, distrusted, pure=False
            ): submission
            for submission in pending
        }
        for future in as_completed(futures):
            submission = futures[future]
            try:
                finish(submission, future.result())
            except (KilledWorker, FutureCancelledError) as error:
                note = f"not graded: the cluster lost the workers grading it ({type(error).__name__})"
                finish(submission, ungraded(submission, assignment, note))
            except Exception as error:  # noqa: BLE001 - a failure costs its submission only
                note = f"the grading process failed: {type(error).__name__}: {error}"
                finish(submission, ungraded(submission, assignment, note))
