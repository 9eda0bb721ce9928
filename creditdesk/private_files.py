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


def private_folder(path: Path) -> Path:
    """Make ``path`` (and missing parents) as a folder only its owner can enter; tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    tighten(path)
    return path


def ensure_private_file(path: Path) -> Path:
    """``path`` exists and is owner-only: created so if missing, tightened if not."""
    try:
        create_private_file(path)
    except FileExistsError:
        tighten(path)
    return path
