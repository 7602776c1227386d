"""Writing output files atomically: a killed run leaves the previous file intact.

The text goes to a temporary file in the target's folder, is flushed and fsynced, then
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows), the way pip,
black and Mercurial write their files.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: str | bytes, *, encoding: str = "utf-8",
                 newline: str | None = "", fsync: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically, creating its folder; return the path.

    ``newline`` is passed to the text layer for ``str`` data (``""`` writes line ends as given).
    ``fsync=False`` skips the flush to disk (still atomic against a killed process, not against
    a power cut): for the many small files of a generated class.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=target.parent)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if fsync:
                    os.fsync(fh.fileno())
        else:
            with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
                fh.write(data)
                fh.flush()
                if fsync:
                    os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
