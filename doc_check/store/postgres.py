"""The server backend: a PostgreSQL database through psycopg 3, for an academy's many classes at once."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from doc_check.errors import BadInput
from doc_check.store.base import Store
from doc_check.store.model import AttemptClosed, StoreUnavailable
from doc_check.store.schema import POSTGRES_MIGRATIONS, SCHEMA_VERSION, TABLES

CONNECT_TIMEOUT_S = 5
SCHEMA_LOCK = 0x646F63  # advisory lock key: one process at a time creates or upgrades the schema


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise BadInput(f"PostgreSQL needs psycopg 3: pip install 'doc-check[postgres]' ({exc})") from None
    return psycopg


def _redact(url: str) -> str:
    """The URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresStore(Store):
    """The trainee database on a PostgreSQL server (one transaction per change, triggers guarding submitted
    attempts, row locks where SQLite locks the whole file)."""

    backend = "postgresql"
    _for_update = " FOR UPDATE"

    def __init__(self, spec: str | Path | None = None, *, class_mode: bool = False, read_only: bool = False) -> None:
        super().__init__(spec, class_mode=class_mode, read_only=read_only)
        self.url = str(spec)
        psycopg = _psycopg()
        self._errors = psycopg
        # Submission files and screenshots: a local folder per server database (the trainee processes of
        # `doc-check serve` run on the serving machine).
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "doc-check"
        digest = hashlib.sha256(_redact(self.url).encode()).hexdigest()[:12]
        self.path = base / f"postgresql-{digest}" / "database"
        try:
            self._conn = self._connect()
        except StoreUnavailable as exc:  # at open time an unreachable server is bad input (later: reconnecting)
            raise BadInput(str(exc)) from None
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    @property
    def label(self) -> str:
        return _redact(self.url)

    def _connect(self) -> Any:
        psycopg = self._errors
        from psycopg.rows import dict_row

        try:
            conn = psycopg.connect(self.url, autocommit=True, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"{self.label}: cannot connect: {str(exc).strip().splitlines()[0]}") from None
        except psycopg.ProgrammingError as exc:
            raise BadInput(f"{self.label}: not a usable PostgreSQL URL: {exc}") from None
        if self.read_only:
            conn.execute("SET default_transaction_read_only = on")
        return conn

    def _reconnect(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()
        self._conn = self._connect()

    # -- schema ---------------------------------------------------------------------------------------------

    def _version(self) -> int | None:
        rows = self._conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        tables = {r["table_name"] for r in rows}
        if not tables:
            return 0
        if "schema_migrations" not in tables or not set(TABLES) <= tables:
            return None
        return int(self._conn.execute("SELECT MAX(version) AS v FROM schema_migrations").fetchone()["v"] or 0)

    def _migrate(self) -> None:
        with self._conn.transaction():
            if not self.read_only:
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            version = self._version()
            if version is None:
                raise BadInput(f"{self.label}: not a doc-check database (it holds other tables)")
            if version > SCHEMA_VERSION:
                raise BadInput(f"{self.label}: database schema {version} is newer than this doc-check")
            if version < SCHEMA_VERSION and self.read_only:
                raise BadInput(f"{self.label}: database schema {version} is older; open it once with write access")
            for v in range(max(version + 1, min(POSTGRES_MIGRATIONS)), SCHEMA_VERSION + 1):
                self._conn.execute(POSTGRES_MIGRATIONS[v])  # one script, no parameters: several statements
                self._conn.execute("INSERT INTO schema_migrations(version, applied) VALUES (%s, now()::text)", (v,))
            if not self.read_only:
                self._set_new_db_id()

    # -- backend primitives ---------------------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        psycopg = self._errors
        try:
            return self._conn.execute(sql.replace("?", "%s"), tuple(params))
        except psycopg.errors.IntegrityConstraintViolation as exc:
            if "submitted" in str(exc):
                raise AttemptClosed(str(exc).strip().splitlines()[0]) from None
            raise
        except psycopg.OperationalError as exc:
            self._broken = True
            raise StoreUnavailable(f"{self.label}: {str(exc).strip().splitlines()[0]}") from None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            self._ensure_connected()
            return list(self._execute(sql, params).fetchall())

    def _ensure_connected(self) -> None:
        if getattr(self, "_broken", False) or self._conn.closed:
            self._reconnect()
            self._broken = False

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        psycopg = self._errors
        self._ensure_connected()
        try:
            with self._conn.transaction():
                yield
        except psycopg.errors.IntegrityConstraintViolation as exc:
            if "submitted" in str(exc):
                raise AttemptClosed(str(exc).strip().splitlines()[0]) from None
            raise
        except psycopg.OperationalError as exc:
            self._broken = True
            raise StoreUnavailable(f"{self.label}: {str(exc).strip().splitlines()[0]}") from None

    def close(self) -> None:
        """Close the connection."""
        with self._lock, contextlib.suppress(Exception):
            self._conn.close()
