"""The data the MRZ engine returns: problems with their place, and the parsed result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

CHECK_FIELDS: tuple[str, ...] = ("document_number", "birth_date", "expiry_date", "optional_data", "composite")


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning: a stable snake_case ``code``, the field, a message and where it is.

    ``line`` and ``column`` are 1-based; ``length`` is how many characters to underline.
    """

    code: str
    field: str | None
    message: str
    line: int
    column: int
    length: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "field": self.field,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "length": self.length,
        }


@dataclass(frozen=True, slots=True)
class MrzResult:
    """A parsed MRZ. ``valid`` is True when there is no error (warnings do not count).

    Text fields have the fillers removed at their ends; names have ``<`` turned into spaces.
    ``checks`` maps each check-digit field to True/False, or None where the format has none.
    """

    format: str | None
    valid: bool
    lines: tuple[str, ...]
    document_code: str = ""
    issuing_state: str = ""
    document_number: str = ""
    birth_date: date | None = None
    birth_date_raw: str = ""
    expiry_date: date | None = None
    expiry_date_raw: str = ""
    sex: str = ""
    nationality: str = ""
    surname: str = ""
    given_names: str = ""
    optional_data: str = ""
    optional_data_2: str = ""
    checks: dict[str, bool | None] = field(default_factory=lambda: dict.fromkeys(CHECK_FIELDS), hash=False)
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Errors then warnings."""
        return self.errors + self.warnings

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``doc-check mrz check --json``."""
        return {
            "format": self.format,
            "valid": self.valid,
            "lines": list(self.lines),
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "birth_date_raw": self.birth_date_raw,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "expiry_date_raw": self.expiry_date_raw,
            "sex": self.sex,
            "nationality": self.nationality,
            "surname": self.surname,
            "given_names": self.given_names,
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
            "checks": dict(self.checks),
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }
