"""Build the frozen app, prove it works, and pack it: what `make dist` runs.

    python packaging/build.py [--skip-installer]

1. PyInstaller builds the onedir bundle from packaging/creditdesk.spec into
   dist/creditdesk/ (and dist/CreditDesk.app on macOS).
2. The bundle is checked for what must not be in it (keyrings.alt, WebEngine,
   QML) and runs its own ``--self-test``.
3. Its size is printed; on Linux the .deb is built (packaging/build_deb.py).
   Windows and macOS installers are made by the CI workflow with Inno Setup
   and packaging/macos/make_dmg.sh, which need their own OS's tools.

Needs the ``dist`` extra: ``pip install -e '.[dist]'``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_deb

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "creditdesk"
SPEC = ROOT / "packaging" / "creditdesk.spec"
# Files whose presence means an exclude stopped working.
FORBIDDEN = re.compile(r"keyrings[/\\]alt|QtWebEngine|Qt6?Qml|Qt6?Quick|Qt6?3D|QtMultimedia", re.IGNORECASE)


def executable(bundle: Path = BUNDLE) -> Path:
    """The bundle's command-line executable (the one with a console on Windows)."""
    if sys.platform == "win32":
        return bundle / "creditdesk-cli.exe"
    if sys.platform == "darwin" and (DIST / "CreditDesk.app").is_dir():
        return DIST / "CreditDesk.app" / "Contents" / "MacOS" / "creditdesk"
    return bundle / "creditdesk"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def run_pyinstaller() -> None:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level=WARN",
        f"--distpath={DIST}",
        f"--workpath={ROOT / 'build' / 'pyinstaller'}",
        str(SPEC),
    ]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def check_contents(bundle: Path) -> None:
    bad = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if FORBIDDEN.search(str(p)))
    if bad:
        raise SystemExit("the bundle carries what it must not:\n  " + "\n  ".join(bad[:20]))
    if sys.platform.startswith("linux") and shutil.which("ldd") and shutil.which("dpkg"):
        # Every library the bundle links but lacks must map to a package (a pruned Qt library would not).
        build_deb.depends(bundle)
    metadata = list(bundle.rglob("keyring-*.dist-info/entry_points.txt"))
    if not metadata:
        raise SystemExit("keyring's entry-point metadata is missing: the app would find no password store")


def self_test(program: Path) -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"$ {program} --self-test", flush=True)
    # From a neutral folder, so nothing from the checkout can stand in for what the bundle lacks.
    result = subprocess.run([str(program), "--self-test"], env=env, cwd=program.anchor, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the bundle's self-test failed (exit code {result.returncode})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-installer", action="store_true", help="build and test the bundle only")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit("PyInstaller is missing: pip install -e '.[dist]' (or run `make dist`)")

    started = time.monotonic()
    shutil.rmtree(BUNDLE, ignore_errors=True)
    run_pyinstaller()
    check_contents(BUNDLE)
    self_test(executable())
    print(f"bundle: {BUNDLE.relative_to(ROOT)} {megabytes(folder_size(BUNDLE))}")

    if not args.skip_installer and sys.platform.startswith("linux"):
        if shutil.which("dpkg-deb") is None:
            print("no dpkg-deb here: skipping the .deb")
        else:
            deb = build_deb.build_deb(BUNDLE, DIST)
            print(f"deb: {deb.relative_to(ROOT)} {megabytes(deb.stat().st_size)}")
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
