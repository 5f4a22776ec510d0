"""Parse and check one MRZ (all five Doc 9303 formats), reporting every problem as data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from doc_check.mrz import countries
from doc_check.mrz.checkdigit import try_check_digit
from doc_check.mrz.formats import Layout, Span, detect
from doc_check.mrz.result import MrzResult, Problem

_MRZ_LINE = re.compile(r"[A-Z0-9<]*")
_DIGITS = frozenset("0123456789")
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_LETTERS_FILLER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
_DOCUMENT_CODES = {"TD1": "ACI", "TD2": "ACI", "TD3": "P", "MRVA": "V", "MRVB": "V"}
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
EXPIRY_WINDOW_YEARS = 50
"""An expiry year is read in the century that puts it within this many years of today."""


def split_lines(lines: Sequence[str] | str) -> list[str]:
    """The MRZ lines of a string (one line per text line) or a sequence; surrounding blanks and empty lines go."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    out = []
    for line in lines:
        if not isinstance(line, str):
            raise TypeError(f"MRZ lines must be str, not {type(line).__name__}")
        line = line.strip()
        if line:
            out.append(line)
    return out


class _Collector:
    __slots__ = ("errors", "warnings")

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, code: str, field: str | None, message: str, span: Span, length: int | None = None) -> None:
        self.errors.append(Problem(code, field, message, span.line + 1, span.start + 1,
                                   span.width if length is None else length))  # fmt: skip

    def warn(self, code: str, field: str | None, message: str, span: Span, length: int | None = None) -> None:
        self.warnings.append(Problem(code, field, message, span.line + 1, span.start + 1,
                                     span.width if length is None else length))  # fmt: skip


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS[month - 1]


def birth_year(yy: int, mm: int, dd: int, today: date, before: date | None = None) -> int:
    """The century for a birth date: the latest year with the date not after ``today`` (nor after ``before``,
    the expiry date, when known)."""
    limit = (today.year, today.month, today.day)
    if before is not None:
        limit = min(limit, (before.year, before.month, before.day))
    year = today.year // 100 * 100 + yy
    while (year, mm, dd) > limit:
        year -= 100
    return year


def expiry_year(yy: int, today: date) -> int:
    """The century for an expiry date: the year within ``EXPIRY_WINDOW_YEARS`` of today (future-biased)."""
    year = today.year // 100 * 100 + yy
    if year > today.year + EXPIRY_WINDOW_YEARS:
        year -= 100
    elif year <= today.year - EXPIRY_WINDOW_YEARS:
        year += 100
    return year


def _read_date(
    raw: str, field: str, span: Span, today: date, out: _Collector, before: date | None = None
) -> date | None:
    label = field.replace("_", " ")
    if len(raw) == 6 and _DIGITS.issuperset(raw):
        yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:])
        if 1 <= mm <= 12 and dd >= 1:
            year = birth_year(yy, mm, dd, today, before) if field == "birth_date" else expiry_year(yy, today)
            if dd <= _days_in_month(year, mm):
                return date(year, mm, dd)
            # a 29 February valid only in the other century
        out.error("date_invalid", field, f"{label} {raw} is not a calendar date (YYMMDD)", span)
        return None
    if field == "birth_date" and _is_partial_birth(raw):
        out.warn("birth_date_partial", field, f"birth date {raw} has unknown parts ('<')", span)
        return None
    if field == "expiry_date" and raw == "<<<<<<":
        out.warn("expiry_date_missing", field, "no expiry date (all fillers)", span)
        return None
    out.error("date_invalid", field, f"{label} {raw!r} is not a date (YYMMDD digits)", span)
    return None


def _is_partial_birth(raw: str) -> bool:
    """Doc 9303: unknown parts of a birth date are fillers; each of YY, MM, DD is digits or ``<<``."""
    if len(raw) != 6 or "<" not in raw:
        return False
    for part in (raw[:2], raw[2:4], raw[4:]):
        if part != "<<" and not _DIGITS.issuperset(part):
            return False
    mm, dd = raw[2:4], raw[4:]
    if mm != "<<" and not 1 <= int(mm) <= 12:
        return False
    return dd == "<<" or 1 <= int(dd) <= 31


def _check(text: str, digit: str, field: str, span: Span, out: _Collector, what: str | None = None) -> bool:
    what = what or field.replace("_", " ")
    if digit not in _DIGITS:
        out.error("check_digit", field, f"{what} check digit {digit!r} is not a digit", span)
        return False
    computed = try_check_digit(text)
    if computed is None:
        out.error("check_digit", field, f"{what} check digit cannot be computed: the field has a bad character",
                  span)  # fmt: skip
        return False
    if computed != ord(digit) - 48:
        out.error("check_digit", field, f"{what} check digit is {digit}, computed {computed}", span)
        return False
    return True


def _scan_characters(lines: list[str], width: int, out: _Collector) -> list[str]:
    """Report lengths and characters; return the lines upper-cased and cut or padded to the width."""
    fixed = []
    for i, line in enumerate(lines):
        if len(line) != width:
            if len(line) > width:
                out.error("length", None, f"line {i + 1} has {len(line)} characters, {width} expected",
                          Span(i, width, len(line)))  # fmt: skip
            else:
                out.error("length", None, f"line {i + 1} has {len(line)} characters, {width} expected",
                          Span(i, len(line), len(line) + 1), width - len(line))  # fmt: skip
        if not _MRZ_LINE.fullmatch(line):
            col = 0
            while col < len(line):
                c = line[col]
                if c in _ALLOWED:
                    col += 1
                    continue
                end = col
                while end < len(line) and line[end] not in _ALLOWED:
                    end += 1
                bad = line[col:end]
                kind = "lower-case" if bad.isalpha() and bad.isascii() and bad.islower() else "not allowed"
                out.error("charset", None, f"{bad!r} {kind}: an MRZ holds only A-Z 0-9 <", Span(i, col, end))
                col = end
            line = line.upper()
        fixed.append(line[:width].ljust(width, "<"))
    return fixed


def _names(raw: str, lay: Layout, out: _Collector) -> tuple[str, str]:
    span = lay.names
    if not _LETTERS_FILLER.issuperset(raw):
        bad = [i for i, c in enumerate(raw) if c not in _LETTERS_FILLER]
        out.error("field_charset", "names", "names hold letters and '<' only",
                  Span(span.line, span.start + bad[0], span.start + bad[-1] + 1))  # fmt: skip
    if raw[-1] != "<":
        out.warn("name_truncated", "names", "the name fills its field: it may be truncated", span)
    body = raw.rstrip("<")
    gap = body.find("<<<")
    second = body.find("<<", body.find("<<") + 2) if "<<" in body else -1
    if gap >= 0:
        out.error("name_format", "names", "three or more fillers inside the name: fillers may only end the field",
                  Span(span.line, span.start + gap, span.start + len(body)))  # fmt: skip
    elif second >= 0:
        out.error("name_format", "names", "a second '<<' in the name: only one separates surname and given names",
                  Span(span.line, span.start + second, span.start + second + 2))  # fmt: skip
    primary, _, secondary = body.partition("<<")
    return " ".join(primary.replace("<", " ").split()), " ".join(secondary.replace("<", " ").split())


def _country(raw: str, field: str, span: Span, out: _Collector) -> str:
    code = raw.rstrip("<")
    label = field.replace("_", " ")
    if not _LETTERS_FILLER.issuperset(raw):
        out.error("field_charset", field, f"{label} {raw!r} must be letters", span)
    elif code not in countries.KNOWN_CODES:
        what = "empty" if not code else f"{code!r} is not an ISO 3166-1 alpha-3 or ICAO code"
        out.warn("country_unknown", field, f"{label} {what}", span)
    return code


def _document_number(lines: list[str], lay: Layout, out: _Collector) -> tuple[str, bool, str]:
    """Document number (overflow-aware on TD1/TD2), its check, and the optional data left after it."""
    span, cspan, ospan = lay.document_number, lay.document_number_check, lay.optional_data
    number, digit, optional = span.of(lines), cspan.of(lines), ospan.of(lines)
    if digit != "<" or lay.name not in ("TD1", "TD2") or number.endswith("<"):
        ok = _check(number, digit, "document_number", cspan, out)
        return number.rstrip("<"), ok, optional
    # Doc 9303 overflow: the number continues in the optional data, then its check digit, then a filler.
    cut = optional.find("<")
    ext = optional if cut < 0 else optional[:cut]
    if not ext:
        out.error("check_digit", "document_number", "document number check digit is '<' with no overflow "
                  "in the optional data", cspan)  # fmt: skip
        return number.rstrip("<"), False, optional
    extra, digit = ext[:-1], ext[-1]
    full = number + extra
    dspan = Span(ospan.line, ospan.start + len(ext) - 1, ospan.start + len(ext))
    rest = optional[len(ext) + 1 :] if cut >= 0 else ""
    if digit in _DIGITS and try_check_digit(full) != int(digit) and try_check_digit(number + "<" + extra) == int(digit):
        out.warn("check_digit_deviation", "document_number",
                 "long document number: the check digit includes the '<' at the check position "
                 "(older Belgian/Portuguese practice, not Doc 9303)", dspan)  # fmt: skip
        return full, True, rest
    ok = _check(full, digit, "document_number", dspan, out, "long document number")
    return full, ok, rest


def _flat_slices(lay: Layout) -> tuple:
    def sl(span: Span | None) -> slice | None:
        if span is None:
            return None
        base = span.line * lay.width
        return slice(base + span.start, base + span.end)

    def ix(span: Span | None) -> int:
        return -1 if span is None else span.line * lay.width + span.start

    return (
        sl(lay.document_code), sl(lay.names), sl(lay.document_number), ix(lay.document_number_check),
        sl(lay.birth_date), ix(lay.birth_date_check), ix(lay.sex), sl(lay.expiry_date), ix(lay.expiry_date_check),
        sl(lay.optional_data), ix(lay.optional_data_check), sl(lay.optional_data_2), ix(lay.composite),
        tuple(sl(p) for p in lay.composite_parts), sl(lay.issuing_state), sl(lay.nationality),
    )  # fmt: skip


_FLAT: dict[str, tuple] = {}
_KNOWN = countries.KNOWN_CODES
_NAME_OK = re.compile(r"[A-Z<]*")


def _parse_fast(text: list[str], lay: Layout, today: date) -> MrzResult | None:
    """The common case, a well-formed MRZ with no error, in one pass; None sends it to the full path."""
    width = lay.width
    for line in text:
        if len(line) != width:
            return None
    flat = "".join(text)
    if not _MRZ_LINE.fullmatch(flat):
        return None
    slices = _FLAT.get(lay.name)
    if slices is None:
        slices = _FLAT[lay.name] = _flat_slices(lay)
    (s_code, s_names, s_num, i_num, s_birth, i_birth, i_sex, s_exp, i_exp, s_opt, i_opt, s_opt2, i_comp, s_parts,
     s_state, s_nat) = slices  # fmt: skip
    code = flat[s_code]
    if code[0] not in _DOCUMENT_CODES[lay.name] or code[1] in _DIGITS:
        return None
    number, digit = flat[s_num], flat[i_num]
    if digit not in _DIGITS or try_check_digit(number) != ord(digit) - 48:
        return None
    birth_raw, expiry_raw = flat[s_birth], flat[s_exp]
    if not (birth_raw.isdigit() and expiry_raw.isdigit()):
        return None
    digit = flat[i_birth]
    if digit not in _DIGITS or try_check_digit(birth_raw) != ord(digit) - 48:
        return None
    digit = flat[i_exp]
    if digit not in _DIGITS or try_check_digit(expiry_raw) != ord(digit) - 48:
        return None
    names = flat[s_names]
    state_raw, nat_raw = flat[s_state], flat[s_nat]
    if not (_NAME_OK.fullmatch(names) and _NAME_OK.fullmatch(state_raw) and _NAME_OK.fullmatch(nat_raw)):
        return None
    body = names.rstrip("<")
    first = body.find("<<")
    if "<<<" in body or (first >= 0 and body.find("<<", first + 2) >= 0):
        return None
    sex = flat[i_sex]
    if sex not in ("M", "F", "<", "X"):
        return None
    optional = flat[s_opt]
    optional_ok: bool | None = None
    if i_opt >= 0:
        digit = flat[i_opt]
        blank = digit in ("<", "0") and optional.strip("<") == ""
        if not blank and (digit not in _DIGITS or try_check_digit(optional) != ord(digit) - 48):
            return None
        optional_ok = True
    composite_ok: bool | None = None
    if i_comp >= 0:
        digit = flat[i_comp]
        if digit not in _DIGITS or try_check_digit("".join([flat[p] for p in s_parts])) != ord(digit) - 48:
            return None
        composite_ok = True
    yy, mm, dd = int(expiry_raw[:2]), int(expiry_raw[2:4]), int(expiry_raw[4:])
    if not (1 <= mm <= 12 and dd >= 1):
        return None
    year = expiry_year(yy, today)
    if dd > _days_in_month(year, mm):
        return None
    expiry = date(year, mm, dd)
    yy, mm, dd = int(birth_raw[:2]), int(birth_raw[2:4]), int(birth_raw[4:])
    if not (1 <= mm <= 12 and dd >= 1):
        return None
    year = birth_year(yy, mm, dd, today, expiry)
    if dd > _days_in_month(year, mm):
        return None
    birth = date(year, mm, dd)

    issuing, nationality = state_raw.rstrip("<"), nat_raw.rstrip("<")
    primary, _, secondary = body.partition("<<")
    warnings: tuple[Problem, ...] = ()
    if (issuing not in _KNOWN or nationality not in _KNOWN or names[-1] != "<" or expiry < today
            or sex == "X"):  # fmt: skip
        out = _Collector()
        _country(state_raw, "issuing_state", lay.issuing_state, out)
        if names[-1] != "<":
            out.warn("name_truncated", "names", "the name fills its field: it may be truncated", lay.names)
        _country(nat_raw, "nationality", lay.nationality, out)
        if expiry < today:
            out.warn("expired", "expiry_date", f"expired on {expiry.isoformat()} (checked on {today.isoformat()})",
                     lay.expiry_date)  # fmt: skip
        if sex == "X":
            out.warn("sex_x", "sex", "sex 'X': Doc 9303 allows only M, F or '<' in the MRZ", lay.sex)
        warnings = tuple(out.warnings)
    return MrzResult(
        lay.name, True, tuple(text), code.rstrip("<"), issuing, number.rstrip("<"), birth, birth_raw, expiry,
        expiry_raw, sex, nationality, " ".join(primary.replace("<", " ").split()),
        " ".join(secondary.replace("<", " ").split()), optional.strip("<"),
        flat[s_opt2].strip("<") if s_opt2 is not None else "",
        {"document_number": True, "birth_date": True, "expiry_date": True, "optional_data": optional_ok,
         "composite": composite_ok},
        (), warnings,
    )  # fmt: skip


def parse(lines: Sequence[str] | str, *, today: date | None = None) -> MrzResult:
    """Parse and check an MRZ given as its lines (or one string with a line per MRZ line)."""
    today = today or date.today()
    text = split_lines(lines)
    lay = detect(text)
    if lay is not None:
        fast = _parse_fast(text, lay, today)
        if fast is not None:
            return fast
    return _parse_full(text, lay, today)


def _parse_full(text: list[str], lay: Layout | None, today: date) -> MrzResult:
    """Every check, every problem reported (the path for anything the fast path declines)."""
    out = _Collector()
    if lay is None:
        n = len(text)
        out.errors.append(Problem("line_count", None, f"{n} line{'s' * (n != 1)}: an MRZ has 2 or 3", 1, 1,
                                  len(text[0]) if text else 1))  # fmt: skip
        return MrzResult(None, False, tuple(text), errors=tuple(out.errors))
    fixed = _scan_characters(text, lay.width, out)

    code_raw = lay.document_code.of(fixed)
    if code_raw[0] not in _LETTERS_FILLER or code_raw[0] == "<" or code_raw[1] not in _LETTERS_FILLER:
        out.error("document_code_invalid", "document_code",
                  f"document code {code_raw!r} must be a letter then a letter or '<'", lay.document_code)  # fmt: skip
    elif code_raw[0] not in _DOCUMENT_CODES[lay.name]:
        out.error("document_code_invalid", "document_code",
                 f"document code {code_raw!r}: {lay.name} documents start with "
                 f"{' or '.join(_DOCUMENT_CODES[lay.name])}", lay.document_code)  # fmt: skip
    issuing = _country(lay.issuing_state.of(fixed), "issuing_state", lay.issuing_state, out)
    surname, given = _names(lay.names.of(fixed), lay, out)
    number, number_ok, optional = _document_number(fixed, lay, out)
    nationality = _country(lay.nationality.of(fixed), "nationality", lay.nationality, out)

    expiry_raw = lay.expiry_date.of(fixed)
    birth_raw = lay.birth_date.of(fixed)
    expiry = _read_date(expiry_raw, "expiry_date", lay.expiry_date, today, _Collector())
    birth = _read_date(birth_raw, "birth_date", lay.birth_date, today, out, expiry)
    birth_ok = _check(birth_raw, lay.birth_date_check.of(fixed), "birth_date", lay.birth_date_check, out)
    expiry = _read_date(expiry_raw, "expiry_date", lay.expiry_date, today, out)
    expiry_ok = _check(expiry_raw, lay.expiry_date_check.of(fixed), "expiry_date", lay.expiry_date_check, out)
    if expiry and expiry < today:
        out.warn("expired", "expiry_date", f"expired on {expiry.isoformat()} (checked on {today.isoformat()})",
                 lay.expiry_date)  # fmt: skip

    sex = lay.sex.of(fixed)
    if sex == "X":
        out.warn("sex_x", "sex", "sex 'X': Doc 9303 allows only M, F or '<' in the MRZ", lay.sex)
    elif sex not in ("M", "F", "<"):
        out.error("sex_invalid", "sex", f"sex {sex!r} must be M, F or '<'", lay.sex)

    optional_ok: bool | None = None
    if lay.optional_data_check is not None:
        digit = lay.optional_data_check.of(fixed)
        if optional.strip("<") == "" and digit in ("<", "0"):
            optional_ok = True
        else:
            optional_ok = _check(optional, digit, "optional_data", lay.optional_data_check, out,
                                 "personal number")  # fmt: skip
    composite_ok: bool | None = None
    if lay.composite is not None:
        parts = "".join(s.of(fixed) for s in lay.composite_parts)
        composite_ok = _check(parts, lay.composite.of(fixed), "composite", lay.composite, out)
    optional_2 = lay.optional_data_2.of(fixed).strip("<") if lay.optional_data_2 else ""

    return MrzResult(
        format=lay.name,
        valid=not out.errors,
        lines=tuple(text),
        document_code=code_raw.rstrip("<"),
        issuing_state=issuing,
        document_number=number,
        birth_date=birth,
        birth_date_raw=birth_raw,
        expiry_date=expiry,
        expiry_date_raw=expiry_raw,
        sex=sex,
        nationality=nationality,
        surname=surname,
        given_names=given,
        optional_data=optional.strip("<"),
        optional_data_2=optional_2,
        checks={
            "document_number": number_ok,
            "birth_date": birth_ok,
            "expiry_date": expiry_ok,
            "optional_data": optional_ok,
            "composite": composite_ok,
        },
        errors=tuple(out.errors),
        warnings=tuple(out.warnings),
    )
