#!/bin/sh
# The tests start their own PostgreSQL server from the system's programs: install them when missing.
set -eu
if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then exit 0; fi
for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/pg_ctl" ] && [ -x "$bin/initdb" ]; then exit 0; fi
done
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing PostgreSQL for the tests (apt-get install postgresql)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    exit 0
fi
echo "The tests need PostgreSQL's server programs. Install them, e.g.:" >&2
echo "  sudo apt-get install postgresql      (Debian, Ubuntu)" >&2
echo "  sudo dnf install postgresql-server   (Fedora)" >&2
echo "  sudo pacman -S postgresql            (Arch)" >&2
exit 1
