"""Writing a file so that readers see the old one or the complete new one, never a part."""

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike, content: str | bytes) -> None:
    """Write ``content`` to ``path`` atomically: bytes as they are, text as UTF-8 with its line endings.

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
        data = content.encode("utf-8") if isinstance(content, str) else content
        with open(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def replace_files(source: Path, destination: Path) -> None:
    """Make ``destination`` hold the files of ``source``, each replaced atomically.

    A reader of any one file meanwhile sees its old or its new content, never a missing or partial
    file (a test suite running in parallel reads the files this rewrites). Files ``source`` does not
    have are removed afterwards, and directories left empty with them.
    """
    wanted = {path.relative_to(source) for path in source.rglob("*") if path.is_file()}
    for relative in sorted(wanted):
        write_atomically(destination / relative, (source / relative).read_bytes())
    for path in sorted(destination.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(destination) not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
