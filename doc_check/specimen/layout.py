"""Public geometry of every Utopia document type: page sizes and named boxes in millimetres.

This module is the stable contract between the generator and the analyser. It holds only the
*design* of the genuine documents (what a reference specimen shows), never any holder data, seed
or generator state. Coordinates are millimetres from the top-left corner of the imaged page,
x to the right and y down; a rendered page at ``dpi`` has ``round(width_mm * dpi / 25.4)`` columns.

Box names (present where the document type has the feature, see ``SideLayout.boxes``):

- ``portrait``: the holder's portrait; ``ghost``: the smaller ghost image of the same face.
- ``viz.<field>``: the printed value of a visual-inspection-zone field (the bilingual label is
  printed in the ``LABEL_GAP_MM`` band just above the box). Fields: ``surname``, ``given_names``,
  ``nationality``, ``birth_date``, ``sex``, ``place_of_birth``, ``issue_date``, ``expiry_date``,
  ``authority``, ``document_number``, ``document_code``, ``issuing_state`` and, per type, ``address``,
  ``visa_type``, ``entries``, ``passport_number``.
- ``mrz``: the machine readable zone (lines at ``MRZ_PITCH_MM`` character pitch, see ``mrz_lines``).
- ``microprint``: the microprinted text line; ``emblem``: the printed Utopia emblem;
  ``uv_emblem``: the emblem that shows only under UV; ``uv_portrait_pattern``: the UV pattern over
  the portrait; ``ir_mark``: the mark visible only in IR; ``number_alt``: the document number in
  its second style (dot-matrix, as if laser-perforated); ``signature``: the holder's (or, on a
  visa, the issuing officer's) signature; ``title``: the header band; ``sticker`` (visa only):
  the visa sticker on its passport page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MM_PER_INCH = 25.4
MRZ_PITCH_MM = 2.54
"""Character pitch of the MRZ (10 characters per inch, ICAO Doc 9303 Part 3)."""
MRZ_LINE_PITCH_MM = 4.23
"""Distance between MRZ baselines (6 lines per inch)."""
MRZ_CAP_HEIGHT_MM = 2.4
"""Height of the MRZ's OCR-B capitals."""
LABEL_GAP_MM = 2.2
"""Height of the label band printed above each ``viz.<field>`` value box."""


def mm_to_px(mm: float, dpi: int) -> int:
    """A length in millimetres as whole pixels at ``dpi``."""
    return round(mm * dpi / MM_PER_INCH)


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in millimetres: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    def px(self, dpi: int) -> tuple[int, int, int, int]:
        """The box as pixel bounds ``(x0, y0, x1, y1)`` at ``dpi`` (x1, y1 exclusive)."""
        return (
            mm_to_px(self.x, dpi),
            mm_to_px(self.y, dpi),
            mm_to_px(self.x + self.w, dpi),
            mm_to_px(self.y + self.h, dpi),
        )

    def shifted(self, dx: float, dy: float) -> Box:
        """The same box moved by ``dx``, ``dy`` millimetres."""
        return Box(self.x + dx, self.y + dy, self.w, self.h)

    def grown(self, d: float) -> Box:
        """The box grown by ``d`` millimetres on every side."""
        return Box(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def mirrored(self, page_width: float) -> Box:
        """The box mirrored left-right on a page ``page_width`` millimetres wide."""
        return Box(page_width - self.x - self.w, self.y, self.w, self.h)


@dataclass(frozen=True)
class SideLayout:
    """The genuine design of one side of one document type."""

    document_type: str
    side: str
    width_mm: float
    height_mm: float
    boxes: dict[str, Box] = field(default_factory=dict)
    mrz_line_count: int = 0
    mrz_line_length: int = 0

    def size_px(self, dpi: int) -> tuple[int, int]:
        """Page size ``(width, height)`` in pixels at ``dpi``."""
        return mm_to_px(self.width_mm, dpi), mm_to_px(self.height_mm, dpi)

    def box_px(self, name: str, dpi: int) -> tuple[int, int, int, int]:
        """Pixel bounds ``(x0, y0, x1, y1)`` of the named box at ``dpi``."""
        return self.boxes[name].px(dpi)

    def viz_fields(self) -> tuple[str, ...]:
        """The VIZ field names on this side, in reading order."""
        return tuple(name.split(".", 1)[1] for name in self.boxes if name.startswith("viz."))

    def mrz_baselines_mm(self) -> tuple[float, ...]:
        """The y coordinate (mm) of each MRZ line's baseline."""
        if not self.mrz_line_count:
            return ()
        box = self.boxes["mrz"]
        first = box.y + (box.h - (self.mrz_line_count - 1) * MRZ_LINE_PITCH_MM + MRZ_CAP_HEIGHT_MM) / 2
        return tuple(first + i * MRZ_LINE_PITCH_MM for i in range(self.mrz_line_count))

    def mrz_char_boxes_mm(self) -> tuple[tuple[Box, ...], ...]:
        """Per MRZ line, the box (mm) of each character cell at the fixed 2.54 mm pitch."""
        box = self.boxes["mrz"]
        lines = []
        for base in self.mrz_baselines_mm():
            lines.append(
                tuple(
                    Box(box.x + i * MRZ_PITCH_MM, base - MRZ_CAP_HEIGHT_MM, MRZ_PITCH_MM, MRZ_CAP_HEIGHT_MM)
                    for i in range(self.mrz_line_length)
                )
            )
        return tuple(lines)


def _td3() -> dict[str, SideLayout]:
    w, h = 125.0, 88.0
    mrz_w = 44 * MRZ_PITCH_MM
    b = {
        "title": Box(4.0, 2.5, 117.0, 8.5),
        "portrait": Box(5.0, 16.0, 33.0, 42.0),
        "uv_portrait_pattern": Box(5.0, 16.0, 33.0, 42.0),
        "signature": Box(5.0, 60.0, 33.0, 8.0),
        "emblem": Box(103.0, 13.0, 17.0, 17.0),
        "ghost": Box(103.0, 37.0, 16.0, 20.0),
        "uv_emblem": Box(58.0, 24.0, 30.0, 30.0),
        "ir_mark": Box(104.0, 58.5, 15.0, 5.0),
        "viz.document_code": Box(44.0, 15.5, 9.0, 3.2),
        "viz.issuing_state": Box(56.0, 15.5, 12.0, 3.2),
        "viz.document_number": Box(72.0, 15.5, 28.0, 3.2),
        "viz.surname": Box(44.0, 22.5, 56.0, 3.2),
        "viz.given_names": Box(44.0, 29.5, 56.0, 3.2),
        "viz.nationality": Box(44.0, 36.5, 40.0, 3.2),
        "viz.birth_date": Box(44.0, 43.5, 26.0, 3.2),
        "viz.sex": Box(74.0, 43.5, 10.0, 3.2),
        "viz.place_of_birth": Box(44.0, 50.5, 40.0, 3.2),
        "viz.issue_date": Box(44.0, 57.5, 26.0, 3.2),
        "viz.authority": Box(74.0, 57.5, 26.0, 3.2),
        "viz.expiry_date": Box(44.0, 64.5, 26.0, 3.2),
        "number_alt": Box(78.0, 64.0, 40.0, 4.0),
        "microprint": Box(4.0, 69.7, 117.0, 0.68),
        "mrz": Box((w - mrz_w) / 2, 71.5, mrz_w, 13.0),
    }
    return {"front": SideLayout("td3", "front", w, h, b, 2, 44)}


def _td1() -> dict[str, SideLayout]:
    w, h = 85.6, 54.0
    mrz_w = 30 * MRZ_PITCH_MM
    front = {
        "title": Box(3.0, 2.0, 79.6, 6.0),
        "portrait": Box(3.5, 10.0, 24.0, 31.0),
        "uv_portrait_pattern": Box(3.5, 10.0, 24.0, 31.0),
        "signature": Box(3.5, 43.0, 24.0, 6.5),
        "emblem": Box(68.0, 9.0, 14.0, 14.0),
        "ghost": Box(68.0, 26.0, 13.0, 17.0),
        "uv_emblem": Box(38.0, 14.0, 24.0, 24.0),
        "ir_mark": Box(68.0, 44.5, 13.0, 4.0),
        "viz.surname": Box(30.0, 12.0, 36.0, 2.6),
        "viz.given_names": Box(30.0, 18.0, 36.0, 2.6),
        "viz.sex": Box(30.0, 24.0, 8.0, 2.6),
        "viz.nationality": Box(41.0, 24.0, 22.0, 2.6),
        "viz.birth_date": Box(30.0, 30.0, 22.0, 2.6),
        "viz.document_number": Box(30.0, 36.0, 30.0, 2.6),
        "viz.expiry_date": Box(30.0, 42.0, 22.0, 2.6),
        "number_alt": Box(30.0, 46.5, 30.0, 3.0),
        "microprint": Box(3.0, 51.1, 79.6, 0.6),
    }
    back = {
        "title": Box(3.0, 1.5, 79.6, 3.0),
        "viz.address": Box(4.0, 7.0, 56.0, 6.0),
        "viz.place_of_birth": Box(4.0, 17.0, 34.0, 2.6),
        "viz.issue_date": Box(4.0, 23.0, 22.0, 2.6),
        "viz.authority": Box(30.0, 23.0, 30.0, 2.6),
        "emblem": Box(66.0, 8.0, 15.0, 15.0),
        "uv_emblem": Box(40.0, 12.0, 18.0, 18.0),
        "number_alt": Box(63.0, 25.0, 19.0, 3.0),
        "ir_mark": Box(4.0, 28.5, 12.0, 3.5),
        "microprint": Box(3.0, 33.3, 79.6, 0.6),
        "mrz": Box((w - mrz_w) / 2, 35.0, mrz_w, 17.0),
    }
    return {
        "front": SideLayout("td1", "front", w, h, front),
        "back": SideLayout("td1", "back", w, h, back, 3, 30),
    }


STICKER_OFFSET_MM = (2.5, 4.0)
"""Where the 120 x 80 mm visa sticker sits on its 125 x 88 mm passport page."""


def _mrva() -> dict[str, SideLayout]:
    w, h = 125.0, 88.0
    sx, sy = STICKER_OFFSET_MM
    mrz_w = 44 * MRZ_PITCH_MM
    rel = {
        "title": Box(3.0, 2.0, 74.0, 6.5),
        "number_alt": Box(80.0, 2.5, 36.0, 4.5),
        "portrait": Box(3.0, 11.0, 27.0, 34.0),
        "uv_portrait_pattern": Box(3.0, 11.0, 27.0, 34.0),
        "emblem": Box(100.0, 10.0, 16.0, 16.0),
        "ghost": Box(100.0, 30.0, 15.0, 19.0),
        "uv_emblem": Box(56.0, 24.0, 28.0, 28.0),
        "ir_mark": Box(100.0, 51.0, 15.0, 5.0),
        "viz.authority": Box(34.0, 12.0, 30.0, 3.0),
        "viz.issue_date": Box(66.0, 12.0, 14.0, 3.0),
        "viz.expiry_date": Box(82.0, 12.0, 14.0, 3.0),
        "viz.visa_type": Box(34.0, 19.0, 14.0, 3.0),
        "viz.entries": Box(50.0, 19.0, 14.0, 3.0),
        "viz.document_number": Box(66.0, 19.0, 30.0, 3.0),
        "viz.surname": Box(34.0, 26.0, 62.0, 3.0),
        "viz.given_names": Box(34.0, 33.0, 62.0, 3.0),
        "viz.birth_date": Box(34.0, 40.0, 20.0, 3.0),
        "viz.sex": Box(56.0, 40.0, 8.0, 3.0),
        "viz.nationality": Box(66.0, 40.0, 30.0, 3.0),
        "viz.passport_number": Box(34.0, 47.0, 30.0, 3.0),
        "signature": Box(3.0, 50.0, 40.0, 10.0),
        "microprint": Box(3.0, 62.7, 114.0, 0.68),
        "mrz": Box((120.0 - mrz_w) / 2, 64.5, mrz_w, 13.0),
    }
    boxes = {"sticker": Box(sx, sy, 120.0, 80.0)}
    boxes.update({k: v.shifted(sx, sy) for k, v in rel.items()})
    return {"front": SideLayout("mrva", "front", w, h, boxes, 2, 44)}


LAYOUTS: dict[str, dict[str, SideLayout]] = {"td3": _td3(), "td1": _td1(), "mrva": _mrva()}
"""document type -> side -> genuine layout."""

DOCUMENT_TITLES: dict[str, str] = {
    "td3": "PASSPORT / PASSEPORT",
    "td1": "IDENTITY CARD / CARTE D'IDENTITÉ",
    "mrva": "VISA",
}

LABELS: dict[str, str] = {
    "document_code": "Type / Type",
    "issuing_state": "Code / Code",
    "document_number": "Document No. / N° du document",
    "surname": "Surname / Nom",
    "given_names": "Given names / Prénoms",
    "nationality": "Nationality / Nationalité",
    "birth_date": "Date of birth / Date de naissance",
    "sex": "Sex / Sexe",
    "place_of_birth": "Place of birth / Lieu de naissance",
    "issue_date": "Date of issue / Date de délivrance",
    "authority": "Authority / Autorité",
    "expiry_date": "Date of expiry / Date d'expiration",
    "address": "Address / Adresse",
    "visa_type": "Type / Type",
    "entries": "Entries / Entrées",
    "passport_number": "Passport No. / N° du passeport",
}
"""The bilingual label printed above each VIZ field."""

VISA_LABELS: dict[str, str] = {
    "issue_date": "Valid from / Du",
    "expiry_date": "Until / Au",
    "authority": "Issued at / Délivré à",
    "document_number": "Visa No. / N° du visa",
}
"""Label overrides on the visa sticker."""


def sides(document_type: str) -> tuple[str, ...]:
    """The sides a document type has, in order (``("front",)`` or ``("front", "back")``)."""
    return tuple(LAYOUTS[document_type])


def layout(document_type: str, side: str = "front") -> SideLayout:
    """The genuine layout of one side; KeyError names unknown types or sides."""
    try:
        return LAYOUTS[document_type][side]
    except KeyError:
        raise KeyError(f"no layout for {document_type!r} side {side!r}") from None


def label(document_type: str, field_name: str) -> str:
    """The bilingual label of a VIZ field on a document type."""
    if document_type == "mrva" and field_name in VISA_LABELS:
        return VISA_LABELS[field_name]
    return LABELS[field_name]


def mrz_side(document_type: str) -> str:
    """The side that carries the MRZ."""
    return "back" if document_type == "td1" else "front"
