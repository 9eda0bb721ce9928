"""Before the window opens on Linux: the system libraries Qt's X11 plugin needs, and how to install them.

Without them Qt aborts with a line about ``xcb-cursor0`` that names one library of
several and no command to run. So ``creditdesk gui`` asks the dynamic loader
(``ldd`` on the plugin) what it cannot find and prints the exact install line for
Debian/Ubuntu, Fedora and Arch. Nothing here loads Qt: it runs before Qt does.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from creditdesk.translations import _


@dataclass(frozen=True)
class Packages:
    """The package that provides one library, on each family of Linux."""

    debian: str
    fedora: str
    arch: str


# Libraries Qt's xcb and wayland plugins link to that a fresh or minimal system may lack, by soname.
PACKAGES: dict[str, Packages] = {
    "libxcb-cursor.so.0": Packages("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": Packages("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": Packages("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": Packages("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": Packages("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-xinerama.so.0": Packages("libxcb-xinerama0", "libxcb", "libxcb"),
    "libxcb-randr.so.0": Packages("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": Packages("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": Packages("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb.so.1": Packages("libxcb1", "libxcb", "libxcb"),
    "libX11-xcb.so.1": Packages("libx11-xcb1", "libX11-xcb", "libx11"),
    "libxkbcommon-x11.so.0": Packages("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": Packages("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libwayland-cursor.so.0": Packages("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": Packages("libwayland-egl1", "libwayland-egl", "wayland"),
    "libwayland-client.so.0": Packages("libwayland-client0", "libwayland-client", "wayland"),
    "libEGL.so.1": Packages("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": Packages("libgl1", "libglvnd-glx", "libglvnd"),
    "libOpenGL.so.0": Packages("libopengl0", "libglvnd-opengl", "libglvnd"),
    "libGLX.so.0": Packages("libglx0", "libglvnd-glx", "libglvnd"),
    "libcups.so.2": Packages("libcups2", "cups-libs", "libcups"),
    "libdbus-1.so.3": Packages("libdbus-1-3", "dbus-libs", "dbus"),
    "libfontconfig.so.1": Packages("libfontconfig1", "fontconfig", "fontconfig"),
}

_NOT_FOUND = re.compile(r"^\s*(\S+\.so[.\d]*)\s+=>\s+not found\s*$", re.MULTILINE)


def not_found(ldd_output: str) -> list[str]:
    """The sonames ``ldd`` could not find, each once, in the order it named them."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def install_advice(missing: list[str]) -> str:
    """What to tell someone whose system lacks ``missing``: the libraries and the install lines."""
    known = [PACKAGES[name] for name in missing if name in PACKAGES]
    unknown = [name for name in missing if name not in PACKAGES]

    def line(command: str, names: list[str]) -> str:
        return f"    {command} " + " ".join(dict.fromkeys(names))

    lines = [
        _("CreditDesk's window cannot start: Qt needs libraries this system lacks ({libraries}).").format(
            libraries=", ".join(missing)
        )
    ]
    if known:
        lines += [
            _("Install them with the line for your system, then start CreditDesk again:"),
            "  Debian, Ubuntu:",
            line("sudo apt-get install", [p.debian for p in known]),
            "  Fedora:",
            line("sudo dnf install", [p.fedora for p in known]),
            "  Arch:",
            line("sudo pacman -S", [p.arch for p in known]),
        ]
    if unknown:
        lines.append(
            _("Install the packages that provide {libraries} from your system's package manager.").format(
                libraries=", ".join(unknown)
            )
        )
    return "\n".join(lines)


def xcb_plugin() -> Path | None:
    """Qt's X11 platform plugin as installed with PySide6 (or bundled beside a frozen build)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt will load the X11 plugin: on Linux unless another platform is chosen or Wayland runs."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def missing_for_window() -> list[str]:
    """The libraries the loader cannot find for the X11 plugin; empty when all is well or it cannot tell."""
    plugin = xcb_plugin()
    ldd = shutil.which("ldd")
    if plugin is None or ldd is None or not uses_xcb(os.environ):
        return []
    try:
        found = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []  # no verdict: let Qt try, as it would without this check
    return not_found(found.stdout)
