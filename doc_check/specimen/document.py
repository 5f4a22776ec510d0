"""A document's holder and issue data, its printed (VIZ) values and its MRZ as the MRZ engine composes it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from doc_check.mrz import compose
from doc_check.specimen import names
from doc_check.specimen.faces import FaceTraits, random_traits

REFERENCE_DATE = date(2026, 11, 1)
"""The 'today' of every generated set: genuine documents are valid then, expired ones are not."""

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MRZ_FORMATS = {"td3": "TD3", "td1": "TD1", "mrva": "MRVA"}
DOCUMENT_CODES = {"td3": "P", "td1": "ID", "mrva": "V"}
NUMBER_PREFIXES = {"td3": "P", "td1": "C", "mrva": "V"}
VALIDITY_YEARS = {"td3": 10, "td1": 10, "mrva": 0}


def format_date(d: date) -> str:
    """A date as the data page prints it: ``07 MAR 1985``."""
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True)
class DocumentData:
    """Everything personalised on one document (the truth of what the issuer printed)."""

    document_type: str
    surname: str
    given_names: str
    sex: str
    nationality: str
    birth_date: date
    place_of_birth: str
    document_number: str
    issue_date: date
    expiry_date: date
    authority: str
    face: FaceTraits
    face_seed: int
    signature_seed: int
    issuing_state: str = "UTO"
    address: str = ""
    passport_number: str = ""
    visa_type: str = "C"
    entries: str = "MULT"

    @property
    def document_code(self) -> str:
        """The MRZ document code (``P``, ``ID``, ``V``)."""
        return DOCUMENT_CODES[self.document_type]

    def mrz(self) -> tuple[str, ...]:
        """The genuine MRZ lines, composed by the MRZ engine from this data."""
        optional = self.passport_number if self.document_type == "mrva" else ""
        return compose(
            MRZ_FORMATS[self.document_type],
            document_code=self.document_code,
            issuing_state=self.issuing_state,
            surname=self.surname,
            given_names=self.given_names,
            document_number=self.document_number,
            nationality=self.nationality,
            birth_date=self.birth_date,
            sex=self.sex,
            expiry_date=self.expiry_date,
            optional_data=optional[:16] if self.document_type == "mrva" else "",
        )

    def viz(self) -> dict[str, str]:
        """The printed value of every VIZ field, by field name."""
        return {
            "document_code": self.document_code.rstrip("<"),
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "surname": self.surname,
            "given_names": self.given_names,
            "nationality": names.nationality_name(self.nationality),
            "birth_date": format_date(self.birth_date),
            "sex": self.sex,
            "place_of_birth": self.place_of_birth,
            "issue_date": format_date(self.issue_date),
            "authority": self.authority,
            "expiry_date": format_date(self.expiry_date),
            "address": self.address,
            "visa_type": self.visa_type,
            "entries": self.entries,
            "passport_number": self.passport_number,
        }

    def with_changes(self, **changes: object) -> DocumentData:
        """A copy with some fields replaced."""
        return replace(self, **changes)  # type: ignore[arg-type]


def random_document(document_type: str, rng: np.random.Generator, *, expired: bool = False) -> DocumentData:
    """A plausible genuine document of this type for a new holder, drawn from ``rng``."""
    sex = "F" if rng.random() < 0.5 else "M"
    if rng.random() < 0.03:
        sex = "X"
    birth = date(int(rng.integers(1948, 2006)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    age = REFERENCE_DATE.year - birth.year
    if document_type == "mrva":
        issue = date(2026, int(rng.integers(5, 11)), int(rng.integers(1, 29)))
        if expired:
            issue = date(int(rng.integers(2022, 2026)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        expiry = date.fromordinal(issue.toordinal() + int(rng.choice([90, 180, 365, 730])))
        if not expired and expiry <= REFERENCE_DATE:
            expiry = date.fromordinal(REFERENCE_DATE.toordinal() + 120)
        if expired and expiry >= REFERENCE_DATE:
            expiry = date.fromordinal(REFERENCE_DATE.toordinal() - 60)
        nationality = names.FOREIGN_NATIONALITIES[int(rng.integers(len(names.FOREIGN_NATIONALITIES)))]
    else:
        if expired:
            issue = date(int(rng.integers(2008, 2015)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        else:
            issue = date(int(rng.integers(2020, 2026)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        expiry = _add_years(issue, VALIDITY_YEARS[document_type])
        nationality = "UTO"
    face_seed = int(rng.integers(2**31))
    traits = random_traits(np.random.default_rng(face_seed), "M" if sex == "M" else "F", age)
    return DocumentData(
        document_type=document_type,
        surname=names.surname(rng),
        given_names=names.given_names(rng, sex),
        sex=sex,
        nationality=nationality,
        birth_date=birth,
        place_of_birth=names.place(rng)
        if nationality == "UTO"
        else names.nationality_name(nationality).split(" /")[0] + " CITY",
        document_number=names.document_number(rng, NUMBER_PREFIXES[document_type]),
        issue_date=issue,
        expiry_date=expiry,
        authority=names.authority(rng),
        face=traits,
        face_seed=face_seed,
        signature_seed=int(rng.integers(2**31)),
        address=names.address(rng) if document_type == "td1" else "",
        passport_number=names.document_number(rng, "") if document_type == "mrva" else "",
        visa_type=("C", "D", "C", "T")[int(rng.integers(4))],
        entries=("MULT", "1", "2", "MULT")[int(rng.integers(4))],
    )


def specimen_document(document_type: str) -> DocumentData:
    """The data of the reference specimen: holder SPECIMEN, fixed dates and portrait."""
    traits = random_traits(np.random.default_rng(9303), "F", 38)
    return DocumentData(
        document_type=document_type,
        surname="SPECIMEN",
        given_names="UTOPIA SAMPLE",
        sex="F",
        nationality="UTO" if document_type != "mrva" else "FRA",
        birth_date=date(1988, 8, 12),
        place_of_birth="UTOPIA CITY",
        document_number={"td3": "P00000000", "td1": "C00000000", "mrva": "V00000000"}[document_type],
        issue_date=date(2025, 1, 15),
        expiry_date=date(2035, 1, 14) if document_type != "mrva" else date(2030, 1, 14),
        authority="MIN. INTERIOR UTOPIA",
        face=traits,
        face_seed=9303,
        signature_seed=9303,
        address="1 SPECIMEN SQUARE\n1000 UTOPIA CITY" if document_type == "td1" else "",
        passport_number="X00000000" if document_type == "mrva" else "",
    )
