"""Opening the company file, for the window and the command line (which reach the store only through
services)."""

from creditdesk.store.changes import ChangeWatcher as ChangeWatcher
from creditdesk.store.database import COMMAND_BUSY_TIMEOUT_MS as COMMAND_BUSY_TIMEOUT_MS
from creditdesk.store.database import Database as Database
from creditdesk.store.database import open_database as open_database
