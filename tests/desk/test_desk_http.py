"""The desk over HTTP: login by link, refusals, security headers, the same decisions as the
Telegram buttons."""

from __future__ import annotations

import asyncio

from bot.core.booking import Status
from tests.desk.conftest import OUTSIDER, STAFF_GROUP, DeskSite, browser, logged_in, login_link
from tests.e2e.conftest import coop_tlm
from tests.e2e.test_booking import visit_day

REQUESTER = 5151


async def test_a_link_logs_in_once(site: DeskSite) -> None:
    link = await login_link(site.telegram)
    group_says = (await site.telegram.wait_for(STAFF_GROUP, 1))[-1].params["text"]
    assert "pesan pribadi" in group_says and "/desk/masuk/" not in group_says
    async with browser() as http:
        async with http.get(link) as preview:  # a link preview must not spend the link
            assert preview.status == 200
            assert "Masuk" in await preview.text()
        async with http.post(link) as response:
            assert response.status == 200
            assert "Kalender" in await response.text()
            assert str(response.url).endswith("/desk/kalender")
    async with browser() as other:
        async with other.post(link, allow_redirects=False) as again:
            assert again.status == 403
        async with other.get(f"{site.url}/desk/kalender", allow_redirects=False) as page:
            assert page.status == 303
            assert page.headers["Location"] == "/desk/masuk/"


async def test_an_outsider_gets_no_link(site: DeskSite) -> None:
    telegram = site.telegram
    await telegram.send_text(OUTSIDER, "/desk")
    said = (await telegram.wait_for(OUTSIDER, 1))[-1].params["text"]
    assert "hanya petugas" in said and "/desk/masuk/" not in said


async def test_pages_need_the_form_token_and_send_security_headers(site: DeskSite) -> None:
    booking = await site.bot.app.bookings.request(coop_tlm(visit_day(), 1, str(REQUESTER)))
    async with browser() as http:
        csrf = await logged_in(site, http)
        async with http.get(f"{site.url}/desk/permohonan") as page:
            assert booking.code in await page.text()
            headers = page.headers
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Referrer-Policy"] == "no-referrer"
        cookie = next(c for c in http.cookie_jar if c.key == "kunjungan_desk")
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/desk"
        approve = f"{site.url}/desk/permohonan/{booking.code}/setujui"
        async with http.post(approve, data={}) as forged:
            assert forged.status == 403
        assert (await site.bot.app.bookings.get(booking.code)).status is Status.PENDING  # type: ignore[union-attr]
        async with http.post(approve, data={"csrf": csrf}) as done:
            assert done.status == 200
            assert "disetujui oleh" in await done.text()
    told = await site.telegram.wait_for(REQUESTER, 2)  # the approval, then the letter
    assert "DISETUJUI" in told[0].params["text"] and "surat konfirmasi" in told[1].params["text"]
    assert "lewat desk" in site.telegram.texts(STAFF_GROUP)[-1]
    history = await site.bot.app.web_desk.overview.history(booking.code)  # type: ignore[union-attr]
    assert history[-1].actor.startswith("desk:77:")


async def test_logout_ends_the_session(site: DeskSite) -> None:
    async with browser() as http:
        csrf = await logged_in(site, http)
        async with http.post(f"{site.url}/desk/keluar", data={"csrf": csrf}) as out:
            assert out.status == 200
        async with http.get(f"{site.url}/desk/kalender", allow_redirects=False) as page:
            assert page.status == 303


async def test_every_page_renders(site: DeskSite) -> None:
    bookings = site.bot.app.bookings
    booking = await bookings.request(coop_tlm(visit_day(), 2, str(REQUESTER)))
    month = booking.start_date.strftime("%Y-%m")
    year = booking.start_date.year
    async with browser() as http:
        await logged_in(site, http)
        for path in (
            f"/desk/kalender?bulan={month}&hari={booking.start_date.isoformat()}",
            "/desk/permohonan",
            f"/desk/kunjungan/{booking.code}",
            "/desk/percakapan",
            f"/desk/laporan?tahun={year}",
            "/desk/static/vendor/chart.umd.min.js",
            f"/desk/laporan/{year}.csv",
            f"/desk/laporan/{year}.xlsx",
            f"/desk/kunjungan/{booking.code}/kunjungan.ics",
            f"/desk/kunjungan/{booking.code}/peserta.csv",
        ):
            async with http.get(f"{site.url}{path}") as page:
                assert page.status == 200, (path, await page.text())


async def test_cancel_and_move_tell_the_requester(site: DeskSite) -> None:
    bookings = site.bot.app.bookings
    moved = await bookings.request(coop_tlm(visit_day(), 1, str(REQUESTER)))
    cancelled = await bookings.request(coop_tlm(visit_day(), 1, str(REQUESTER + 1)))
    new_day = visit_day(offset=45)
    async with browser() as http:
        csrf = await logged_in(site, http)
        url = f"{site.url}/desk/kunjungan/{cancelled.code}/batal"
        async with http.post(url, data={"csrf": csrf, "alasan": ""}) as refused:
            assert "alasan pembatalan" in await refused.text()
        async with http.post(url, data={"csrf": csrf, "alasan": "Aula direnovasi"}) as done:
            assert "dibatalkan oleh" in await done.text()
        url = f"{site.url}/desk/kunjungan/{moved.code}/pindah"
        data = {"csrf": csrf, "tanggal": new_day.isoformat(), "alasan": "Bentrok RAT"}
        async with http.post(url, data=data) as done:
            assert "dipindah" in await done.text()
    told = (await site.telegram.wait_for(REQUESTER + 1, 1))[-1].params["text"]
    assert "batalkan" in told and "Aula direnovasi" in told
    told = (await site.telegram.wait_for(REQUESTER, 1))[-1].params["text"]
    assert "pindahkan" in told and "Bentrok RAT" in told
    assert (await bookings.get(cancelled.code)).status is Status.CANCELLED  # type: ignore[union-attr]
    now = await bookings.get(moved.code)
    assert now is not None and now.start_date == new_day and now.status is Status.PENDING


async def test_reports_export_the_figures(site: DeskSite) -> None:
    bookings = site.bot.app.bookings
    booking = await bookings.request(coop_tlm(visit_day(), 1, str(REQUESTER)))
    await bookings.approve(booking.code, "desk:77:Rina")
    year = booking.start_date.year
    async with browser() as http:
        await logged_in(site, http)
        async with http.get(f"{site.url}/desk/laporan/{year}.csv") as csv:
            text = (await csv.read()).decode("utf-8-sig")
        async with http.get(f"{site.url}/desk/laporan/{year}.xlsx") as xlsx:
            workbook = await xlsx.read()
    assert "Kunjungan per bulan" in text and "NTT,1" in text
    assert workbook[:2] == b"PK" and b"xl/worksheets/sheet1.xml" in workbook


async def test_a_conversation_streams_new_lines(site: DeskSite) -> None:
    telegram = site.telegram
    await telegram.send_text(REQUESTER, "saya mau bicara dengan petugas")
    await telegram.wait_for(STAFF_GROUP, 1)
    async with browser() as http:
        await logged_in(site, http)
        async with http.get(f"{site.url}/desk/percakapan/1") as page:
            assert "saya mau bicara dengan petugas" in await page.text()
        await telegram.send_text(REQUESTER, "kami 25 orang dari Padang")
        async with http.get(
            f"{site.url}/desk/percakapan/1/aliran", headers={"Last-Event-ID": "1"}
        ) as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            seen = b""
            while b"25 orang dari Padang" not in seen:
                seen += await asyncio.wait_for(stream.content.readany(), 10)
    assert b"saya mau bicara" not in seen  # only lines after the last one the page had
