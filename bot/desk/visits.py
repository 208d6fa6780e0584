"""Kunjungan: one visit: its data and history, moving or cancelling it, its participants
and what each push to them became, its agenda as an editable table (the same checks as
`/sesi`, all or nothing), and the .ics and CSV downloads."""

from __future__ import annotations

import csv
import io
from datetime import date

from aiohttp import web
from lokal.rupiah import parse_rupiah
from multidict import MultiDictProxy

from bot.core.agenda_edit import AgendaInvalid, Problem, parse_rows
from bot.core.booking import BookingError, BookingView
from bot.core.ics import visit_invitation
from bot.core.render.bookings import refusal, undelivered
from bot.core.texts import Texts
from bot.desk.pages import back, download, local, page
from bot.desk.security import DESK_KEY, LOGIN_KEY
from bot.services.booking import spreadsheet_safe
from bot.services.overview import Member

FIELDS = ("day", "starts", "ends", "title", "speaker", "place")
SPARE_ROWS = 3  # empty rows under the agenda, to add sessions


async def _booking(request: web.Request) -> BookingView:
    booking = await request.app[DESK_KEY].bookings.get(request.match_info["code"])
    if booking is None:
        raise web.HTTPNotFound(text="Kunjungan tidak ditemukan.")
    return booking


def _here(booking: BookingView) -> str:
    return f"/desk/kunjungan/{booking.code}"


async def show(request: web.Request, rows: list[list[str]] | None = None,
               problems: dict[int, str] | None = None) -> web.Response:  # fmt: skip
    """The visit's page; after a refused agenda edit, the rows as typed and the problems
    next to them (status 422)."""
    desk = request.app[DESK_KEY]
    booking = await _booking(request)
    await desk.visits.ensure_agenda(booking.code)
    if rows is None:
        rows = [
            [str(item.day), f"{item.starts:%H:%M}", f"{item.ends:%H:%M}", item.title,
             item.speaker or "", item.place or ""]
            for day in range(1, booking.days + 1)
            for item in await desk.visits.agenda(booking.code, day)
        ]  # fmt: skip
        rows += [["", "", "", "", "", ""] for _ in range(SPARE_ROWS)]
    return await page(
        request,
        "visit.html",
        status=422 if problems else 200,
        booking=booking,
        history=await desk.overview.history(booking.code),
        members=await desk.overview.members(booking.code),
        rows=rows,
        problems=problems or {},
        local=lambda moment: local(moment, request),
        delivered=delivered,
    )


def delivered(member: Member) -> str:
    """ "2/3 terkirim" for a participant's pushes."""
    sent = sum(push.status == "sent" for push in member.pushes)
    return f"{sent}/{len(member.pushes)} terkirim" if member.pushes else "-"


def _table(
    form: MultiDictProxy[str | bytes | bytearray | web.FileField],
) -> tuple[list[list[str]], list[tuple[int, list[str]]]]:
    """Every row as typed, and the rows to keep (numbered from 1; spare rows left empty and
    rows marked "hapus" are not sessions)."""
    columns = [[str(value) for value in form.getall(name, [])] for name in FIELDS]
    removed = {str(value) for value in form.getall("remove", [])}
    typed = [list(row) for row in zip(*columns, strict=False)]
    kept = [
        (number, row)
        for number, row in enumerate(typed, start=1)
        if str(number) not in removed and any(cell.strip() for cell in row)
    ]
    return typed, kept


async def edit_agenda(request: web.Request) -> web.StreamResponse:
    """Replace the agenda with the table's rows, or show every problem next to its row."""
    desk, member = request.app[DESK_KEY], request[LOGIN_KEY].member
    booking = await _booking(request)
    typed, kept = _table(await request.post())
    try:
        items = parse_rows(kept, booking.days)
        await desk.decisions.replace_agenda(booking.code, items)
    except AgendaInvalid as invalid:
        return await show(request, typed, _problems(desk.texts, invalid.problems, kept))
    await desk.tell_staff(desk.texts("staff.desk_agenda", code=booking.code, name=member.name))
    raise await back(request, _here(booking), desk.texts("staff.agenda_saved", code=booking.code))


def _problems(
    texts: Texts, problems: list[Problem], kept: list[tuple[int, list[str]]]
) -> dict[int, str]:
    """Row number -> what is wrong. Overlaps are numbered by session, the rest by row."""
    shown: dict[int, str] = {}
    for problem in problems:
        row = problem.line
        if problem.key == "overlap" and 0 < problem.line <= len(kept):
            row = kept[problem.line - 1][0]
        why = texts(f"agenda_problem.{problem.key}", **problem.fields)
        shown[row] = f"{shown[row]}; {why}" if row in shown else why
    return shown


async def cancel(request: web.Request) -> web.StreamResponse:
    desk, member = request.app[DESK_KEY], request[LOGIN_KEY].member
    booking = await _booking(request)
    reason = str((await request.post()).get("alasan") or "").strip()
    if not reason:
        raise await back(request, _here(booking), "Mohon tuliskan alasan pembatalan.", "error")
    try:
        await desk.decisions.cancel(booking.code, member, reason)
    except BookingError as error:
        raise await back(request, _here(booking), refusal(desk.texts, error), "error") from None
    said = desk.texts("staff.desk_cancelled", code=booking.code, name=member.name)
    await desk.tell_staff(said)
    raise await back(request, _here(booking), said)


async def move(request: web.Request) -> web.StreamResponse:
    desk, member = request.app[DESK_KEY], request[LOGIN_KEY].member
    booking = await _booking(request)
    form = await request.post()
    reason = str(form.get("alasan") or "").strip()
    try:
        start = date.fromisoformat(str(form.get("tanggal") or ""))
    except ValueError:
        raise await back(request, _here(booking), "Mohon pilih tanggal baru.", "error") from None
    try:
        moved = await desk.decisions.move(booking.code, start, member, reason or "-")
    except BookingError as error:
        raise await back(request, _here(booking), refusal(desk.texts, error), "error") from None
    said = desk.texts("staff.desk_moved", code=moved.booking.code, name=member.name,
                      when=moved.booking.start_date.isoformat())  # fmt: skip
    await desk.tell_staff(said)
    raise await back(request, _here(booking), said)


async def ics(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    booking = await _booking(request)
    body = visit_invitation(
        booking, desk.venue, desk.now(), desk.texts("staff.ics_summary", code=booking.code)
    )
    return download(body, f"kunjungan-{booking.code}.ics", "text/calendar")


async def participants_csv(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    booking = await _booking(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nama", "kanal", "bergabung", "pesan_terkirim", "pesan_total"])
    for member in await desk.overview.members(booking.code):
        sent = sum(push.status == "sent" for push in member.pushes)
        writer.writerow(map(spreadsheet_safe, [
            member.name, member.channel, local(member.joined_at, request), sent,
            len(member.pushes),
        ]))  # fmt: skip
    return download(out.getvalue().encode("utf-8-sig"), f"peserta-{booking.code}.csv", "text/csv")


async def letter(request: web.Request) -> web.StreamResponse:
    """The confirmation letter (issued on approval; printed again here)."""
    desk = request.app[DESK_KEY]
    booking = await _booking(request)
    try:
        printed = await desk.paperwork.letter(booking.code)
    except BookingError as error:
        raise await back(request, _here(booking), refusal(desk.texts, error), "error") from None
    document = printed.document("surat-konfirmasi")
    return download(document.content, document.filename, document.mime_type)


async def attendance(request: web.Request) -> web.StreamResponse:
    """The attendance list of one visit day, from who has joined now."""
    desk = request.app[DESK_KEY]
    booking = await _booking(request)
    day = request.match_info["day"]
    try:
        pdf = await desk.paperwork.attendance(booking.code, int(day))
    except BookingError as error:
        raise await back(request, _here(booking), refusal(desk.texts, error), "error") from None
    return download(pdf, f"daftar-hadir-{booking.code}-{day}.pdf", "application/pdf")


async def payment(request: web.Request) -> web.StreamResponse:
    """Record a payment: the requester receives the receipt (a second one corrects the
    first), the staff group is told."""
    desk = request.app[DESK_KEY]
    booking = await _booking(request)
    parsed = parse_rupiah(str((await request.post()).get("jumlah") or ""))
    if parsed is None or parsed.amount <= 0:
        raise await back(
            request, _here(booking), "Mohon tulis jumlahnya, mis. 2.500.000.", "error"
        )
    try:
        printed, failed = await desk.decisions.receipt(booking.code, int(parsed.amount))
    except BookingError as error:
        raise await back(request, _here(booking), refusal(desk.texts, error), "error") from None
    said = desk.texts("staff.receipt_done", code=booking.code, number=printed.issued.number,
                      amount=printed.issued.data["amount"])  # fmt: skip
    await desk.tell_staff(said)
    said = "\n".join([said, *undelivered(desk.texts, failed)])
    raise await back(request, _here(booking), said, "error" if failed else "ok")
