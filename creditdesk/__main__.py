import sys

from creditdesk.cli import main

sys.exit(main())
