"""Install the built .deb on this machine, run `creditdesk --self-test` from PATH, remove it.

Runs only after `make dist` left a .deb in dist/, as root, on a dpkg system; it
changes the machine (it is what CI's throwaway runner is for): the package is
removed again, the libraries apt pulled in for it stay.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEBS = sorted((ROOT / "dist").glob("creditdesk_*.deb"))


def _why_not() -> str | None:
    if not DEBS:
        return "no dist/creditdesk_*.deb: run `make dist` first"
    if shutil.which("dpkg") is None:
        return "not a dpkg system"
    if os.geteuid() != 0:
        return "installing a .deb needs root"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")


def run(*command: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), capture_output=True, text=True, env=dict(os.environ, **env), timeout=300, check=False
    )


def test_deb_installs_runs_and_uninstalls(tmp_path: Path) -> None:
    deb = DEBS[-1]
    info = run("dpkg-deb", "--field", str(deb), "Package", "Version")
    assert info.returncode == 0 and "creditdesk" in info.stdout
    already = run("dpkg-query", "-W", "creditdesk").returncode == 0
    if already:
        pytest.skip("creditdesk is already installed here; not touching someone else's install")

    # apt installs the Depends (Qt's xcb libraries) from the archive as a user's install would;
    # bare dpkg -i would stop at the first one missing.
    if shutil.which("apt-get"):
        installed = run("apt-get", "install", "-y", "-q", str(deb), DEBIAN_FRONTEND="noninteractive")
    else:
        installed = run("dpkg", "-i", str(deb))
    try:
        assert installed.returncode == 0, installed.stdout + installed.stderr
        for path in (
            "/opt/creditdesk/creditdesk",
            "/usr/bin/creditdesk",
            "/usr/share/applications/creditdesk.desktop",
            "/usr/share/icons/hicolor/256x256/apps/creditdesk.png",
        ):
            assert Path(path).exists(), path
        assert shutil.which("creditdesk") == "/usr/bin/creditdesk"
        result = run("creditdesk", "--self-test", QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "frozen build in /opt/creditdesk" in result.stdout
        assert result.stdout.splitlines()[-1].startswith("self-test passed")
    finally:
        removed = run("dpkg", "-r", "creditdesk")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert not Path("/opt/creditdesk").exists()
    assert not Path("/usr/bin/creditdesk").exists()
    assert not Path("/usr/share/applications/creditdesk.desktop").exists()
