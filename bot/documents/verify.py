"""/verify/<code>: the public page a certificate's QR code opens. It says whether the
certificate is genuine and for whom, and nothing else personal."""

from __future__ import annotations

from aiohttp import web

from bot.documents.paperwork import VERIFY_PATH, Paperwork

CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def add_verification(app: web.Application, paperwork: Paperwork) -> None:
    """Serve GET /verify/<code> (404 for a code that was never issued)."""

    async def verify(request: web.Request) -> web.Response:
        html, genuine = await paperwork.verification_page(request.match_info["code"].upper())
        return web.Response(
            text=html, content_type="text/html", status=200 if genuine else 404,
            headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                     "Referrer-Policy": "no-referrer"},
        )  # fmt: skip

    app.router.add_get(VERIFY_PATH + "{code}", verify)
