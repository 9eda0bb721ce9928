"""Running a command in the test's own process, as the installed ``creditdesk`` would, on a fixed day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from creditdesk.cli import main


def run_command(
    capsys: pytest.CaptureFixture[str], argv: Sequence[str], today: date, *, usage_exits: bool = True
) -> tuple[int, str, str]:
    """The exit code and what the command printed.

    A usage error exits (SystemExit) unless ``usage_exits`` is false; then its exit code is returned.
    """
    try:
        code = main(list(argv), today=today)
    except SystemExit as exit_info:
        if usage_exits:
            raise
        assert isinstance(exit_info.code, int)
        code = exit_info.code
    out, err = capsys.readouterr()
    return code, out, err
