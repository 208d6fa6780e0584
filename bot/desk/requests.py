"""Permohonan: pending requests, oldest first; approve, or decline with a reason. The same
`Decisions` as the Telegram buttons: the requester hears the outcome on their own channel
through the same outbox, and the staff group is told who decided on the desk."""

from __future__ import annotations

from aiohttp import web

from bot.core.booking import BookingError
from bot.core.render.bookings import refusal, undelivered
from bot.desk.pages import back, local, page
from bot.desk.security import DESK_KEY, LOGIN_KEY

HERE = "/desk/permohonan"


async def listing(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    return await page(
        request,
        "requests.html",
        requests=await desk.overview.requests(),
        local=lambda moment: local(moment, request),
    )


async def approve(request: web.Request) -> web.StreamResponse:
    desk, member = request.app[DESK_KEY], request[LOGIN_KEY].member
    try:
        decided = await desk.decisions.approve(request.match_info["code"], member)
    except BookingError as error:
        raise await back(request, HERE, refusal(desk.texts, error), "error") from None
    said = desk.texts("staff.desk_approved", code=decided.booking.code, name=member.name)
    await desk.tell_staff(said)
    said = "\n".join([said, *undelivered(desk.texts, decided.undelivered)])
    raise await back(request, HERE, said, "error" if decided.undelivered else "ok")


async def decline(request: web.Request) -> web.StreamResponse:
    desk, member = request.app[DESK_KEY], request[LOGIN_KEY].member
    reason = str((await request.post()).get("alasan") or "").strip()
    if not reason:
        raise await back(request, HERE, "Mohon tuliskan alasan penolakan.", "error")
    try:
        decided = await desk.decisions.decline(request.match_info["code"], member, reason)
    except BookingError as error:
        raise await back(request, HERE, refusal(desk.texts, error), "error") from None
    said = desk.texts(
        "staff.desk_declined", code=decided.booking.code, name=member.name, reason=reason[:500]
    )
    await desk.tell_staff(said)
    raise await back(request, HERE, said)
