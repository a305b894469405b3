"""Write solutions/lstm/success_rates.json: the lstm notebook's sweep of success rate against length.

Run after changing the sweep's settings or the lstm reference (about 25 minutes with ``--jobs 2``
on a 2-core machine, ``nice -n 10`` it). It trains every model of ``solutions/lstm/lstm_sweep.py``
with the reference ``lstm_forward`` and ``lstm_backward``, loaded from the solution notebook,
exactly as the notebook does with ``RECOMPUTE = True``; ``--jobs`` runs that many trainings at
once in forked processes. Options shrink the sweep for a quick trial
(``--lengths 5 10 --seeds 0 1 --iterations 20 --output /tmp/sweep.json``).
"""

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: one BLAS thread is the fastest

from autograder.checking.reference import load_reference  # noqa: E402

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions" / "lstm"
sys.path.insert(0, str(SOLUTIONS))

import lstm_sweep  # noqa: E402

REFERENCE = load_reference("lstm")


def run(job: tuple[str, int, dict]) -> tuple:
    """One training job of the sweep: ``(model, configuration index, validation losses, test losses)``."""
    model, index, settings = job
    configuration = lstm_sweep.configurations(model, settings)[index]
    start = time.perf_counter()
    scores = lstm_sweep.train_and_score(REFERENCE.lstm_forward, REFERENCE.lstm_backward, model, configuration, settings)
    print(f"{model}, {configuration}: {time.perf_counter() - start:.0f} s", flush=True)
    return (model, index, *scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--jobs", type=int, default=1, help="trainings run at once (default 1)")
    parser.add_argument("--output", type=Path, default=lstm_sweep.SWEEP_FILE)
    arguments = parser.parse_args()
    overrides = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in vars(arguments).items()
        if name not in ("output", "jobs") and value is not None
    }
    settings = {**lstm_sweep.SETTINGS, **overrides}
    start = time.perf_counter()
    work = [(model, index, settings) for model, index in lstm_sweep.jobs(settings)]
    if arguments.jobs > 1:
        with multiprocessing.get_context("fork").Pool(arguments.jobs) as pool:
            scores = pool.map(run, work, chunksize=1)
    else:
        scores = [run(job) for job in work]
    lstm_sweep.save_sweep(lstm_sweep.assemble(scores, settings), arguments.output, **overrides)
    print(f"wrote {arguments.output} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
