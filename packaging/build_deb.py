"""Pack the onedir bundle into a .deb with dpkg-deb (called by build.py; runs alone too).

    python packaging/build_deb.py [dist/creditdesk] [dist]

Layout: the bundle in /opt/creditdesk, /usr/bin/creditdesk (a two-line launcher),
a menu entry whose icon is in the hicolor theme, and the copyright file. No
maintainer scripts: dpkg's triggers from desktop-file-utils and the icon theme
refresh the menu and icon caches.

Depends is worked out the way dpkg-shlibdeps would: every library a bundled
file links to that the bundle does not carry is looked up (ldd, then dpkg -S
on the build machine, then the table below for libraries not installed here)
and its package is required. A library found in none of them stops the build,
so the list cannot silently fall behind the bundle.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

# Needed at run time but not linked: Qt's xcb plugin dlopens the cursor library, fontconfig
# needs at least one font, and the platform-theme/portal bits talk over D-Bus.
BASE_DEPENDS = ("libxcb-cursor0", "fontconfig", "fonts-dejavu-core | fonts-noto-core | fonts-liberation2")
# Libraries Qt's plugins link to that a build machine may lack (no desktop installed): the table
# the window's start-up check prints install lines from, so the two never disagree.
sys.path.insert(0, str(ROOT))
from creditdesk.ui.system_libraries import PACKAGES  # noqa: E402

KNOWN_PACKAGES = {soname: packages.debian for soname, packages in PACKAGES.items()}
# glibc is assumed (Essential: yes); its libraries are never listed one by one.
GLIBC = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux[-\w]*)\.so")


def version() -> str:
    text = (ROOT / "creditdesk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__ = "([^"]+)"', text)
    if match is None:
        raise SystemExit("no __version__ in creditdesk/__init__.py")
    return match.group(1)


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _package_of(path: str) -> str | None:
    """The installed package that owns ``path`` (merged /usr: try both spellings)."""
    candidates = {path, os.path.realpath(path)}
    candidates |= {
        p.removeprefix("/usr") if p.startswith("/usr/lib") else "/usr" + p for p in set(candidates)
    }
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    return None


def system_libraries(bundle: Path) -> dict[str, str | None]:
    """soname -> path on this machine (None when missing) for each library the bundle links but lacks."""
    internal = bundle / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}")
    found: dict[str, str | None] = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file() or not (".so" in path.name or path.name == "creditdesk"):
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=False).stdout
        for name, target in re.findall(r"^\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$", out, re.MULTILINE):
            if GLIBC.match(name):
                continue
            if target == "not found":
                found.setdefault(name, None)
            elif not Path(target).resolve().is_relative_to(bundle.resolve()):
                found[name] = target
    return found


def depends(bundle: Path) -> list[str]:
    packages = set(BASE_DEPENDS)
    unknown = []
    for name, path in sorted(system_libraries(bundle).items()):
        package = (_package_of(path) if path else None) or KNOWN_PACKAGES.get(name)
        if package is None:
            unknown.append(f"{name} ({path or 'not on this machine'})")
        else:
            packages.add(package)
    if unknown:
        raise SystemExit(
            "no Debian package known for: "
            + ", ".join(unknown)
            + "; add it to PACKAGES in creditdesk/ui/system_libraries.py"
        )
    return sorted(packages)


def _install(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def stage(bundle: Path, root: Path, deps: list[str]) -> None:
    shutil.copytree(bundle, root / "opt" / "creditdesk", symlinks=True)
    _install(LINUX / "creditdesk", root / "usr" / "bin" / "creditdesk", 0o755)
    _install(LINUX / "open-file", root / "usr" / "lib" / "creditdesk" / "open-file", 0o755)
    _install(LINUX / "creditdesk.desktop", root / "usr" / "share" / "applications" / "creditdesk.desktop")
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        _install(ICONS / f"creditdesk-{size}.png", hicolor / f"{size}x{size}" / "apps" / "creditdesk.png")
    _install(ICONS / "creditdesk.svg", hicolor / "scalable" / "apps" / "creditdesk.svg")
    doc = root / "usr" / "share" / "doc" / "creditdesk"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "CreditDesk is released under the MIT licence.\n"
        "The bundled Noto Sans fonts are under the SIL Open Font License 1.1:\n"
        "/opt/creditdesk/_internal/creditdesk/_resources/fonts/OFL.txt\n"
        "Qt (LGPLv3), PySide6 (LGPLv3) and the other bundled libraries keep their own licences.\n",
        encoding="utf-8",
    )
    for folder in [root, *root.rglob("*")]:
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o755)
    installed_kb = (
        sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    )
    control = (
        (LINUX / "control.in")
        .read_text(encoding="utf-8")
        .format(
            version=version(),
            architecture=architecture(),
            installed_size=installed_kb,
            depends=", ".join(deps),
        )
    )
    (root / "DEBIAN").mkdir(mode=0o755)
    (root / "DEBIAN" / "control").write_text(control, encoding="utf-8")


def build_deb(bundle: Path, out_dir: Path) -> Path:
    if not (bundle / "creditdesk").is_file():
        raise SystemExit(f"no bundle at {bundle}: run `make dist` (or packaging/build.py) first")
    deps = depends(bundle)
    target = out_dir / f"creditdesk_{version()}_{architecture()}.deb"
    with tempfile.TemporaryDirectory(prefix="creditdesk-deb-") as tmp:
        root = Path(tmp) / "root"
        stage(bundle, root, deps)
        command = ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(target)]
        if os.geteuid() != 0 and shutil.which("fakeroot"):
            command.insert(0, "fakeroot")  # --root-owner-group already owns files by root; belt and braces
        print("$", " ".join(command), flush=True)
        subprocess.run(command, check=True)
    print("Depends:", ", ".join(deps))
    return target


def main(argv: list[str]) -> int:
    bundle = Path(argv[0]) if argv else ROOT / "dist" / "creditdesk"
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "dist"
    deb = build_deb(bundle.resolve(), out_dir.resolve())
    print(f"deb: {deb} {deb.stat().st_size / 1_000_000:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
