"""The suggested verdict: which kind of fraud the failing findings point to, with the reasons."""

from __future__ import annotations

from collections.abc import Iterable

from doc_check.analysis.findings import Finding
from doc_check.indicators import get

PSEUDO_SIGNS: frozenset[str] = frozenset({"doc.issuer_unknown"})
"""A document of no real issuer: a fantasy (pseudo) document whatever else it shows."""

COUNTERFEIT_SIGNS: frozenset[str] = frozenset(
    {
        "print.microprint",
        "print.background",
        "uv.paper_bright",
        "uv.emblem",
        "uv.fibres",
        "ir.background",
        "ir.mark",
    }
)
"""Substrate and security printing that a genuine blank always has: failing one means a reproduction."""

PERSONALISATION_SIGNS: frozenset[str] = frozenset({"print.personalisation", "ir.data", "ir.mrz"})
"""Personal data (VIZ or MRZ) put on by the wrong technique: on a sound blank, a stolen blank personalised by a
forger."""

SUBSTRATE_SIGNS: frozenset[str] = COUNTERFEIT_SIGNS - {"print.microprint", "print.background"}
"""Security features of the blank seen under UV and IR, which a forger's personalisation cannot spoil (unlike the
visible microprint and background next to the data, which overprinted data may blur)."""
MIN_SOUND_SIGNS = 3
"""Substrate checks that must pass (none failing) before a blank counts as genuine for the stolen_blank rule."""

# Everything else that fails (photo, data page vs MRZ, font, alignment, erasure, MRZ check digits) is an
# alteration of personal data: evidence of a forged document when the substrate and personalisation are sound.


def _area_of(indicator: str) -> str:
    try:
        return get(indicator).area
    except KeyError:
        return indicator.split(".", 1)[0]


def _is_fraud_sign(indicator: str) -> bool:
    try:
        return get(indicator).fraud_sign
    except KeyError:
        return True


def suggest_verdict(findings: Iterable[Finding], *, analysed: bool = True) -> tuple[str, tuple[str, ...]]:
    """Suggested verdict (genuine|counterfeit|forged|stolen_blank|pseudo|unknown) and its reasons, from findings.

    ``analysed`` is False when the document could not be examined properly (not registered, no MRZ read):
    then a clean set of findings gives ``unknown`` rather than ``genuine``.
    """
    findings = list(findings)
    fails = [f for f in findings if f.status == "fail" and _is_fraud_sign(f.indicator)]
    notes = [f for f in findings if f.status == "fail" and not _is_fraud_sign(f.indicator)]
    warns = [f for f in findings if f.status == "warn"]
    ran = [f for f in findings if f.status != "skip"]

    def reason(f: Finding) -> str:
        return f"{f.indicator}: {f.message}"

    reasons: list[str] = []
    failed_ids = {f.indicator for f in fails}
    sound = {f.indicator for f in findings if f.status == "pass" and f.indicator in SUBSTRATE_SIGNS}
    # a genuine blank (its UV and IR security features checked and sound) carrying wrongly made personal data is a
    # stolen blank, even when its MRZ names an unknown issuer (printed, or read, off the forger's data) or the
    # forger's print spoils the visible microprint or background next to the data
    stolen = (
        bool(failed_ids & PERSONALISATION_SIGNS) and not failed_ids & SUBSTRATE_SIGNS and len(sound) >= MIN_SOUND_SIGNS
    )
    if stolen:
        verdict = "stolen_blank"
        reasons += [reason(f) for f in fails if f.indicator in PERSONALISATION_SIGNS]
        reasons += [reason(f) for f in fails if f.indicator not in PERSONALISATION_SIGNS]
    elif failed_ids & PSEUDO_SIGNS:
        verdict = "pseudo"
        reasons += [reason(f) for f in fails if f.indicator in PSEUDO_SIGNS]
        reasons += [reason(f) for f in fails if f.indicator not in PSEUDO_SIGNS]
    elif failed_ids & COUNTERFEIT_SIGNS:
        verdict = "counterfeit"
        reasons += [reason(f) for f in fails if f.indicator in COUNTERFEIT_SIGNS]
        reasons += [reason(f) for f in fails if f.indicator not in COUNTERFEIT_SIGNS]
    elif failed_ids & PERSONALISATION_SIGNS:
        # no UV or IR security feature could vouch for the blank: the wrong personalisation alone still points here
        verdict = "stolen_blank"
        reasons += [reason(f) for f in fails if f.indicator in PERSONALISATION_SIGNS]
        reasons += [reason(f) for f in fails if f.indicator not in PERSONALISATION_SIGNS]
    elif fails:
        verdict = "forged"
        reasons += [reason(f) for f in fails]
    elif not ran or not analysed:
        verdict = "unknown"
        reasons.append("too few checks could run to judge the document" if ran else "no check could run")
    else:
        verdict = "genuine"
        reasons.append(f"all {len(ran)} checks that ran passed" + (" (with warnings)" if warns else ""))
    reasons += [reason(f) for f in notes]
    reasons += [f"warning: {reason(f)}" for f in warns]
    return verdict, tuple(reasons)


def areas_failed(findings: Iterable[Finding]) -> tuple[str, ...]:
    """The checklist areas (mrz, viz, photo, ...) with at least one failing finding, in first-seen order."""
    return tuple(dict.fromkeys(_area_of(f.indicator) for f in findings if f.status == "fail"))
