"""Encryption at rest: AES-GCM with a data key per person, wrapped by a master key kept outside the database.

Associated data names the row (and column) a ciphertext belongs to, so a ciphertext copied to another
row does not decrypt. Destroying a person's wrapped data key makes everything of theirs unreadable.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.fatal import KeyProblem
from bot.store.identity import load_or_create_secret

MASTER_KEY_FILE = "master.key"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """Raised when a ciphertext is damaged, or does not belong where it was found."""


def load_master_key(keys_dir: os.PathLike[str] | str, from_env: str | None = None, create: bool = True) -> bytes:
    """Return the master key: from the environment (base64 of 32 bytes) or a 0600 file in the keys directory."""
    if from_env:
        return parse_master_key(from_env, "BOT_MASTER_KEY")
    return load_or_create_secret(Path(keys_dir), MASTER_KEY_FILE, size=32, create=create)


def parse_master_key(text: str, name: str) -> bytes:
    """Return the 32 bytes a base64 master key setting holds; raise KeyProblem naming the setting otherwise."""
    if text:
        try:
            key = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) == 32:
            return key
    raise KeyProblem(f"{name} must be base64 of 32 random bytes")


def seal(key: bytes, plaintext: bytes, where: str) -> bytes:
    """Encrypt and authenticate ``plaintext`` for the place named by ``where``."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, where.encode())


def unseal(key: bytes, sealed: bytes, where: str) -> bytes:
    """Decrypt a sealed value; raises DecryptionError if it was altered or belongs elsewhere."""
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], where.encode())
    except (InvalidTag, ValueError):
        raise DecryptionError(f"cannot decrypt the value for {where.split(':', 1)[0]}") from None


class Vault:
    """Make, wrap and unwrap per-person data keys with the master key."""

    def __init__(self, master_key: bytes) -> None:
        self._master = master_key

    def new_data_key(self, owner: str) -> tuple[bytes, bytes]:
        """Return a fresh data key and its wrapped form, bound to its owner's pseudonymous key."""
        data_key = AESGCM.generate_key(bit_length=256)
        return data_key, seal(self._master, data_key, f"data-key:{owner}")

    def unwrap(self, owner: str, wrapped: bytes) -> bytes:
        """Return a person's data key from its wrapped form."""
        return unseal(self._master, wrapped, f"data-key:{owner}")

    def rewrap(self, owner: str, wrapped: bytes, new: Vault) -> bytes:
        """Return a data key wrapped by this vault's master key, wrapped instead by the new vault's."""
        return seal(new._master, self.unwrap(owner, wrapped), f"data-key:{owner}")


class RowSealer:
    """Seal values that are not evidence (the conversation state) under a key derived from the master key."""

    def __init__(self, master_key: bytes, purpose: str) -> None:
        self._key = HKDF(SHA256(), length=32, salt=None, info=purpose.encode()).derive(master_key)

    def seal(self, plaintext: bytes, where: str) -> bytes:
        """Encrypt a value for the place named by ``where``."""
        return seal(self._key, plaintext, where)

    def unseal(self, sealed: bytes, where: str) -> bytes:
        """Decrypt a value sealed for ``where``; raises DecryptionError otherwise."""
        return unseal(self._key, sealed, where)
