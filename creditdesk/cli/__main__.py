"""``python -m creditdesk.cli``, as ``python -m creditdesk``."""

import sys

from creditdesk.cli import main

sys.exit(main())
