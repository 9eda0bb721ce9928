"""Static checks of the packaging files: what the bundle must and must not carry, and valid metadata.

They read the files rather than run PyInstaller (that is `make dist`, minutes long).
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import plistlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = (PACKAGING / "creditdesk.spec").read_text(encoding="utf-8")
SPEC_TREE = ast.parse(SPEC)


def spec_list(name: str) -> list[str]:
    """The string items of a list or set literal assigned to ``name`` in the spec."""
    for node in ast.walk(SPEC_TREE):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return [
                e.value
                for e in ast.walk(node.value)
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
    raise AssertionError(f"{name} is not assigned in the spec")


def test_spec_is_python() -> None:
    compile(SPEC, "creditdesk.spec", "exec")


@pytest.mark.parametrize(
    "family",
    ["QtWebEngineCore", "QtWebEngineWidgets", "QtQml", "QtQuick", "Qt3DCore", "QtMultimedia", "QtDesigner"],
)
def test_spec_excludes_the_heavy_qt_modules(family: str) -> None:
    assert family in spec_list("QT_UNUSED")


def test_every_qt_module_the_app_imports_is_kept() -> None:
    """A new `from PySide6.QtX import` in the app must be added to QT_USED, or the bundle lacks it."""
    used = set()
    for path in (ROOT / "creditdesk").rglob("*.py"):
        used |= set(
            re.findall(r"^\s*(?:from|import) PySide6\.(Qt\w+)", path.read_text(encoding="utf-8"), re.M)
        )
    kept = set(spec_list("QT_USED"))
    assert used <= kept, f"imported but excluded from the bundle: {sorted(used - kept)}"
    assert not kept & set(spec_list("QT_UNUSED"))


def test_spec_keeps_keyrings_alt_out_and_keyring_metadata_in() -> None:
    excludes = spec_list("EXCLUDES")
    assert "keyrings.alt" in excludes and "keyrings" in excludes
    assert 'copy_metadata("keyring")' in SPEC
    assert 'collect_submodules("keyring.backends")' in SPEC
    assert "keyrings.alt" not in re.sub(r"#.*", "", SPEC).replace('"keyrings.alt",', "")


def test_spec_bundles_fonts_icons_and_migrations_where_the_app_looks() -> None:
    assert '"creditdesk/_resources/fonts"' in SPEC
    assert '"creditdesk/_resources/icons"' in SPEC
    assert '"creditdesk/store/migrations"' in SPEC
    fonts = {p.name for p in (ROOT / "resources" / "fonts").iterdir()}
    assert {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "OFL.txt"} <= fonts


def test_spec_makes_a_macos_app_and_a_windows_console_twin() -> None:
    assert "BUNDLE(" in SPEC and 'name="CreditDesk.app"' in SPEC
    assert 'name="creditdesk-cli", console=True' in SPEC
    assert "onefile" not in re.sub(r"#.*", "", SPEC)


def test_icons_exist_in_every_size() -> None:
    from PIL import Image

    icons = ROOT / "resources" / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024):
        with Image.open(icons / f"creditdesk-{size}.png") as image:
            assert image.size == (size, size)
    with Image.open(icons / "creditdesk.ico") as ico:
        assert {(256, 256), (48, 48), (16, 16)} <= set(ico.info["sizes"])
    with Image.open(icons / "creditdesk.icns") as icns:
        assert icns.size[0] >= 512


def test_desktop_entry_is_valid() -> None:
    desktop = PACKAGING / "linux" / "creditdesk.desktop"
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(desktop)], capture_output=True, text=True, check=False)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(desktop, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Icon"] == "creditdesk"
    assert entry["Exec"].split()[0] == "/usr/lib/creditdesk/open-file"
    assert "Office" in entry["Categories"].split(";")


def test_control_template_has_the_required_fields() -> None:
    text = (PACKAGING / "linux" / "control.in").read_text(encoding="utf-8")
    filled = text.format(version="1.2.3", architecture="amd64", installed_size=1, depends="libc6")
    fields = dict(line.split(": ", 1) for line in filled.splitlines() if line and not line.startswith(" "))
    for field in ("Package", "Version", "Architecture", "Maintainer", "Depends", "Description"):
        assert fields.get(field), field
    assert fields["Package"] == "creditdesk"
    assert filled.endswith("\n") and all(line.startswith(" ") for line in filled.splitlines()[-4:])


def test_launchers_are_executable_shell_scripts() -> None:
    for name in ("creditdesk", "open-file"):
        path = PACKAGING / "linux" / name
        assert path.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
        assert path.stat().st_mode & 0o111
        assert subprocess.run(["sh", "-n", str(path)], check=False).returncode == 0


def test_deb_dependencies_cover_what_qt_needs() -> None:
    loader = importlib.util.spec_from_file_location("build_deb", PACKAGING / "build_deb.py")
    assert loader is not None and loader.loader is not None
    build_deb = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(build_deb)
    named = set(build_deb.KNOWN_PACKAGES.values()) | set(build_deb.BASE_DEPENDS)
    for package in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libcups2", "libxcb-icccm4"):
        assert package in named


def test_macos_plist_and_inno_script() -> None:
    with (PACKAGING / "macos" / "Info.plist").open("rb") as handle:
        plist = plistlib.load(handle)
    assert plist["CFBundleIdentifier"] == "org.creditdesk.CreditDesk"
    assert plist["CFBundleDocumentTypes"][0]["LSHandlerRank"] == "Alternate"
    iss = (PACKAGING / "windows" / "creditdesk.iss").read_text(encoding="utf-8")
    for needle in ("PrivilegesRequired=lowest", "desktopicon", "OpenWithProgids", "{group}", "--db"):
        assert needle in iss
    dmg = (PACKAGING / "macos" / "make_dmg.sh").read_text(encoding="utf-8")
    assert "hdiutil create" in dmg and "notarytool submit" in dmg and "--options runtime" in dmg


def test_workflow_builds_on_three_systems() -> None:
    workflow = (ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
    for runner in ("ubuntu-latest", "windows-latest", "macos-latest"):
        assert runner in workflow
    assert "packaging/build.py" in workflow and 'python-version: "3.11"' in workflow


def test_build_dirs_are_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "/dist/" in ignored and "/build/" in ignored
