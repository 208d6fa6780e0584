"""Rendering a desk page: the template, the staff member, the form token and the messages
left by the last form (post/redirect/get)."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.core.calendar_text import MONTHS, long_date, short_date
from bot.desk.security import DESK_KEY, LOGIN_KEY, flash

NAV = (
    ("kalender", "Kalender"),
    ("permohonan", "Permohonan"),
    ("percakapan", "Percakapan"),
    ("laporan", "Laporan"),
)


async def page(
    request: web.Request, template: str, status: int = 200, **context: Any
) -> web.Response:
    """A page of the desk, with the layout's shared context."""
    login = request.get(LOGIN_KEY)
    session = await get_session(request)
    messages = session.pop("flash", []) if login else []
    context.update(login=login, messages=messages, nav=NAV, path=request.path)
    return aiohttp_jinja2.render_template(template, request, context, status=status)


async def back(request: web.Request, to: str, text: str, kind: str = "ok") -> web.HTTPSeeOther:
    """The redirect after a form, with a message for the next page."""
    flash(await get_session(request), text, kind)
    return web.HTTPSeeOther(to)


def download(body: bytes, name: str, kind: str) -> web.Response:
    """A file to save (CSV, XLSX, .ics)."""
    return web.Response(
        body=body,
        content_type=kind,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def local(moment: datetime | None, request: web.Request) -> str:
    """A stored UTC time shown in the venue's zone ("14 Des 2026 09:30")."""
    if moment is None:
        return "-"
    shown = moment.astimezone(request.app[DESK_KEY].zone)
    return f"{short_date(shown.date())} {shown:%H:%M}"


def who(actor: str) -> str:
    """A history line's actor in words: "Rina lewat desk", "pemohon lewat telegram"."""
    parts = actor.split(":")
    if actor == "system":
        return "sistem"
    if parts[0] == "staff":  # written before names were recorded: staff:<channel>:<id>
        return f"petugas lewat {parts[1]}" if len(parts) > 1 else "petugas"
    if len(parts) >= 3:
        return f"{':'.join(parts[2:])} lewat {parts[0]}"
    return f"pemohon lewat {parts[0]}"


FILTERS = MappingProxyType(
    {
        "long_date": long_date,
        "month_name": lambda month: MONTHS[month - 1],
        "who": who,
    }
)
