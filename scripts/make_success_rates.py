"""Write solutions/lstm/success_rates.json: the lstm notebook's sweep of success rate against length.

Run after changing the sweep's settings or the lstm reference (minutes). It trains the models of
``solutions/lstm/lstm_sweep.py`` with the reference ``lstm_forward`` and ``lstm_backward``, loaded
from the solution notebook, exactly as the notebook does with ``RECOMPUTE = True``. Options shrink
the sweep for a quick trial (``--lengths 5 10 --seeds 0 1 --iterations 20 --output /tmp/sweep.json``).
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: one BLAS thread is the fastest

from autograder.checking.reference import load_reference  # noqa: E402

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions" / "lstm"


def main() -> None:
    sys.path.insert(0, str(SOLUTIONS))
    import lstm_sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--output", type=Path, default=lstm_sweep.SWEEP_FILE)
    arguments = parser.parse_args()
    settings = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in vars(arguments).items()
        if name != "output" and value is not None
    }
    reference = load_reference("lstm")
    start = time.perf_counter()
    result = lstm_sweep.success_rates(reference.lstm_forward, reference.lstm_backward, **settings)
    lstm_sweep.save_sweep(result, arguments.output, **settings)
    print(f"wrote {arguments.output} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
