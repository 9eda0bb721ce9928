"""Flag code below the window and the command line that reads the clock.

"Today" is passed in (an ``as_of`` argument) so that every report, plan and
check can run as of any date; only the entry points (``ui/``, ``cli/``, the
self-test) ask the clock what day it is. Below them, ``date.today()`` and
``datetime.today()`` are refused everywhere, and ``datetime.now()`` only
stamps when something happened, in the modules listed here with the reason.

Usage: ``python tools/lint_clock.py [PACKAGE_DIR]`` (default ``creditdesk``);
exits 1 and names each place, as ``path:line: what``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENTRY_POINTS = ("ui", "cli", "cli.py", "selftest.py", "__main__.py")
TODAY_CALLS = {("date", "today"), ("datetime", "today")}
NOW_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("time", "time"), ("time", "localtime")}
# Modules that stamp an event with the moment it happened (never a business date).
TIMESTAMPS = {
    "store/activity.py": "when a note or message was recorded",
    "store/database.py": "the time in the name of a copy kept aside",
    "services/company/backups.py": "when a backup was taken",
    "services/company/output_files.py": "the age of a half-written export left by a killed run",
    "mail/smtp.py": "the Date header of a message",
}


def _call_name(node: ast.Call) -> tuple[str, str] | None:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value
    if isinstance(owner, ast.Attribute):  # datetime.datetime.now()
        owner_name = owner.attr
    elif isinstance(owner, ast.Name):
        owner_name = owner.id
    else:
        return None
    return owner_name, func.attr


def clock_reads(package: Path) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] in ENTRY_POINTS or "migrations" in relative.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or (name := _call_name(node)) is None:
                continue
            shown = f"{path}:{node.lineno}: {name[0]}.{name[1]}()"
            if name in TODAY_CALLS:
                problems.append(f"{shown} reads today's date; take an as_of argument instead")
            elif name in NOW_CALLS and relative.as_posix() not in TIMESTAMPS:
                problems.append(
                    f"{shown} reads the clock; take the moment as an argument, or list this module in "
                    "tools/lint_clock.py TIMESTAMPS with the reason"
                )
    return problems


def main(argv: list[str]) -> int:
    package = Path(argv[1]) if len(argv) > 1 else Path("creditdesk")
    problems = clock_reads(package)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
