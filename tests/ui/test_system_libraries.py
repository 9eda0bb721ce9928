"""The window's start-up check: what the loader cannot find for Qt, and the install lines for it."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from creditdesk.ui.system_libraries import (
    PACKAGES,
    install_advice,
    missing_for_window,
    not_found,
    uses_xcb,
    xcb_plugin,
)

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not shutil.which("ldd"), reason="Linux, ldd"
)


def loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


@linux_only
def test_the_libraries_reported_missing_are_exactly_those_that_do_not_load() -> None:
    plugin = xcb_plugin()
    assert plugin is not None
    output = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout
    missing = not_found(output)
    system = [name for name in PACKAGES if f"{name} =>" in output]
    assert system, "the X11 plugin links to system libraries of the table"
    for name in system:
        assert (name in missing) == (not loads(name)), name


def test_advice_names_each_library_and_the_install_line_of_each_system() -> None:
    advice = install_advice(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-randr.so.0", "libfoo.so.9"])
    assert "(libxcb-icccm.so.4, libxcb-keysyms.so.1, libxcb-randr.so.0, libfoo.so.9)" in advice
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-randr0\n" in advice
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms libxcb\n" in advice
    assert "sudo pacman -S xcb-util-wm xcb-util-keysyms libxcb\n" in advice
    assert advice.endswith(
        "Install the packages that provide libfoo.so.9 from your system's package manager."
    )


def test_ldd_lines_are_read_once_each() -> None:
    output = (
        "\tlinux-vdso.so.1 (0x00007ffd)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibQt6Gui.so.6 => /opt/Qt/lib/libQt6Gui.so.6 (0x00007f00)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
    )
    assert not_found(output) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux")
@pytest.mark.parametrize(
    ("environ", "xcb"),
    [
        ({}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb;wayland"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "wayland"}, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ],
)
def test_only_a_window_on_x11_is_checked(environ: dict[str, str], xcb: bool) -> None:
    assert uses_xcb(environ) is xcb


@linux_only
def test_the_window_command_prints_the_install_line_instead_of_aborting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    missing = missing_for_window()
    if not missing:
        pytest.skip("this system has every library Qt's X11 plugin needs")
    done = subprocess.run(
        [sys.executable, "-m", "creditdesk", "gui"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip() == install_advice(missing)
    assert "Traceback" not in done.stderr


@linux_only
def test_the_readme_install_lines_cover_every_library_the_x11_plugin_links_to() -> None:
    plugin = xcb_plugin()
    assert plugin is not None
    output = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout
    linked = [PACKAGES[name] for name in PACKAGES if f"{name} =>" in output]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    quick_start = readme[readme.index("## Quick start") : readme.index("## The window")].replace("\\\n", " ")
    lines = {
        system: next(line.split() for line in quick_start.splitlines() if line.startswith(command))
        for system, command in (("debian", "sudo apt-get"), ("fedora", "sudo dnf"), ("arch", "sudo pacman"))
    }
    for packages in linked:
        assert packages.debian in lines["debian"]
        assert packages.fedora in lines["fedora"]
        assert packages.arch in lines["arch"]
