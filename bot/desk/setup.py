"""The desk's routes, templates and middlewares, mounted under /desk on the bot's server."""

from __future__ import annotations

import warnings
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning
from aiohttp_session import setup as setup_sessions

from bot.desk import calendar, conversations, login, reports, requests, visits
from bot.desk.context import Desk
from bot.desk.pages import FILTERS
from bot.desk.security import DESK_KEY, cookie_storage, headers, staff_only

HERE = Path(__file__).parent
# aiohttp-session 2.12 keeps its session under a string key of the request; aiohttp 3.14 warns
# on each such request. Silenced for that module only.
warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_session")


async def _home(_request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/desk/kalender")


def add_desk(app: web.Application, desk: Desk) -> None:
    """Serve the desk at /desk on `app`."""
    sub = web.Application()
    sub[DESK_KEY] = desk
    environment = aiohttp_jinja2.setup(
        sub,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(FILTERS)
    environment.filters["status"] = lambda status: desk.texts(f"status.{status}")
    setup_sessions(sub, cookie_storage(desk))
    sub.middlewares.extend([headers, staff_only])
    routes = sub.router
    routes.add_get("/", _home)
    routes.add_get("/masuk/", login.how_to)
    routes.add_get("/masuk/{token}", login.confirm)
    routes.add_post("/masuk/{token}", login.enter)
    routes.add_post("/keluar", login.leave)
    routes.add_get("/kalender", calendar.month)
    routes.add_get("/permohonan", requests.listing)
    routes.add_post("/permohonan/{code}/setujui", requests.approve)
    routes.add_post("/permohonan/{code}/tolak", requests.decline)
    routes.add_get("/kunjungan/{code}", visits.show)
    routes.add_post("/kunjungan/{code}/agenda", visits.edit_agenda)
    routes.add_post("/kunjungan/{code}/batal", visits.cancel)
    routes.add_post("/kunjungan/{code}/pindah", visits.move)
    routes.add_get("/kunjungan/{code}/kunjungan.ics", visits.ics)
    routes.add_get("/kunjungan/{code}/peserta.csv", visits.participants_csv)
    routes.add_get("/kunjungan/{code}/surat-konfirmasi.pdf", visits.letter)
    routes.add_get("/kunjungan/{code}/daftar-hadir-{day:[1-3]}.pdf", visits.attendance)
    routes.add_post("/kunjungan/{code}/bayar", visits.payment)
    routes.add_get("/percakapan", conversations.listing)
    routes.add_get("/percakapan/{id}", conversations.show)
    routes.add_get("/percakapan/{id}/aliran", conversations.stream)
    routes.add_post("/percakapan/{id}/balas", conversations.reply)
    routes.add_post("/percakapan/{id}/ambil", conversations.take)
    routes.add_post("/percakapan/{id}/tutup", conversations.close)
    routes.add_get("/laporan", reports.report)
    routes.add_get("/laporan/{year}.csv", reports.export_csv)
    routes.add_get("/laporan/{year}.xlsx", reports.export_xlsx)
    routes.add_static("/static", HERE / "static")
    app.add_subapp("/desk", sub)
    app.router.add_get("/desk", _home)
