"""The trainee database behind one interface: SQLite (embedded, the default) or PostgreSQL (`postgresql://` URL).

`Store(spec)` opens the backend the spec names; both keep participants and sign-in, attempts, answers saved as
they change, clocks, leases, submissions, cohorts, releases and history with the same guarantees.
"""

from doc_check.store.base import DB_ENV, LEASE_SECONDS, Store, default_db_path, default_db_spec, is_postgres_url
from doc_check.store.files import write_text_atomic, write_text_new
from doc_check.store.model import (
    Attempt,
    AttemptClosed,
    LeaseLost,
    Participant,
    ParticipantProgress,
    SessionConflict,
    SignInRefused,
    StoredAnswer,
    StoreUnavailable,
)
from doc_check.store.schema import SCHEMA_VERSION

__all__ = [
    "DB_ENV",
    "LEASE_SECONDS",
    "SCHEMA_VERSION",
    "Attempt",
    "AttemptClosed",
    "LeaseLost",
    "Participant",
    "ParticipantProgress",
    "SessionConflict",
    "SignInRefused",
    "Store",
    "StoreUnavailable",
    "StoredAnswer",
    "default_db_path",
    "default_db_spec",
    "is_postgres_url",
    "write_text_atomic",
    "write_text_new",
]
