"""Render a document side under white, UV and IR light from its data and a render plan.

The security print of a design (guilloche, rainbow, emblem, labels, microprint, UV and IR features)
is the same on every document of a type, so it is rendered once per (type, side, dpi, print style)
and cached; the personalisation (data, MRZ, portrait, ghost, signature, fibres) is drawn per document.
Forgeries are expressed as a ``RenderPlan`` (what differs from a genuine document), so genuine and
altered documents go through exactly the same code path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from doc_check.specimen import guilloche as g
from doc_check.specimen.document import DocumentData
from doc_check.specimen.faces import FaceTraits, draw_face
from doc_check.specimen.layout import (
    DOCUMENT_TITLES,
    MRZ_CAP_HEIGHT_MM,
    MRZ_PITCH_MM,
    Box,
    SideLayout,
    label,
    layout,
    sides,
)

CHANNELS = ("visible", "uv", "ir")

Image = np.ndarray


@dataclass(frozen=True)
class PrintStyle:
    """The security-print design; the default is Utopia's genuine print."""

    palette: str = "utopia"
    """``utopia``, ``shifted`` (a reproduction's off colours) or ``pseudo`` (a fantasy issuer's)."""
    line_width: int = 1
    line_breaks: bool = False
    microprint_blur: bool = False
    mirrored: bool = False
    title: str = "UTOPIA / UTOPIE"
    emblem: str = "utopia"
    uv_emblem: str = "present"
    """``present`` (UV only), ``missing`` or ``visible`` (printed in ordinary ink as well)."""
    uv_paper_bright: bool = False
    ir_background: bool = False
    ir_mark: bool = True
    microprint_text: str = "REPUBLIC OF UTOPIA"


GENUINE_PRINT = PrintStyle()


@dataclass(frozen=True)
class FieldStyle:
    """How one VIZ field is printed: offset (mm), size factor, weight, font face."""

    dx_mm: float = 0.0
    dy_mm: float = 0.0
    size: float = 1.0
    weight: int = 430
    face: str = "sans"


@dataclass(frozen=True)
class RenderPlan:
    """What this rendering changes from a genuine document (all defaults: genuine)."""

    viz_values: tuple[tuple[str, str], ...] = ()
    field_styles: tuple[tuple[str, FieldStyle], ...] = ()
    erased: tuple[tuple[str, str], ...] = ()
    """(field, original printed value) pairs whose area shows erasure traces."""
    mrz_lines: tuple[str, ...] | None = None
    substitute_face: FaceTraits | None = None
    substitute_seed: int = 0
    lamination_edge: bool = False
    print_style: PrintStyle = GENUINE_PRINT
    personalisation: str = "laser"
    """``laser`` (genuine engraving), ``inkjet`` or ``toner`` (IR-transparent, wrong texture)."""
    personal_style: FieldStyle | None = None
    """A style applied to every data field (a stolen blank personalised on another machine)."""
    uv_fibres: bool = True
    wear: str | None = None
    """``crease`` or ``stain``: honest wear of a genuine document."""
    seed: int = 0
    """Seeds the per-document randomness: fibres, ink texture, wear."""


@dataclass(frozen=True)
class SecurityPrint:
    """One side's unpersonalised print under each light, as float32 images in 0..1."""

    layout: SideLayout
    visible: Image
    uv: Image
    ir: Image


# ---------------------------------------------------------------- colours (BGR, 0..1)
PAPER = np.array([0.90, 0.955, 0.975], np.float32)
UV_PAPER = np.array([0.16, 0.06, 0.09], np.float32)
UV_PAPER_BRIGHT = np.array([0.96, 0.80, 0.70], np.float32)
IR_PAPER = 0.86
TEXT_INK = np.array([0.13, 0.12, 0.12], np.float32)
LABEL_INK = {
    "utopia": np.array([0.45, 0.22, 0.12], np.float32),
    "shifted": np.array([0.52, 0.30, 0.16], np.float32),
    "pseudo": np.array([0.12, 0.16, 0.45], np.float32),
}
PALETTES = {  # (left, middle, right) iris colours of two guilloche inks and the wash
    "utopia": (
        ((0.55, 0.72, 0.96), (0.78, 0.90, 0.62), (0.97, 0.80, 0.58)),
        ((0.90, 0.60, 0.75), (0.70, 0.50, 0.85), (0.85, 0.75, 0.55)),
        ((0.86, 0.93, 0.97), (0.86, 0.95, 0.92), (0.97, 0.93, 0.90)),
    ),
    "shifted": (
        ((0.50, 0.75, 0.90), (0.68, 0.86, 0.66), (0.90, 0.78, 0.62)),
        ((0.82, 0.62, 0.70), (0.66, 0.56, 0.78), (0.80, 0.72, 0.60)),
        ((0.84, 0.92, 0.95), (0.84, 0.93, 0.92), (0.94, 0.92, 0.90)),
    ),
    "pseudo": (
        ((0.45, 0.80, 0.85), (0.45, 0.75, 0.90), (0.55, 0.65, 0.95)),
        ((0.55, 0.55, 0.85), (0.50, 0.70, 0.85), (0.60, 0.60, 0.90)),
        ((0.80, 0.94, 0.97), (0.82, 0.93, 0.97), (0.85, 0.90, 0.97)),
    ),
}
EMBLEM_INK = {
    "utopia": np.array([0.30, 0.55, 0.70], np.float32),
    "shifted": np.array([0.36, 0.58, 0.66], np.float32),
    "pseudo": np.array([0.20, 0.45, 0.75], np.float32),
}
UV_EMBLEM_GLOW = np.array([0.35, 0.95, 0.85], np.float32)
UV_PATTERN_GLOW = np.array([0.95, 0.55, 0.35], np.float32)
FIBRE_COLOURS = (
    np.array([0.25, 0.25, 1.0], np.float32),
    np.array([1.0, 0.6, 0.2], np.float32),
    np.array([0.3, 1.0, 0.9], np.float32),
)


def _iris(width: int, colours: tuple[tuple[float, float, float], ...]) -> np.ndarray:
    """A horizontal rainbow (iris) gradient through the colours, shape (1, width, 3)."""
    xs = np.linspace(0, len(colours) - 1, width)
    cols = np.asarray(colours, np.float32)
    i = np.clip(xs.astype(int), 0, len(colours) - 2)
    f = (xs - i)[:, None].astype(np.float32)
    return ((1 - f) * cols[i] + f * cols[i + 1])[None, :, :]


def _bbox(coverage: Image) -> tuple[slice, slice] | None:
    """The bounding slices of the non-zero part of a coverage mask (None when empty)."""
    m = coverage if coverage.dtype == np.uint8 else (coverage > 0).view(np.uint8)
    x, y, w, h = cv2.boundingRect(m)
    if w == 0 or h == 0:
        return None
    return slice(y, y + h), slice(x, x + w)


def ink(img: Image, coverage: Image, colour: np.ndarray | float, strength: float = 1.0) -> None:
    """Print ink of ``colour`` where ``coverage`` (0..1 float or uint8) is set, in place (subtractive)."""
    box = _bbox(coverage)
    if box is None:
        return
    cov = coverage[box]
    cov = cov.astype(np.float32) * (strength / 255.0) if cov.dtype == np.uint8 else cov * strength
    target = img[box]
    if img.ndim == 3:
        col = np.asarray(colour, np.float32)
        # a gradient (1, width, 3) is cut to the box's columns; a single colour broadcasts
        col = col[:, box[1], :] if col.ndim == 3 else col.reshape(1, 1, -1)
        target *= 1.0 - cov[..., None] * (1.0 - col)
    else:
        target *= 1.0 - cov * (1.0 - float(colour))


def glow(img: Image, coverage: Image, colour: np.ndarray, strength: float = 1.0) -> None:
    """Add fluorescent light of ``colour`` where ``coverage`` is set, in place (additive, clipped)."""
    box = _bbox(coverage)
    if box is None:
        return
    cov = coverage[box]
    cov = cov.astype(np.float32) / 255.0 if cov.dtype == np.uint8 else cov
    target = img[box]
    target += cov[..., None] * (np.asarray(colour, np.float32) * strength)
    np.minimum(target, 1.0, out=target)


def side_layout(document_type: str, side: str, style: PrintStyle = GENUINE_PRINT) -> SideLayout:
    """The layout a print style uses: the genuine one, or mirrored for a fantasy document."""
    lay = layout(document_type, side)
    if not style.mirrored:
        return lay
    keep = {"mrz", "microprint", "sticker", "title"} | ({"number_alt"} if document_type == "mrva" else set())
    boxes = {k: (b if k in keep else b.mirrored(lay.width_mm)) for k, b in lay.boxes.items()}
    return SideLayout(
        lay.document_type, lay.side, lay.width_mm, lay.height_mm, boxes, lay.mrz_line_count, lay.mrz_line_length
    )


@lru_cache(maxsize=6)
def security_print(document_type: str, side: str, dpi: int, style: PrintStyle = GENUINE_PRINT) -> SecurityPrint:
    """The unpersonalised print of one side at ``dpi`` (cached: identical on every document)."""
    lay = side_layout(document_type, side, style)
    w, h = lay.size_px(dpi)
    ppm = dpi / 25.4
    shape = (h, w)
    ink_a, ink_b, wash = PALETTES[style.palette]
    vis = np.empty((h, w, 3), np.float32)
    vis[:] = PAPER
    if document_type == "mrva":  # the passport visa page under the sticker: its own quieter print
        page = g.wave_family(shape, ppm, spacing_mm=0.9, amp_mm=1.4, period_mm=9.0, phase=1.0, drift=0.05, angle=0.6)
        ink(vis, page, np.array([0.75, 0.80, 0.65], np.float32), 0.5)
        sx0, sy0, sx1, sy1 = lay.boxes["sticker"].px(dpi)
        region = (slice(sy0, sy1), slice(sx0, sx1))
        # the sticker's slightly raised edge casts a thin shadow on the page
        edge = np.zeros(shape, np.uint8)
        off = max(1, int(0.25 * ppm))
        cv2.rectangle(edge, (sx0 + off, sy0 + off), (sx1 + off, sy1 + off), 255, -1)
        ink(vis, cv2.GaussianBlur(edge, (0, 0), max(0.8, 0.3 * ppm)), 0.55, 0.35)
        vis[region] = PAPER
    else:
        region = (slice(0, h), slice(0, w))
    sub = vis[region]
    sh = sub.shape[:2]
    ink(sub, np.ones(sh, np.float32), _iris(sh[1], wash), 1.0)
    a = g.wave_family(
        sh,
        ppm,
        spacing_mm=0.62,
        amp_mm=1.9,
        period_mm=14.0,
        phase=0.3,
        drift=0.11,
        angle=0.0,
        thickness=style.line_width,
    )
    b = g.wave_family(
        sh,
        ppm,
        spacing_mm=0.75,
        amp_mm=2.6,
        period_mm=21.0,
        phase=2.1,
        drift=-0.07,
        angle=math.pi / 2.3,
        thickness=style.line_width,
    )
    centre_box = lay.boxes.get("uv_emblem", Box(lay.width_mm / 2, lay.height_mm / 2, 1, 1))
    cx = (centre_box.x + centre_box.w / 2) * ppm - (region[1].start or 0)
    cy = (centre_box.y + centre_box.h / 2) * ppm - (region[0].start or 0)
    ros = g.rosette(
        sh,
        (cx, cy),
        22.0 * ppm if document_type != "td1" else 15.0 * ppm,
        curves=40,
        lobes=14,
        thickness=style.line_width,
    )
    if style.line_breaks:
        rng = np.random.default_rng(77)
        dash = (rng.random((max(1, sh[0] // 6), max(1, sh[1] // 6))) > 0.35).astype(np.uint8) * 255
        dash = cv2.resize(dash, (sh[1], sh[0]), interpolation=cv2.INTER_NEAREST)
        a, b, ros = (cv2.bitwise_and(m, dash) for m in (a, b, ros))
    ink(sub, a, _iris(sh[1], ink_a), 0.75)
    ink(sub, b, _iris(sh[1], ink_b), 0.55)
    ink(
        sub,
        ros,
        np.array([0.62, 0.48, 0.80], np.float32)
        if style.palette != "pseudo"
        else np.array([0.5, 0.8, 0.9], np.float32),
        0.5,
    )
    # frame lines along the edge of the design
    frame = np.zeros(sh, np.uint8)
    m = max(2, int(1.2 * ppm))
    cv2.rectangle(frame, (m, m), (sh[1] - m, sh[0] - m), 255, max(1, style.line_width), g.AA)
    cv2.rectangle(frame, (m + 3, m + 3), (sh[1] - m - 3, sh[0] - m - 3), 255, 1, g.AA)
    ink(sub, frame, LABEL_INK[style.palette], 0.7)

    # emblem, title, labels, microprint in offset inks (IR-transparent)
    fg = np.zeros(shape, np.uint8)
    g.emblem(fg, lay.boxes["emblem"].px(dpi), kind=style.emblem)
    ink(vis, fg, EMBLEM_INK[style.palette], 0.85)
    labels = np.zeros(shape, np.uint8)
    tb = lay.boxes["title"]
    tx0, ty0, tx1, ty1 = tb.px(dpi)
    big = (ty1 - ty0) * 0.42
    g.text(labels, style.title, tx0 + 0.5 * ppm, ty0 + big + 0.8 * ppm, big, weight=700)
    if side == "front":
        g.text(
            labels,
            DOCUMENT_TITLES[document_type],
            tx1 - 0.5 * ppm,
            ty0 + big + 0.8 * ppm,
            big * 0.62,
            weight=600,
            align="right",
        )
    lab_cap = (0.85 if document_type != "td1" else 0.7) * ppm
    for name in lay.viz_fields():
        bx0, by0, _, _ = lay.boxes[f"viz.{name}"].px(dpi)
        g.text(labels, label(document_type, name), bx0, by0 - 0.55 * ppm, lab_cap, weight=450)
    ink(vis, labels, LABEL_INK[style.palette], 1.0)
    micro = np.zeros(shape, np.uint8)
    g.microprint(micro, lay.boxes["microprint"].px(dpi), style.microprint_text)
    if style.microprint_blur:
        micro = cv2.GaussianBlur(micro, (0, 0), 0.35 * ppm)
        micro = np.clip(micro.astype(np.float32) * 1.6, 0, 255).astype(np.uint8)
    ink(vis, micro, LABEL_INK[style.palette], 1.0)

    # UV light: dull paper, faint fluorescent guilloche, the UV emblem
    uv = np.empty((h, w, 3), np.float32)
    uv[:] = UV_PAPER_BRIGHT if style.uv_paper_bright else UV_PAPER
    uv_lines = np.zeros(shape, np.uint8)
    uv_lines[region] = ros
    glow(uv, uv_lines, np.array([0.6, 0.3, 0.15], np.float32), 0.35)
    uve = np.zeros(shape, np.uint8)
    g.uv_emblem(uve, lay.boxes["uv_emblem"].px(dpi))
    if style.uv_emblem == "present":
        glow(uv, uve, UV_EMBLEM_GLOW, 0.9)
    elif style.uv_emblem == "visible":
        ink(vis, uve, np.array([0.55, 0.85, 0.88], np.float32), 0.45)
        ink(uv, uve, np.array([0.5, 0.6, 0.6], np.float32), 0.6)
    # printed features stay dark under UV
    ink(uv, fg, 0.5, 0.6)
    ink(uv, labels, 0.3, 0.8)
    ink(uv, micro, 0.3, 0.8)

    # IR light: the offset inks vanish; the IR mark is printed in a carbon ink invisible in white light
    if style.ir_background:
        ir = cv2.cvtColor(vis, cv2.COLOR_BGR2GRAY) * (IR_PAPER + 0.06)
    else:
        ir = np.full(shape, IR_PAPER, np.float32)
    if style.ir_mark:
        mark = np.zeros(shape, np.uint8)
        mx0, my0, mx1, my1 = lay.boxes["ir_mark"].px(dpi)
        bars = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1]
        bw = (mx1 - mx0) / len(bars)
        for i, on in enumerate(bars):
            if on:
                cv2.rectangle(
                    mark, (int(mx0 + i * bw), my0), (int(mx0 + (i + 0.8) * bw), int(my0 + (my1 - my0) * 0.55)), 255, -1
                )
        g.text(mark, "UTO", (mx0 + mx1) / 2, my1 - 1, (my1 - my0) * 0.3, weight=700, align="center")
        ink(ir, mark, 0.15, 0.9)
    return SecurityPrint(lay, vis, uv, ir)


# ---------------------------------------------------------------- personalisation


def _field_cap_mm(lay: SideLayout, box: Box) -> float:
    return min(box.h * 0.6, 1.85 if lay.document_type != "td1" else 1.55)


FIT_PX_PER_MM = 40.0
"""Resolution at which text widths are measured for fitting (independent of the render dpi)."""


def field_lines(
    lay: SideLayout, name: str, value: str, style: FieldStyle | None = None
) -> list[tuple[str, float, float, float]]:
    """How a VIZ value is printed: per line ``(text, x_mm, baseline_mm, cap_mm)``; long lines are condensed to fit."""
    style = style or FieldStyle()
    box = lay.boxes[f"viz.{name}"]
    lines = value.split("\n")
    n = len(lines)
    cap = _field_cap_mm(lay, box if n == 1 else Box(box.x, box.y, box.w, box.h / n)) * style.size
    out = []
    for i, line in enumerate(lines):
        base = box.y + (box.h / n) * (i + 1) - (box.h / n - cap) / 2
        width = g.text_width(line, cap * FIT_PX_PER_MM, face=style.face, weight=style.weight) / FIT_PX_PER_MM
        fit = min(1.0, box.w * style.size / width) if width > 0 else 1.0
        out.append((line, box.x + style.dx_mm, base + style.dy_mm, cap * fit))
    return out


def _draw_field(mask: Image, lay: SideLayout, name: str, value: str, dpi: int, style: FieldStyle) -> None:
    ppm = dpi / 25.4
    for line, x, base, cap in field_lines(lay, name, value, style):
        g.text(mask, line, x * ppm, base * ppm, cap * ppm, face=style.face, weight=style.weight)


def _draw_mrz(
    mask: Image, lay: SideLayout, lines: tuple[str, ...], dpi: int, dx_mm: float = 0.0, dy_mm: float = 0.0
) -> None:
    ppm = dpi / 25.4
    box = lay.boxes["mrz"]
    cap = MRZ_CAP_HEIGHT_MM * ppm
    for line, base in zip(lines, lay.mrz_baselines_mm(), strict=False):
        for i, ch in enumerate(line):
            cx = (box.x + (i + 0.5) * MRZ_PITCH_MM + dx_mm) * ppm
            g.text(mask, ch, cx, (base + dy_mm) * ppm, cap, face="ocrb", align="center")


def _texture(cov: Image, technique: str, rng: np.random.Generator, dpi: int) -> Image:
    """Turn a crisp coverage mask (uint8) into the look of a personalisation technique (float 0..1)."""
    c = cov.astype(np.float32) / 255.0
    if technique == "laser":
        return c
    if technique == "inkjet":  # ink droplets: a stochastic dot screen, slightly spread
        spread = cv2.GaussianBlur(c, (0, 0), max(0.6, dpi / 300 * 0.9))
        dots = (rng.random(c.shape, dtype=np.float32) < spread * 0.95).astype(np.float32)
        return np.maximum(dots * 0.95, spread * 0.35)
    # toner: fused powder with satellite specks around the glyphs
    halo = cv2.GaussianBlur(c, (0, 0), max(1.0, dpi / 300 * 2.5))
    specks = (rng.random(c.shape, dtype=np.float32) < halo * 0.12).astype(np.float32)
    return np.clip(c * 0.92 + specks * 0.8, 0, 1)


def _portrait_alpha(shape: tuple[int, int], feather_px: float) -> Image:
    """A portrait's opacity: 1 inside, fading to 0 at the edge (the background shows through)."""
    h, w = shape
    yy = np.minimum(np.arange(h), np.arange(h)[::-1])[:, None].astype(np.float32)
    xx = np.minimum(np.arange(w), np.arange(w)[::-1])[None, :].astype(np.float32)
    d = np.minimum(yy, xx)
    return np.clip(d / max(1.0, feather_px), 0, 1) ** 1.5


def _fibres(shape: tuple[int, int], rng: np.random.Generator, dpi: int, area_mm2: float) -> Image:
    """Randomly scattered fluorescent security fibres as a BGR uint8 layer (their UV colours)."""
    ppm = dpi / 25.4
    layer = np.zeros((*shape, 3), np.uint8)
    count = int(area_mm2 / 45) // 3
    t = np.linspace(-0.5, 0.5, 12)[None, :]
    for colour in FIBRE_COLOURS:
        x = rng.uniform(0, shape[1], size=(count, 1))
        y = rng.uniform(0, shape[0], size=(count, 1))
        a = rng.uniform(0, math.pi, size=(count, 1))
        length = rng.uniform(2.0, 5.0, size=(count, 1)) * ppm
        bend = rng.uniform(-0.6, 0.6, size=(count, 1))
        ca, sa = np.cos(a), np.sin(a)
        px = x + length * t * ca - bend * length * (t**2 - 0.25) * sa
        py = y + length * t * sa + bend * length * (t**2 - 0.25) * ca
        polys = list(np.stack([px, py], axis=2).round().astype(np.int32))
        cv2.polylines(layer, polys, False, tuple(int(c * 255) for c in colour), max(1, round(0.09 * ppm)), g.AA)
    return layer


def _uv_portrait_pattern(shape: tuple[int, int], box_px: tuple[int, int, int, int], ppm: float) -> Image:
    """The fluorescent pattern printed on the laminate over the portrait (and a little beyond)."""
    m = np.zeros(shape, np.uint8)
    x0, y0, x1, y1 = box_px
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rmax = math.hypot(x1 - x0, y1 - y0) / 2
    for r in np.arange(1.2 * ppm, rmax, 1.6 * ppm):
        th = np.linspace(0, 2 * math.pi, 360)
        rr = r * (1 + 0.06 * np.sin(8 * th))
        pts = np.stack([cx + rr * np.cos(th), cy + rr * np.sin(th)], axis=1).round().astype(np.int32)
        cv2.polylines(m, [pts], True, 255, max(1, int(0.12 * ppm)), g.AA)
    clip = np.zeros(shape, np.uint8)
    pad = int(1.8 * ppm)
    cv2.rectangle(clip, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), 255, -1)
    return cv2.bitwise_and(m, clip)


def render_side(doc: DocumentData, side: str, dpi: int, plan: RenderPlan = RenderPlan()) -> dict[str, Image]:
    """One side of a document under each light: ``visible`` (BGR), ``uv`` (BGR), ``ir`` (grey), uint8."""
    style = plan.print_style
    sp = security_print(doc.document_type, side, dpi, style)
    lay = sp.layout
    ppm = dpi / 25.4
    h, w = sp.ir.shape
    shape = (h, w)
    rng = np.random.default_rng([plan.seed, 1 if side == "front" else 2])
    vis = sp.visible.copy()
    uv = sp.uv.copy()
    ir = sp.ir.copy()

    values = doc.viz()
    values.update(dict(plan.viz_values))
    styles = dict(plan.field_styles)
    base_style = plan.personal_style or FieldStyle()

    # erasure traces: abraded background, a faint remnant of the old value, a UV reaction
    for name, old in plan.erased:
        key = f"viz.{name}"
        if key not in lay.boxes:
            continue
        x0, y0, x1, y1 = lay.boxes[key].grown(1.6).px(dpi)
        x0, y0 = max(0, x0), max(0, y0)
        old_mask = np.zeros(shape, np.uint8)
        _draw_field(old_mask, lay, name, old, dpi, base_style)
        new_mask = np.zeros(shape, np.uint8)
        _draw_field(new_mask, lay, name, values.get(name, ""), dpi, base_style)
        # the abraded patch hugs the old and new text, with a ragged, feathered edge
        text_area = np.maximum(old_mask, new_mask)[y0:y1, x0:x1]
        k = max(3, int(1.1 * ppm)) | 1
        patch = cv2.dilate(text_area, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k * 2 + 1, k)))
        patch = cv2.GaussianBlur(patch.astype(np.float32) / 255.0, (0, 0), 0.45 * ppm)
        streak = rng.random((y1 - y0, x1 - x0), dtype=np.float32)
        streak = cv2.blur(streak, (max(3, int(2.5 * ppm)), 1))
        fade = np.clip(patch * (0.75 + 0.7 * (streak - 0.5)), 0, 0.9)
        region = vis[y0:y1, x0:x1]
        region[:] = region * (1 - fade[..., None]) + PAPER * 0.985 * fade[..., None]
        ink(vis, old_mask, TEXT_INK, 0.16)
        glow(uv[y0:y1, x0:x1], fade, np.array([0.55, 0.45, 0.40], np.float32), 0.5)

    data = np.zeros(shape, np.uint8)
    for name in lay.viz_fields():
        st = styles.get(name, base_style)
        _draw_field(data, lay, name, values.get(name, ""), dpi, st)
    mrz = np.zeros(shape, np.uint8)
    if lay.mrz_line_count:
        lines = plan.mrz_lines if plan.mrz_lines is not None else doc.mrz()
        off = (plan.personal_style.dx_mm, plan.personal_style.dy_mm) if plan.personal_style else (0.0, 0.0)
        _draw_mrz(mrz, lay, lines, dpi, *off)
    if "number_alt" in lay.boxes:
        g.dot_matrix(data, doc.document_number, lay.boxes["number_alt"].px(dpi))
    sig = np.zeros(shape, np.uint8)
    if "signature" in lay.boxes:
        strokes = g.signature_path(np.random.default_rng(doc.signature_seed), lay.boxes["signature"].px(dpi))
        cv2.polylines(sig, strokes, False, 255, max(1, round(0.22 * ppm)), g.AA)

    technique = plan.personalisation
    data_cov = _texture(data, technique, rng, dpi)
    mrz_cov = _texture(mrz, technique, rng, dpi)
    text_ink = TEXT_INK if technique == "laser" else np.array([0.20, 0.14, 0.16], np.float32)
    data_cov = np.maximum(data_cov, mrz_cov) if technique == "laser" else data_cov
    ink(vis, data_cov, text_ink)
    if technique != "laser":
        ink(vis, mrz_cov, text_ink)
    ink(vis, sig, np.array([0.45, 0.18, 0.12], np.float32), 0.9)
    ink(uv, data_cov, 0.1, 0.9)
    if technique != "laser":
        ink(uv, mrz_cov, 0.1, 0.9)
    ink(uv, sig, 0.2, 0.7)
    ir_strength = 0.85 if technique == "laser" else 0.04
    ink(ir, data_cov, 0.0, ir_strength)
    if technique != "laser":
        ink(ir, mrz_cov, 0.0, ir_strength)
    ink(ir, sig, 0.0, 0.15)

    # portrait, ghost, UV pattern over the portrait
    if "portrait" in lay.boxes:
        box = lay.boxes["portrait"]
        x0, y0, x1, y1 = box.px(dpi)
        ghost_face = draw_face(doc.face, x1 - x0, y1 - y0, noise_seed=doc.face_seed)
        if plan.substitute_face is not None:
            # another photo pasted in: cut slightly differently, opaque to its edge, no overprint
            sx0, sy0 = x0 + int(0.4 * ppm), y0 - int(0.3 * ppm)
            sx1, sy1 = x1 + int(0.3 * ppm), y1 + int(0.2 * ppm)
            face = (
                draw_face(plan.substitute_face, sx1 - sx0, sy1 - sy0, noise_seed=plan.substitute_seed).astype(
                    np.float32
                )
                / 255.0
            )
            alpha = np.ones((sy1 - sy0, sx1 - sx0), np.float32)
            px0, py0, px1, py1 = sx0, sy0, sx1, sy1
        else:
            face = ghost_face.astype(np.float32) / 255.0
            alpha = _portrait_alpha((y1 - y0, x1 - x0), 2.2 * ppm)
            px0, py0, px1, py1 = x0, y0, x1, y1
        if doc.document_type == "td1":  # laser-engraved into polycarbonate: a grey portrait
            face = cv2.cvtColor(cv2.cvtColor(face, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR) * np.array(
                [0.96, 0.98, 1.0], np.float32
            )
        if technique != "laser":
            face = np.clip(face * 1.05 + (rng.random(face.shape, dtype=np.float32) - 0.5) * 0.12, 0, 1)
        a3 = alpha[..., None]
        vis[py0:py1, px0:px1] = vis[py0:py1, px0:px1] * (1 - a3) + face * a3 * vis[py0:py1, px0:px1] ** 0.15
        grey = cv2.cvtColor(face, cv2.COLOR_BGR2GRAY)
        ir_face = (0.25 + 0.6 * grey) if technique == "laser" else (0.8 + 0.06 * grey)
        ir[py0:py1, px0:px1] = ir[py0:py1, px0:px1] * (1 - alpha) + ir_face * alpha * IR_PAPER
        uv[py0:py1, px0:px1] *= 1 - 0.55 * a3
        pattern = _uv_portrait_pattern(shape, box.px(dpi), ppm)
        if plan.substitute_face is not None:
            cut = np.zeros(shape, np.uint8)
            cv2.rectangle(cut, (px0, py0), (px1 - 1, py1 - 1), 255, -1)
            pattern[cut > 0] = 0
        glow(uv, pattern, UV_PATTERN_GLOW, 0.8)
        if plan.lamination_edge and plan.substitute_face is not None:
            edge = np.zeros(shape, np.uint8)
            cv2.rectangle(edge, (px0 - 2, py0 - 2), (px1 + 1, py1 + 1), 255, max(1, int(0.12 * ppm)), g.AA)
            shadow = cv2.GaussianBlur(edge, (0, 0), 0.25 * ppm)
            ink(vis, shadow, 0.35, 0.5)
            glow(vis, edge, np.array([0.5, 0.5, 0.5], np.float32), 0.25)
            glow(uv, edge, np.array([0.6, 0.6, 0.7], np.float32), 0.5)
        if "ghost" in lay.boxes:
            gx0, gy0, gx1, gy1 = lay.boxes["ghost"].px(dpi)
            gface = cv2.resize(ghost_face, (gx1 - gx0, gy1 - gy0), interpolation=cv2.INTER_AREA)
            gg = cv2.cvtColor(gface, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
            gcov = (1 - gg) * 0.62 * _portrait_alpha(gg.shape, 1.2 * ppm)
            ink(vis[gy0:gy1, gx0:gx1], gcov, np.array([0.35, 0.3, 0.3], np.float32), 1.0)
            ink(ir[gy0:gy1, gx0:gx1], gcov, 0.0, 0.8 if technique == "laser" else 0.04)
            ink(uv[gy0:gy1, gx0:gx1], gcov, 0.2, 0.6)

    if plan.uv_fibres:
        area = lay.width_mm * lay.height_mm
        # invisible fibres: they show only under UV
        layer = _fibres(shape, rng, dpi, area)
        b, g_, r = cv2.split(layer)
        fb = _bbox(cv2.max(cv2.max(b, g_), r))
        if fb is not None:
            target = uv[fb]
            cv2.scaleAdd(layer[fb].astype(np.float32), 0.8 / 255.0, target, dst=target)
            np.minimum(target, 1.0, out=target)

    if plan.wear:
        _wear(vis, uv, ir, plan.wear, rng, ppm)
    return {
        "visible": cv2.convertScaleAbs(vis, alpha=255.0),
        "uv": cv2.convertScaleAbs(uv, alpha=255.0),
        "ir": cv2.convertScaleAbs(ir, alpha=255.0),
    }


def _wear(vis: Image, uv: Image, ir: Image, kind: str, rng: np.random.Generator, ppm: float) -> None:
    """Honest wear: a fold crease or a liquid stain, on every light."""
    h, w = ir.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "crease":
        # a fold line with a light and a dark flank, and the print rubbed off along it
        x_at_top = rng.uniform(0.3, 0.7) * w
        slope = rng.uniform(-0.25, 0.25)
        d = (xx - (x_at_top + slope * yy)) / math.hypot(1, slope)
        ridge = np.exp(-((d / (0.35 * ppm)) ** 2))
        flank = np.tanh(d / (0.6 * ppm)) * np.exp(-np.abs(d) / (2.5 * ppm))
        shade = 1 - 0.14 * flank - 0.08 * ridge
        rub = ridge * 0.45
        for img in (vis, uv):
            img *= shade[..., None]
            img += (PAPER if img is vis else UV_PAPER) * rub[..., None] - img * rub[..., None]
        ir *= shade
    else:
        cx, cy = rng.uniform(0.25, 0.75) * w, rng.uniform(0.25, 0.65) * h
        r = rng.uniform(6, 11) * ppm
        ang = np.arctan2(yy - cy, xx - cx)
        wobble = 1 + 0.12 * np.sin(3 * ang + rng.uniform(0, 6)) + 0.06 * np.sin(7 * ang + rng.uniform(0, 6))
        d = np.hypot(xx - cx, yy - cy) / (r * wobble)
        inside = np.clip((1 - d) * 8, 0, 1)
        rim = np.exp(-(((d - 1) / 0.05) ** 2))
        cov = (0.38 * inside + 0.75 * rim).astype(np.float32)
        ink(vis, cov, np.array([0.30, 0.52, 0.78], np.float32))
        ink(uv, cov, 0.3)
        ink(ir, cov, 0.6, 0.5)


def render_document(doc: DocumentData, dpi: int, plan: RenderPlan = RenderPlan()) -> dict[str, dict[str, Image]]:
    """Every side of a document under every light: side -> channel -> image."""
    return {side: render_side(doc, side, dpi, plan) for side in sides(doc.document_type)}
