"""The conversation engine: one `Incoming` in, a list of `Reply` out, state kept in the store.

Every decision lives here so that Telegram, WhatsApp and the console behave the same; the
channels only translate.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType

from bot.core.answers import INFORMATIONAL, Answers, certificate_asked, not_had
from bot.core.booking import FOLLOW_UP, FORM_LEFT, HOW_LONG, SENDER_KIND, normalise_phone
from bot.core.courtesy import (
    daypart,
    defers,
    greeting_in_kind,
    greets_by_time,
    laughs,
    sign_intent,
    writes_english,
)
from bot.core.feasts import names_feast
from bot.core.flow import OFFER_BOOKING, Flow, Handler, Relay, StaffRoom
from bot.core.guard import Guard
from bot.core.keywords import KeywordMatcher
from bot.core.knowledge import Program
from bot.core.locks import KeyedLocks
from bot.core.menus import main_menu
from bot.core.messages import Button, Incoming, Kind, Reply
from bot.core.nlu import FALLBACK, LIKELY, OFF_TOPIC, SURE, NluClient, NluResult, NluUnavailable
from bot.core.notify import StaffDesk
from bot.core.payloads import Space, decode, encode
from bot.core.state import ConversationState, StateStore
from bot.core.texts import COURTESY_TAIL, Texts
from nlu.codes import find_codes
from nlu.numbers import DAYS_IN_TEXT, group_size

log = logging.getLogger(__name__)

MAX_NLU_CHARS = 1000  # a 5,000-character letter still gets classified by its opening
# Intents a button may ask for: never anything that changes data on its own.
BUTTON_INTENTS = INFORMATIONAL | {
    "ask_availability", "book_visit", "check_booking", "ask_programs", "human_handoff",
    "ask_agenda", "join_visit",
}  # fmt: skip
# Small talk is never offered as a "did you mean" topic.
NOT_TOPICS = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", OFF_TOPIC, "bot_challenge", FALLBACK}
)
MISSES_BEFORE_HANDOFF = 2
# A "did you mean" topic must be a real guess: under this, the model saw nothing of it in the
# message (keyboard mash gets a ranking too), and the menu is the honest offer.
TOPIC_CONFIDENCE = 0.15
# Buttons the engine answers itself; every other namespace belongs to one flow (Flow.spaces).
ENGINE_SPACES = frozenset({Space.MENU, Space.INTENT, Space.PROGRAM})
# A request this short that the model is unsure of, naming a topic by its keyword, is
# answered ("info alamatnya aja"); a longer one says more than its keyword.
SHORT = 8
MAX_CLAUSES = 6  # a long letter is read for its first few questions only
# "biaya berapa, bisa nginap dimana, trus makanan halal?": questions come apart at commas too.
# No sentence ends at an abbreviation: "Dinas Koperasi Kab. Pesisir Selatan berencana …" is one.
_ABBREVIATIONS = ("kab", "kec", "kel", "prov", "ds", "jl", "yth", "bpk", "sdr", "no", "dr", "ir")
_SENTENCE_END = re.compile(
    "".join(rf"(?<!\b{word}\.)" for word in _ABBREVIATIONS) + r"(?<=[.?!;\n])\s+", re.I
)
_CLAUSE_BREAK = re.compile(
    r"\?+|"
    + "".join(rf"(?<!\b{word})" for word in _ABBREVIATIONS)
    + r"[.;,\n]+|\s+(?:dan|serta|sekalian|juga|terus|trus|trs|lalu|kemudian|soalnya|karena)\s+"
    # what a run-on line asks comes after its "mau tanya" ("… saya dari kud … lamongan mau
    # tanya kalau kunjungan kesana biayanya berapa …": console, read as how visits go)
    + r"|\s+(?:mau|ingin|mo|pengen)\s+(?:tanya|nanya|bertanya|menanyakan)"
    + r"(?:\s+(?:kalau|kalo|klo|soal|tentang|mengenai))?\s+"
    + r"|(?:^|\s+|:\s*)\(?\d{1,2}[).]\s+",  # a numbered list: "1) biaya … 2) apakah …"
    re.I,
)
BOOK = "book_visit"
SPEAKER = "speaker"  # BMI invited to speak elsewhere: no intent of the model's, remembered
INTRODUCED = "introduced"  # who the sender is, told and welcomed: remembered as well
VISITED = "visited"  # a past visit told ("kami sudah kunjungan ke BMI bulan lalu"): remembered
ENGLISH = "english"  # told the chat is in Indonesian: remembered, said once a chat
BMI_OTHER = "bmi_other"  # BMI's other business asked (membership): its follow-ups go there too
OFFER_HANDOFF = "offer_handoff"
OFFER_INTEREST = "booking.offer_interest"  # an interest told: the topic kept, a visit offered
# What the user sent that the bot cannot read, by the channels' media types; kept for staff.
_MEDIA_KINDS = frozenset({"photo", "image", "document", "voice", "audio", "video", "video_note"})
MAX_FILES = 3
# What "iya" accepts while an offer is open (the offer is `state.step` outside any flow).
OFFERED = MappingProxyType({OFFER_HANDOFF: "human_handoff", OFFER_BOOKING: BOOK})
# "bisa di bulan September?", "tanggal 14 bisa?": whether a time can be, the time beside it.
_CAN_WHEN = re.compile(
    r"\b(?:bisa|bisakah|boleh|bolehkah)\b[^.?!]{0,30}\b(?:bulan|tanggal|tgl|minggu|hari)\b"
    r"|\b(?:bulan|tanggal|tgl|minggu|hari)\b[^.?!]{0,30}"
    r"\b(?:bisa|bisakah|boleh|bolehkah|kosong|tersedia)\b"  # "… bulan Mei, ada jadwal kosong?"
    # "… tanggal 20-21 April 2027. Apakah tersedia?" (console, an LPD from Kuta: the cost alone)
    r"|\b(?:bulan|tanggal|tgl)\b[^?!]{0,40}\.\s*(?:apakah|apa)\s+(?:masih\s+)?(?:tersedia"
    r"|kosong|bisa)\b"
    # "… akhir bulan Februari 2027. … Mohon informasi terkait ketersediaan jadwal, biaya, …"
    # (console, a Dinas from Lombok Tengah: the cost and requirements alone)
    r"|\bketersediaan\s+(?:jadwal|tanggal|waktu|slot)"
    # "… minggu ketiga Februari 2027 … apakah jadwal tersebut memungkinkan" (console, Jambi)
    r"|\bjadwal\s+(?:tersebut|itu|tsb|ini)\s+(?:masih\s+)?(?:memungkinkan|bisa|tersedia"
    r"|kosong)\b",
    re.IGNORECASE,
)
FOLLOW_UP_WORDS = 6
# "kl mau daftar gmn caranya?", "cara daftarnya bagaimana?": how to book, not a booking yet.
_HOW_TO_BOOK = re.compile(
    r"\b(?:daftar|mendaftar|booking)(?:nya)?\b.{0,25}\b(?:caranya|gimana|gmn|gmana|bagaimana)\b"
    r"|\bcara(?:nya)?\s+(?:daftar|mendaftar|booking)(?:nya)?\b",
    re.IGNORECASE,
)
# "How to book" read as any of these is still that: not as off-topic ("cara daftar cpns").
_ABOUT_VISITS = frozenset({"ask_visit_info", "ask_visit_requirements"})
# A letter's opening sent on its own line ("Dengan hormat,", "Yth. Bapak Pimpinan Koperasi
# BMI", "Bapak Sehnuri yang kami hormati": a pesantren in the console got staff's contact
# card): what it asks comes next.
_LETTER_OPENING = re.compile(
    r"^\W*(?:(?:dengan\s+hormat|(?:kepada\s+)?yth)\b[^?\n]{0,50}"
    r"|[^?\n]{0,50}\byang\s+(?:kami\s+|saya\s+)?(?:hormati|terhormat)\W*)$",
    re.I,
)
RESEARCH = "ask_research"
# A program just described, remembered with its id: "syaratnya apa?" next asks of it.
PROGRAM_SHOWN = "program:"
PAID = "paid"  # a payment told, remembered: "buktinya kirim ke mana?" is its proof
# A clause's reading under the floor is still taken when it is this sure and this many times
# surer than the next reading: a short question the model has one plain reading of.
CLEAR, CLEAR_LEAD = 0.4, 4
MIN_GROUP = 5  # students this many or more come as a group: a visit, not research
# A wish to come said as such, the visit right after the wish ("kami mau studi banding ke
# BMI", "bermaksud melaksanakan kunjungan", "kitong mau pigi belajar di bmi", "mau
# silaturahmi sekaligus …"); "mau tanya tentang studi banding" asks.
_WISH_TO_COME = re.compile(
    r"\b(?:mau|ingin|hendak|akan|berencana|rencana|rencananya|bermaksud|pengen|pingin)\s+"
    r"(?:(?:melakukan|mengadakan|melaksanakan)\s+)?(?:studi\s+(?:banding|tiru)|kunjungan"
    r"|berkunjung|datang|(?:pigi\s+)?belajar\s+(?:ke|di)|(?:ber)?silaturah(?:mi|im)"
    # "mau bawa mahasiswa kuliah lapangan ke bmi" (console, a lecturer: no offer)
    r"|(?:mem)?bawa\s+(?:rombongan|mahasiswa|siswa|murid|peserta|anggota|pengurus))\b",
    re.IGNORECASE,
)
# A word of moving a visit: "diganti", "diundur", "dipindah ke …".
_MOVED = re.compile(
    r"\b(?:di)?(?:ganti|ubah|pindah(?:kan)?|undur|geser|majukan|tukar)\b", re.IGNORECASE
)
# Whether they may come, asked: "apakah bisa kunjungan kerja ke BMI …?", "boleh studi banding?"
_CAN_VISIT = re.compile(
    r"\b(?:bisa|boleh|dapat|bisakah|bolehkah)\s+(?:kami\s+)?(?:melakukan\s+|mengadakan\s+)?"
    r"(?:kunjungan|studi\s+(?:banding|tiru)|berkunjung|datang\s+ke)\b",
    re.IGNORECASE,
)
# A visit from afar: "lewat zoom", "secara daring" (visits are in person: no offer).
_ONLINE = re.compile(
    r"\b(?:zoom|online|daring|virtual|gmeet|google\s+meet|jarak\s+jauh|webinar)\b", re.IGNORECASE
)
# A price asked of the visit, not of what was just answered: "biaya kunjungannya berapa?".
_OF_VISIT = re.compile(r"\b(?:kunjung\w*|studi|rombongan\w*|peserta\w*|per\s*or(?:an)?g)\b", re.I)
# A program seen on the visit: "melihat proses produksi mesin beras", "praktik langsung".
_SEE = re.compile(r"\b(?:melihat|lihat|liat|praktik|praktek)\b", re.IGNORECASE)
# The word after one of wishing that makes it none: "mohon maaf", "minta maaf"; "mau tanya",
# Sundanese "bade naros", Javanese "badhe tanglet" (a question comes, no visit: console).
_NO_WISH_AFTER = frozenset(
    {"maaf", "ampun", "tanya", "nanya", "bertanya", "tny", "naros", "tanglet", "takon"}
)
# "sy ketua koperasi karyawan …", "saya bendahara KSP …", "nama saya Yuliana": who they are.
_INTRODUCTION = re.compile(
    r"\b(?:saya|sy|kami|aku|beta|kulo|abdi|ambo)\s+(?:\w+\s+){0,2}?(?:ketua|bendahara"
    r"|sekretaris|pengurus|pengawas|manajer|manager|staf|staff|kepala|kabid|kasi|anggota"
    r"|mahasiswa|mahasiswi|dosen|guru|pegawai|karyawan)\b|\bnama\s*(?:saya|sy|ku)\b",
    re.IGNORECASE,
)


class Engine:
    """Decide the replies to each user event."""

    def __init__(
        self,
        nlu: NluClient,
        store: StateStore,
        answers: Answers,
        texts: Texts,
        keywords: KeywordMatcher,
        *,
        flows: Sequence[Flow] = (),
        staff: StaffRoom | None = None,
        desk: StaffDesk | None = None,
        handoff: Relay | None = None,
        guard: Guard | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._now = now  # venue-local, for "selamat pagi/siang/sore/malam"
        self._guard = guard
        self._handoff = handoff
        self._nlu = nlu
        self._store = store
        self._answers = answers
        self._t = texts
        self._keywords = keywords
        self._flows = tuple(flows)  # asked in this order whether an event is theirs
        self._staff = staff
        self._desk = desk
        self._locks = KeyedLocks()
        self._handlers: dict[str, Handler] = {
            "greet": self._greet,
            "affirm": self._affirm,
            "deny": self._deny,
            OFF_TOPIC: self._out_of_scope,
            "ask_programs": self._programs,
        }
        for flow in self._flows:
            self._handlers |= flow.intents()
        if handoff is not None:
            start_handoff = handoff.start

            async def to_staff(
                event: Incoming, result: NluResult | None, text: str, state: ConversationState
            ) -> list[Reply]:
                files, state.files = state.files, []
                return await start_handoff(event, files)

            self._handlers["human_handoff"] = to_staff

    async def handle(self, event: Incoming) -> list[Reply]:
        """Answer one event; events of one conversation are handled one at a time, in order.
        Past the user's message budget, an event is stored but not answered."""
        conversation = event.conversation
        over = self._over_budget(event)
        if over:  # received (in the transcript), not acted on, not queued
            try:
                await self._store.receive(event.channel, conversation, describe(event))
            except Exception:  # a flood is not answered either way; the cause goes to the log
                log.exception("could not keep a message past the budget in %s", event.channel)
            return [Reply(self._t("limit.slow_down"))] if over == 1 else []
        async with self._locks((event.channel, conversation)):
            try:
                state = await self._store.receive(
                    event.channel, conversation, describe(event), handoffs_of=event.chat_id
                )
                replies = await self._dispatch(event, state)
                state.answered = [_crc(describe(event)), *_answer_crcs(replies)]
                await self._store.save(
                    event.channel, conversation, state, [r.text for r in replies]
                )
            except Exception:  # the user always gets an answer; the cause goes to the log
                log.exception("could not handle %s event in %s", event.kind, event.channel)
                return [Reply(self._t("error.internal"), self._menu_buttons())]
            return replies

    def _over_budget(self, event: Incoming) -> int:
        """How far past the minute's budget this user is; staff in their group have none."""
        if self._guard is None or (
            self._desk is not None and self._desk.is_desk(event.channel, event.chat_id)
        ):
            return 0
        return self._guard.messages_over((event.channel, event.user_id))

    async def _dispatch(self, event: Incoming, state: ConversationState) -> list[Reply]:
        if self._desk is not None and self._desk.is_desk(event.channel, event.chat_id):
            return await self._staff.handle(event, state) if self._staff else []
        if self._handoff is not None and state.staffed:  # the store knows when none is open
            escalation = await self._handoff.active(event)
            if escalation is not None:  # with staff: the bot relays and stays quiet
                return await self._handoff.relay(event, escalation, describe(event))
        if event.kind is Kind.START:
            started = await self._in_flow(event, None, "", state) if event.payload else None
            return started if started is not None else self._menu(state, greeting="")
        if event.kind is Kind.BUTTON:
            pressed = decode(event.payload)
            if pressed is None or pressed.space not in ENGINE_SPACES:
                flow_replies = await self._in_flow(event, None, "", state)
                if flow_replies is not None:
                    return flow_replies
            return await self._button(event, state)
        if event.kind is Kind.CONTACT and state.flow is not None:
            flow_replies = await self._in_flow(event, None, event.phone or "", state)
            if flow_replies is not None:
                return flow_replies
        if event.kind is Kind.MEDIA:
            return self._media(event, state)
        if event.kind is Kind.LOCATION:
            return [Reply(self._t("input.location"), self._menu_buttons())]
        if event.kind is Kind.CONTACT:
            return [Reply(self._t("input.contact"), self._menu_buttons())]
        text = " ".join(event.text.split())
        if not text:
            return [Reply(self._t("input.empty"), self._menu_buttons())]
        return self._courteous(text, self._staff_once(await self._text(event, text, state)))

    async def _text(self, event: Incoming, text: str, state: ConversationState) -> list[Reply]:
        """The answer to a written message (its greeting is answered by the caller)."""
        if self._t.says(text, "words.menu"):
            return self._menu(
                state, greeting=text if text.lower() in {"/start", "mulai"} else None
            )
        if state.flow is None and laughs(text):
            return [Reply(self._t("smalltalk.laugh"), self._menu_buttons())]
        if (recognised := await self._recognised(event, text, state)) is not None:
            return await self._asked_beside(text, recognised) if state.flow is None else recognised
        result = await self._understand(text, opens=not state.last_intents and not state.flow)
        in_form = state.flow is not None
        flow_replies = await self._in_flow(event, result, text, state)
        if flow_replies is not None:
            return await self._answered_too(text, flow_replies) if in_form else flow_replies
        let_go = in_form and state.flow is None  # "nomor pj ganti jadi 0813…" at the new date
        if let_go and (again := await self._recognised(event, text, state)) is not None:
            return again
        if result is None:
            return [Reply(self._t("nlu.unavailable"), self._menu_buttons())]
        replies = await self._route(event, result, text, state)
        if in_form and state.flow is None and state.paused:
            # The form was put aside for another request, now answered: say it is kept.
            resume = Button(self._t("booking.resume"), encode(Space.INTENT, BOOK))
            replies = [*replies, Reply(self._t("booking.paused"), (resume,))]
        return replies

    async def _recognised(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """What a flow knows by its words alone ("gabung KODE", "nomor baru 0813…")."""
        for flow in self._flows:
            if (recognised := await flow.recognise(event, text, state)) is not None:
                return recognised
        return None

    async def _in_flow(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """Replies of the flow this event belongs to; None when it belongs to none. A
        conversation in progress is its own flow's alone."""
        if state.flow is not None:
            owner = next((f for f in self._flows if state.flow in f.names), None)
            return await owner.resume(event, result, text, state) if owner else None
        pressed = decode(event.payload) if event.kind is Kind.BUTTON else None
        if pressed is not None:
            owner = next((f for f in self._flows if pressed.space in f.spaces), None)
            return await owner.resume(event, result, text, state) if owner else None
        for flow in self._flows:
            replies = await flow.resume(event, result, text, state)
            if replies is not None:
                return replies
        return None

    async def _understand(self, text: str, *, opens: bool = False) -> NluResult | None:
        """Ask the NLU server; while it is down, fall back to keywords (None: no idea). An
        emoji that says something on its own (🙏, 👍) or a knock ("P") needs no model; a 🙏
        that `opens` the chat greets, as it does on WhatsApp ("Sama-sama" answered nothing)."""
        said = sign_intent(text)
        if said is not None:
            return NluResult(intent="greet" if opens and said == "thank" else said, confidence=1.0)
        try:
            return self._a_group_visits(await self._nlu.parse(text[:MAX_NLU_CHARS]), text)
        except NluUnavailable as error:  # /healthz and the start-up watch report the outage
            log.info("NLU unavailable, using keywords: %s", error)
        intent = self._keywords.match(text)
        return NluResult(intent=intent, confidence=1.0) if intent else None

    def _a_group_visits(self, result: NluResult, text: str) -> NluResult:
        """ "saya dosen …, ingin membawa mahasiswa 45 orang untuk kuliah lapangan ke BMI"
        (research 0.55, console: told research is staff's; without the 45 too, console, a
        lecturer from Tangerang): research, an interview or an internship is a student's
        alone; a group of students, counted or brought, comes for a visit."""
        if result.intent != RESEARCH:
            return result
        size = result.entity("participants")
        if (size is not None and int(size.value) >= MIN_GROUP) or self._t.mentions(
            text, "words.group_brought"
        ):
            return replace(result, intent="ask_visit_info")
        return result

    async def _route(
        self, event: Incoming, result: NluResult, text: str, state: ConversationState
    ) -> list[Reply]:
        asks = self._t.asks(text)
        # "kode tadi apa ya?" read as a faint "yes" (0.23): a question is no yes or no.
        unclear = result.unclear or (
            asks and result.intent in {"affirm", "deny"} and result.confidence < SURE
        )
        if (aside := await self._said_aside(event, result, text, asks, state)) is not None:
            return aside
        offered = OFFERED.get(state.step or "")
        if offered is None and (
            self._t.says(text, "words.booking.can_we") or self._t.says(text, "words.bare_question")
        ):
            # A bare "bisa?" asks about what came before; the model reads it as an online
            # visit (0.71: "bisa" is frequent there). Asked what is meant, not answered wrong;
            # so is a bare "brp" (off-topic in the console: a dead end).
            return self._fallback(result, text, state)
        if taken := await self._offer_answered(event, result, text, state, unclear=unclear):
            return taken
        first = next((intent for intent, _ in result.ranking if intent != FALLBACK), None)
        if unclear and first == "reschedule_booking" and _MOVED.search(text):
            # "pak tanggalnya mau diganti jadi 22 januari bisa?" after sending (rescheduling
            # 0.40 beside free days 0.39, console, a KSP from Cirebon: not understood)
            result, unclear = replace(result, intent="reschedule_booking"), False
        when = (
            result.confidence < SURE
            and not self._t.mentions(text, "words.registered")  # "kami jadi berangkat besok"
            and self._asks_when_to_come(result, text, asks)
        )
        if when:
            # "kami mau studi tiru tentang Jawara …, kira-kira bisa di bulan September?"
            # (ask_programs 0.43): whether they can come then, the free days of that time,
            # before the message's other questions (`_every_question`)
            result, unclear = replace(result, intent="ask_availability"), False
        if not when and (unclear or result.intent == BOOK or result.confidence < LIKELY) and asks:
            answered = await self._by_clause(text, result, state)
            if answered:
                state.misses = 0
                return answered
        result, unclear = self._reread(result, text, asks, unclear)
        silent = not asks and (
            unclear or result.intent == OFF_TOPIC or self._only_who(result, text)
        )
        if silent and (welcome := self._welcome(result, text, state)) is not None:
            return welcome
        if unclear:
            return self._fallback(result, text, state)
        state.misses = 0
        if not asks and result.confidence < LIKELY and self._t.mentions(text, "words.interest"):
            # "kami tertarik dengan model spin off …" (BMI's profile, 0.39): kept as the topic
            return [self._offer_booking(state, OFFER_INTEREST)]
        if result.intent == BOOK and event.kind is Kind.TEXT and self._tells_only(text):
            # its facts are kept for the form (overheard); the plan welcomed, not "sekalian"
            return [self._offer_booking(state, "booking.offer_plan")]
        replies = await self._answer(event, result.intent, result, text, state)
        if result.intent in INFORMATIONAL or (asks and result.intent == "ask_availability"):
            return await self._every_question(text, result.intent, replies, state)
        return replies

    def _reread(
        self, result: NluResult, text: str, asks: bool, unclear: bool
    ) -> tuple[NluResult, bool]:
        """The reading corrected by what the message plainly says, and whether it is still
        unclear."""
        if (not asks or unclear) and self._requests_visit(result, text, asks):
            # A letter: "bermaksud … tanggal …, 25 orang"; asking whether it can be ("… 60
            # siswa … minggu ketiga Januari. Apakah bisa?"): the free days of that time.
            result = replace(result, intent="ask_availability" if asks else BOOK)
            unclear = False
        elif not asks and self._tells_group(result):
            result, unclear = replace(result, intent=BOOK), False
        elif not asks and (unclear or result.confidence < LIKELY) and self._registers(text):
            # "alhamdulillah. kalau begitu saya daftarkan ya pak" (not understood, console)
            result, unclear = replace(result, intent=BOOK), False
        coordinates = result.intent == "join_visit" and self._t.mentions(text, "words.coordinator")
        unsure = unclear or result.confidence < LIKELY
        if (result.intent == BOOK or unsure or coordinates) and self._t.mentions(
            text, "words.registered"
        ):
            # "saya koordinator rombongan … yg sudah daftar kunjungan" (a booking, 0.73, or
            # joining a visit, 0.6, console: a new form began, an invite code was asked for),
            # "mau konfirmasi, kami jadi berangkat besok" (not understood: tomorrow's
            # availability), "kodenya belum saya simpan": their booking shown, or where to
            # find it; "…, yang daftar lewat telpon ke pak sehnuri" (contact 0.29, console)
            result, unclear = replace(result, intent="check_booking"), False
        if unsure and asks and self._t.mentions(text, "words.approval_asked"):
            # "sudah di acc belum pak perubahannya?" (moving the visit, 0.32, console: "which
            # new date?"): where the request stands
            result, unclear = replace(result, intent="check_booking"), False
        if result.intent == "ask_visit_info" and result.entity("program") and _SEE.search(text):
            # "untuk kunjungan apakah bisa sekaligus melihat proses produksi mesin beras skala
            # mikro?" (console, Lampung Tengah: how visits go): the program, and a visit for it
            result = replace(result, intent="ask_programs")
        if result.intent == "reschedule_booking" and _resizes(result):
            # "pak, pesertanya nambah jadi 30 orang bisa?" after sending: no new date but a
            # new group size, which staff decide; the request goes to them, not "which date?"
            result = replace(result, intent="human_handoff")
        return result, unclear

    async def _every_question(
        self, text: str, answered: str, replies: list[Reply], state: ConversationState
    ) -> list[Reply]:
        """ "Berapa biayanya, dan suratnya ditujukan ke siapa?": every question of a message
        gets its answer, in the order asked, not only the one the whole message reads as;
        a plan announced beside them ("kami … berencana studi tiru ke BMI. Berapa biayanya
        …?") gets the booking offered after the answers, so that "iya boleh" starts it. The
        sentences that ask are read first: a letter's salam, introduction and plan came
        before its three questions, which the first few clauses left out (console, a KSPPS
        from Pekanbaru: only the free days answered)."""
        asked_in = self._questions_of(text)  # a letter's questions come last
        every = asked_in if len(asked_in) >= 2 else self._unannounced(question_clauses(text))
        clauses = every[:MAX_CLAUSES]
        days_shown = answered == "ask_availability"  # free days offer themselves
        if len(clauses) < 2:
            comes = not days_shown and self._comes(text)
            return [*replies, self._offer_booking(state)] if comes else replies
        ordered: list[Reply] = []
        readings = await self._readings(clauses)
        asked = _intents(readings.values(), SURE)
        if RESEARCH in asked and (group_size(text) or 0) >= MIN_GROUP:  # "kami mahasiswa …
            del asked[RESEARCH]  # mau kunjungan … utk tugas mata kuliah, sekitar 45 org" (console)
        for intent, reading in asked.items():
            if intent == answered:
                ordered += replies
            elif answer := self._plain_answer(reading, text):
                ordered.append(answer)
        ordered = ordered if answered in asked else replies + ordered
        # free days answered offer themselves ("Ingin langsung mendaftar?")
        plans = not days_shown and (self._comes(text) or await self._plans(text, readings))
        return [*ordered, self._offer_booking(state)] if plans else ordered

    def _questions_of(self, text: str) -> list[str]:
        """The clauses of a message's asking sentences, less one that only says a question
        follows ("assalamualaikum pak, saya dari kantor camat mau tanya, apakah bisa …?":
        BMI's location, 0.58, console, a sub-district office)."""
        return self._unannounced(question_clauses(text, self._t.asks))

    def _unannounced(self, clauses: list[str]) -> list[str]:
        """The clauses less those that only say a question follows ("Bpk, sy mau tanya":
        how visits go, 0.41, console: the visit's description before the prayer's answer)."""
        announced = tuple(self._t.words("words.wants_to_ask"))
        return [clause for clause in clauses if not _unaddressed(clause).endswith(announced)]

    def _comes(self, text: str) -> bool:
        """Whether a message says they wish to come, asking nothing or only whether they may
        ("bu, kami rombongan ibu2 PKK mau belajar bikin warung kaya di BMI,
        bisa?", "apakah bisa kunjungan kerja ke BMI untuk perangkat desa …?", console: how
        visits go, no offer)."""
        if not self._t.asks(text):
            return _WISH_TO_COME.search(text) is not None
        if _CAN_VISIT.search(text):  # "apakah bisa kunjungan kerja ke BMI untuk …?" (console)
            return _ONLINE.search(text) is None  # "… bisa studi banding lewat zoom saja?"
        wish = _WISH_TO_COME.search(text) is not None or self._t.mentions(text, "words.interest")
        last = [part for part in re.split(r"[,.;!?\n]+", text) if part.strip()][-1:]
        return wish and bool(last) and self._t.says(last[0], "words.booking.can_we")

    async def _answered_too(self, text: str, replies: list[Reply]) -> list[Reply]:
        """ "kira-kira biayanya berapa ya bu, dan apakah bisa dapat sertifikat?" where a
        form asks the group size (console: only the certificate answered): the form answers
        one question and asks its step again; every question's answer goes before that
        step, in the order asked. Only when the form answered one of them (it took no answer
        from the message)."""
        if len(replies) < 2:
            return replies
        answers = await self._clause_answers(text)
        said = {answer.text for answer in answers}
        if said.isdisjoint(reply.text for reply in replies):
            return replies
        others = [reply for reply in replies[:-1] if reply.text not in said]
        return [*others, *answers, replies[-1]]

    async def _asked_beside(self, text: str, replies: list[Reply]) -> list[Reply]:
        """ "kalau kunjungan hari sabtu bisa? terus biayanya berapa? sama ada sertifikat?"
        (console, a BUMDes: only Saturday answered): what a flow knew by its words answers
        one question; the message's other questions get theirs after it, in the order
        asked."""
        said = {reply.text for reply in replies}
        others = [answer for answer in await self._clause_answers(text) if answer.text not in said]
        return [*replies, *others]

    async def _clause_answers(self, text: str) -> list[Reply]:
        """The plain answers of a message's questions read one by one, in the order asked;
        none for a message that asks one thing."""
        clauses = self._questions_of(text)[:MAX_CLAUSES]
        if len(clauses) < 2:
            return []
        readings = await self._readings(clauses)
        return [
            Reply(answer.text)
            for reading in _intents(readings.values(), SURE).values()
            if (answer := self._plain_answer(reading, text)) is not None
        ]

    async def _by_clause(
        self, text: str, result: NluResult, state: ConversationState
    ) -> list[Reply]:
        """A message that asks, read clause by clause when as a whole it announces a visit
        or is too mixed to read ("Kami bermaksud studi banding. Mohon informasi biaya dan
        kepada siapa surat ditujukan?" is book_visit 0.47 / ask_letters 0.44): its questions
        are answered and, when it announces a visit, the booking offered, not started
        (asking is not booking). No question read: no replies."""
        clauses = self._questions_of(text)[:MAX_CLAUSES]
        readings = await self._readings(clauses)
        asked = _intents(readings.values(), LIKELY)
        answers = [
            answer for reading in asked.values() if (answer := self._plain_answer(reading, text))
        ]
        if not answers:
            return []
        replies = [Reply(answer.text) for answer in answers]
        offers = result.intent == BOOK or BOOK in asked or self._comes(text)
        if not offers and not await self._plans(text, readings):
            return replies
        return [*replies, self._offer_booking(state)]

    async def _plans(self, text: str, known: Mapping[str, NluResult]) -> bool:
        """Whether a clause that asks nothing announces a visit ("Dengan hormat, kami …
        bermaksud melaksanakan studi banding ke Koperasi BMI Grup."): the booking is
        offered after the answers. Clauses already read (`known`) are not asked again. A
        wish makes a modest reading enough ("Kami mau studi banding soal warung desa", 0.54),
        or any reading when the clause names the date and the group ("… rencana studi banding
        ke BMI 2 hari tgl 8-9 april 2027 peserta 33 orang.", visit info 0.37, console)."""
        statements = [clause for clause in question_clauses(text) if not self._t.asks(clause)]
        # the plan first: a letter's salam, apology and introduction came before it (console,
        # a Dinas from Lombok Tengah: no offer after seven clauses)
        told = sorted(statements, key=lambda clause: not _WISH_TO_COME.search(clause))
        told = told[:MAX_CLAUSES]
        readings = {**known, **await self._readings([c for c in told if c not in known])}
        return any(
            (reading := readings.get(clause)) is not None and self._announces(reading, clause)
            for clause in told
        )

    async def _offer_answered(
        self,
        event: Incoming,
        result: NluResult,
        text: str,
        state: ConversationState,
        *,
        unclear: bool,
    ) -> list[Reply] | None:
        """The answer to the offer just made (the booking, a person): yes, no, or what takes
        it ("1 hari", the contact); None without an offer or when this is no answer to it."""
        offered = OFFERED.get(state.step or "")
        if offered is None:
            return None
        asks = self._t.asks(text)
        # "baik pak terima kasih infonya" (thanks, 0.98; console, a Sleman cooperative: the
        # form began) closes the enquiry; "iya mohon dibantu" (the fallback) takes the offer
        thanks = result.intent == "thank" and result.confidence >= SURE
        if not asks and not thanks and self._t.yes_first(text):
            result, unclear = replace(result, intent="affirm", confidence=1.0), False
        if result.intent in {"affirm", "deny"} and not unclear:
            state.step = None
            if result.intent == "affirm":
                return await self._answer(event, offered, result, text, state)
            return self._menu(state)
        registered = self._t.mentions(text, "words.registered")  # "… yang daftar lewat telpon"
        if offered == BOOK and not asks and not registered and _takes_offer(result, text, unclear):
            state.step = None
            return await self._answer(event, BOOK, result, text, state)
        return None

    def _announces(self, reading: NluResult, clause: str) -> bool:
        """Whether a clause that asks nothing announces a visit: booking read surely, or
        modestly beside a wish; or any reading that names the date and the group beside one,
        or either beside a visit ("Kami rencana kunjungan ke BMI tgl 9 Maret 2027", the group
        after a comma: availability 0.35, console, Sidoarjo)."""
        wish = self._wishes(_words(clause))
        if reading.intent == BOOK:
            return reading.confidence >= LIKELY or wish
        named = [reading.entity(name) is not None for name in ("date", "participants")]
        visit = self._t.mentions(clause, "words.visit_words")
        comes = _WISH_TO_COME.search(clause) is not None  # "kami mau studi banding ke BMI"
        return comes or (wish and (all(named) or (visit and any(named))))

    def _plans_unsurely(self, result: NluResult, text: str) -> bool:
        """ "Om Swastiastu, kami dari LPD Desa Adat Ubud ingin studi banding tentang …"
        (book_visit 0.32 beside visit info 0.31: the fallback; console, welcomed as an
        introduction alone): booking among the first two readings, and a wish to come."""
        first_two = [intent for intent, _ in result.ranking if intent != FALLBACK][:2]
        return BOOK in first_two and self._wishes(_words(text))

    def _requests_visit(self, result: NluResult, text: str, asks: bool) -> bool:
        """A formal letter requesting a visit ("Dinas … bermaksud melaksanakan kunjungan studi
        tiru … tanggal 17 Februari 2027 … peserta 25 orang"), read by the model as a question
        about visits because a letter says so much more: book_visit (or, when it asks,
        availability) among the first two, none of them sure, and the message names a date
        and a group size and wishes to come."""
        if result.intent == BOOK or result.confidence >= SURE:
            return False
        wanted = {BOOK, "ask_availability"} if asks else {BOOK}
        first_two = [intent for intent, _ in result.ranking if intent != FALLBACK][:2]
        if not wanted.intersection(first_two):
            return False
        if result.entity("date") is None or result.entity("participants") is None:
            return False
        return self._wishes(_words(text))

    def _asks_when_to_come(self, result: NluResult, text: str, asks: bool) -> bool:
        """A message that wishes to come and asks whether it can be at a time it names ("…
        bisa di bulan September 2027?", "tanggal 14 bisa?"), whatever else it mentions; or
        that the model cannot read, takes a time and asks nothing ("yaudah deh kami ambil
        bulan depan aja", console, Karawang: not understood)."""
        if not asks:
            told = result.entity("date") is not None and self._wishes(_words(text))
            return result.unclear and told
        moves = result.intent == "reschedule_booking" and result.confidence >= LIKELY
        # "… rombongan 12 orang pada tanggal 19 Januari 2027. Apakah bisa diterima?" (console,
        # a Dinas from Bima: the letters question alone answered)
        sentences = _SENTENCE_END.split(text)
        can = _CAN_WHEN.search(text) is not None or any(
            self._t.says(sentence, "words.booking.can_we") for sentence in sentences
        )
        when = result.entity("date") is not None or names_feast(text)  # "bulan Ramadhan"
        # "kalau setelah lebaran?" right after (console, a pesantren: not understood)
        follow_up = FOLLOW_UP.match(text) is not None and len(_words(text)) <= FOLLOW_UP_WORDS
        return (
            not moves  # "kalau mau ganti tanggal ke 27 januari bisa?" moves a booking (0.79)
            and when
            and ((can and self._wishes(_words(text))) or follow_up)
        )

    def _registers(self, text: str) -> bool:
        """Whether a message asks to be registered ("saya daftarkan", `words.register`),
        takes nothing back ("tidak jadi didaftarkan", `words.not_yes`) and says no
        registration was made already ("iya sudah daftar kemarin", `words.registered`)."""
        return self._t.mentions(text, "words.register") and not (
            self._t.mentions(text, "words.not_yes") or self._t.mentions(text, "words.registered")
        )

    def _tells_group(self, result: NluResult) -> bool:
        """ "baik bu, kalau begitu kami bawa 55 orang saja", read as the requirements question
        (0.23): a message that asks nothing, that the model is unsure of and that names a
        group size tells of the visit; the booking is offered with it kept."""
        return (
            result.intent != BOOK
            and result.confidence < LIKELY
            and result.entity("participants") is not None
        )

    def _only_who(self, result: NluResult, text: str) -> bool:
        """A booking read unsurely from a message that says nothing of a visit (no wish, no
        visit named, no date or group): "kami dari koperasi karyawan RSUD dr Soetomo
        surabaya" (0.24, console: its "plan" was welcomed) says who they are; so does a past
        visit told, however sure ("… kami sudah kunjungan ke BMI bulan lalu", 0.26). Any
        unsure reading of a message that introduces its sender is that introduction: "sy
        manajer KSPPS Baitul Qiradh dari Banda Aceh" (getting there, 0.22, console: the
        route from the airport)."""
        if result.intent == BOOK and self._visited(text):
            return True
        if result.confidence >= LIKELY or (
            result.intent != BOOK and not _INTRODUCTION.search(text)
        ):
            return False
        named = result.entity("date") or result.entity("participants")
        visit = self._wishes(_words(text)) or self._t.mentions(text, "words.visit_words")
        return named is None and not visit

    def _visited(self, text: str) -> bool:
        """A past visit told, and no new one wished ("pernah ke BMI, mau datang lagi" asks
        for one)."""
        return self._told_visit(text) and not self._wishes(_words(text))

    def _told_visit(self, text: str) -> bool:
        """A past visit told ("… kami sudah kunjungan ke BMI bulan lalu", `words.visited`),
        not denied ("kami belum pernah berkunjung ke BMI", `words.not_visited`)."""
        return self._t.mentions(text, "words.visited") and not self._t.mentions(
            text, "words.not_visited"
        )

    def _tells_only(self, text: str) -> bool:
        """ "kami rombongan 35 orang pengurus dan pengawas": a message about the visit that
        neither asks to book nor wishes to come (no word of `words.booking.wish`); a short
        one ("studi banding") is a request as it stands."""
        words = _words(text)
        return len(words) > 3 and not self._wishes(words)

    def _wishes(self, words: list[str]) -> bool:
        """Whether the words ask to book or wish to come (`words.booking.wish`); the "mohon"
        of "mohon maaf mengganggu" apologises, the "bade" of "bade naros" announces a question
        (console: an introduction's "plan" welcomed)."""
        wished = self._t.words("words.booking.wish")
        return any(
            word in wished and following not in _NO_WISH_AFTER
            for word, following in zip(words, [*words[1:], ""], strict=True)
        )

    def _offer_booking(self, state: ConversationState, key: str = "booking.offer") -> Reply:
        """ "Mau sekalian kami bantu daftarkan?": asking about a visit is not booking one;
        `key`, the words of the offer."""
        state.step = OFFER_BOOKING
        book = Button(self._t("button.book"), encode(Space.INTENT, BOOK))
        menu = Button(self._t("button.menu"), encode(Space.MENU))
        return Reply(self._t(key), (book, menu))

    async def _readings(self, clauses: list[str]) -> dict[str, NluResult]:
        """How each clause reads, in order (none for those neither the model nor a keyword
        can read)."""
        readings = {}
        for clause in clauses:
            if _LETTER_OPENING.match(clause):  # "Yth. Bapak/Ibu Pengurus Koperasi BMI": whom a
                continue  # letter is to, no question (BMI's profile, 0.56: console, Sleman)
            if (reading := await self._understand(clause)) is not None:
                readings[clause] = reading
        return readings

    async def _answer(
        self, event: Incoming, intent: str, result: NluResult, text: str, state: ConversationState
    ) -> list[Reply]:
        state.remember_intent(intent)
        state.step = None
        handler = self._handlers.get(intent)
        if handler is not None:
            return await handler(event, result, text, state)
        answer = self._answers.for_intent(intent, text)
        if answer is None:
            log.error("no answer for intent %r", intent)
            return [Reply(self._t("fallback.unknown"), self._menu_buttons())]
        before = state.answered  # the message before and the answers it got
        asked = before[:1] == [_crc(describe(event))]
        again = _crc(answer.text) in before[1:] and intent in INFORMATIONAL  # not "Sama-sama"
        if event.kind is Kind.TEXT and again and not asked:
            # the same answer asked for in other words: what it lacks is staff's to tell (the
            # same words again, or an update handled again after a process died, get it whole)
            return [Reply(self._t("knowledge.same_answer", **self._answers.main_contact()))]
        return [answer]

    async def _button(self, event: Incoming, state: ConversationState) -> list[Reply]:
        """Buttons come back as untrusted strings: only known payloads do anything."""
        pressed = decode(event.payload)
        if pressed is not None and pressed.space is Space.MENU:
            return self._menu(state)
        if (
            pressed is not None
            and pressed.space is Space.INTENT
            and pressed.value in BUTTON_INTENTS
        ):
            state.misses = 0
            intent = pressed.value
            return await self._answer(event, intent, NluResult(intent, 1.0), "", state)
        if pressed is not None and pressed.space is Space.PROGRAM:
            program = self._answers.knowledge.program(pressed.value)
            if program is not None:
                state.remember_intent(PROGRAM_SHOWN + program.id)
                return [self._answers.program(program)]
        log.info("unknown button payload %r", (event.payload or "")[:64])
        return [Reply(self._t("input.stale_button"), self._menu_buttons())]

    def _fallback(self, result: NluResult, text: str, state: ConversationState) -> list[Reply]:
        """Not understood: a short request naming its topic by keyword answered; else the
        likeliest topics as buttons, first the one a keyword names ("oke deh, kalau gitu
        alamatnya aja": the location, which the model ranked nowhere); from the second miss
        in a row, a person offered."""
        if writes_english(text):  # not a miss: said in a language the model does not read
            return [Reply(self._t("fallback.english", **self._answers.main_contact()))]
        named = self._keywords.match(text)
        if named in INFORMATIONAL and len(text.split()) <= SHORT and self._t.asks(text):
            # "oke deh, kalau gitu info alamatnya aja": a short request naming its topic
            answer = self._answers.for_intent(named, text)
            if answer is not None:
                state.misses = 0
                return [answer]
        state.misses += 1
        if state.misses >= MISSES_BEFORE_HANDOFF:
            state.misses = 0
            state.step = OFFER_HANDOFF
            return [Reply(self._t("fallback.offer_handoff"), self._handoff_buttons())]
        ranked = [
            intent
            for intent, confidence in result.ranking
            if intent not in NOT_TOPICS
            and intent in BUTTON_INTENTS
            and confidence >= TOPIC_CONFIDENCE
        ]
        if named in BUTTON_INTENTS and named not in NOT_TOPICS:
            ranked = [named, *(intent for intent in ranked if intent != named)]
        topics = ranked[:2]
        if topics == ["human_handoff"]:  # "ya" takes it ("saya mau ngomong sama orang
            state.step = OFFER_HANDOFF  # beneran", then "ya": "Ada lagi?", console)
        buttons = tuple(
            Button(self._t(f"topic.{intent}"), encode(Space.INTENT, intent)) for intent in topics
        )
        text = self._t("fallback.clarify") if buttons else self._t("fallback.clarify_menu")
        return [Reply(text, (*buttons, Button(self._t("button.menu"), encode(Space.MENU))))]

    async def _said_aside(
        self, event: Incoming, result: NluResult, text: str, asks: bool, state: ConversationState
    ) -> list[Reply] | None:
        """What is answered by its words whatever the reading: BMI invited to speak, what the
        model is unsure of but its words tell (`_told_by_words`), a request waited for ("pak
        kok lama sekali belum dikonfirmasi ya?": unclear in the console), something to do
        first ("Baik pak, kami siapkan dulu suratnya", read as a question about letters in
        the console: told to come back when ready), a call not answered ("maaf pak td sy tlp
        tp g diangkat": off-topic in the console), how to book ("kl mau daftar gmn
        caranya?", read as how visits go: told it is done here, offered)."""
        if (invited := self._invited(text, state)) is not None:
            return invited
        if asks and (followed := self._program_followed(text, state)) is not None:
            return [followed]
        if asks and (price := self._price_followed(result, text, state)) is not None:
            return [price]
        if (told := self._told_by_words(result, text, asks, state)) is not None:
            return told
        if result.confidence < SURE and self._t.mentions(text, "words.waiting"):
            sorry = Reply(self._t("booking.waiting", **self._answers.main_contact()))
            return [sorry, *await self._answer(event, "check_booking", result, text, state)]
        if (
            asks
            and _HOW_TO_BOOK.search(text)
            and result.intent in {BOOK, FALLBACK, *_ABOUT_VISITS}
        ):
            return [Reply(self._t("booking.how_to")), self._offer_booking(state)]
        if asks and HOW_LONG.search(text) and result.intent in {FALLBACK, *_ABOUT_VISITS}:
            # "… Biasanya berapa lama prosesnya sampai dapat konfirmasi?" (how visits go, 0.53,
            # console, a credit union from Sikka: the visit's sessions)
            review = Reply(self._t("booking.review_time", **self._answers.main_contact()))
            comes = _WISH_TO_COME.search(text) is not None
            return [review, self._offer_booking(state)] if comes else [review]
        if not asks and defers(text):
            state.step = None
            return [Reply(self._t("smalltalk.later"), self._menu_buttons())]
        if self._t.mentions(text, "words.missed_call"):  # "td sy tlp tp g diangkat"
            return [Reply(self._t("fallback.missed_call", **self._answers.main_contact()))]
        if self._t.mentions(text, "words.call_me"):  # "tolong telpon saya di 0812…" (staff's
            # contact, 0.24), "kapan bisa ditelpon?" (free days, 0.51: console, Malang)
            return [self._person_offered(state, "fallback.call_back", "fallback.call_contact")]
        if self._t.mentions(text, "words.privacy"):  # "data saya aman gak disini?" (unclear),
            # "tolong hapus data saya" (off-topic: console)
            return [self._person_offered(state, "fallback.privacy")]
        if self._t.mentions(text, "words.complaint"):  # "saya mau komplain" (off-topic, console)
            alone = "fallback.complaint_contact"
            return [self._person_offered(state, "fallback.complaint", alone)]
        if self._t.mentions(text, "words.unanswered"):  # "kok ga dibales" (a "no", 0.48)
            state.step = OFFER_HANDOFF
            unanswered = self._t("fallback.unanswered", **self._answers.main_contact())
            return [Reply(unanswered, self._handoff_buttons())]
        return None

    def _told_by_words(
        self, result: NluResult, text: str, asks: bool, state: ConversationState
    ) -> list[Reply] | None:
        """What the model reads unsurely as the nearest topic but its words tell: a question
        announced ("mau tanya", a letter's opening alone), a letter sent by email, a
        participant's care (small children, a pregnancy, a clinic: whatever the reading), a
        big group split in two, a payment made, the cafe, BMI's figures, what only staff can
        send or allow (a brochure, photos, a partnership); None for anything else."""
        if self._t.says(text, "words.wants_to_ask") or _LETTER_OPENING.match(text):
            # "mau tanya" (visit info, 0.64); "Dengan hormat," sent alone, the letter to follow
            # (console: staff's contact, 0.24)
            return [Reply(self._t("menu.ask_away"), self._menu_buttons())]
        if (
            self._t.mentions(text, "words.join_program")
            and not self._t.mentions(text, "words.visit_words")
            and (result.entity("program") or self._answers.knowledge.find_program(text))
        ):  # "kalau aku mau daftar beasiswa itu bisa?" (a booking, 0.29, console)
            joining = self._t("programs.join", **self._answers.main_contact())
            return [Reply(joining, self._menu_buttons())]
        contact = self._answers.main_contact()
        if writes_english(text) and (
            ENGLISH not in state.last_intents or (asks and result.confidence < SURE)
        ):  # "Good morning, … Can we visit BMI in March?" (greet 0.25, console); the first
            # one whatever its reading (a booking, 0.81: offered in Indonesian, console)
            state.remember_intent(ENGLISH)
            return [Reply(self._t("fallback.english", **contact))]
        if (sent := self._answers.letter_sent(text)) is not None:
            return [sent]  # "… lewat email minggu lalu, apakah sudah diterima?" (0.83)
        if (allowed := self._staff_allows(text, asks, state)) is not None:
            return [allowed]
        if (other := self._bmi_other(text, asks, state, result.confidence < SURE)) is not None:
            return [other]
        if result.confidence >= SURE:
            return None
        if asks and self._t.mentions(text, "words.split_group"):
            # "berarti dibagi 2 rombongan?" after the group limit (joining a visit, 0.3)
            return [Reply(self._t("fallback.split", **contact))]
        if asks and self._t.mentions(text, "words.account"):
            # "nomor rekening untuk transfer DP apa?" (off-topic, 0.54; it was thanked for a
            # payment, console): how to pay is the cost's answer, staff's until it is filled
            return [self._answers.cost()]
        if self._t.mentions(text, "words.paid") or (
            state.last_intents[-1:] == [PAID] and self._t.mentions(text, "words.proof")
        ):  # "kami sudah transfer DP pak, mohon dicek" (a booking check, 0.66); "buktinya …?"
            state.remember_intent(PAID)
            return [Reply(self._t("fallback.paid", **contact))]
        if asks and (
            cafe := self._answers.told_of(text, "cafe") or self._answers.told_of(text, "model")
        ):
            return [cafe]  # "cafe kopi rindoe benteng buka jam berapa?" (the agenda, 0.39),
            # "spin off itu maksudnya gimana?" (not understood, console)
        if asks and self._answers.asks_figures(text):
            # "anggotanya berapa?" (shopping at Warung Anggota, 0.39): BMI's profile
            return [self._answers.figures()]
        if asks and self._t.mentions(text, "words.staff_matter") and not self._asks_more(text):
            # "kak bisa kirim proposal atau brosur kunjungan?" (the requirements, 0.47)
            return [Reply(self._t("fallback.staff_matter", **contact), self._menu_buttons())]
        return None

    def _staff_allows(self, text: str, asks: bool, state: ConversationState) -> Reply | None:
        """A question of what only staff can allow, whatever the model reads: a participant's
        care ("bu kalau bawa anak kecil boleh?", the requirements, 0.91, console), the
        enquirers' own products ("… bawa produk UMKM anggota kami untuk dipamerkan di BMI,
        boleh?", shopping at Warung Anggota: "Bisa. …", console), how to pay ("… bisa bayar
        pakai qris?", the same), a pickup, a refund if the visit is called off, another
        language, who receives the group or whether a leader will be there, whether this
        chat is BMI's or a payment asked elsewhere is genuine, the certificate of a visit
        made ("mau minta sertifikatnya, belum dapat" after "kami sudah kunjungan ke BMI bulan
        lalu": the before-booking answer, console; a chat with a visit on record gets its own
        from `CertificateRequests`); None for anything else."""
        contact = self._answers.main_contact()
        # "apa benar ini nomor resmi koperasi BMI?" (a greeting, 0.8: the menu), "ada yang
        # minta transfer DP atas nama pribadi" (told to send the proof: console)
        for checked in ("scam", "official"):
            if self._t.mentions(text, f"words.{checked}"):
                return Reply(self._t(f"fallback.{checked}", **contact), self._menu_buttons())
        if certificate_asked(text, asks) and (
            not_had(text) or VISITED in state.last_intents or self._told_visit(text)
        ):
            return Reply(self._t("fallback.certificate_past", **contact), self._menu_buttons())
        if not asks:
            return None
        if self._t.mentions(text, "words.care_needs") and not self._asks_more(text):
            return Reply(self._t("fallback.care", **contact), self._menu_buttons())
        if any(
            self._t.mentions(text, f"words.{key}")
            for key in ("own_products", "payment_means", "pickup")
        ):  # "… bisa bayar pakai qris?" (shopping: "Bisa. …", console); "bisakah BMI membantu
            # menjemput kami di bandara?" (getting there, 0.92: the route, console)
            return Reply(self._t("fallback.staff_matter", **contact), self._menu_buttons())
        if self._t.mentions(text, "words.refund"):  # "kalau nanti kami batal, DP nya bisa
            # kembali?" (cancelling, 0.7, console: "no active booking in this chat")
            return Reply(self._t("fallback.refund", **contact), self._menu_buttons())
        if self._t.mentions(text, "words.language"):  # "bisa pakai bahasa inggris?" (the
            # dress code, 0.51, console), "ada penerjemah …?"
            return Reply(self._t("fallback.language", **contact), self._menu_buttons())
        if self._t.mentions(text, "words.host"):  # "nanti yang menerima rombongan kami
            # siapa ya?" (how visits go, 0.67), "pak kamaruddin ada di tempat kan?" (console)
            return Reply(self._t("fallback.host", **contact), self._menu_buttons())
        return None

    def _asks_more(self, text: str) -> bool:
        """Whether a message naming a staff matter or a participant's care asks something
        else too ("… brosur? berapa biayanya?"): a clause that asks and names none; "peserta
        kebanyakan ibu2, ada yg bawa balita boleh?" only tells before its question."""
        return any(
            self._t.asks(clause)
            and not self._t.mentions(clause, "words.staff_matter")
            and not self._t.mentions(clause, "words.care_needs")
            for clause in question_clauses(text)
        )

    def _price_followed(
        self, result: NluResult, text: str, state: ConversationState
    ) -> Reply | None:
        """ "harga berapa kira2?" right after the lodging answer (or getting there: console, a
        Kupang cooperative: the visit's cost, 0.52) asks the price of what was just answered,
        which staff tell; None for anything else, a visit named ("biaya kunjungannya?")."""
        shown = state.last_intents[-1:]
        if result.intent != "ask_visit_cost" or shown not in (["ask_lodging"], ["ask_transport"]):
            return None
        if len(_words(text)) > FOLLOW_UP_WORDS or _OF_VISIT.search(text):
            return None
        return Reply(self._t("knowledge.same_answer", **self._answers.main_contact()))

    def _program_followed(self, text: str, state: ConversationState) -> Reply | None:
        """A short question of the program just described ("syaratnya apa?" after Beasiswa
        Paket C: the visit's requirements; "lima pilarnya apa saja?" after TOT 5 Pilar: the
        program list, console): its details, staff's while the sources do not give them;
        None for anything else, another program or a visit named."""
        shown = state.last_intents[-1] if state.last_intents else ""
        program = self._answers.knowledge.program(shown.removeprefix(PROGRAM_SHOWN))
        if not shown.startswith(PROGRAM_SHOWN) or program is None or len(text.split()) > 6:
            return None
        if not self._t.mentions(text, "words.program_details") or self._t.mentions(
            text, "words.visit_words"
        ):
            return None
        if self._answers.knowledge.find_program(text) is not None or not program.placeholder:
            return None  # another program named, or its details filled in: answered as such
        contact = self._answers.main_contact()
        state.remember_intent(shown)
        return Reply(
            self._t("programs.follow_up", name=program.name, placeholder=program.placeholder,
                    **contact)
        )  # fmt: skip

    def _invited(self, text: str, state: ConversationState) -> list[Reply] | None:
        """BMI asked to speak at the enquirer's event (console, a Dinas from Lebak: unclear to
        the model), and what follows about it ("biayanya untuk narasumber berapa?", read as
        the cost of a visit): left to staff; None for any other message."""
        if (answer := self._answers.speaker(text)) is not None:
            state.remember_intent(SPEAKER)
            return [answer]
        if state.last_intents[-1:] == [SPEAKER] and self._t.mentions(text, "words.speaker"):
            return [Reply(self._t("speaker.again", **self._answers.main_contact()))]
        return None

    def _welcome(
        self, result: NluResult, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """A message that asks nothing the model can read, but says who the sender is ("sy
        ketua koperasi karyawan PT Semen Tonasa, pangkep sulsel", off-topic in the console)
        or greets ("Assalamu alaikum. Maaf mengganggu waktunya"): welcomed and asked what
        they need (who they are is kept for a booking, overheard); a contact number sent
        alone is kept and the booking offered; None otherwise."""
        if (phone := normalise_phone(text)) is not None:  # "Rudi, 0822 1100 9988" (console)
            state.misses = 0  # the contact, sent a turn after the offer: kept (overheard)
            noted = Reply(self._t("booking.phone_noted", phone=phone))
            return [noted, self._offer_booking(state)]
        if self._visited(text):  # "kami sudah kunjungan ke BMI bulan lalu" (its "plan" welcomed)
            state.misses = 0
            state.remember_intent(VISITED)
            return [Reply(self._t("courtesy.visited"), self._menu_buttons())]
        who = _INTRODUCTION.search(text) or SENDER_KIND.search(text)  # "dari koperasi karyawan"
        if who or result.entity("organization") is not None:
            state.misses = 0
            if self._plans_unsurely(result, text):  # "kami dari LPD … ingin studi banding …"
                return [self._offer_booking(state, "booking.offer_plan")]
            again = state.last_intents[-1:] == [INTRODUCED]  # "Kami dapat nomor ini dari …"
            state.remember_intent(INTRODUCED)
            key = "menu.again" if again else "courtesy.introduced"
            return [Reply(self._t(key), self._menu_buttons())]
        if self._opening(text) is not None:
            return self._menu(state, greeting=text)
        return None

    def _media(self, event: Incoming, state: ConversationState) -> list[Reply]:
        """A photo, a document, a voice note: the bot cannot read it, but it is often what
        staff need (a photo of the letter of request, a payment's proof): kept, and staff
        offered, who get it with the chat; without a staff group, where to send it. A
        sticker (no file), or one sent inside a form, gets the plain answer."""
        if event.media_id is None or state.flow is not None:
            return [Reply(self._t("input.media"), self._menu_buttons())]
        kind = event.media_type or ""
        what = self._t(f"input.media_kind.{kind}" if kind in _MEDIA_KINDS else "input.media_any")
        if self._handoff is None:
            contact = self._answers.main_contact()
            return [Reply(self._t("input.media_to_contact", what=what, **contact))]
        sent = {"id": event.media_id, "type": kind, "caption": event.text}
        state.files = [*state.files, sent][-MAX_FILES:]
        state.step = OFFER_HANDOFF
        handoff = Button(self._t("button.handoff"), encode(Space.INTENT, "human_handoff"))
        menu = Button(self._t("button.menu"), encode(Space.MENU))
        return [Reply(self._t("input.media_for_staff", what=what), (handoff, menu))]

    def _menu(self, state: ConversationState, greeting: str | None = None) -> list[Reply]:
        """The main menu; with `greeting` (what the user wrote, "" for /start), a welcome
        that first answers their greeting."""
        state.flow = state.step = None
        state.misses = 0
        if greeting is None:
            return [Reply(self._t("menu.prompt"), self._menu_buttons())]
        opening = self._opening(greeting) or self._t("courtesy.hello")
        return [Reply(f"{opening}\n{self._t('menu.greeting')}", self._menu_buttons())]

    def _opening(self, text: str) -> str | None:
        """The answer to a salam (or another faith's greeting) or a "selamat pagi" in the
        user's message, if it has one."""
        if (kind := greeting_in_kind(text)) is not None:
            return self._t(f"courtesy.{kind}")
        if greets_by_time(text) and self._now is not None:
            return self._t("courtesy.daypart", daypart=daypart(self._now()))
        return None

    def _staff_once(self, replies: list[Reply]) -> list[Reply]:
        """Several answers that each end with "Untuk rincian lebih lanjut, silakan hubungi
        …" (a message asking four things, console) say it once, after the last of them."""
        footer = "\n\n" + self._t("knowledge.ask_staff", **self._answers.main_contact())
        ending = [n for n, reply in enumerate(replies) if reply.text.endswith(footer)]
        return [
            replace(reply, text=reply.text.removesuffix(footer)) if n in ending[:-1] else reply
            for n, reply in enumerate(replies)
        ]

    def _courteous(self, text: str, replies: list[Reply]) -> list[Reply]:
        """A salam is answered with salam whatever else was asked, before the answer."""
        opening = self._opening(text)
        if opening is None or not replies or replies[0].text.startswith(opening):
            return replies
        first = replies[0]
        return [replace(first, text=f"{opening}\n{first.text}"), *replies[1:]]

    def _menu_buttons(self) -> tuple[Button, ...]:
        return main_menu(self._t)

    def _person_offered(self, state: ConversationState, key: str, alone: str = "") -> Reply:
        """`key`'s answer with a person offered where there is a staff group (its step set,
        so that "iya" takes it); without one, `alone`'s answer (or `key`'s) with the menu.
        For a call asked for (the bot cannot call: staff get the chat, number and all), what
        the chat keeps of someone (staff delete it on request) and a complaint."""
        contact = self._answers.main_contact()
        if self._handoff is None:
            return Reply(self._t(alone or key, **contact), self._menu_buttons())
        state.step = OFFER_HANDOFF
        return Reply(self._t(key, **contact), self._handoff_buttons())

    def _handoff_buttons(self) -> tuple[Button, ...]:
        """A person offered (the offer's step is set by the caller), or the menu."""
        handoff = Button(self._t("button.handoff"), encode(Space.INTENT, "human_handoff"))
        return (handoff, Button(self._t("button.menu"), encode(Space.MENU)))

    async def _greet(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """The welcome; a second hello right after it ("p", then "min") is answered short,
        not with the whole welcome again (console), unless it says who they are ("sy Riko
        dari BUMDes Sejahtera …" after a salam: "Ada yang bisa kami bantu?", console)."""
        if result is not None and (_INTRODUCTION.search(text) or result.entity("organization")):
            return self._welcome(result, text, state) or self._menu(state, greeting=text)
        if state.last_intents[-2:] == ["greet", "greet"] and self._opening(text) is None:
            return [Reply(self._t("menu.again"), self._menu_buttons())]
        return self._menu(state, greeting=text)

    async def _affirm(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """ "lanjut", "iya": resumes a booking put aside, else asks what else is needed; "oke
        boleh didaftarkan" asks to book (console: "Ada lagi yang bisa saya bantu?")."""
        resume = self._handlers.get(BOOK)
        if state.paused and FORM_LEFT not in state.paused and resume is not None:  # put aside
            return await resume(event, None, "", state)
        if resume is not None and self._registers(text):
            return await resume(event, result, text, state)
        return [Reply(self._t("smalltalk.affirm"), self._menu_buttons())]

    async def _deny(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        return [Reply(self._t("smalltalk.deny"), self._menu_buttons())]

    async def _out_of_scope(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """Not a question this chat answers; one about BMI's other business ("cara jadi
        anggota koperasi BMI gimana?", "bisa pinjam modal usaha di BMI?": console, a dead
        end) is given a person to ask."""
        if self._t.mentions(text, "words.bmi") or self._t.mentions(text, "words.bmi_business"):
            return [self._bmi_elsewhere(state)]
        return [Reply(self._t("fallback.out_of_scope"), self._menu_buttons())]

    def _bmi_elsewhere(self, state: ConversationState) -> Reply:
        """BMI's other business: the person to ask, remembered so that what follows it goes
        there too (`_bmi_other`)."""
        state.remember_intent(BMI_OTHER)
        elsewhere = self._t("fallback.out_of_scope_bmi", **self._answers.main_contact())
        return Reply(elsewhere, self._menu_buttons())

    def _bmi_other(
        self, text: str, asks: bool, state: ConversationState, unsure: bool
    ) -> Reply | None:
        """BMI's other business asked, read unsurely as another topic ("bisa jadi anggota bmi
        dari luar jawa?", getting there 0.31, console), and what follows it (console, after
        how to become a member: "saya tinggal di serang, bisa gabung?" was asked for a visit's
        invite code, "kalau simpanan pokoknya berapa?" told "di luar layanan kami"): the
        person to ask, the second time said shortly; None for anything else, a visit asked
        about included."""
        if not asks:
            return None
        if unsure and self._t.mentions(text, "words.bmi_business"):
            return self._bmi_elsewhere(state)
        if (
            state.last_intents[-1:] != [BMI_OTHER]
            or not self._t.mentions(text, "words.member_matter")
            or self._t.mentions(text, "words.visit_words")
            or find_codes(text)
        ):
            return None
        return Reply(self._t("fallback.bmi_other_again", **self._answers.main_contact()))

    async def _programs(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        program = self._program_named(result, text)
        if program is None:
            return [self._answers.program_list()]
        shown = PROGRAM_SHOWN + program.id in state.last_intents[-2:]
        state.remember_intent(PROGRAM_SHOWN + program.id)  # "syaratnya apa?" may follow
        if self._t.mentions(text, "words.interest") or _SEE.search(text):
            # "sy tertarik program mesin beras skala mikro, bisa belajar itu di bmi?" (console,
            # a Gapoktan from Ngawi: no visit offered, then "iya boleh daftar" got "Ada lagi?");
            # "… apakah bisa sekaligus melihat proses produksi mesin beras …?"; right after the
            # program's answer, the offer alone ("kalau pas kunjungan bisa lihat langsung kelas
            # paket C nya?": the description again, console)
            offer = self._offer_booking(state, OFFER_INTEREST)
            return [offer] if shown else [self._answers.program(program), offer]
        return [self._answers.program(program)]

    def _program_answer(self, result: NluResult | None, text: str) -> Reply:
        """One program when it is named; else the list."""
        program = self._program_named(result, text)
        return self._answers.program_list() if program is None else self._answers.program(program)

    def _program_named(self, result: NluResult | None, text: str) -> Program | None:
        """The program a message names (entity, else by name or audience in `text`)."""
        entity = result.entity("program") if result is not None else None
        program = self._answers.knowledge.program(str(entity.value)) if entity else None
        if program is None and text:
            knowledge = self._answers.knowledge
            program = knowledge.find_program(text) or knowledge.program_for(text)
        return program

    def _plain_answer(self, reading: NluResult, text: str) -> Reply | None:
        """The answer to one question of a message that asks several: the informational
        ones, and the programs ("… 30 orang. Sekalian mau tanya program unggulan BMI apa
        saja?": console, a Dinas from Aceh Besar; the list, or the program the question
        names); None for a question that is not plain information."""
        if reading.intent == "ask_programs":
            return self._program_answer(reading, "")
        if reading.intent in INFORMATIONAL:
            return self._answers.for_intent(reading.intent, text)
        return None


def describe(event: Incoming) -> str:
    """One transcript line for an incoming event."""
    if event.kind is Kind.TEXT:
        return event.text
    if event.kind is Kind.BUTTON:
        return f"[tombol] {event.payload or ''}"
    if event.kind is Kind.START:
        return f"/start {event.payload or ''}".strip()
    if event.kind is Kind.LOCATION:
        where = f"{event.latitude},{event.longitude}"
        return f"[lokasi] {where} https://maps.google.com/?q={where}"
    if event.kind is Kind.CONTACT:
        return f"[kontak] {event.phone or ''}"
    return f"[{event.media_type or 'media'}] {event.text}".strip()


def question_clauses(text: str, asks: Callable[[str], bool] | None = None) -> list[str]:
    """The questions of a message: "berapa biayanya dan surat ditujukan ke siapa?" ->
    ["berapa biayanya", "surat ditujukan ke siapa"] (parts of two words or more, or one word
    of five letters: "Mohon informasi biaya, persyaratan, dan …"). With `asks`, only the
    sentences that ask: a letter's "Yth. Pengurus Koperasi BMI Grup." is no question."""
    sentences = _SENTENCE_END.split(text)
    return [
        clause
        for sentence in sentences
        if asks is None or asks(sentence)
        for part in _CLAUSE_BREAK.split(sentence)
        if len((clause := part.strip(" ,")).split()) >= 2 or len(clause) >= 5
    ]


def _unaddressed(clause: str) -> str:
    """A clause's words in lower case, without the courtesy at its end, as `Texts.says`
    strips it ("saya dari kantor camat mau tanya ya pak" -> "… mau tanya")."""
    words = re.findall(r"\w+", clause.lower())
    while len(words) > 1 and words[-1] in COURTESY_TAIL:
        words.pop()
    return " ".join(words)


def _takes_offer(result: NluResult, text: str, unclear: bool) -> bool:
    """Whether a message that asks nothing takes the booking offered: "iyo pak, tolong
    didaftarkan", the contact sent ("Lalu Ahmad, Kabid, 0819…"), or what the visit will be
    or who comes ("1 hari", "Dinas Koperasi UKM Kab. Aceh Besar" after "Ingin langsung
    mendaftar?": console, a BUMDes from Bandung, a Dinas from Aceh Besar)."""
    if result.intent == BOOK and not unclear:
        return True
    if result.intent in INFORMATIONAL and result.confidence >= SURE:
        return False  # "oh jadi Koperasi BMI Grup itu di Tangerang ya": a question after all
    who = result.entity("organization")
    told = result.entity("participants") or result.entity("date")
    visitors = who is not None and "bmi" not in str(who.value).lower()  # not BMI itself
    return (
        told is not None
        or visitors
        or normalise_phone(text) is not None
        or bool(DAYS_IN_TEXT.search(text))
    )


def _resizes(result: NluResult) -> bool:
    """A change asked for that names a group size and no date: the group, not the day."""
    return result.entity("participants") is not None and result.entity("date") is None


def _intents(readings: Iterable[NluResult], floor: float) -> dict[str, NluResult]:
    """The intents the clauses read as (at least `floor` sure, or plainly ahead of any
    other: "dan bagaimana prosedurnya" in a letter is visit info 0.49, the next 0.08), each
    once, in order, with the first clause's reading."""
    asked: dict[str, NluResult] = {}
    for reading in readings:
        runner_up = max((c for i, c in reading.ranking if i != reading.intent), default=0.0)
        ahead = reading.confidence >= CLEAR and reading.confidence >= CLEAR_LEAD * runner_up
        if reading.confidence >= floor or (ahead and not reading.unclear):
            asked.setdefault(reading.intent, reading)
    return asked


def _answer_crcs(replies: list[Reply]) -> list[int]:
    """What the replies said, to know the same answer asked for again at once: each reply's
    text, and the text after its first line too (the salam or "selamat pagi" said before an
    answer: console, "DP nya berapa persen?" got the cost whole again after "selamat sore,
    … nomor rekening untuk DP berapa?")."""
    crcs = [_crc(reply.text) for reply in replies]
    return crcs + [_crc(rest) for reply in replies if (rest := reply.text.partition("\n")[2])]


def _crc(text: str) -> int:
    """A short fingerprint of a text, kept in the state instead of the text."""
    return zlib.crc32(text.encode())


def _words(text: str) -> list[str]:
    """The message's words in lower case, as the word lists are written."""
    return re.findall(r"[\w']+", text.lower())
