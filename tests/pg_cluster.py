"""A throwaway PostgreSQL cluster from Debian's binaries (/usr/lib/postgresql/*/bin) for tests and benchmarks:
`initdb` into a temporary folder as an unprivileged user, listening on a Unix socket in that folder only (no TCP),
trust authentication for the one local superuser. Standard library only (`.ci/run` uses it before any venv).

    python3 tests/pg_cluster.py start DIR   # prints the URL
    python3 tests/pg_cluster.py stop DIR
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

USER = "doc_check"
PORT = 5433


def pg_bin() -> Path | None:
    """The newest Debian PostgreSQL bin folder (or the one holding `initdb` on PATH), None when absent."""
    root = Path("/usr/lib/postgresql")
    found = sorted(root.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])) if root.is_dir() else []
    if found:
        return found[-1].parent
    which = shutil.which("initdb")
    return Path(which).resolve().parent if which else None


class Cluster:
    """One cluster in ``folder``: start, stop, restart; ``url`` for psycopg."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="doc-check-pg-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.data = self.folder / "data"
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the server as nobody
            self._as = ["runuser", "-u", "nobody", "--"]
            nobody = pwd.getpwnam("nobody")
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
            self.folder.chmod(0o700)

    @property
    def url(self) -> str:
        """The superuser's URL (Unix socket in the cluster's folder)."""
        return f"postgresql://{USER}@/postgres?host={self.folder}&port={PORT}"

    def url_for(self, dbname: str) -> str:
        """The URL of another database of the cluster."""
        return f"postgresql://{USER}@/{dbname}?host={self.folder}&port={PORT}"

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=timeout, cwd="/")
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]}")

    def init(self) -> None:
        """initdb (once)."""
        if not (self.data / "PG_VERSION").exists():
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8"
            )

    def start(self) -> str:
        """Start (initdb first when needed); returns the URL."""
        self.init()
        opts = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -p {PORT} -c fsync=off "
            "-c max_connections=300 -c shared_buffers=32MB"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-o", opts, "-w", "start"
        )
        return self.url

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` ends sessions, ``immediate`` is a crash)."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop and start again (the benchmark's server outage)."""
        self.stop()
        self.start()

    def destroy(self) -> None:
        """Stop and delete the folder."""
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    cluster = Cluster(sys.argv[2])
    if sys.argv[1] == "start":
        print(cluster.start())
    else:
        cluster.destroy()
