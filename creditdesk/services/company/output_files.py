"""Files CreditDesk writes for people (exports, PDFs): whole or not at all, and never over a link.

The data go to a hidden file beside the target, renamed over it at the end,
so a failed or interrupted write never leaves half a file nor spoils an old
one. A target that is a symbolic link is written through: the file it points
to gets the new content and the link stays. A write killed outright leaves its
hidden file behind; the next write into that folder removes the leftovers of
processes that are gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from creditdesk.domain.errors import ValidationError

# .<target name>.<process id>-<counter>.partial
_PARTIAL = re.compile(r"^\..+\.(\d+)-\d+\.partial$")
# Where a process cannot be asked whether it still runs (Windows), a leftover this old is abandoned.
_STALE_SECONDS = 3600
_counter = iter(range(1, 1 << 62))


def real_target(path: Path) -> Path:
    """The file a write to ``path`` should change: the end of its chain of links, if it is one."""
    return path.resolve() if path.is_symlink() else path


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive but another user's, or a platform that cannot tell
        return True
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete hidden partial files of writes whose process was killed; returns what went."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = _PARTIAL.match(entry.name)
            if match is None:
                continue
            with contextlib.suppress(OSError):
                abandoned = (
                    not _running(int(match.group(1)))
                    if os.name == "posix"
                    else time.time() - entry.stat().st_mtime > _STALE_SECONDS
                )
                if abandoned:
                    entry.unlink()
                    removed.append(entry)
    return removed


def _checked(path: Path) -> Path:
    target = real_target(path)
    if target.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name to write")
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist")
    return target


def _written(path: Path, exc: OSError) -> ValidationError:
    hint = (
        "; if it is open in another program, close it and try again"
        if isinstance(exc, PermissionError)
        else ""
    )
    return ValidationError(f"{path} could not be written ({exc.strerror or exc}){hint}")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces ``path`` (or the file it links to) if the block completes."""
    target = _checked(path)
    remove_leftovers(target.parent)
    partial = target.with_name(f".{target.name}.{os.getpid()}-{next(_counter)}.partial")
    try:
        stream = partial.open("xb")
    except OSError as exc:
        raise ValidationError(f"cannot write in {target.parent}: {exc.strerror or exc}") from exc
    try:
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise _written(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` only once all of it is on disk; never leave half a file."""
    with replacing(path) as stream:
        stream.write(data)
