"""Pseudonymous keys: people are stored under an HMAC of platform and user id, never the id itself."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.fatal import KeyProblem

SECRET_FILE = "identity.key"


def load_or_create_secret(keys_dir: Path, name: str = SECRET_FILE, size: int = 32, create: bool = True) -> bytes:
    """Return the secret in ``keys_dir/name``, creating it with mode 0600 on first run (if ``create``)."""
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys_dir / name
    if not create and not path.exists():
        raise KeyProblem(
            f"{path} is missing but bot.db holds data: restore it from backup (or point BOT_KEYS_DIR at it); "
            "a new key would make the data unreadable"
        )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_bytes()
        if len(secret) < 16:
            raise KeyProblem(f"{path} is too short to be a secret key; restore it from backup") from None
        return secret
    with os.fdopen(descriptor, "wb") as file:
        secret = secrets.token_bytes(size)
        file.write(secret)
        file.flush()
        os.fsync(file.fileno())
    return secret


class Pseudonymiser:
    """Turn a platform and user id into a stable key that does not reveal either."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def key(self, platform: str, user_id: str | int) -> str:
        """Return the pseudonymous key for one person on one platform."""
        message = f"{platform}\x00{user_id}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def secret(self, purpose: str) -> bytes:
        """Return a secret for one purpose, derived from this one (never stored)."""
        return bytes.fromhex(self.key("secret", purpose))
