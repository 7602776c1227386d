"""Reading a file only if it is a regular file: a named pipe or a device is refused, never waited on.

The file is opened with ``O_NONBLOCK`` (opening a pipe does not wait for a writer) and
``O_NOFOLLOW``, then ``fstat`` says what it is; only a regular file of bounded size is read.
"""
from __future__ import annotations

import os
import stat

from .errors import AnswerFileError, SpikesetError


def read_regular_file(path: str | os.PathLike, *, shown: str, limit: int, what: str,
                      error: type[SpikesetError] = AnswerFileError, follow_links: bool = False) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link, pipe, device or folder) of at
    most ``limit`` bytes; else ``error`` naming the file as ``shown`` (no content quoted).
    A symbolic link is refused unless ``follow_links`` (for the instructor's own files)."""
    def fail(message: str) -> SpikesetError:
        return error(message, file=shown)

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        if not follow_links and os.path.islink(path):
            raise fail(f"is a symbolic link; expected {what} (a regular file)")
        fd = os.open(path, flags)
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe" if stat.S_ISFIFO(info.st_mode)
                    else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise fail(f"is {kind}; expected {what} (a regular file)")
        if info.st_size > limit:
            raise fail(f"file is {info.st_size} bytes; {what} is at most {limit} bytes")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise fail(f"file is more than {limit} bytes; {what} is at most {limit} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
    finally:
        os.close(fd)
