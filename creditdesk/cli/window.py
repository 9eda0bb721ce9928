"""The gui command: the window, also what runs when no command is given."""

from __future__ import annotations

import argparse
import os
import sys

from creditdesk.cli.parsing import Subcommands
from creditdesk.services.company.locations import ENV_DB, database_path
from creditdesk.ui.system_libraries import install_advice, missing_for_window


def add_gui(sub: Subcommands) -> None:
    gui = sub.add_parser("gui", help="open the window (the default when no command is given)")
    gui.add_argument(
        "--demo",
        action="store_true",
        help="with no company file yet, open the demo company instead of the welcome screen",
    )


def open_window(args: argparse.Namespace) -> int:
    missing = missing_for_window()  # before Qt loads: Qt itself would abort with half the story
    if missing:
        print(install_advice(missing), file=sys.stderr)
        return 1
    from creditdesk.ui.app import run_gui  # Qt loads only for the window, not for every command

    explicit = database_path(args.db) if (args.db or os.environ.get(ENV_DB)) else None
    return run_gui(explicit, demo_first=getattr(args, "demo", False))
