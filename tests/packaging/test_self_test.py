"""`creditdesk --self-test` from source, in its own process as a user or CI would run it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from creditdesk import selftest
from creditdesk.selftest import CheckWarning, Outcome, Report

ROOT = Path(__file__).resolve().parents[2]
CHECKS = (
    "resources bundled",
    "company file created",
    "window shown",
    "window loaded",
    "client and invoice created",
    "invoice PDF rendered",
    "statement PDF rendered",
    "worker process started",
    "keyring backends discovered",
    "password store",
)


def run_self_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "creditdesk", "--self-test"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_self_test_passes_with_one_line_per_check(tmp_path: Path) -> None:
    result = run_self_test(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("CreditDesk ") and "self-test (source" in lines[0]
    checks = [line for line in lines[1:-1] if not line.startswith(" ")]
    assert [line[5:].split(" (")[0] for line in checks] == list(CHECKS)
    assert all(line[:5] in ("ok   ", "warn ") for line in checks), result.stdout
    assert "window shown" in result.stdout and "offscreen platform" in result.stdout
    assert lines[-1].startswith("self-test passed")


def test_self_test_leaves_nothing_behind(tmp_path: Path) -> None:
    """It works in its own temporary folder: no company file, settings or lock stays."""
    assert run_self_test(tmp_path).returncode == 0
    assert list(tmp_path.iterdir()) == []


def test_a_warning_fails_only_when_strict() -> None:
    def no_store() -> str:
        raise CheckWarning("none usable")

    lenient, strict = Report(io.StringIO(), strict=False), Report(io.StringIO(), strict=True)
    assert lenient.check("password store", no_store)
    assert not strict.check("password store", no_store)
    assert lenient.results[0].outcome is Outcome.WARN
    assert strict.results[0].outcome is Outcome.FAIL


def test_a_failed_check_says_what_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken installation: the fonts are gone."""

    monkeypatch.setattr(selftest, "FONT_FILES", ("NoSuchFont.ttf",))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    out = io.StringIO()

    def skip_window(self: selftest.SelfTest) -> str:
        return "not opened in this test"

    monkeypatch.setattr(selftest.SelfTest, "show_window", skip_window)
    monkeypatch.setattr(selftest.SelfTest, "load_window", lambda self: None)
    assert selftest.run_self_test(out) == 1
    text = out.getvalue()
    assert "FAIL resources bundled" in text and "NoSuchFont.ttf is missing" in text
    assert (
        text.splitlines()[-1].startswith("self-test FAILED") and "resources bundled" in text.splitlines()[-1]
    )
