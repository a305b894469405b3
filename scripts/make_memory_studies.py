"""Write solutions/rnn/memory_studies.json: the rnn notebook's tuned clipping and initialisation studies.

Run after changing the studies' settings or the rnn reference (about 10 minutes on one core). It
runs ``solutions/rnn/memory_studies.py`` with the reference ``rnn_forward``, ``rnn_backward`` and
``clip_by_global_norm``, loaded from the solution notebook, exactly as the notebook does with
``RECOMPUTE = True``. Options shrink the studies for a quick trial
(``--tuning-seeds 100 --test-seeds 0 1 --iterations 20 --output /tmp/studies.json``).
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: one BLAS thread is the fastest

from autograder.checking.reference import load_reference  # noqa: E402

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions" / "rnn"


def main() -> None:
    sys.path.insert(0, str(SOLUTIONS))
    import memory_studies

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tuning-seeds", type=int, nargs="+")
    parser.add_argument("--test-seeds", type=int, nargs="+")
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--clipping-learning-rates", type=float, nargs="+")
    parser.add_argument("--initialisation-learning-rates", type=float, nargs="+")
    parser.add_argument("--output", type=Path, default=memory_studies.STUDY_FILE)
    arguments = parser.parse_args()
    overrides = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in vars(arguments).items()
        if name != "output" and value is not None
    }
    reference = load_reference("rnn")
    functions = (reference.rnn_forward, reference.rnn_backward, reference.clip_by_global_norm)
    start = time.perf_counter()
    studies = {
        "clipping": memory_studies.clipping_study(*functions, **overrides),
        "initialisation": memory_studies.initialisation_study(*functions, **overrides),
    }
    memory_studies.save_studies(studies, arguments.output, **overrides)
    print(f"wrote {arguments.output} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
