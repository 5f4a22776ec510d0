"""A small, freshly generated sample set for the analyser's tests (150 dpi scans, a 200 dpi photo; seeds other than
samples/)."""

from __future__ import annotations

from pathlib import Path

from doc_check.specimen.sampleset import SampleSpec, generate_sample, write_references, write_sample

DPI = 150
SEED = 4242

SPECS: dict[str, SampleSpec] = {
    "genuine": SampleSpec("td3", None, capture="scan", dpi=DPI),
    "colour_copy": SampleSpec("td3", "counterfeit", "colour_copy", capture="scan", dpi=DPI),
    "substitution": SampleSpec("td3", "photo_substitution", "clean", capture="scan", dpi=DPI),
    "birth_altered": SampleSpec("td3", "data_alteration", "mrz_unchanged", "birth_date", capture="scan", dpi=DPI),
    "erasure": SampleSpec("td3", "data_alteration", "erasure", "surname", capture="scan", dpi=DPI),
    "stolen_blank": SampleSpec("td3", "stolen_blank", "inkjet", capture="scan", dpi=DPI),
    "check_digit": SampleSpec("td3", "mrz_tampering", "check_digit", capture="scan", dpi=DPI),
    "genuine_photo": SampleSpec("td3", None, capture="photo", dpi=200),
}


def make_set(root: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """Write the references and one sample per spec; name -> (sample folder, planted indicators)."""
    write_references(root, DPI, ["td3"])
    photo_refs = root / "photo-set"
    write_references(photo_refs, 200, ["td3"])
    out = {}
    for i, (name, spec) in enumerate(SPECS.items()):
        generated = generate_sample(spec, SEED, i)
        target = root if spec.dpi == DPI else photo_refs
        out[name] = (write_sample(target, generated), tuple(generated.truth.indicators))
    return out
