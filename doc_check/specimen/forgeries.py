"""The forgery catalogue: each kind turns a genuine document into an altered one and names what it planted.

A forgery never draws pixels itself: it returns the document data and a ``RenderPlan`` (what the
rendering changes), so genuine and altered samples are rendered, captured and encoded alike.
MRZ truth is taken from the MRZ engine (``doc_check.mrz.parse``), not assumed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import cv2
import numpy as np

from doc_check.mrz import indicator_ids, parse
from doc_check.mrz import layout as mrz_layout
from doc_check.specimen import names
from doc_check.specimen.document import MRZ_FORMATS, REFERENCE_DATE, DocumentData, format_date
from doc_check.specimen.faces import draw_face, face_distance, random_traits
from doc_check.specimen.render import FieldStyle, PrintStyle, RenderPlan

PSEUDO_STATE = "ARC"
"""The fantasy issuer's code: not an ISO 3166-1 or Doc 9303 code."""
PSEUDO_TITLE = "KINGDOM OF ARCADIA / ROYAUME D'ARCADIE"


@dataclass(frozen=True)
class ForgeryKind:
    """One kind of fraud (or trap) in the catalogue."""

    name: str
    verdict: str
    variants: tuple[str, ...]
    difficulty: dict[str, str]
    description: str
    fields: tuple[str, ...] = ()
    """VIZ fields the kind may alter (data alteration)."""


ALTERABLE_FIELDS = ("surname", "birth_date", "expiry_date", "nationality")
CHECKED_FIELDS = ("birth_date", "expiry_date")
"""Fields protected by an MRZ check digit (the only ones a stale check digit can betray)."""

FORGERY_KINDS: dict[str, ForgeryKind] = {
    k.name: k
    for k in (
        ForgeryKind(
            "photo_substitution",
            "forged",
            ("laminate_edge", "clean"),
            {"laminate_edge": "easy", "clean": "medium"},
            "Another face in the portrait; ghost image unchanged; overprint broken at the portrait edge.",
        ),
        ForgeryKind(
            "data_alteration",
            "forged",
            ("mrz_unchanged", "check_digit_stale", "font_mismatch", "erasure"),
            {"mrz_unchanged": "easy", "check_digit_stale": "medium", "font_mismatch": "hard", "erasure": "medium"},
            "One printed field changed (name, birth date, expiry, nationality).",
            ALTERABLE_FIELDS,
        ),
        ForgeryKind(
            "mrz_tampering",
            "forged",
            ("check_digit", "field"),
            {"check_digit": "medium", "field": "medium"},
            "The MRZ alone altered: a check digit or a field.",
        ),
        ForgeryKind(
            "counterfeit",
            "counterfeit",
            ("colour_copy", "offset", "high_quality"),
            {"colour_copy": "easy", "offset": "medium", "high_quality": "hard"},
            "A reproduction of the whole document: security print, UV and IR features imitated or missing.",
        ),
        ForgeryKind(
            "stolen_blank",
            "stolen_blank",
            ("inkjet", "toner"),
            {"inkjet": "medium", "toner": "hard"},
            "A genuine blank personalised by the wrong technique: data not IR-absorbent, fonts and positions off.",
        ),
        ForgeryKind(
            "pseudo",
            "pseudo",
            ("fantasy",),
            {"fantasy": "easy"},
            "A fantasy document of an issuer that does not exist, in its own layout.",
        ),
        ForgeryKind(
            "expired",
            "genuine",
            ("expired",),
            {"expired": "easy"},
            "A genuine document past its expiry date (a validity finding, not fraud).",
        ),
        ForgeryKind(
            "worn",
            "genuine",
            ("crease", "stain"),
            {"crease": "medium", "stain": "medium"},
            "A genuine document with honest wear: a crease or a stain.",
        ),
    )
}
"""Every forgery kind and trap, with its variants and each variant's difficulty."""

FRAUD_KINDS: tuple[str, ...] = tuple(k for k, v in FORGERY_KINDS.items() if v.verdict != "genuine")
TRAP_KINDS: tuple[str, ...] = tuple(k for k, v in FORGERY_KINDS.items() if v.verdict == "genuine")


@dataclass(frozen=True)
class Planted:
    """A document ready to render, with the truth of what was done to it."""

    document: DocumentData
    plan: RenderPlan
    verdict: str
    indicators: tuple[str, ...]
    explanation: str
    forgery: str | None = None
    variant: str | None = None
    field: str | None = None
    difficulty: str = "easy"


GHOST_CANDIDATES = 12
"""Faces drawn for a photo substitution; the one least like the holder in grey is pasted in."""


def _grey(face: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(face, cv2.COLOR_BGR2GRAY) if face.ndim == 3 else face


def mrz_indicators(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The indicator ids the MRZ engine finds in these lines (as of the set's reference date)."""
    return indicator_ids(parse(list(lines), today=REFERENCE_DATE))


def _set_char(lines: tuple[str, ...], span, text: str) -> tuple[str, ...]:
    out = list(lines)
    row = out[span.line]
    out[span.line] = row[: span.start] + text + row[span.start + len(text) :]
    return tuple(out)


def _new_value(doc: DocumentData, field: str, rng: np.random.Generator) -> DocumentData:
    """The document as the forger wants it, with one field changed to a plausible new value."""
    if field == "surname":
        new = doc.surname
        while new == doc.surname:
            new = names.surname(rng)
        return doc.with_changes(surname=new)
    if field == "birth_date":
        years = int(rng.choice([-9, -7, -5, -3, 3, 4, 6, 8]))
        return doc.with_changes(birth_date=doc.birth_date.replace(year=doc.birth_date.year + years))
    if field == "expiry_date":
        years = int(rng.integers(3, 9))
        return doc.with_changes(
            expiry_date=doc.expiry_date.replace(year=doc.expiry_date.year + years, day=min(doc.expiry_date.day, 28))
        )
    if field == "nationality":
        options = [c for c in ("UTO", *names.FOREIGN_NATIONALITIES) if c != doc.nationality]
        return doc.with_changes(nationality=options[int(rng.integers(len(options)))])
    raise KeyError(f"field {field!r} cannot be altered")


def _mismatch(field: str) -> str:
    return f"viz.mrz_mismatch.{field}"


def apply_forgery(
    doc: DocumentData, kind: str | None, variant: str | None, field: str | None, rng: np.random.Generator, seed: int = 0
) -> Planted:
    """Apply a forgery kind/variant to a genuine document; ``kind=None`` leaves it genuine."""
    base_plan = RenderPlan(seed=seed)
    if kind is None:
        return Planted(doc, base_plan, "genuine", mrz_indicators(doc.mrz()), "A genuine document: nothing was altered.")
    spec = FORGERY_KINDS[kind]
    variant = variant or spec.variants[0]
    if variant not in spec.variants:
        raise KeyError(f"forgery {kind!r} has no variant {variant!r}; choose from {', '.join(spec.variants)}")
    diff = spec.difficulty[variant]

    def done(
        plan: RenderPlan, indicators: Iterable[str], explanation: str, d: DocumentData = doc, f: str | None = None
    ) -> Planted:
        uniq = tuple(dict.fromkeys(indicators))
        return Planted(d, plan, spec.verdict, uniq, explanation, kind, variant, f, diff)

    if kind == "photo_substitution":
        # the ghost image stays the old holder's, printed in grey: the new face must differ in grey (its shape), not
        # only in colour, or the ghost would not show the substitution. Keep the most different of a few faces.
        ref = _grey(draw_face(doc.face, 66, 84, noise_seed=doc.face_seed))
        best = (-1.0, doc.face, doc.face_seed)
        for _ in range(GHOST_CANDIDATES):
            cand_seed = int(rng.integers(2**31))
            cand = random_traits(
                np.random.default_rng(cand_seed), doc.face.sex, doc.face.age + int(rng.integers(-6, 7))
            )
            d = face_distance(ref, _grey(draw_face(cand, 66, 84, noise_seed=cand_seed)))
            if d > best[0]:
                best = (d, cand, cand_seed)
        _, other, other_seed = best
        plan = replace(
            base_plan, substitute_face=other, substitute_seed=other_seed, lamination_edge=variant == "laminate_edge"
        )
        return done(
            plan,
            ["photo.substitution", "photo.ghost_mismatch", "photo.edge"],
            "The portrait was replaced: the ghost image shows a different person and the overprint and UV "
            "pattern stop at the edge of the new photo"
            + (", whose lamination edge is visible." if variant == "laminate_edge" else "."),
        )

    if kind == "data_alteration":
        allowed = CHECKED_FIELDS if variant == "check_digit_stale" else ALTERABLE_FIELDS
        if field is None or field not in allowed:
            field = allowed[int(rng.integers(len(allowed)))]
        new = _new_value(doc, field, rng)
        printed = new.viz()[field]
        original = doc.viz()[field]
        label = field.replace("_", " ")
        if variant == "mrz_unchanged":
            plan = replace(base_plan, viz_values=((field, printed),))
            return done(
                plan,
                [_mismatch(field), *mrz_indicators(doc.mrz())],
                f"The printed {label} was changed to {printed}; the MRZ still carries the original {original}.",
                f=field,
            )
        if variant == "check_digit_stale":
            lines = new.mrz()
            lay = mrz_layout(MRZ_FORMATS[doc.document_type])
            old_lines = doc.mrz()
            for _ in range(10):
                span = getattr(lay, f"{field}_check")
                if span.of(lines) != span.of(old_lines):
                    break
                new = _new_value(doc, field, rng)
                lines = new.mrz()
                printed = new.viz()[field]
            tampered = _set_char(lines, getattr(lay, f"{field}_check"), getattr(lay, f"{field}_check").of(old_lines))
            if lay.composite is not None:
                tampered = _set_char(tampered, lay.composite, lay.composite.of(old_lines))
            plan = replace(base_plan, viz_values=((field, printed),), mrz_lines=tampered)
            return done(
                plan,
                mrz_indicators(tampered),
                f"The {label} was changed to {printed} on the page and in the MRZ, but the check digit was not "
                "recomputed.",
                f=field,
            )
        if variant == "font_mismatch":
            how = "font" if rng.random() < 0.5 else "alignment"
            restyle = FieldStyle(size=1.12, weight=620) if how == "font" else FieldStyle(dx_mm=0.45, dy_mm=0.4)
            plan = replace(
                base_plan, viz_values=((field, printed),), field_styles=((field, restyle),), mrz_lines=new.mrz()
            )
            what = "a heavier, larger typeface" if how == "font" else "off the baseline and column of the other fields"
            return done(
                plan,
                [f"print.{how}", *mrz_indicators(new.mrz())],
                f"The {label} was changed to {printed} and the MRZ rebuilt to match, but the new value is "
                f"printed in {what}.",
                f=field,
            )
        # erasure
        plan = replace(base_plan, viz_values=((field, printed),), erased=((field, original),), mrz_lines=new.mrz())
        return done(
            plan,
            ["print.erasure", *mrz_indicators(new.mrz())],
            f"The {label} was erased and reprinted as {printed} (MRZ rebuilt to match): the background is "
            "abraded around the field and a trace of the old value remains.",
            f=field,
        )

    if kind == "mrz_tampering":
        lay = mrz_layout(MRZ_FORMATS[doc.document_type])
        lines = doc.mrz()
        if variant == "check_digit":
            field = (
                field
                if field in ("document_number", "birth_date", "expiry_date")
                else ("document_number", "birth_date", "expiry_date")[int(rng.integers(3))]
            )
            span = getattr(lay, f"{field}_check")
            old = span.of(lines)
            new_digit = str((int(old) + int(rng.integers(1, 10))) % 10)
            tampered = _set_char(lines, span, new_digit)
            return done(
                replace(base_plan, mrz_lines=tampered),
                list(mrz_indicators(tampered)),
                f"The MRZ check digit of the {field.replace('_', ' ')} was changed from {old} to {new_digit}.",
                f=field,
            )
        # a field changed in the MRZ only (the birth year), check digit left as it was
        field = "birth_date"
        span = lay.birth_date
        raw = span.of(lines)
        new_year = str((int(raw[1]) + int(rng.integers(1, 10))) % 10)
        tampered = _set_char(lines, span, raw[0] + new_year + raw[2:])
        return done(
            replace(base_plan, mrz_lines=tampered),
            [_mismatch("birth_date"), *mrz_indicators(tampered)],
            f"The birth date in the MRZ was changed from {raw} to {raw[0] + new_year + raw[2:]}; the printed "
            f"date {format_date(doc.birth_date)} and the check digit were left as they were.",
            f=field,
        )

    if kind == "counterfeit":
        if variant == "colour_copy":
            style = PrintStyle(
                palette="shifted",
                line_width=2,
                microprint_blur=True,
                uv_emblem="missing",
                uv_paper_bright=True,
                ir_background=True,
                ir_mark=False,
            )
            # a copier reproduces what white light shows: nothing printed in UV-only or IR-only ink survives
            plan = replace(base_plan, print_style=style, uv_fibres=False, uv_pattern=False)
            return done(
                plan,
                [
                    "print.microprint",
                    "print.background",
                    "uv.paper_bright",
                    "uv.emblem",
                    "uv.fibres",
                    "ir.background",
                    "ir.mark",
                ],
                "A colour copy: microprint blurred into a line, colours off and lines thickened; the paper glows "
                "under UV without emblem, fibres or the pattern over the portrait; the background"
                " stays visible in IR and the IR mark is missing.",
            )
        if variant == "offset":
            style = PrintStyle(
                palette="shifted", line_breaks=True, microprint_blur=True, uv_emblem="visible", ir_background=True
            )
            # no UV inks: the emblem imitated in visible ink, no fluorescent pattern over the portrait (the paper,
            # with its fibres, is bought in)
            plan = replace(base_plan, print_style=style, uv_pattern=False)
            return done(
                plan,
                ["print.microprint", "print.background", "uv.emblem", "ir.background"],
                "An offset reproduction: guilloche lines broken, microprint blurred, the UV emblem printed in "
                "visible ink that does not fluoresce (nor does anything over the portrait), and the "
                "background does not vanish in IR.",
            )
        style = PrintStyle(microprint_blur=True, ir_mark=False)
        return done(
            replace(base_plan, print_style=style),
            ["print.microprint", "ir.mark"],
            "A high-quality reproduction: only the microprint (a blurred line under the magnifier) and the "
            "missing IR-only mark give it away.",
        )

    if kind == "stolen_blank":
        rng_style = FieldStyle(
            dx_mm=float(rng.uniform(0.35, 0.7)), dy_mm=float(rng.uniform(0.3, 0.6)), size=1.08, weight=560
        )
        plan = replace(base_plan, personalisation=variant, personal_style=rng_style)
        tech = "an inkjet printer (ink dots)" if variant == "inkjet" else "a colour laser printer (toner specks)"
        return done(
            plan,
            ["print.personalisation", "ir.data", "ir.mrz", "print.font", "print.alignment", *mrz_indicators(doc.mrz())],
            f"A genuine blank personalised with {tech} instead of laser engraving: the data and MRZ vanish "
            "in IR, and fonts and positions are slightly off.",
        )

    if kind == "pseudo":
        fake = doc.with_changes(
            issuing_state=PSEUDO_STATE,
            nationality=PSEUDO_STATE,
            place_of_birth="ARCADIA CITY",
            authority="ROYAL CHANCERY ARCADIA",
        )
        style = PrintStyle(
            palette="pseudo",
            mirrored=True,
            title=PSEUDO_TITLE.split(" / ")[0],
            emblem="pseudo",
            uv_emblem="missing",
            ir_mark=False,
            microprint_text="KINGDOM OF ARCADIA",
        )
        plan = replace(base_plan, print_style=style, uv_pattern=False)  # its own design: no Utopia UV laminate
        return done(
            plan,
            ["doc.issuer_unknown", "print.background", "uv.emblem", "ir.mark", *mrz_indicators(fake.mrz())],
            f"A fantasy document: the issuer 'Kingdom of Arcadia' ({PSEUDO_STATE}) does not exist in Doc 9303; "
            "its own layout, no UV emblem or UV pattern over the portrait, no IR mark.",
            d=fake,
        )

    if kind == "expired":
        return done(
            base_plan,
            ["doc.expired", *mrz_indicators(doc.mrz())],
            f"A genuine document that expired on {format_date(doc.expiry_date)}: a validity finding, not fraud.",
        )

    if kind == "worn":
        plan = replace(base_plan, wear=variant)
        what = "a fold crease" if variant == "crease" else "a stain"
        return done(
            plan, list(mrz_indicators(doc.mrz())), f"A genuine document with honest wear ({what}); nothing was altered."
        )

    raise KeyError(f"unknown forgery kind {kind!r}")


def is_expired(d: DocumentData, today: date = REFERENCE_DATE) -> bool:
    """True when the document is past its expiry date on ``today``."""
    return d.expiry_date < today
