"""Synthetic Utopia documents: reference specimens, genuine samples, forgeries and their captures.

Public API (imported lazily, so ``doc_check.specimen.layout`` stays light for the analyser):
``SampleSpec``, ``GeneratedSample``, ``generate_sample``, ``write_sample``, ``write_key``, ``generate_set``,
``plan_specs``, ``render_reference``, ``write_references`` (from ``sampleset``), ``ForgeryChoice``,
``derive_sample``, ``add_sample``, ``forge_existing``, ``forgeable_samples`` (from ``derive``: forge an existing
genuine sample again) and ``FORGERY_KINDS`` (from ``forgeries``).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "SampleSpec": "sampleset",
    "GeneratedSample": "sampleset",
    "generate_sample": "sampleset",
    "write_sample": "sampleset",
    "write_key": "sampleset",
    "generate_set": "sampleset",
    "plan_specs": "sampleset",
    "render_reference": "sampleset",
    "write_references": "sampleset",
    "ForgeryChoice": "derive",
    "derive_sample": "derive",
    "add_sample": "derive",
    "forge_existing": "derive",
    "forgeable_samples": "derive",
    "FORGERY_KINDS": "forgeries",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"doc_check.specimen.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'doc_check.specimen' has no attribute {name!r}")
