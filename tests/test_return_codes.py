"""The return codes' table: one code a person, found by its hash, gone with "Delete everything"."""

from __future__ import annotations

from pathlib import Path

from bot.store.notes import NoteStore
from bot.store.return_codes import ReturnCodeStore
from bot.store.sqlite import Store


async def test_a_code_is_found_by_its_hash_and_a_new_one_replaces_it(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    codes = ReturnCodeStore(store)
    await codes.keep("ann", b"first", b"sealed-ann")
    await codes.keep("bea", b"other", b"sealed-bea")
    assert await codes.sealed(b"first") == b"sealed-ann"
    await codes.keep("ann", b"second", b"sealed-ann-2")
    assert await codes.sealed(b"first") is None  # the earlier code opens nothing
    assert await codes.sealed(b"second") == b"sealed-ann-2"
    assert await codes.sealed(b"other") == b"sealed-bea"
    await store.close()
    reopened = await Store.open(tmp_path)
    assert await ReturnCodeStore(reopened).sealed(b"second") == b"sealed-ann-2"
    await reopened.close()


async def test_delete_everything_takes_the_code_and_only_that_persons(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    codes = ReturnCodeStore(store)
    await codes.keep("ann", b"ann-code", b"sealed-ann")
    await codes.keep("bea", b"bea-code", b"sealed-bea")
    await NoteStore(store).forget("ann")
    assert await codes.sealed(b"ann-code") is None
    assert await codes.sealed(b"bea-code") == b"sealed-bea"
    await store.close()
