"""Files that hold the books or clients' details are readable by their owner only, whatever the umask."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600; fails if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def tighten(path: Path) -> None:
    """Take group and other permissions off ``path``; chmod does not open the file."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
