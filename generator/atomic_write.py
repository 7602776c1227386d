"""Writing output files atomically: a killed run leaves the previous file intact.

The text goes to a temporary file in the target's folder, is flushed and fsynced, then
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows), the way pip,
black and Mercurial write their files. A pipe or a character device (``/dev/null``,
``/dev/stdout``) is written into instead: renaming over it would replace the device node.

A run killed mid-write leaves its hidden temporary file behind. Its name carries the writer's
process id and a tag of its host (``.grades.json.4242-1a2b3c4d.k3j_x9q2.tmp``), so the next
write of the same target removes the temporary files of that target whose writer, on this
host, is no longer alive; another live writer's file is never touched.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
import threading
from pathlib import Path
from typing import Iterable

#: Characters of the target's name kept in a temporary file's name.
NAME_KEPT = 40
#: ``.<target name, at most NAME_KEPT characters>.<pid>-<host tag>.<random>.tmp``
_TEMP_NAME = re.compile(r"\.(?P<target>.{1,%d})\.(?P<pid>\d{1,10})-(?P<host>[0-9a-f]{8})\.[A-Za-z0-9_]+\.tmp\Z"
                        % NAME_KEPT, re.S)

_lock = threading.Lock()
#: Per folder (device, inode): the temporary files of dead-looking writers seen when this
#: process first wrote there, by target name; listed once, so writing many files into one
#: folder does not list it again for each.
_leftovers: dict[tuple[int, int], dict[str, list[tuple[str, int]]]] = {}


def write_atomic(path: str | os.PathLike, data: str | bytes | Iterable[str], *, encoding: str = "utf-8",
                 newline: str | None = "", fsync: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically, creating its folder; return the path.

    ``data`` is text, bytes, or an iterable of text pieces written one after another (a file
    too large to hold in memory at once).

    ``newline`` is passed to the text layer for ``str`` data (``""`` writes line ends as given).
    ``fsync=False`` skips the flush to disk (still atomic against a killed process, not against
    a power cut): for the many small files of a generated class. Temporary files of ``path``
    left by killed runs are removed first (see the module's docstring).
    """
    target = Path(path)
    if _is_stream(target):
        _write_stream(target, data, encoding=encoding, newline=newline)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if fsync:
                    os.fsync(fh.fileno())
        else:
            with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
                for piece in ([data] if isinstance(data, str) else data):
                    fh.write(piece)
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


def _is_stream(target: Path) -> bool:
    """Whether ``target`` (or what a link there points to) is a pipe or a character device
    (``/dev/null``, ``/dev/stdout``): written into, never replaced by a renamed file."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _write_stream(target: Path, data: str | bytes | Iterable[str], *, encoding: str, newline: str | None) -> None:
    if isinstance(data, bytes):
        with open(target, "wb") as fh:
            fh.write(data)
    else:
        with open(target, "w", encoding=encoding, newline=newline) as fh:
            for piece in ([data] if isinstance(data, str) else data):
                fh.write(piece)


def temporary_prefix(target: Path) -> str:
    """The start of the name of this process's temporary files for ``target`` (``mkstemp`` adds
    a random part and ``.tmp``)."""
    return f".{target.name[:NAME_KEPT]}.{os.getpid()}-{host_tag()}."


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` left by writers on this host that are no longer
    alive; return them. Files of live writers, of other hosts and of other targets stay."""
    try:
        folder = os.stat(target.parent)
    except OSError:
        return []
    key = (folder.st_dev, folder.st_ino)
    with _lock:
        if key not in _leftovers:
            _leftovers[key] = _list_leftovers(target.parent)
        candidates = _leftovers[key].pop(target.name[:NAME_KEPT], [])
    removed = []
    for name, pid in candidates:
        if pid == os.getpid() or _alive(pid):
            continue
        try:
            os.unlink(target.parent / name)
            removed.append(target.parent / name)
        except OSError:  # gone already, or not ours to remove
            pass
    return removed


def _list_leftovers(folder: Path) -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    tag = host_tag()
    try:
        names = os.listdir(folder)
    except OSError:
        return found
    for name in names:
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        m = _TEMP_NAME.match(name)
        if m and m["host"] == tag:
            found.setdefault(m["target"], []).append((name, int(m["pid"])))
    return found


def _alive(pid: int) -> bool:
    if pid <= 0 or os.name != "posix":
        return True  # not a process id a writer has, or no harmless probe (Windows' kill terminates)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or a number we cannot check: assume it lives
    return True


_HOST_TAG: str | None = None


def host_tag() -> str:
    """Eight hex digits naming this host (a process id means something on its own host only)."""
    global _HOST_TAG
    if _HOST_TAG is None:
        node = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")
        _HOST_TAG = hashlib.blake2s(node.encode("utf-8", "replace"), digest_size=4).hexdigest()
    return _HOST_TAG
