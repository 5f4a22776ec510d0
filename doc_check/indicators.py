"""The one registry of fraud indicators: generator truth, analyser findings, trainee checklist and scorer."""

from __future__ import annotations

from dataclasses import dataclass

VERDICTS: tuple[str, ...] = ("genuine", "counterfeit", "forged", "stolen_blank", "pseudo")
"""Every verdict a trainee or the key can give, in menu order."""

FRAUD_VERDICTS: frozenset[str] = frozenset(VERDICTS) - {"genuine"}

AREAS: dict[str, str] = {
    "mrz": "MRZ",
    "viz": "Data page",
    "doc": "Document",
    "photo": "Photo",
    "print": "Print",
    "uv": "UV",
    "ir": "IR",
    "capture": "Capture",
}
"""Checklist groups, keyed by the first part of an indicator id."""

MRZ_CHECK_FIELDS: tuple[str, ...] = ("document_number", "birth_date", "expiry_date", "optional_data", "composite")
VIZ_FIELDS: tuple[str, ...] = (
    "surname",
    "given_names",
    "birth_date",
    "expiry_date",
    "document_number",
    "nationality",
    "sex",
)


@dataclass(frozen=True)
class Indicator:
    """One observable sign of fraud with a stable dotted id."""

    id: str
    title: str
    light: str
    icao: str | None = None
    fraud_sign: bool = True
    """False for signs that are findings but not fraud (an expired document)."""
    checklist: bool = True
    """False for what the reader reports about the capture itself (not on the trainee's checklist)."""

    @property
    def area(self) -> str:
        """The checklist group: the first part of the id."""
        return self.id.split(".", 1)[0]


def _build() -> tuple[Indicator, ...]:
    items = [
        Indicator("mrz.format", "MRZ structure wrong (length, characters, layout)", "white"),
        *(
            Indicator(f"mrz.check_digit.{f}", f"MRZ check digit fails: {f.replace('_', ' ')}", "white")
            for f in MRZ_CHECK_FIELDS
        ),
        Indicator("mrz.field", "Impossible MRZ value: date, sex, unknown state code", "white"),
        *(
            Indicator(f"viz.mrz_mismatch.{f}", f"Printed {f.replace('_', ' ')} differs from the MRZ", "white")
            for f in VIZ_FIELDS
        ),
        Indicator("doc.expired", "Past its expiry date (validity, not a fraud sign)", "white", fraud_sign=False),
        Indicator("doc.issuer_unknown", "Issuing authority not in Doc 9303 (pseudo document)", "white"),
        Indicator("photo.substitution", "Portrait replaced after issue", "white", "(VI,..,PH)"),
        Indicator("photo.ghost_mismatch", "Ghost image is not the portrait's person", "white", "(VI,..,SP)"),
        Indicator("photo.edge", "Background or overprint broken at the portrait's edge", "white, UV", "(UV,LU,OP)"),
        Indicator("print.microprint", "Microprint blurred or illegible", "white (magnifier)", "(VI,FR,..)"),
        Indicator("print.background", "Guilloche or rainbow print differs from the reference", "white", "(VI,FR,FU)"),
        Indicator("print.font", "A data field in the wrong typeface or size", "white"),
        Indicator("print.alignment", "A data field in the wrong position", "white"),
        Indicator("print.personalisation", "Wrong personalisation technique (inkjet dots, toner)", "white, IR"),
        Indicator("print.erasure", "Erasure traces around a field", "white"),
        Indicator("uv.paper_bright", "Paper fluoresces (not UV-dull)", "UV", "(UV,BR,FU)"),
        Indicator("uv.emblem", "UV emblem missing or wrong", "UV", "(UV,LU,IS)"),
        Indicator("uv.fibres", "Security fibres missing", "UV", "(UV,LU,FI)"),
        Indicator("ir.mrz", "MRZ not IR-absorbent", "IR", "(IR,AB,MR)"),
        Indicator("ir.data", "Personal data not IR-absorbent", "IR", "(IR,AB,VZ)"),
        Indicator("ir.background", "Background not IR-transparent", "IR", "(IR,TR,IS)"),
        Indicator("ir.mark", "IR-only mark missing", "IR", "(IR,AB,AF)"),
        Indicator(
            "capture.quality",
            "Capture quality: resolution, blur, glare, colour (a reader's note, not a fraud sign)",
            "white",
            fraud_sign=False,
            checklist=False,
        ),
    ]
    return tuple(items)


INDICATORS: tuple[Indicator, ...] = _build()
"""All indicators in checklist order."""

_BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}


def get(indicator_id: str) -> Indicator:
    """The indicator with this exact id; KeyError names unknown ids."""
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator id {indicator_id!r}") from None


def is_known(indicator_id: str) -> bool:
    """True for a registered id or a prefix of one (``mrz.check_digit``), as the scorer's hierarchy allows."""
    return indicator_id in _BY_ID or any(i.startswith(indicator_id + ".") for i in _BY_ID)


def ids() -> tuple[str, ...]:
    """Every registered id in checklist order."""
    return tuple(_BY_ID)


def by_area() -> dict[str, tuple[Indicator, ...]]:
    """Indicators grouped by area, in the checklist's order of areas."""
    return {area: tuple(i for i in INDICATORS if i.area == area and i.checklist) for area in AREAS}
