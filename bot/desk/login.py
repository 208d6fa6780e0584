"""Logging in by the link the bot sent, and out.

The link's GET only shows a "Masuk" button: Telegram (and other apps) fetch links to draw a
preview, and that fetch must not spend the single use. The POST redeems the token.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp_session import get_session

from bot.desk.pages import page
from bot.desk.security import DESK_KEY, open_session

log = logging.getLogger(__name__)


async def how_to(request: web.Request) -> web.Response:
    """Not logged in: how to get a link."""
    return await page(request, "login.html", status=401, token=None, refused=False)


async def confirm(request: web.Request) -> web.Response:
    """The page behind the link: a button that logs in, or why the link no longer works."""
    token = request.match_info["token"]
    if not await request.app[DESK_KEY].links.valid(token):
        return await page(request, "login.html", status=403, token=None, refused=True)
    return await page(request, "login.html", token=token, refused=False)


async def enter(request: web.Request) -> web.StreamResponse:
    """Spend the token and open a session for its staff member (still staff now)."""
    desk = request.app[DESK_KEY]
    redeemed = await desk.links.redeem(request.match_info["token"])
    if redeemed is None or not await desk.authority.allows(redeemed[0]):
        log.warning("desk login refused from %s", request.remote)
        return await page(request, "login.html", status=403, token=None, refused=True)
    user_id, name = redeemed
    await open_session(request, user_id, name)
    log.info("desk login by %s (%s)", name, user_id)
    raise web.HTTPSeeOther("/desk/kalender")


async def leave(request: web.Request) -> web.Response:
    """Log out: the session cookie is emptied."""
    (await get_session(request)).invalidate()
    return await page(request, "logout.html")
