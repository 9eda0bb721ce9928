"""A real PostgreSQL server for the tests, started in a scratch folder on 127.0.0.1.

The system's own PostgreSQL programs are used (``make test`` installs the
Debian package when they are missing). The server trusts local connections,
listens on a free port of 127.0.0.1 only, keeps its socket in the scratch
folder and is stopped when the test run ends. PostgreSQL refuses to run as
root, so under root it runs as the ``postgres`` system user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

USER = "creditdesk"


def server_programs() -> Path | None:
    """The folder holding ``pg_ctl`` and ``initdb``: on PATH, else Debian's newest version."""
    found = shutil.which("pg_ctl")
    if found is not None and shutil.which("initdb") is not None:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ScratchServer:
    """One server for one test process; ``url(name)`` names a database on it."""

    def __init__(self) -> None:
        programs = server_programs()
        if programs is None:
            raise RuntimeError(
                "PostgreSQL is not installed; `make test` installs it (apt-get install postgresql)"
            )
        self.programs = programs
        # Its own folder in the system's temporary folder: a test's tmp_path is private to root,
        # which the postgres user could not enter.
        self.folder = Path(tempfile.mkdtemp(prefix="creditdesk-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0

    def _run(self, program: str, args: Sequence[str]) -> None:
        command = [str(self.programs / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> None:
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", ["-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync"])
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            "pg_ctl", ["-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"]
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start on port {self.port}; see {self.folder / 'log'}")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", ["-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def add_password_user(self, user: str, password: str) -> None:
        """A login that the server lets in over TCP only with its password (SCRAM), as an office's would."""
        import psycopg

        hba = self.data / "pg_hba.conf"
        rule = f"host all {user} 127.0.0.1/32 scram-sha-256\n"
        if rule not in hba.read_text():
            hba.write_text(rule + hba.read_text())  # the first matching line wins
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE ROLE {user} LOGIN CREATEDB PASSWORD '{password}'")
            admin.execute("SELECT pg_reload_conf()")

    def url_as(self, user: str, database: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"
