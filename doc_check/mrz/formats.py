"""The five ICAO Doc 9303 MRZ layouts: where each field and check digit sits."""

from __future__ import annotations

from dataclasses import dataclass

FORMATS: tuple[str, ...] = ("TD1", "TD2", "TD3", "MRVA", "MRVB")


@dataclass(frozen=True)
class Span:
    """A field's place: 0-based line, start column and end column (exclusive)."""

    line: int
    start: int
    end: int

    @property
    def width(self) -> int:
        return self.end - self.start

    def of(self, lines: tuple[str, ...] | list[str]) -> str:
        return lines[self.line][self.start : self.end]


@dataclass(frozen=True)
class Layout:
    """One MRZ format: line count, width and the span of every field."""

    name: str
    line_count: int
    width: int
    document_code: Span
    issuing_state: Span
    names: Span
    document_number: Span
    document_number_check: Span
    nationality: Span
    birth_date: Span
    birth_date_check: Span
    sex: Span
    expiry_date: Span
    expiry_date_check: Span
    optional_data: Span
    optional_data_check: Span | None = None
    optional_data_2: Span | None = None
    composite: Span | None = None
    composite_parts: tuple[Span, ...] = ()

    @property
    def is_visa(self) -> bool:
        return self.name.startswith("MRV")

    def field_spans(self) -> dict[str, Span]:
        """Every field by name (check digits as ``<field>_check``), in reading order."""
        out = {
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "names": self.names,
            "document_number": self.document_number,
            "document_number_check": self.document_number_check,
            "nationality": self.nationality,
            "birth_date": self.birth_date,
            "birth_date_check": self.birth_date_check,
            "sex": self.sex,
            "expiry_date": self.expiry_date,
            "expiry_date_check": self.expiry_date_check,
            "optional_data": self.optional_data,
        }
        if self.optional_data_check:
            out["optional_data_check"] = self.optional_data_check
        if self.optional_data_2:
            out["optional_data_2"] = self.optional_data_2
        if self.composite:
            out["composite"] = self.composite
        return dict(sorted(out.items(), key=lambda kv: (kv[1].line, kv[1].start)))


def _s(line: int, start: int, end: int | None = None) -> Span:
    return Span(line, start, start + 1 if end is None else end)


TD1 = Layout(
    "TD1", 3, 30,
    document_code=_s(0, 0, 2), issuing_state=_s(0, 2, 5), document_number=_s(0, 5, 14),
    document_number_check=_s(0, 14), optional_data=_s(0, 15, 30),
    birth_date=_s(1, 0, 6), birth_date_check=_s(1, 6), sex=_s(1, 7), expiry_date=_s(1, 8, 14),
    expiry_date_check=_s(1, 14), nationality=_s(1, 15, 18), optional_data_2=_s(1, 18, 29), composite=_s(1, 29),
    names=_s(2, 0, 30),
    composite_parts=(_s(0, 5, 30), _s(1, 0, 7), _s(1, 8, 15), _s(1, 18, 29)),
)  # fmt: skip

TD2 = Layout(
    "TD2", 2, 36,
    document_code=_s(0, 0, 2), issuing_state=_s(0, 2, 5), names=_s(0, 5, 36),
    document_number=_s(1, 0, 9), document_number_check=_s(1, 9), nationality=_s(1, 10, 13),
    birth_date=_s(1, 13, 19), birth_date_check=_s(1, 19), sex=_s(1, 20), expiry_date=_s(1, 21, 27),
    expiry_date_check=_s(1, 27), optional_data=_s(1, 28, 35), composite=_s(1, 35),
    composite_parts=(_s(1, 0, 10), _s(1, 13, 20), _s(1, 21, 35)),
)  # fmt: skip

TD3 = Layout(
    "TD3", 2, 44,
    document_code=_s(0, 0, 2), issuing_state=_s(0, 2, 5), names=_s(0, 5, 44),
    document_number=_s(1, 0, 9), document_number_check=_s(1, 9), nationality=_s(1, 10, 13),
    birth_date=_s(1, 13, 19), birth_date_check=_s(1, 19), sex=_s(1, 20), expiry_date=_s(1, 21, 27),
    expiry_date_check=_s(1, 27), optional_data=_s(1, 28, 42), optional_data_check=_s(1, 42), composite=_s(1, 43),
    composite_parts=(_s(1, 0, 10), _s(1, 13, 20), _s(1, 21, 43)),
)  # fmt: skip

MRVA = Layout(
    "MRVA", 2, 44,
    document_code=_s(0, 0, 2), issuing_state=_s(0, 2, 5), names=_s(0, 5, 44),
    document_number=_s(1, 0, 9), document_number_check=_s(1, 9), nationality=_s(1, 10, 13),
    birth_date=_s(1, 13, 19), birth_date_check=_s(1, 19), sex=_s(1, 20), expiry_date=_s(1, 21, 27),
    expiry_date_check=_s(1, 27), optional_data=_s(1, 28, 44),
)  # fmt: skip

MRVB = Layout(
    "MRVB", 2, 36,
    document_code=_s(0, 0, 2), issuing_state=_s(0, 2, 5), names=_s(0, 5, 36),
    document_number=_s(1, 0, 9), document_number_check=_s(1, 9), nationality=_s(1, 10, 13),
    birth_date=_s(1, 13, 19), birth_date_check=_s(1, 19), sex=_s(1, 20), expiry_date=_s(1, 21, 27),
    expiry_date_check=_s(1, 27), optional_data=_s(1, 28, 36),
)  # fmt: skip

LAYOUTS: dict[str, Layout] = {lay.name: lay for lay in (TD1, TD2, TD3, MRVA, MRVB)}

_ALIASES = {"MRV-A": "MRVA", "MRV-B": "MRVB", "MRV_A": "MRVA", "MRV_B": "MRVB", "TD-1": "TD1", "TD-2": "TD2",
            "TD-3": "TD3"}  # fmt: skip


def layout(name: str) -> Layout:
    """The layout of a format name (``TD1`` ``TD2`` ``TD3`` ``MRVA`` ``MRVB``, case-insensitive, ``MRV-A`` too)."""
    key = name.strip().upper()
    key = _ALIASES.get(key, key)
    try:
        return LAYOUTS[key]
    except KeyError:
        raise ValueError(f"unknown MRZ format {name!r} (one of {', '.join(FORMATS)})") from None


def detect(lines: list[str] | tuple[str, ...]) -> Layout | None:
    """The layout the lines are in: by line count, line length, and the document code (``V`` = visa)."""
    n = len(lines)
    if n == 3:
        return TD1
    if n != 2:
        return None
    longest = max(len(lines[0]), len(lines[1]))
    visa = lines[0][:1].upper() == "V"
    if longest >= 40:
        return MRVA if visa else TD3
    return MRVB if visa else TD2


def char_classes(lay: Layout) -> list[list[str]]:
    """Per line and column the character class the position demands.

    ``digit`` (dates, check digits), ``alpha`` (codes, names, sex: letters and ``<``), ``alnum``
    (document number, optional data), ``sex``.
    """
    classes = [["alnum"] * lay.width for _ in range(lay.line_count)]

    def mark(span: Span | None, cls: str) -> None:
        if span is not None:
            for col in range(span.start, span.end):
                classes[span.line][col] = cls

    span: Span | None
    for span in (lay.document_code, lay.issuing_state, lay.nationality, lay.names):
        mark(span, "alpha")
    for span in (lay.birth_date, lay.expiry_date, lay.birth_date_check, lay.expiry_date_check,
                 lay.document_number_check, lay.optional_data_check, lay.composite):  # fmt: skip
        mark(span, "digit")
    mark(lay.sex, "sex")
    return classes
