"""Write solutions/charlm/charlm_results.json: the charlm notebook's comparison of cells and truncation windows.

Run after changing the experiment's settings or the charlm reference (about two hours of processor
time: 72 minutes with ``--processes 2`` on a busy two-core machine). The results are written after each seed, so a run stopped early leaves the seeds it finished.
It trains the models of ``solutions/charlm/charlm_experiment.py`` with the reference ``gru_forward``,
``gru_backward`` and ``rnn_backward_truncated``, loaded from the solution notebook. Options shrink it
for a quick trial (``--updates 4 --seeds 0 1 --windows 4 8 --output /tmp/results.json``).
"""

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: one BLAS thread is the fastest

from autograder.checking.reference import load_reference  # noqa: E402

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions" / "charlm"
sys.path.insert(0, str(SOLUTIONS))

import charlm_experiment  # noqa: E402
from charlm_support import load_corpus  # noqa: E402

_work = {}
"""What every job needs (the cells, the text, the settings), set before the workers fork."""


def work(job):
    return charlm_experiment.run_job(_work["cells"], _work["corpus"], _work["settings"], job)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int)
    parser.add_argument("--every", type=int)
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--tuning-seeds", type=int, nargs="+", dest="tuning_seeds")
    parser.add_argument("--windows", type=int, nargs="+")
    parser.add_argument("--learning-rates", type=float, nargs="+", dest="learning_rates")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--output", type=Path, default=charlm_experiment.RESULTS_FILE)
    arguments = parser.parse_args()
    settings = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in vars(arguments).items()
        if name not in ("output", "processes") and value is not None
    }
    reference = load_reference("charlm")
    _work["cells"] = charlm_experiment.cells_of(reference.gru_forward, reference.gru_backward, reference.rnn_backward_truncated)
    _work["corpus"] = load_corpus()
    _work["settings"] = {**charlm_experiment.SETTINGS, **settings}
    start = time.perf_counter()
    def save_so_far(results, seeds):
        """Keep the seeds done so far: a run stopped early leaves results for fewer seeds, settings to match."""
        charlm_experiment.save_results(results, arguments.output, **{**settings, "seeds": seeds})
        print(f"seeds {list(seeds)} done after {time.perf_counter() - start:.0f} s", flush=True)

    with multiprocessing.get_context("fork").Pool(arguments.processes) as pool:
        results = charlm_experiment.run_experiment(
            _work["cells"],
            _work["corpus"],
            runner=lambda jobs: pool.map(work, jobs, chunksize=1),
            after_each_seed=save_so_far,
            **settings,
        )
    charlm_experiment.save_results(results, arguments.output, **settings)
    print(f"wrote {arguments.output} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
