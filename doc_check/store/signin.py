"""Participants' one-time passphrases: generated with `secrets`, stored only as scrypt hashes with per-user salts."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""Letters and digits that cannot be mistaken for one another on a printed sheet (no i, l, o, 0, 1)."""
GROUPS, GROUP_LEN = 4, 4
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LEN = 2**14, 8, 1, 32
MAX_DELAY_SECONDS = 300.0


def new_passphrase() -> str:
    """A fresh passphrase such as ``k7pq-m3xz-4vha-w9ce`` (about 79 bits)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LEN)) for _ in range(GROUPS))


def new_salt() -> str:
    """A per-user salt (16 random bytes, hex)."""
    return secrets.token_hex(16)


def hash_passphrase(passphrase: str, salt: str) -> str:
    """The scrypt hash (hex) of a passphrase (normalised: surrounding blanks dropped, lower case)."""
    key = hashlib.scrypt(
        passphrase.strip().lower().encode("utf-8"),
        salt=bytes.fromhex(salt),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=KEY_LEN,
    )
    return key.hex()


def passphrase_matches(passphrase: str, salt: str, stored_hash: str) -> bool:
    """True when the passphrase hashes to the stored hash (constant-time comparison)."""
    return hmac.compare_digest(hash_passphrase(passphrase, salt), stored_hash)


def failure_delay(failures: int) -> float:
    """Seconds a participant code is refused after ``failures`` wrong passphrases in a row: 1, 2, 4, ... 300."""
    if failures <= 0:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - 1))
