"""Plausible Utopian holder data: names, places, document numbers, generated from syllables."""

from __future__ import annotations

import numpy as np

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kl", "st", "tr", "h", "j")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou", "ia", "y")
_CODAS = ("", "", "", "n", "r", "s", "l", "m", "k", "nd", "rt", "st")
_SURNAME_ENDINGS = ("sson", "ova", "ander", "elli", "ard", "ström", "oni", "ez", "ich", "berg", "at", "ien")
_FEMALE_ENDINGS = ("a", "ia", "ine", "elle", "ara", "ina", "e")
_MALE_ENDINGS = ("o", "an", "or", "us", "ek", "el", "en")

PLACES: tuple[str, ...] = (
    "UTOPIA CITY",
    "NOVA ARCADIA",
    "PORT EREWHON",
    "SAN CELESTE",
    "VALDORA",
    "MERIDIA",
    "LAKE ISOLDA",
    "KASTELLO",
    "BRIMHAVEN",
    "OSTREVAL",
    "TERRANOVA",
    "AUREL BAY",
    "MONTSALVAT",
    "CITTANUOVA",
)
AUTHORITIES: tuple[str, ...] = (
    "MIN. INTERIOR UTOPIA",
    "PASSPORT OFFICE UTOPIA CITY",
    "PREFECTURE VALDORA",
    "CONSULATE GEN. AUREL BAY",
)
STREETS: tuple[str, ...] = (
    "ROSE ALLEY",
    "HARBOUR ROAD",
    "MOUNTAIN STREET",
    "OLD MILL LANE",
    "CASTLE SQUARE",
    "LIBERTY AVENUE",
)
FOREIGN_NATIONALITIES: tuple[str, ...] = ("FRA", "ITA", "NLD", "CAN", "JPN", "BRA", "KEN", "NOR", "ARG", "IND")
NATIONALITY_NAMES: dict[str, str] = {
    "UTO": "UTOPIAN / UTOPIENNE",
    "FRA": "FRENCH / FRANÇAISE",
    "ITA": "ITALIAN / ITALIENNE",
    "NLD": "DUTCH / NÉERLANDAISE",
    "CAN": "CANADIAN / CANADIENNE",
    "JPN": "JAPANESE / JAPONAISE",
    "BRA": "BRAZILIAN / BRÉSILIENNE",
    "KEN": "KENYAN / KÉNYANE",
    "NOR": "NORWEGIAN / NORVÉGIENNE",
    "ARG": "ARGENTINE / ARGENTINE",
    "IND": "INDIAN / INDIENNE",
    "ARC": "ARCADIAN / ARCADIENNE",
}


def _pick(rng: np.random.Generator, items: tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]


def _stem(rng: np.random.Generator, syllables: int) -> str:
    return "".join(_pick(rng, _ONSETS) + _pick(rng, _VOWELS) + _pick(rng, _CODAS) for _ in range(syllables))


def surname(rng: np.random.Generator) -> str:
    """A Utopian surname in capitals (ASCII, so the MRZ needs no transliteration)."""
    name = _stem(rng, int(rng.integers(1, 3))) + _pick(rng, _SURNAME_ENDINGS)
    return name.replace("ö", "o").upper()


def given_names(rng: np.random.Generator, sex: str) -> str:
    """One or two given names in capitals for a holder of sex ``F``, ``M`` or ``X``."""
    endings = _FEMALE_ENDINGS if sex == "F" else _MALE_ENDINGS if sex == "M" else _FEMALE_ENDINGS + _MALE_ENDINGS
    count = 1 if rng.random() < 0.55 else 2
    return " ".join((_stem(rng, int(rng.integers(1, 3))) + _pick(rng, endings)).upper() for _ in range(count))


def place(rng: np.random.Generator) -> str:
    """A Utopian town."""
    return _pick(rng, PLACES)


def authority(rng: np.random.Generator) -> str:
    """An issuing office."""
    return _pick(rng, AUTHORITIES)


def address(rng: np.random.Generator) -> str:
    """A two-line Utopian address separated by a newline."""
    return f"{int(rng.integers(1, 180))} {_pick(rng, STREETS)}\n{int(rng.integers(1000, 9999))} {place(rng)}"


def document_number(rng: np.random.Generator, prefix: str) -> str:
    """A 9-character document number: a letter prefix and digits."""
    digits = "".join(str(int(d)) for d in rng.integers(0, 10, size=9 - len(prefix)))
    return prefix + digits


def nationality_name(code: str) -> str:
    """The printed bilingual nationality for an ICAO code (the code itself when unknown)."""
    return NATIONALITY_NAMES.get(code, code)
