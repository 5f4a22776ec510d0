"""Build valid MRZ lines from fields (Doc 9303 transliteration, name truncation, overflow)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from doc_check.errors import BadInput
from doc_check.mrz.checkdigit import check_digit
from doc_check.mrz.formats import layout


class MrzValueError(BadInput, ValueError):
    """A field that cannot go into an MRZ (too long, bad characters, a bad date)."""


# Doc 9303 Part 3, section 6 (recommended transliterations of Latin letters beyond A-Z).
_TRANSLIT = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Ü": "UE", "ß": "SS", "Þ": "TH", "Œ": "OE",
    "Ĳ": "IJ", "Ð": "D", "Đ": "D", "Ħ": "H", "I": "I", "Ŀ": "L", "Ł": "L", "Ŋ": "N", "Ŧ": "T", "ẞ": "SS",
}  # fmt: skip
_SEPARATORS = re.compile(r"[\s\-,.]+")
_DROPPED = re.compile(r"[^A-Z<]")


def transliterate(name: str) -> str:
    """A name in MRZ characters: Doc 9303 transliteration, separators (space, hyphen, comma) to ``<``,
    apostrophes and other marks dropped. ``"Müller-Lüdenscheidt"`` -> ``"MUELLER<LUEDENSCHEIDT"``."""
    out = []
    for ch in name.upper():
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    text = _SEPARATORS.sub("<", "".join(out).strip())
    return _DROPPED.sub("", text).strip("<")


def name_field(surname: str, given_names: str, width: int) -> str:
    """The name field: ``SURNAME<<GIVEN<NAMES`` padded with fillers, truncated per Doc 9303 when too long.

    Truncation shortens the given names first (later names to initials, then dropped), then cuts the
    surname; a truncated field ends with a letter, which marks possible truncation.
    """
    primary = transliterate(surname)
    secondary = [p for p in transliterate(given_names).split("<") if p]
    full = primary + ("<<" + "<".join(secondary) if secondary else "")
    if len(full) <= width:
        return full.ljust(width, "<")
    # given names to initials, from the last one
    parts = list(secondary)
    for i in range(len(parts) - 1, -1, -1):
        parts[i] = parts[i][0]
        full = primary + "<<" + "<".join(parts)
        if len(full) <= width:
            return full.ljust(width, "<") if len(full) < width else full
    cut = full[:width]
    if cut.endswith("<"):
        rest = [c for c in full[width:] if c != "<"]
        cut = cut.rstrip("<")
        cut = cut + "".join(rest)[: width - len(cut)]
    return cut.ljust(width, "<")


def _date_field(value: date | str, what: str, allow_unknown: bool) -> str:
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    text = str(value).strip().upper()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).strftime("%y%m%d")
        except ValueError:
            raise MrzValueError(f"{what} {value!r} is not a calendar date") from None
    pattern = r"[\d<]{6}" if allow_unknown else r"\d{6}"
    if not re.fullmatch(pattern, text):
        raise MrzValueError(f"{what} {value!r}: give a date, YYYY-MM-DD or YYMMDD")
    return text


def _alnum(value: str, what: str) -> str:
    text = value.strip().upper().replace(" ", "<")
    if not re.fullmatch(r"[A-Z0-9<]*", text):
        raise MrzValueError(f"{what} {value!r} may hold only A-Z, 0-9 and '<'")
    return text


def _code(value: str, what: str, width: int) -> str:
    text = value.strip().upper()
    if not re.fullmatch(rf"[A-Z<]{{1,{width}}}", text):
        raise MrzValueError(f"{what} {value!r} must be 1 to {width} letters")
    return text.ljust(width, "<")


def compose(
    format: str,
    *,
    document_code: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    birth_date: date | str,
    sex: str,
    expiry_date: date | str,
    optional_data: str = "",
    optional_data_2: str = "",
) -> tuple[str, ...]:
    """Valid MRZ lines for the fields in ``format`` (``TD1`` ``TD2`` ``TD3`` ``MRVA`` ``MRVB``).

    Names are transliterated and truncated; TD1/TD2 document numbers longer than 9 characters overflow
    into the optional data as Doc 9303 prescribes. Raises :class:`MrzValueError` for a field that cannot fit.
    """
    try:
        lay = layout(format)
    except ValueError as exc:
        raise MrzValueError(str(exc)) from None
    lines = [["<"] * lay.width for _ in range(lay.line_count)]

    def put(span, text: str) -> None:
        if len(text) > span.width:
            raise MrzValueError(f"{text!r} does not fit its {span.width}-character field")
        lines[span.line][span.start : span.start + len(text)] = list(text)

    put(lay.document_code, _code(document_code, "document code", 2))
    put(lay.issuing_state, _code(issuing_state, "issuing state", 3))
    put(lay.nationality, _code(nationality, "nationality", 3))
    put(lay.names, name_field(surname, given_names, lay.names.width))
    sex_text = (sex or "<").strip().upper()[:1] or "<"
    if sex_text not in ("M", "F", "<", "X"):
        raise MrzValueError(f"sex {sex!r} must be M, F, X or '<'")
    put(lay.sex, sex_text)
    birth = _date_field(birth_date, "birth date", allow_unknown=True)
    expiry = _date_field(expiry_date, "expiry date", allow_unknown=False)
    put(lay.birth_date, birth)
    put(lay.birth_date_check, str(check_digit(birth)))
    put(lay.expiry_date, expiry)
    put(lay.expiry_date_check, str(check_digit(expiry)))

    number = _alnum(document_number, "document number").rstrip("<")
    optional = _alnum(optional_data, "optional data")
    if len(number) > 9:
        if lay.name not in ("TD1", "TD2"):
            raise MrzValueError(f"document number {document_number!r}: {lay.name} allows at most 9 characters")
        optional = number[9:] + str(check_digit(number)) + "<" + optional
        if optional.endswith("<") and len(optional) > lay.optional_data.width:
            optional = optional.rstrip("<")
        put(lay.document_number, number[:9])
        put(lay.document_number_check, "<")
    else:
        put(lay.document_number, number)
        put(lay.document_number_check, str(check_digit(number.ljust(9, "<"))))
    if len(optional) > lay.optional_data.width:
        raise MrzValueError(f"optional data {optional_data!r} is too long for {lay.name}")
    put(lay.optional_data, optional)
    if lay.optional_data_check is not None:
        personal = optional.ljust(lay.optional_data.width, "<")
        put(lay.optional_data_check, "<" if not personal.strip("<") else str(check_digit(personal)))
    if lay.optional_data_2 is not None:
        put(lay.optional_data_2, _alnum(optional_data_2, "optional data 2"))
    elif optional_data_2:
        raise MrzValueError(f"{lay.name} has no second optional data field")
    if lay.composite is not None:
        text = ["".join(line) for line in lines]
        put(lay.composite, str(check_digit("".join(s.of(text) for s in lay.composite_parts))))
    return tuple("".join(line) for line in lines)
