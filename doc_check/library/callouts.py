"""Security features of the Utopia documents, where each sits on the specimen, and the annotated specimen pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock

import cv2
import numpy as np

from doc_check.indicators import get as indicator
from doc_check.samples import CHANNELS, DOCUMENT_TYPES
from doc_check.specimen.layout import Box, SideLayout, layout, sides
from doc_check.specimen.render import GENUINE_PRINT

LIBRARY_DPI = 200
"""Resolution of the library's specimen renders (the HTML page takes ``--dpi``)."""
DOCUMENT_NAMES = {"td3": "Passport (TD3)", "td1": "Identity card (TD1)", "mrva": "Visa sticker (MRV-A)"}
CHANNEL_NAMES = {"visible": "White light", "uv": "UV (365 nm)", "ir": "Infrared"}
CALLOUT_COLOURS = {"visible": (160, 0, 200), "uv": (0, 230, 255), "ir": (0, 0, 220)}
"""BGR colour of the outlines and number badges under each light (chosen to stand out from that light's image)."""


@dataclass(frozen=True)
class Feature:
    """One security feature of the genuine design, under one light."""

    key: str
    title: str
    channel: str
    region: str
    """A layout box name, or ``@rosette`` (the guilloche rosette's centre), ``@viz`` (all printed data fields),
    ``@page`` (the whole page), ``@fibres`` (a patch where fibres show well)."""
    look_for: str
    """One or two sentences: what the genuine feature looks like and what a false one gets wrong."""
    indicators: tuple[str, ...]
    """Registry ids a failure of this feature maps to (the first is the main one)."""


MICROPRINT = GENUINE_PRINT.microprint_text

FEATURES: tuple[Feature, ...] = (
    Feature(
        "guilloche",
        "Guilloche rosette and wave lines",
        "visible",
        "@rosette",
        "Fine, unbroken interlaced lines in two inks, sharp at every crossing under the magnifier. A reproduction "
        "shows thickened, broken or dotted lines and slightly off colours.",
        ("print.background",),
    ),
    Feature(
        "rainbow",
        "Rainbow (iris) print",
        "visible",
        "title",
        "The background colour flows smoothly from warm tones at the left to blue at the right, in the wash and "
        "in the guilloche inks, with no steps or screen dots. A scanned and reprinted page shows banding or a "
        "halftone rosette.",
        ("print.background",),
    ),
    Feature(
        "emblem",
        "Printed emblem",
        "visible",
        "emblem",
        "The Utopia emblem in offset ink with crisp edges, at its place in the design. A fantasy document carries "
        "another emblem or a mirrored layout.",
        ("print.background", "doc.issuer_unknown"),
    ),
    Feature(
        "microprint",
        "Microprint line",
        "visible",
        "microprint",
        f"Under the magnifier the thin line reads '{MICROPRINT}' over and over, every letter sharp. Copied or "
        "reprinted microprint blurs into a dotted or solid line.",
        ("print.microprint",),
    ),
    Feature(
        "portrait",
        "Portrait",
        "visible",
        "portrait",
        "The portrait fades into the background print at its edge, with no cut, step or shadow. A substituted "
        "photo sits opaque to a sharp edge, often slightly off the original window.",
        ("photo.substitution", "photo.edge"),
    ),
    Feature(
        "ghost",
        "Ghost image",
        "visible",
        "ghost",
        "A smaller, paler copy of the portrait: the same person, same pose. A ghost of another face means the main "
        "portrait was replaced.",
        ("photo.ghost_mismatch",),
    ),
    Feature(
        "data",
        "Personal data",
        "visible",
        "@viz",
        "Laser-engraved data in one sans-serif face and size, on the baselines of their labels. Look for a field "
        "in another face, out of line, or with abraded background around it.",
        ("print.font", "print.alignment", "print.erasure"),
    ),
    Feature(
        "number_alt",
        "Document number, second style",
        "visible",
        "number_alt",
        "The document number again in dot-matrix (as if laser-perforated); it must equal the printed number and "
        "the number in the MRZ.",
        ("viz.mrz_mismatch.document_number",),
    ),
    Feature(
        "mrz",
        "Machine readable zone",
        "visible",
        "mrz",
        "OCR-B characters at a fixed 2.54 mm pitch; every check digit must compute and every field must agree with "
        "the printed data (mrz.check_digit.<field>, viz.mrz_mismatch.<field>).",
        ("mrz.format", "mrz.field"),
    ),
    Feature(
        "uv_paper",
        "UV-dull paper",
        "uv",
        "@page",
        "Security paper stays dark under UV; only the printed UV features glow. A page that lights up blue-white "
        "is ordinary, optically brightened paper.",
        ("uv.paper_bright",),
    ),
    Feature(
        "uv_emblem",
        "UV emblem",
        "uv",
        "uv_emblem",
        "A sharp emblem glowing green-yellow, invisible in white light. Missing, or visible in white light too, it "
        "is a reproduction.",
        ("uv.emblem",),
    ),
    Feature(
        "fibres",
        "Security fibres",
        "uv",
        "@fibres",
        "Short curved fibres in red, blue and yellow glow scattered in the paper itself, everywhere on the page. "
        "No fibres, or fibres printed flat on top, point to a counterfeit.",
        ("uv.fibres",),
    ),
    Feature(
        "uv_portrait",
        "UV pattern over the portrait",
        "uv",
        "uv_portrait_pattern",
        "Fluorescent rings printed on the laminate run unbroken across the portrait and a little beyond it. Rings "
        "that stop at the photo's edge show that the photo was replaced.",
        ("photo.edge", "photo.substitution"),
    ),
    Feature(
        "ir_mark",
        "IR-only mark",
        "ir",
        "ir_mark",
        "A bar pattern with 'UTO' in carbon ink: dark in IR, invisible in white light. Its absence marks a "
        "reproduction made with ordinary inks.",
        ("ir.mark",),
    ),
    Feature(
        "ir_background",
        "IR-dropping inks",
        "ir",
        "emblem",
        "The guilloche, rainbow, labels and emblem are printed in inks that vanish in IR, leaving a plain page. A "
        "background that stays visible in IR is a colour copy.",
        ("ir.background",),
    ),
    Feature(
        "ir_data",
        "IR-absorbent personal data",
        "ir",
        "@viz",
        "Laser-engraved data stays black in IR. Data that fades or vanishes was added with inkjet or toner.",
        ("ir.data", "print.personalisation"),
    ),
    Feature(
        "ir_mrz",
        "IR-absorbent MRZ",
        "ir",
        "mrz",
        "The MRZ stays black in IR (ICAO's (IR,AB,MR) check); readers rely on it. A fading MRZ was not engraved.",
        ("ir.mrz",),
    ),
    Feature(
        "ir_ghost",
        "Ghost image in IR",
        "ir",
        "ghost",
        "The engraved ghost image absorbs IR and stays visible; a printed imitation disappears with the background.",
        ("print.personalisation", "photo.ghost_mismatch"),
    ),
)
"""The library's features, in callout order per light (the first light's numbers start at 1)."""


@dataclass(frozen=True)
class Callout:
    """One numbered callout on a specimen page: the feature and the marked region in pixels (x, y, w, h)."""

    number: int
    feature: Feature
    box: tuple[int, int, int, int]


@dataclass(frozen=True, eq=False)
class LibraryPage:
    """One side of one document type under one light: the annotated specimen and its callouts."""

    document_type: str
    side: str
    channel: str
    dpi: int
    image: np.ndarray
    """The specimen with outlines and number badges, ``(H, W, 3)`` BGR uint8."""
    callouts: tuple[Callout, ...] = field(default=())

    @property
    def title(self) -> str:
        """E.g. ``Passport (TD3), front, UV (365 nm)``."""
        return f"{DOCUMENT_NAMES[self.document_type]}, {self.side}, {CHANNEL_NAMES[self.channel]}"

    @property
    def slug(self) -> str:
        """E.g. ``td3-front-uv`` (file names, widget ids)."""
        return f"{self.document_type}-{self.side}-{self.channel}"


def _region(lay: SideLayout, region: str) -> Box | None:
    """The box a feature's region names on one side, or None when the side has no such feature."""
    b = lay.boxes
    if region == "@page":
        return Box(1.5, 1.5, lay.width_mm - 3.0, lay.height_mm - 3.0)
    if region == "@viz":
        fields = [v for k, v in b.items() if k.startswith("viz.")]
        if not fields:
            return None
        x0, y0 = min(f.x for f in fields), min(f.y for f in fields)
        return Box(x0, y0, max(f.x + f.w for f in fields) - x0, max(f.y + f.h for f in fields) - y0)
    if region == "@rosette":  # the rosette is centred on the UV emblem's place (see specimen.render)
        if "uv_emblem" not in b:
            return None
        c = b["uv_emblem"]
        r = min(c.w, c.h) * 0.45
        return Box(c.x + c.w / 2 - r, c.y + c.h / 2 - r, 2 * r, 2 * r)
    if region == "@fibres":
        return b["emblem"].grown(2.0) if "emblem" in b else None
    return b.get(region)


def callouts(document_type: str, side: str, channel: str, dpi: int) -> tuple[Callout, ...]:
    """The numbered callouts of one side under one light, boxes in pixels at ``dpi``."""
    lay = layout(document_type, side)
    out: list[Callout] = []
    for feature in (f for f in FEATURES if f.channel == channel):
        box = _region(lay, feature.region)
        if box is None:
            continue
        x0, y0, x1, y1 = box.px(dpi)
        out.append(Callout(len(out) + 1, feature, (x0, y0, x1 - x0, y1 - y0)))
    return tuple(out)


def annotate(image: np.ndarray, marks: Sequence[Callout], channel: str, dpi: int) -> np.ndarray:
    """The specimen with each callout's region outlined and its number in a badge at the region's corner.

    Parameters
    ----------
    image : np.ndarray
        ``(H, W, 3)`` BGR or ``(H, W)`` grey uint8 specimen (not changed).
    marks
        The callouts to draw (boxes in this image's pixels).

    Returns
    -------
    np.ndarray
        ``(H, W, 3)`` BGR uint8.
    """
    out = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image.copy()
    h, w = out.shape[:2]
    colour = CALLOUT_COLOURS[channel]
    ppm = dpi / 25.4
    thickness = max(1, round(0.25 * ppm))
    radius = max(6, round(1.9 * ppm))
    for c in marks:
        x, y, bw, bh = c.box
        cv2.rectangle(out, (x, y), (x + bw - 1, y + bh - 1), colour, thickness, cv2.LINE_AA)
    placed: list[tuple[int, int]] = []
    for c in marks:  # badges over every outline, moved along the box's top edge until they do not overlap
        x, y, _, _ = c.box
        cx, cy = min(max(x, radius), w - radius - 1), min(max(y, radius), h - radius - 1)
        while any((cx - px) ** 2 + (cy - py) ** 2 < (2.2 * radius) ** 2 for px, py in placed) and cx < w - 3 * radius:
            cx += radius
        placed.append((cx, cy))
        cv2.circle(out, (cx, cy), radius, colour, -1, cv2.LINE_AA)
        cv2.circle(out, (cx, cy), radius, (255, 255, 255), max(1, thickness // 2), cv2.LINE_AA)
        text = str(c.number)
        scale = radius / 14
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, max(1, thickness))
        ink = (0, 0, 0) if channel == "uv" else (255, 255, 255)
        cv2.putText(
            out, text, (cx - tw // 2, cy + th // 2), cv2.FONT_HERSHEY_DUPLEX, scale, ink, max(1, thickness), cv2.LINE_AA
        )
    return out


_RENDER_LOCK = Lock()
"""The specimen renderer shares cached prints and font faces: one render at a time across threads."""


def document_pages(document_type: str, dpi: int = LIBRARY_DPI) -> tuple[LibraryPage, ...]:
    """Every side and light of one document type's specimen, annotated (BadInput for an unknown type; cached,
    safe to call from several threads)."""
    with _RENDER_LOCK:
        return _document_pages(document_type, dpi)


@lru_cache(maxsize=6)
def _document_pages(document_type: str, dpi: int) -> tuple[LibraryPage, ...]:
    from doc_check.specimen.sampleset import render_reference

    renders = render_reference(document_type, dpi)
    pages = []
    for side in sides(document_type):
        for channel in CHANNELS:
            marks = callouts(document_type, side, channel, dpi)
            image = annotate(renders[side][channel], marks, channel, dpi)
            image.flags.writeable = False  # shared by every caller of the cache
            pages.append(LibraryPage(document_type, side, channel, dpi, image, marks))
    return tuple(pages)


def library_pages(dpi: int = LIBRARY_DPI, document_types: Sequence[str] = DOCUMENT_TYPES) -> list[LibraryPage]:
    """The whole library: every document type, side and light."""
    return [page for t in document_types for page in document_pages(t, dpi)]


def indicator_title(indicator_id: str) -> str:
    """The registry's title of an indicator id."""
    return indicator(indicator_id).title
