"""Percakapan: open handoffs with their whole transcript, updating live as the user writes
(server-sent events read from the transcript table, so any bot process serves them); reply,
take, close. The same `HandoffFlow` as the staff group: a desk answer is copied into the
handoff's topic, and an answer given in Telegram shows here from the transcript."""

from __future__ import annotations

import asyncio
import json

from aiohttp import web
from aiohttp_sse import sse_response

from bot.core.flows.handoff import HandoffFlow
from bot.db.models import Escalation
from bot.desk.pages import back, local, page
from bot.desk.security import DESK_KEY, LOGIN_KEY
from bot.services.overview import Line

POLL_SECONDS = 1.0
STREAM_SECONDS = 15.0  # under the server's request limit; the browser reconnects by itself


def _handoff(request: web.Request) -> HandoffFlow:
    handoff = request.app[DESK_KEY].handoff
    if handoff is None:
        raise web.HTTPNotFound(text="Serah terima ke petugas belum diaktifkan.")
    return handoff


async def _escalation(request: web.Request) -> Escalation:
    number = request.match_info["id"]
    for escalation in await request.app[DESK_KEY].overview.open_escalations():
        if str(escalation.id) == number:
            return escalation
    raise web.HTTPNotFound(text="Percakapan ini sudah ditutup atau tidak ada.")


async def listing(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    return await page(
        request,
        "conversations.html",
        escalations=await desk.overview.open_escalations(),
        local=lambda moment: local(moment, request),
    )


async def show(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    escalation = await _escalation(request)
    lines = await desk.overview.lines(escalation.channel, escalation.chat_id)
    return await page(
        request,
        "conversation.html",
        escalation=escalation,
        lines=lines,
        last=lines[-1].id if lines else 0,
        local=lambda moment: local(moment, request),
    )


async def stream(request: web.Request) -> web.StreamResponse:
    """New transcript lines as server-sent events; `Last-Event-ID` resumes after a
    reconnect."""
    desk = request.app[DESK_KEY]
    escalation = await _escalation(request)
    after = _number(request.headers.get("Last-Event-ID") or request.query.get("setelah"))
    async with sse_response(request) as events:
        loop = asyncio.get_running_loop()
        until = loop.time() + STREAM_SECONDS
        while loop.time() < until and events.is_connected():
            for line in await desk.overview.lines(escalation.channel, escalation.chat_id, after):
                await events.send(json.dumps(_event(line, request)), id=str(line.id))
                after = line.id
            await asyncio.sleep(POLL_SECONDS)
    return events


def _event(line: Line, request: web.Request) -> dict[str, object]:
    return {"direction": line.direction, "text": line.text, "at": local(line.at, request)}


def _number(text: str | None) -> int:
    return int(text) if text and text.isdecimal() else 0


async def reply(request: web.Request) -> web.StreamResponse:
    member = request[LOGIN_KEY].member
    escalation = await _escalation(request)
    text = str((await request.post()).get("teks") or "").strip()
    said = await _handoff(request).answer_as(member.name, escalation.id, text, mirror=True)
    done = request.app[DESK_KEY].texts("staff.sent", id=escalation.id)
    raise await _back(request, escalation, said[0].text, done)


async def take(request: web.Request) -> web.StreamResponse:
    member = request[LOGIN_KEY].member
    escalation = await _escalation(request)
    said = await _handoff(request).take(escalation.id, member.name, mirror=True)
    done = request.app[DESK_KEY].texts("staff.taken", id=escalation.id, name=member.name)
    raise await _back(request, escalation, said[0].text, done)


async def close(request: web.Request) -> web.StreamResponse:
    member = request[LOGIN_KEY].member
    escalation = await _escalation(request)
    said = await _handoff(request).close(escalation.id, member.name)
    raise await back(request, "/desk/percakapan", said[0].text)


async def _back(
    request: web.Request, escalation: Escalation, said: str, done: str
) -> web.HTTPSeeOther:
    """Back to the conversation, the outcome shown as success only when it is `done`."""
    to = f"/desk/percakapan/{escalation.id}"
    return await back(request, to, said, "ok" if said == done else "error")
