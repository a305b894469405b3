"""The progress bar of batch grading (tqdm, on stderr, shown only when stderr is a terminal)."""

import contextlib
import sys
from collections.abc import Callable, Iterator

from tqdm import tqdm


@contextlib.contextmanager
def progress_bar(total: int) -> Iterator[Callable[[object], None]]:
    """A bar of ``total`` submissions; the function yielded advances it by one."""
    with tqdm(total=total, unit="submission", file=sys.stderr, disable=None, leave=False) as bar:
        yield lambda _result: bar.update()
