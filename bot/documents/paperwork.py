"""The documents of a visit, from the data the bot holds: what goes in each, when it gets a
number, and printing it (in a thread: WeasyPrint takes ~40 ms a page of CPU).

- Surat konfirmasi: one number per set of visit dates; a moved visit's new letter names the
  number it replaces. Issued when staff approve, printed again on request.
- Daftar hadir: per visit day, not numbered: printed from who has joined at that moment.
- Sertifikat: one per participant after the last day, with a code for /verify/<code>.
- Kuitansi: one per payment recorded; a correction voids and names the previous number.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lokal.rupiah import format_rupiah
from lokal.terbilang import terbilang

from bot.core.booking import BookingError, Bookings, BookingView, Status
from bot.core.calendar_text import date_range, date_span, long_date, plain_date
from bot.core.messages import Document
from bot.core.visits import Visits
from bot.documents.host import Host
from bot.documents.render import Printer, qr_data_uri
from bot.services.booking import new_code
from bot.services.documents import DocumentStore, Entry, Issued

PDF = "application/pdf"
VERIFY_PATH = "/verify/"
CODE_LENGTH = 10  # 32^10 ≈ 1e15 certificate codes: not guessable


@dataclass(frozen=True)
class Printed:
    """An issued document and its PDF."""

    issued: Issued
    pdf: bytes

    def document(self, name: str) -> Document:
        return Document(f"{name}-{self.issued.number.replace('/', '-')}.pdf", self.pdf, PDF)


class Paperwork:
    """Issue and print a visit's documents."""

    def __init__(
        self,
        store: DocumentStore,
        printer: Printer,
        host: Host,
        *,
        bookings: Bookings,
        visits: Visits,
        contact: dict[str, str],
        public_url: str | None,
        today: Callable[[], date],
    ) -> None:
        self._store = store
        self._printer = printer
        self._host = host
        self._bookings = bookings
        self._visits = visits
        self._contact = contact
        self._public_url = (public_url or "").rstrip("/")
        self._today = today

    async def _print(self, kind: str, context: dict[str, Any]) -> bytes:
        return await asyncio.to_thread(self._printer.pdf, kind, context)

    async def _approved(self, code: str) -> BookingView:
        booking = await self._bookings.get(code)
        if booking is None:
            raise BookingError("staff.unknown_code", code=code.upper())
        if booking.status is not Status.APPROVED:
            raise BookingError("documents.not_approved", code=booking.code)
        return booking

    async def _agenda(self, booking: BookingView) -> list[dict[str, Any]]:
        await self._visits.ensure_agenda(booking.code)
        return [
            {"day": day, "time": f"{item.starts:%H.%M}–{item.ends:%H.%M}", "title": item.title}
            for day in range(1, booking.days + 1)
            for item in await self._visits.agenda(booking.code, day)
        ]

    async def letter(self, code: str) -> Printed:
        """The visit's confirmation letter: the one for its current dates, issued now (with a
        new number, naming the one it replaces) if the dates changed or there is none."""
        booking = await self._approved(code)
        dates = date_span(booking.start_date, booking.days)
        current = await self._store.current("letter", booking.code)
        if current is None or current.data.get("dates") != dates:
            data = {
                "host": self._host.as_dict(), "issued": plain_date(self._today()),
                "contact_name": booking.contact_name, "org_name": booking.org_name,
                "origin": booking.origin, "dates": dates, "participants": booking.participants,
                "venue": self._host.address, "code": booking.code,
                "agenda": await self._agenda(booking),
                "contact": {
                    "name": self._contact["contact_name"], "role": self._contact["contact_role"],
                    "phone": self._contact["phone"],
                },
            }  # fmt: skip
            (current,) = await self._store.issue(
                "letter", booking.code, self._host.letter_number, [Entry(data)],
                replace_latest=True,
            )  # fmt: skip
        return Printed(current, await self._print("letter", current.context()))

    async def attendance(self, code: str, day_index: int) -> bytes:
        """The attendance list of one visit day: who joined, then blank rows up to the
        delegation's size (at least five), a column to sign."""
        booking = await self._approved(code)
        if not 1 <= day_index <= booking.days:
            raise BookingError("documents.no_such_day", code=booking.code, days=booking.days)
        names = [name for name, _, _ in await self._visits.participants(booking.code)]
        rows = names + [""] * max(booking.participants - len(names), 5)
        day = booking.start_date.toordinal() + day_index - 1
        return await self._print("attendance", {
            "host": self._host.as_dict(), "org_name": booking.org_name, "origin": booking.origin,
            "code": booking.code, "day_index": day_index,
            "day": long_date(date.fromordinal(day)), "rows": rows, "joined": len(names),
        })  # fmt: skip

    async def certificates(self, code: str) -> dict[tuple[str, str], Printed]:
        """A certificate for every participant who joined, keyed by (channel, chat); issued
        once per participant (a rerun of the job prints the same numbers again)."""
        booking = await self._approved(code)
        have = await self._issued_certificates(booking)
        people = await self._visits.participants(booking.code)
        new = [
            (name, channel, chat) for name, channel, chat in people if (channel, chat) not in have
        ]
        have.update(await self._issue_certificates(booking, new))
        return {
            key: Printed(issued, await self._print("certificate", self._certificate(issued)))
            for key, issued in have.items()
        }

    async def certificate(self, code: str, channel: str, chat_id: str) -> Printed | None:
        """One participant's certificate, asked for again after the visit ("sertifikat saya
        belum dapat"): the one issued with the thanks, or issued now if the thanks has not
        gone yet; None when the chat did not join the visit."""
        booking = await self._approved(code)
        issued = (await self._issued_certificates(booking)).get((channel, chat_id))
        if issued is None:
            people = await self._visits.participants(booking.code)
            mine = [person for person in people if person[1:] == (channel, chat_id)]
            if not mine:
                return None
            issued = (await self._issue_certificates(booking, mine))[(channel, chat_id)]
        return Printed(issued, await self._print("certificate", self._certificate(issued)))

    async def _issued_certificates(self, booking: BookingView) -> dict[tuple[str, str], Issued]:
        return {
            (issued.data["channel"], issued.data["chat_id"]): issued
            for issued in await self._store.of_booking("certificate", booking.code)
        }

    async def _issue_certificates(
        self, booking: BookingView, people: list[tuple[str, str, str]]
    ) -> dict[tuple[str, str], Issued]:
        """New certificates for `people` (name, channel, chat) of a visit, numbered in one
        transaction."""
        titles = [item["title"] for item in await self._agenda(booking)]
        topics = list(dict.fromkeys(title for title in titles if self._host.is_topic(title)))
        common = {
            "host": self._host.as_dict(), "org_name": booking.org_name, "topics": topics,
            "dates": date_range(booking.start_date, booking.days),
            "issued": plain_date(booking.end_date),
        }  # fmt: skip
        new = [
            Entry({**common, "name": name, "channel": channel, "chat_id": chat},
                  verify_code=new_code(CODE_LENGTH))
            for name, channel, chat in people
        ]  # fmt: skip
        pattern = self._host.certificate_number
        issued = await self._store.issue("certificate", booking.code, pattern, new) if new else []
        return {(one.data["channel"], one.data["chat_id"]): one for one in issued}

    def _certificate(self, issued: Issued) -> dict[str, Any]:
        url = f"{self._public_url}{VERIFY_PATH}{issued.verify_code}"
        return {**issued.context(), "url": url, "qr": qr_data_uri(url)}

    async def receipt(self, code: str, amount: int) -> Printed:
        """A receipt for a payment; a second one for the same visit is a correction that
        voids the first and names its number."""
        booking = await self._approved(code)
        dates = date_range(booking.start_date, booking.days)
        data = {
            "host": self._host.as_dict(), "issued": plain_date(self._today()),
            "payer": f"{booking.contact_name}, {booking.org_name}",
            "amount": format_rupiah(amount), "amount_value": amount,
            "words": terbilang(amount, currency=True, case="sentence"),
            "purpose": self._host.receipt_for.format(org=booking.org_name, dates=dates),
        }  # fmt: skip
        (issued,) = await self._store.issue(
            "receipt", booking.code, self._host.receipt_number, [Entry(data)],
            replace_latest=True,
        )  # fmt: skip
        return Printed(issued, await self._print("receipt", issued.context()))

    async def verify(self, verify_code: str) -> Issued | None:
        """The certificate behind a verification code, if it is genuine."""
        if not verify_code.isalnum() or len(verify_code) > CODE_LENGTH:
            return None
        return await self._store.verified(verify_code)

    async def verification_page(self, verify_code: str) -> tuple[str, bool]:
        """The public page for a code, and whether the certificate is genuine."""
        certificate = await self.verify(verify_code)
        html = self._printer.page("verify", {
            "host": self._host.as_dict(), "certificate": certificate, "code": verify_code[:16],
        })  # fmt: skip
        return html, certificate is not None
