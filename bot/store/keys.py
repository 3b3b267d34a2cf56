"""The master and identity keys: where they live, a check that they are the ones bot.db was written with,
and rotating the master key.

The check is stored in the database: the master key seals a known value, the identity key signs one. A
wrong key then refuses to start instead of resetting everyone's place and failing later on their notes,
and a missing key file while the database holds data refuses instead of silently making a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.fatal import KeyProblem
from bot.flows.learned_cache import LearnedCache
from bot.settings import Settings
from bot.store.crypto import (
    MASTER_KEY_FILE,
    DecryptionError,
    RowSealer,
    Vault,
    load_master_key,
    parse_master_key,
    seal,
    unseal,
)
from bot.store.identity import SECRET_FILE, Pseudonymiser, load_or_create_secret
from bot.store.sqlite import Store

log = logging.getLogger(__name__)
CHECK = b"key-check"
STATE_PURPOSE = "conversation-state"
CACHE_PURPOSE = "understanding-cache"
PENDING = MASTER_KEY_FILE + ".new"  # a rotation's new key until its transaction commits


@dataclass(frozen=True)
class Keys:
    """The two secrets the data is kept under."""

    master: bytes
    identity: bytes


def _master_check(master: bytes) -> bytes:
    return seal(master, CHECK, "key-check:master")


def _identity_check(identity: bytes) -> str:
    return hmac.new(identity, CHECK, hashlib.sha256).hexdigest()


def _master_fits(master: bytes, sealed: bytes) -> bool:
    try:
        return unseal(master, sealed, "key-check:master") == CHECK
    except DecryptionError:
        return False


def learned_cache(settings: Settings) -> LearnedCache | None:
    """Return the understanding's cache in the data folder, or None before there is an identity key.

    Its secret is derived from the identity key as ChatService.secret derives one. The key is only read here,
    before it is checked against bot.db: with a wrong key the cache fails its check and is learned again,
    and the start is then refused by open_keys.
    """
    try:
        identity = (settings.keys_dir / SECRET_FILE).read_bytes()
    except OSError:
        return None
    return LearnedCache(settings.data_dir, Pseudonymiser(identity).secret(CACHE_PURPOSE)) if identity else None


async def open_keys(settings: Settings, store: Store) -> Keys:
    """Load both keys and check them against the database; raise KeyProblem if they cannot be the right ones."""
    holds_data = await store.holds_data()
    master = load_master_key(settings.keys_dir, settings.master_key, create=not holds_data)
    identity = load_or_create_secret(settings.keys_dir, SECRET_FILE, create=not holds_data)
    check = await store.key_check()
    if check is None:  # a new database, or one from before key checks: check what can be, then record
        await _check_against_data(store, master)
        await store.save_key_check(_master_check(master), _identity_check(identity))
        return Keys(master, identity)
    master = _finish_or_refuse(settings, master, check[0])
    if not hmac.compare_digest(check[1], _identity_check(identity)):
        raise KeyProblem(f"the identity key in {settings.keys_dir} is not the one bot.db was written with")
    return Keys(master, identity)


async def _check_against_data(store: Store, master: bytes) -> None:
    wrapped = await store.wrapped_keys()
    if wrapped:
        try:
            Vault(master).unwrap(*wrapped[0])
        except DecryptionError:
            raise KeyProblem("the master key does not open the data in bot.db (a wrong key?)") from None


def _finish_or_refuse(settings: Settings, master: bytes, sealed: bytes) -> bytes:
    """Return the master key that fits the check, finishing a rotation that stopped after its commit."""
    pending = settings.keys_dir / PENDING
    fits = _master_fits(master, sealed)
    if settings.master_key is None and pending.exists():
        new = pending.read_bytes()
        if not fits and _master_fits(new, sealed):
            _replace(pending, settings.keys_dir / MASTER_KEY_FILE)
            log.info("finished a master key rotation that was interrupted after its commit")
            return new
        if fits:
            pending.unlink()  # a rotation that stopped before its commit: the old key is still the key
    if not fits:
        where = "BOT_MASTER_KEY" if settings.master_key else str(settings.keys_dir / MASTER_KEY_FILE)
        raise KeyProblem(f"the master key ({where}) is not the one bot.db was written with")
    return master


def _replace(source: Path, target: Path) -> None:
    os.replace(source, target)
    descriptor = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_new(path: Path, secret: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(secret)
        file.flush()
        os.fsync(file.fileno())


async def rotate(settings: Settings, store: Store) -> str:
    """Re-wrap every data key and re-seal every state under a new master key, in one transaction.

    With BOT_MASTER_KEY, the new key is BOT_NEW_MASTER_KEY; otherwise a new master.key is made. Stop the bot
    first: it holds the old key. Return a line saying what was done.
    """
    keys = await open_keys(settings, store)
    if settings.master_key:
        if not settings.new_master_key:
            raise KeyProblem("BOT_MASTER_KEY is set: set BOT_NEW_MASTER_KEY to the new key to rotate to")
        new = parse_master_key(settings.new_master_key, "BOT_NEW_MASTER_KEY")
    else:
        new = secrets.token_bytes(32)
        _write_new(settings.keys_dir / PENDING, new)  # kept until the commit, so a crash after it loses nothing
    old_vault, new_vault = Vault(keys.master), Vault(new)
    old_states, new_states = RowSealer(keys.master, STATE_PURPOSE), RowSealer(new, STATE_PURPOSE)

    def reseal(owner: str, sealed: bytes) -> bytes:
        where = f"conversations:{owner}"
        try:
            return new_states.seal(old_states.unseal(sealed, where), where)
        except DecryptionError:
            return sealed  # unreadable already: it starts afresh, under either key

    try:
        counts = await store.rewrap(lambda owner, w: old_vault.rewrap(owner, w, new_vault), reseal, _master_check(new))
    except DecryptionError:
        raise KeyProblem("a data key in bot.db does not open with the current master key; nothing changed") from None
    if settings.master_key:
        return f"rotated {counts[0]} data keys and {counts[1]} places; now set BOT_MASTER_KEY to BOT_NEW_MASTER_KEY"
    _replace(settings.keys_dir / PENDING, settings.keys_dir / MASTER_KEY_FILE)
    where = settings.keys_dir / MASTER_KEY_FILE
    return f"rotated {counts[0]} data keys and {counts[1]} places; the new key is {where}: back it up now"
