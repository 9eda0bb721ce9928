"""The frozen app's entry point: PyInstaller starts a script, not a module (`python -m creditdesk`)."""

import sys

from creditdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
