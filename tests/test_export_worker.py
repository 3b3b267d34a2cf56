"""Exports are made in a worker process: others are answered meanwhile; limits end a runaway export."""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import sys

import pytest
from PIL import Image

from bot.engine.events import Command
from bot.engine.outputs import Buttons, Document, Message
from bot.log.export_worker import Exporter
from bot.service import ChatService
from tests.telegram_harness import ALICE, BOB, Running, press, say


def photo(seed: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1200, 900), 40 + seed).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


async def test_an_export_does_not_hold_up_another_persons_reply(running: Running) -> None:
    fake = running.fake
    await say(running, ALICE, "/note he left a parcel")
    for seed in range(6):
        data = photo(seed)
        sizes = [{"file_id": f"p{seed}", "file_unique_id": f"p{seed}", "width": 1200, "height": 900}]
        fake.upload(data, f"p{seed}")
        before = len(fake.sent(ALICE))
        await fake.push(fake.message(ALICE, photo=sizes))
        await fake.wait_for(lambda before=before: len(fake.sent(ALICE)) > before)  # type: ignore[misc]
    await say(running, ALICE, "/log")
    data = dict(fake.buttons(fake.sent(ALICE)[-1]))["Export (PDF and CSV)"]
    await fake.push(fake.press(ALICE, data))
    await fake.push(fake.message(BOB, "/menu"))
    await fake.wait_for(lambda: len(fake.documents(ALICE)) == 2, timeout=60)
    order = [c for c in fake.calls if c.method in ("sendMessage", "sendDocument")]
    bob = next(i for i, c in enumerate(order) if int(c.params["chat_id"]) == BOB)
    alice_pdf = next(i for i, c in enumerate(order) if c.method == "sendDocument")
    assert bob < alice_pdf  # Bob was answered while Alice's export was being made
    assert (await press(running, ALICE, "Back to my notes")).startswith("Your notes: 1")


@pytest.mark.parametrize("limits", [{"time_limit": 0.001}, {"memory_limit": 32 * 1024 * 1024}])
async def test_an_export_past_its_limits_is_stopped_and_said_plainly(
    service: ChatService, limits: dict[str, float]
) -> None:
    service.exporter = Exporter(**limits)  # type: ignore[arg-type]
    await service.handle("terminal", "ann", Command("note", "he was outside"))
    outputs = await service.handle("terminal", "ann", Command("log"))
    buttons = [b for o in outputs or () if isinstance(o, Buttons) for b in o.buttons]
    export = next(b.event for b in buttons if b.label.startswith("Export"))
    reply = await service.handle("terminal", "ann", export)
    assert reply is not None and not any(isinstance(o, Document) for o in reply)
    assert next(o.text for o in reply if isinstance(o, Message)).startswith("Sorry, the files could not be made")
    service.exporter = Exporter()
    again = await service.handle("terminal", "ann", export)
    assert again is not None and len([o for o in again if isinstance(o, Document)]) == 2


@pytest.mark.skipif(sys.platform != "linux", reason="SCHED_IDLE is Linux's; elsewhere the worker lowers its nice")
async def test_the_worker_runs_only_when_a_core_is_free() -> None:
    async with Exporter().worker():
        (process,) = multiprocessing.active_children()
        assert process.pid is not None
        for _ in range(500):  # it steps aside first thing, once its interpreter has started
            if os.sched_getscheduler(process.pid) == os.SCHED_IDLE:
                break
            await asyncio.sleep(0.02)
        assert os.sched_getscheduler(process.pid) == os.SCHED_IDLE
