"""Fixtures shared by the store tests: a real PostgreSQL server (from $DOC_CHECK_TEST_PG, which `.ci/run` sets, or
a throwaway cluster started here from Debian's binaries) and a fresh database per test; `store_spec` runs a test
on both backends."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PG_ENV = "DOC_CHECK_TEST_PG"


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL superuser URL: $DOC_CHECK_TEST_PG, else a cluster started for this test run. Skips (saying
    why) when no server can be had outside CI; fails in CI."""
    env = os.environ.get(PG_ENV)
    if env:
        yield env
        return
    from pg_cluster import Cluster

    try:
        cluster = Cluster()
        url = cluster.start()
    except (RuntimeError, OSError, KeyError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL server needed in CI and could not be started: {exc}")
        pytest.skip(f"no PostgreSQL server: set ${PG_ENV} or install postgresql ({exc})")
    try:
        yield url
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty database on the server, dropped after the test."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(pg_admin_url, name)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """The same test on both backends: a function giving the database spec (a SQLite path, or a fresh
    PostgreSQL database's URL; the same spec on every call)."""
    spec = str(tmp_path / "store.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    return lambda: spec
