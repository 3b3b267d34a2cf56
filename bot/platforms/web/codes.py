"""Return codes: five random words that reopen a web visitor's notes and plan, kept only as a slow hash.

The code is stretched with scrypt (salted with a secret of this server's): half of the result names the
row, the other half is the key that seals the visitor's id in it. Without the code, the row says nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from functools import lru_cache
from pathlib import Path

import yaml
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from xkcdpass import xkcd_password

WORDS = 5  # from EFF's short list of 1,296 memorable words: about 52 bits
SCRYPT = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024}  # about 0.1 s and 32 MB a try
NONCE = 12


@lru_cache(maxsize=1)
def _wordlist() -> tuple[str, ...]:
    path = xkcd_password.locate_wordfile("eff-short")
    return tuple(xkcd_password.generate_wordlist(wordfile=path, min_length=3, max_length=9))


def excluded_words(path: Path) -> frozenset[str]:
    """Read the words never used in a return code (content/web/return_code.yaml)."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return frozenset(str(w) for w in (loaded or {}).get("exclude", ()))


def new_code(exclude: frozenset[str] = frozenset()) -> str:
    """Return a new code of random words, separated by spaces, using none of the excluded words."""
    words = [w for w in _wordlist() if w not in exclude]
    return str(xkcd_password.generate_xkcdpassword(words, numwords=WORDS, delimiter=" "))


def normalise(code: str) -> str:
    """Read a code however it was typed: any case, spaces, dashes or dots between the words."""
    return " ".join(re.findall(r"[a-z]+", code.lower()[:200]))


def _stretch(code: str, pepper: bytes) -> tuple[bytes, bytes]:
    derived = hashlib.scrypt(normalise(code).encode(), salt=pepper, dklen=64, **SCRYPT)
    return hashlib.sha256(derived[:32]).digest(), derived[32:]


async def stretch(code: str, pepper: bytes) -> tuple[bytes, bytes]:
    """Return (the digest that names the row, the key that seals it), off the event loop."""
    return await asyncio.to_thread(_stretch, code, pepper)


def seal(key: bytes, person: str) -> bytes:
    """Encrypt a visitor's id under the code's key."""
    nonce = secrets.token_bytes(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, person.encode(), b"return-code")


def unseal(key: bytes, sealed: bytes) -> str | None:
    """Decrypt a visitor's id, or None if this key does not open it."""
    try:
        return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], b"return-code").decode()
    except (InvalidTag, ValueError, UnicodeDecodeError):
        return None
