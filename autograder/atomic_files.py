"""Writing a file so that readers see the old one or the complete new one, never a part."""

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8, line endings as given) atomically.

    The text goes to a temporary file in the same directory, which is flushed to disk and then
    renamed over ``path`` (``os.replace``, atomic on POSIX and Windows). If anything fails before
    the rename, the temporary file is removed and ``path`` is left as it was. A new file is
    readable by everyone (0644); a replaced one keeps its permissions.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
