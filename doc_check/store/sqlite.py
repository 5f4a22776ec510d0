"""The embedded backend: one SQLite file in WAL mode, safe for many processes writing at once (the default)."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from doc_check.errors import BadInput
from doc_check.store.base import Store, default_db_path
from doc_check.store.model import AttemptClosed
from doc_check.store.schema import SCHEMA_VERSION, SQLITE_MIGRATIONS, TABLES, statements

BUSY_TIMEOUT_MS = 10_000


class SQLiteStore(Store):
    """The trainee database in one SQLite file (WAL, busy timeout, triggers guarding submitted attempts)."""

    backend = "sqlite"

    def __init__(self, spec: str | Path | None = None, *, class_mode: bool = False, read_only: bool = False) -> None:
        super().__init__(spec, class_mode=class_mode, read_only=read_only)
        self.path = Path(spec).expanduser() if spec is not None else default_db_path()
        self.backup_path: Path | None = None
        if read_only and not self.path.is_file():
            raise BadInput(f"{self.path}: database not found")
        if not read_only and not self.path.parent.is_dir():
            if spec is not None and self.path != default_db_path():
                raise BadInput(f"{self.path}: folder {self.path.parent} does not exist")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BadInput(f"{self.path}: cannot create its folder: {exc.strerror}") from None
        try:
            self._db = self._connect()
            if not read_only:
                self._migrate()
            else:
                self._check_read_only()
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                self._db.close()
            raise BadInput(f"{self.path}: not a usable doc-check database: {exc}") from None
        except BaseException:
            with contextlib.suppress(Exception):
                self._db.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            try:
                db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # a WAL database in a folder we cannot write (no -shm to make): read the file as it is
                db.close()
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None)
        else:
            try:
                db = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
                )
            except sqlite3.OperationalError as exc:
                raise BadInput(f"{self.path}: cannot open database: {exc}") from None
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not self.read_only:
            self._db = db
            self._refuse_foreign(self._version())  # before WAL: a foreign file is left byte for byte as it was
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise BadInput(f"{self.path}: cannot switch the database to WAL mode (got {mode})")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
        return db

    # -- schema ---------------------------------------------------------------------------------------------

    def _version(self) -> int | None:
        """The schema version, 0 for an empty database, None for a database that is not doc-check's."""
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables.discard("sqlite_sequence")
        if not tables:
            return 0
        if not set(TABLES) <= tables:
            return None
        if "schema_migrations" in tables:
            row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
            return int(row[0] or 0)
        row = self._db.execute("SELECT value FROM settings WHERE key = 'schema_version'").fetchone()
        return None if row is None else int(row[0])

    def _refuse_foreign(self, version: int | None) -> int:
        if version is None:
            raise BadInput(f"{self.path}: not a doc-check database (it holds other tables); give another --db")
        if version > SCHEMA_VERSION:
            raise BadInput(f"{self.path}: database schema {version} is newer than this doc-check ({SCHEMA_VERSION})")
        return version

    def _check_read_only(self) -> None:
        version = self._refuse_foreign(self._version())
        if version < SCHEMA_VERSION:
            raise BadInput(
                f"{self.path}: database schema {version} is older than this doc-check's; open it once with write "
                "access (e.g. `doc-check results` on a writable copy) to upgrade it"
            )

    def _migrate(self) -> None:
        """Create or upgrade the schema (a backup of the file first when it held data)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._refuse_foreign(self._version())
            if version < SCHEMA_VERSION and version > 0:
                self._db.execute("ROLLBACK")
                self.backup_path = self._backup(version)
                self._db.execute("BEGIN IMMEDIATE")
                version = self._refuse_foreign(self._version())  # another process may have upgraded meanwhile
            for v in range(version + 1, SCHEMA_VERSION + 1):
                for statement in statements(SQLITE_MIGRATIONS[v]):
                    self._db.execute(statement)
                if v >= 2:
                    self._db.execute(
                        "INSERT INTO schema_migrations(version, applied) VALUES (?, datetime('now'))", (v,)
                    )
            self._db.execute(
                "INSERT INTO settings(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
            self._set_new_db_id()
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    def _backup(self, version: int) -> Path:
        """Copy the database (consistently, through SQLite's backup API) beside it before an upgrade."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        target = self.path.with_name(f"{self.path.name}.schema{version}-backup-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.schema{version}-backup-{stamp}-{n}")
        out = sqlite3.connect(target)
        try:
            self._db.backup(out)
        finally:
            out.close()
        return target

    # -- backend primitives ---------------------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(sql, tuple(params))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE, so writers queue on busy_timeout instead of deadlocking."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except sqlite3.IntegrityError as exc:
            self._rollback()
            if "submitted" in str(exc):
                raise AttemptClosed(str(exc)) from None
            raise
        except BaseException:
            self._rollback()
            raise
        else:
            self._db.execute("COMMIT")

    def _rollback(self) -> None:
        """Roll back if a transaction is open (never mask the error that led here)."""
        if self._db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def journal_mode(self) -> str:
        """The database's journal mode (always ``wal``)."""
        return str(self._rows("PRAGMA journal_mode")[0][0])
