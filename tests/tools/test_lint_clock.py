"""The clock lint: it refuses a read of today below the entry points and passes the real package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tools" / "lint_clock.py"


def run_lint(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(LINT), str(package)], capture_output=True, text=True)


def test_the_package_reads_the_clock_only_where_allowed() -> None:
    result = run_lint(ROOT / "creditdesk")
    assert result.returncode == 0, result.stdout


def test_today_below_the_window_is_flagged_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "late.py").write_text(
        "from datetime import date, datetime\n\n\ndef overdue():\n    return date.today()\n\n\n"
        "def stamp():\n    return datetime.datetime.now()\n"
    )
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "window.py").write_text("from datetime import date\nTODAY = date.today()\n")
    result = run_lint(tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # the window may ask the clock; the service may not, twice
    assert lines[0].endswith("late.py:5: date.today() reads today's date; take an as_of argument instead")
    assert "late.py:9: datetime.now() reads the clock" in lines[1]


def test_a_listed_timestamp_module_may_stamp_events(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "activity.py").write_text("import datetime\nAT = datetime.datetime.now()\n")
    assert run_lint(tmp_path).returncode == 0
