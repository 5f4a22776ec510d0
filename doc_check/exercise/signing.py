"""The instructor's Ed25519 key that signs exam packs, and checking a signature against the keys trusted here."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from doc_check.errors import BadInput

KEY_ENV = "DOC_CHECK_PACK_KEY"
"""Environment variable naming the instructor's signing key file (PEM)."""
KEY_NAME = "pack-signing-key.pem"
SIGNATURE_ALGORITHM = "ed25519"


def default_key_path() -> Path:
    """`$DOC_CHECK_PACK_KEY`, else `$XDG_DATA_HOME/doc-check/pack-signing-key.pem` (XDG default ~/.local/share)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "doc-check" / KEY_NAME


def _load_pem(path: Path) -> Ed25519PrivateKey | Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the key: {exc.strerror or exc}") from None
    try:
        key: object = (
            serialization.load_pem_private_key(data, password=None)
            if b"PRIVATE KEY" in data
            else serialization.load_pem_public_key(data)
        )
    except (ValueError, TypeError) as exc:
        raise BadInput(f"{path}: not a PEM key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey | Ed25519PublicKey):
        raise BadInput(f"{path}: not an Ed25519 key")
    return key


def signing_key(path: str | Path | None = None, create: bool = True) -> Ed25519PrivateKey:
    """The instructor's private key from ``path`` (default `default_key_path`); created there (mode 0600) on first
    use when ``create``."""
    path = Path(path) if path is not None else default_key_path()
    if not path.exists():
        if not create:
            raise BadInput(f"{path}: no signing key")
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            if path.exists():  # another process made one meanwhile: use that
                tmp.unlink()
            else:
                tmp.replace(path)
        except OSError as exc:
            raise BadInput(f"{path}: cannot create the signing key: {exc.strerror or exc}") from None
    loaded = _load_pem(path)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise BadInput(f"{path}: a public key cannot sign (give the instructor's private key)")
    return loaded


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of a key's public half."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(key: Ed25519PrivateKey) -> bytes:
    """The public half as PEM (what a trainee's machine is given to trust the instructor's packs)."""
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(raw: bytes) -> str:
    """A short, readable fingerprint of a raw public key (SHA-256, first 16 hex digits in groups of four)."""
    h = hashlib.sha256(raw).hexdigest()[:16]
    return ":".join(h[i : i + 4] for i in range(0, 16, 4))


def sign(key: Ed25519PrivateKey, data: bytes) -> dict[str, str]:
    """A detached signature record of ``data``: algorithm, public key and signature (base64)."""
    return {
        "algorithm": SIGNATURE_ALGORITHM,
        "public_key": base64.b64encode(public_raw(key)).decode(),
        "signature": base64.b64encode(key.sign(data)).decode(),
    }


def trusted_keys(signers: Sequence[str | Path] = ()) -> list[bytes]:
    """Raw public keys trusted to sign packs: the given key files (public or private PEM), else the instructor's
    own key on this machine if there is one (never created here)."""
    if signers:
        return [public_raw(_load_pem(Path(p))) for p in signers]
    own = default_key_path()
    return [public_raw(_load_pem(own))] if own.is_file() else []


def check_signature(where: str, record: object, data: bytes, trusted: Sequence[bytes]) -> bytes:
    """Check a signature record over ``data`` and that its key is trusted; returns the signer's raw public key.
    BadInput (a tampered or foreign pack) otherwise."""
    if not isinstance(record, dict) or record.get("algorithm") != SIGNATURE_ALGORITHM:
        raise BadInput(f"{where}: not an {SIGNATURE_ALGORITHM} signature (tampered pack refused)")
    try:
        raw = base64.b64decode(str(record.get("public_key", "")), validate=True)
        sig = base64.b64decode(str(record.get("signature", "")), validate=True)
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, data)
    except (ValueError, InvalidSignature):
        raise BadInput(f"{where}: the signature does not match the manifest (tampered pack refused)") from None
    if not trusted:
        raise BadInput(
            f"{where}: signed by key {fingerprint(raw)}, but no instructor key is trusted on this machine: pass "
            "--signer with the instructor's public key file (`doc-check pack --public-key FILE` writes it)"
        )
    if raw not in trusted:
        raise BadInput(
            f"{where}: signed by key {fingerprint(raw)}, not by a trusted instructor key "
            f"({', '.join(fingerprint(t) for t in trusted)}) (refused)"
        )
    return raw
