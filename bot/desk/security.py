"""Who may open the desk and how: a session opened by a single-use link, a CSRF token in
every form, security headers on every page.

The session is an encrypted cookie (aiohttp-session + Fernet): HttpOnly, SameSite=Lax (the
login link is opened from Telegram, another site), Secure when the desk is served over
HTTPS, 12 hours. Every request checks again that its staff member is still staff.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp_session import Session, get_session, new_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.core.decisions import DESK, StaffMember
from bot.desk.context import Desk

SESSION_HOURS = 12
COOKIE = "kunjungan_desk"
CSRF_FIELD = "csrf"
PUBLIC_PREFIXES = ("/desk/masuk/", "/desk/static/")
DESK_KEY: web.AppKey[Desk] = web.AppKey("desk", Desk)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def session_key(secret: str) -> bytes:
    """32 bytes for the cookie's Fernet key, from DESK_SECRET_KEY or the bot token: every
    process of one bot derives the same key, and no other use of the secret shares it."""
    return hmac.new(secret.encode(), b"kunjungan desk session", hashlib.sha256).digest()


def cookie_storage(desk: Desk) -> EncryptedCookieStorage:
    return EncryptedCookieStorage(
        desk.secret_key,  # 32 bytes; aiohttp-session makes the Fernet key of them
        cookie_name=COOKIE,
        path="/desk",
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="Lax",
        secure=desk.secure_cookies,
    )


@dataclass(frozen=True)
class Login:
    """The staff member of a request, and their form token."""

    member: StaffMember
    csrf: str


LOGIN_KEY: web.RequestKey[Login] = web.RequestKey("login", Login)


async def open_session(request: web.Request, user_id: str, name: str) -> None:
    """A fresh session (a new cookie, never one a visitor brought along) for this person."""
    session = await new_session(request)
    session["user_id"], session["name"] = user_id, name
    session["csrf"] = secrets.token_urlsafe(24)


def flash(session: Session, text: str, kind: str = "ok") -> None:
    """A message shown once on the next page (after a form's redirect)."""
    session["flash"] = [*session.get("flash", []), [kind, text]]


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No framing, no inline script, no sniffing, no referrer (login links carry a token),
    nothing cached."""
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not request.path.startswith("/desk/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


@web.middleware
async def staff_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Pages need a session of someone who is still staff; forms need its CSRF token."""
    if request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    desk = request.app[DESK_KEY]
    session = await get_session(request)
    user_id = session.get("user_id")
    if not user_id or not await desk.authority.allows(str(user_id)):
        session.invalidate()
        raise web.HTTPSeeOther("/desk/masuk/")
    if request.method not in {"GET", "HEAD"}:
        form = await request.post()
        given = str(form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token", ""))
        if not secrets.compare_digest(given.encode(), str(session.get("csrf", "")).encode()):
            raise web.HTTPForbidden(text="CSRF token tidak sah. Muat ulang halaman.")
    member = StaffMember(str(user_id), str(session.get("name") or user_id), DESK)
    request[LOGIN_KEY] = Login(member, str(session["csrf"]))
    return await handler(request)
