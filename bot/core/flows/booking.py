"""Collecting a booking request: the booking conversation (availability and changing a
booking are `availability.py` and `changes.py`).

The booking conversation asks only for what is missing: whatever the first message already
said ("kami dari Dinas Koperasi Sumbar mau studi tiru 27 orang tanggal 13 Juni") fills its
slots. Every answer is validated on the spot and re-asked with the reason; a summary with edit
buttons comes before anything is stored. Slots are JSON in the conversation state, so a
conversation survives a restart half-way.
"""

from __future__ import annotations

import calendar
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any

from bot.core.booking import (
    FORM_LEFT,
    HOW_LONG,
    INITIALS,
    KIND_WORD,
    MAX_DAYS,
    SENDER_KIND,
    BookingError,
    BookingRequest,
    DayFull,
    Places,
    TooMany,
    normalise_phone,
    without_phone,
)
from bot.core.calendar_text import MONTHS, date_span, long_date
from bot.core.courtesy import defers, laughs, sign_intent
from bot.core.flow import Handler
from bot.core.flows.booking_parts import (
    CHANGED_TO,
    EARLIEST,
    BookingParts,
    shift_in,
    weekdays_named,
)
from bot.core.knowledge import Program
from bot.core.messages import Button, Incoming, Kind, Reply
from bot.core.nlu import FALLBACK, LIKELY, SURE, Entity, NluResult
from bot.core.payloads import Space, encode, is_, value_of
from bot.core.render import bookings as render
from bot.core.state import ConversationState
from bot.core.texts import COURTESY_TAIL, has_words
from nlu.dates import MONTHS as MONTHS_READ
from nlu.dates import find_dates
from nlu.numbers import DAYS_IN_TEXT, THINGS_IN_TEXT, find_counts, group_size, words_to_int

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Noted:
    """Not the step's answer, but another step's, taken ("Maret", "35 orang" where the origin
    is asked): said, then the step asked again, and no refusal counted."""

    text: str


# A step's handler: (button payload, the answer as written, state) -> why to ask again (or
# what was taken for another step), or None when the answer was taken.
Filler = Callable[[str, str, ConversationState], Awaitable[str | Noted | Reply | None]]

FLOW = "booking"


class Step(StrEnum):
    """The steps of the booking form, in the order they are asked (docs/flows/booking.mmd
    draws exactly these); each slot step fills the slot of its name."""

    ORG_NAME = "org_name"
    ORG_KIND = "org_kind"
    ORIGIN = "origin"
    PARTICIPANTS = "participants"
    START_DATE = "start_date"
    DAYS = "days"
    TOPICS = "topics"
    CONTACT_NAME = "contact_name"
    CONTACT_PHONE = "contact_phone"
    NOTES = "notes"
    CONFIRM = "confirm"


SLOTS = tuple(step.value for step in Step if step is not Step.CONFIRM)
FREE_TEXT = frozenset({"org_name", "origin", "contact_name", "notes"})
NAMES = FREE_TEXT - {"notes"}  # a note may well be a question ("bisa disediakan makan?")
# Steps whose answers can be checked ("27", "20 Juni", "2 hari", "0812…", a kind).
CHECKED = frozenset({"participants", "start_date", "days", "org_kind", "contact_phone"})
VISIT_SHAPE = frozenset({"participants", "start_date", "days"})  # answers that may say more
CONFIRM = Step.CONFIRM
REQUEST_KEY = "request_key"
PERIOD = "period"  # a period named before the date was asked ("bulan Maret"): offered then
# What an enquiry told that the form could not take (a date on Idulfitri, too many people):
# said when the form starts, not dropped unsaid (console: a Dinas letter for 10-11 Maret 2027).
REFUSED = "refused"
# "eh jangan batal", "tidak jadi batal", "batal batal", "lanjutkan": the form left, wanted back.
_UNDONE = re.compile(
    r"\b(?:jangan|jgn|ga|gak|nggak|ngga|tidak|tdk|enggak)\s+(?:jadi\s+)?"
    r"(?:batal|dibatalkan|dibatalin|cancel)\b|\bbatal\s+batal\b|\blanjut(?:kan)?\b",
    re.IGNORECASE,
)
SENDER = "sender"  # the name the sender introduced themselves by, for "saya sendiri"
DOUBTED = "origin_doubted"  # an origin naming no known region, taken if sent again as it was
KINDS = ("koperasi", "dinas", "lainnya")
# A kind of body written alone, as its button says it: "lembaga lain", "dinas", "koperasi".
_KIND_ALONE = re.compile(
    r"^\W*(koperasi|dinas|pemerintah|instansi\s+pemerintah|lembaga\s+lain(?:nya)?|lainnya)\W*$",
    re.IGNORECASE,
)
MAX_PLACE_WORDS = 4  # "Kabupaten Pesisir Selatan, Sumbar": a place written alone
# Small talk that puts the form aside; requests the engine answers instead, form kept.
PAUSE_INTENTS = frozenset({"thank", "goodbye"})
# Statements said ahead that are the visit's notes ("kami bawa bus sendiri").
NOTE_INTENTS = frozenset({"ask_own_bus", "ask_halal_prayer"})
# Asked where the notes are, a question about the group's needs is a note as well.
NEEDS = NOTE_INTENTS | {"ask_lodging", "ask_transport", "ask_facilities", "ask_dress_code"}
SWITCH_INTENTS = frozenset(
    {"check_booking", "cancel_booking", "reschedule_booking", "human_handoff", "join_visit",
     "ask_agenda", "ask_availability"}
)  # fmt: skip
# Intents of a message about the user's own visit, whose facts the form keeps.
VISIT_TALK = frozenset(
    {"greet", "book_visit", "ask_visit_info", "ask_visit_cost", "ask_visit_requirements",
     "ask_availability", "ask_letters", "ask_receipts", "ask_lodging", "ask_facilities",
     "ask_halal_prayer", "ask_own_bus", "ask_materials", "ask_certificate"}
)  # fmt: skip
# "kita dari kalsel, banjarmasin" (getting there, 0.33, console): where they come from, told
# (a place only if the region data knows one: "saya dari tadi nunggu" names none).
_FROM_US = re.compile(r"^\W*(?:kami|kita|kmi|saya|sy|aku|beta)\s+(?:dari|dr)\b", re.IGNORECASE)
# "apakah bisa lebih dari 60 orang?": the limit asked about, no group size.
_BEYOND = re.compile(r"\b(?:lebih\s+dari|melebihi|di\s*atas)\s+\d", re.IGNORECASE)
# "30", "kira2 30an": a number alone, not one inside a code ("KJ7ABC" is no group of 7)
_BARE_NUMBER = re.compile(r"^\D*?(?<![A-Za-z])(\d{1,4})(?:an)?(?![A-Za-z])\D*$")
_DAY_OF_MONTH = re.compile(r"\b([12]?\d|3[01])\b")
_DAY_NAMED = re.compile(r"\b(?:tanggal|tgl|tangal)\s*([12]?\d|3[01])\b", re.IGNORECASE)
# The writer and their office before the organisation's name, which the tagger joins to it:
# "Nurhayati, Ketua Koperasi Wanita Annisa Kota Padang", "Kepala Dinas Koperasi …".
_ROLE_FIRST = re.compile(
    r"^(?:[^,]{1,40},\s*)?(?:wakil\s+)?(?:ketua|sekretaris|bendahara|pengurus|pengawas|manajer"
    r"|manager|kepala|direktur|pimpinan)\s+(?:dari\s+)?",
    re.IGNORECASE,
)
_NUMBERED = frozenset({"negeri", "n", "smkn", "sman", "smpn"})  # "SMAN 3 Padang": a number
_LETTER_NUMBER = re.compile(r"\d\s*/\s*\w")  # "500/214/Diskopukm/I/2027": a reference
_VENUE = re.compile(r"\bbmi\b", re.IGNORECASE)  # the host, never the visitors
# How a contact introduces the name ("saya sendiri, Pak Rahmat", "atas nama Bu Sari", Kupang
# "beta pung nama Ibu Maria").
_SELF = re.compile(
    r"^(?:(?:saya|sy|aku|beta|kulo|abdi|ambo)\s+(?:sendiri|saja|aja|sj)\b"
    r"|nama\s+(?:saya|sy|aku|beta|ambo)\b"
    r"|(?:saya|sy|aku|beta|sa)\s+(?:pung|punya|pu)\s+nama\b|namanya\b|atas\s+nama\b"
    r"|a\.n\.?|a/n\b|saya\b|sy\b|dengan\b|dgn\b)[\s,:.-]*",
    re.IGNORECASE,
)
# "tanggalnya 20", "tgl jadi 20": a day of the month the visit already has.
_CORRECTED_DAY = re.compile(
    r"\b(?:tanggal|tgl)(?:nya)?\s+(?:jadi\s+)?([12]?\d|3[01])\b(?!\s*(?:orang|org|peserta|hari))",
    re.IGNORECASE,
)
# "kalau 18?", "klo tgl 18 bisa?": another day of the same month, after one was refused.
_FOLLOWED_DAY = re.compile(
    r"^\W*(?:kalau|kalo|klo|kl)\s+(?:tanggal\s+|tgl\s+)?([12]?\d|3[01])"
    r"(?:\s+(?:bisa|gimana|bagaimana|aja|saja))?\W*$",
    re.IGNORECASE,
)
# "Contact person Pak Dodi 0813…", "CP: Bu Rina", "narahubung Sdr. Andi".
# "ini dengan Bu Hj. Aminah dari …", "saya Hendra dari …", "perkenalkan saya Rina, staf …":
# the sender's own name, capitalised, after words that introduce it.
# "sy sendiri, Rudi": the sender, named, is the contact.
_SELF_NAMED = re.compile(
    r"^\s*(?i:(?:saya|sy|aku|beta)\s+(?:sendiri|saja|aja|sj)|nama\s+(?:saya|sy|aku))[\s,:.-]+"
    r"(?P<name>[A-Z][a-z']+(?:\s+[A-Z][a-z']+){0,3})[\s.!]*$"
)
# "nanti yang menghubungi staf saya ya, namanya Rina 0812…": a person named inside a message.
# What follows a count of some of the group, described ("ada 2 peserta pakai kursi roda",
# "2 orang yang vegetarian"), not the group's size.
# "30 orang pakai bus sendiri" is still the group.
_SOME_OF = re.compile(
    r"\s+(?:yang|yg|hamil|sakit|lansia|difabel|disabilitas|vegetarian|alergi"
    r"|(?:pakai|pake|memakai|menggunakan)\s+(?:kursi\s+roda|tongkat|kruk|alat\s+bantu))\b",
    re.IGNORECASE,
)
MAX_PERSON_WORDS = 4  # an honorific and a name written in lower case beside a number
MAX_SIZE_WORDS = 5  # a group size told again where the topic is asked, and nothing else
_NAMED_AS = re.compile(
    r"\b(?i:namanya|bernama|atas\s+nama)\s+"
    r"(?P<name>(?:(?i:bapak|bpk|pak|ibu|bu|sdr|sdri)\.?\s+)?[A-Z][a-z']+(?:\s+[A-Z][a-z']+){0,3})"
)
_SENDER_NAMED = re.compile(
    r"(?i:\b(?:ini\s+dengan|perkenalkan(?:\s+saya)?|nama\s+saya|saya|sy))\s+"
    r"(?P<name>(?:(?i:bapak|bpk|pak|ibu|bu|hj|h|dr|ir|ustadz|ustadzah)\.?\s+)*"
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3})\b"
)
# Capitalised words that are no name ("Saya Mau Bertanya", written in title case).
_NOT_NAMES = frozenset(
    {"mau", "ingin", "akan", "ada", "bisa", "dari", "tanya", "bertanya", "minta", "mohon",
     "izin", "ijin", "sudah", "belum", "sedang", "juga",
     "ketua", "kepala", "sekretaris", "bendahara", "pengurus", "staf", "anggota", "manajer"}
)  # fmt: skip  # an office is no name either ("Saya Ketua Bidang Usaha")
# A request, not a name, where the contact is asked ("… mohon disediakan kursi …").
_NOTE_LIKE = re.compile(
    r"\b(?:mohon|tolong|minta|disediakan|disiapkan|dibantu|butuh|perlu)\b", re.IGNORECASE
)
_CONTACT_CUE = re.compile(
    r"\b(?:contact\s+person|cp|narahubung|pic|penanggung\s+jawab(?:nya)?)\s*[:.-]?\s+",
    re.IGNORECASE,
)
_JOIN = re.compile(r"\s*(?:,|dan|&|\(|\))\s*", re.IGNORECASE)  # parts of one name: "(KPN)" too
# What comes before a contact's name in an answer: "baik pak, kontak saya Bapak Hendra",
# "iya bu, narahubungnya Ibu Sri" (a courtesy, then a cue), kept out of the name.
_CONTACT_LEAD = re.compile(
    r"^(?:(?:baik|oke|ok|iya|ya|siap|nggih|injih|boleh)(?:\s+(?:pak|bu|bapak|ibu|kak|mas|mbak))?"
    r"(?:[\s,.!]+|$))?(?:(?:kontak|cp|narahubung|pic|penanggung\s+jawab)(?:nya)?(?:\s+(?:saya|kami))?"
    r"\s*(?:adalah|yaitu|:)?\s+)?",
    re.IGNORECASE,
)
# "bu, …": the person written to, addressed before a name.
_ADDRESSED = re.compile(r"^(?:pak|bu|bapak|ibu|kak|mas|mbak|min)\s*,\s*", re.IGNORECASE)
# What a letter says it wants to learn: "materi yang diharapkan adalah …", "topik: …".
_WISHED = re.compile(
    r"\b(?:materi|topik|tema)(?:nya)?\b(?:\s+yang\s+(?:diharapkan|ingin\s+(?:kami\s+)?"
    r"(?:pelajari|dipelajari)|diinginkan|kami\s+harapkan))?\s*(?:adalah|yaitu|:|berupa"
    r"|tentang|mengenai)\s+(?P<topics>[^.\n]{3,300})",
    re.IGNORECASE,
)
# An interest told before booking: "kami tertarik dengan model spin off dan unit usaha", "…
# bisa studi banding tentang pengembangan ekonomi desa melalui koperasi".
_INTEREST = re.compile(
    r"\b(?:(?:tertarik|berminat)\s+(?:dengan|pada|akan|untuk)?\s*(?:belajar|mempelajari)?\s*"
    r"(?:tentang|soal|mengenai)?|(?:studi\s+(?:banding|tiru)|belajar|kunjungan(?:\s+belajar)?)"
    r"\s+(?:tentang|mengenai|soal|terkait))\s*(?P<topics>[^.\n?!]{3,300})",
    re.IGNORECASE,
)
# Where they heard of BMI: "kami dapat nomor ini dari Dinas …", "atas saran Dekopinwil …".
_REFERRED = re.compile(
    r"\b(?:dapat|dapet|dpt|mendapat|mendapatkan|memperoleh|diberi|dikasih)\b.{0,25}?"
    r"\b(?:nomor|nomer|no|kontak|info|informasi)\b.{0,25}?\bdari\b"
    r"|\b(?:atas\s+)?(?:saran|rekomendasi|arahan)\s+(?:dari\s+)?"
    r"|\bdirekomendasikan\s+oleh\b",
    re.IGNORECASE,
)
# "kode booking kami tadi apa ya?", "kode pendaftarannya berapa?": asked before it was sent.
_CODE_ASKED = re.compile(r"\bkode\b.{0,30}\b(?:apa|berapa|brp|mana)\b", re.IGNORECASE)
# "tentang pengelolaan simpan pinjam", "ingin belajar Jawara": what they want to learn, written
# where another step is asked (the contact's name), never a name.
_TOPIC_CUE = re.compile(
    r"^\s*(?:tentang|ttg|tntg|mengenai|seputar|terkait|(?:yang\s+)?berkaitan\s+dengan|topik(?:nya)?"
    r"|(?:(?:ingin|mau|pengen)\s+)?belajar)\b",
    re.IGNORECASE,
)
# Any sign of a time in a message the date step could not read ("pertengahan", "tgl brp aja"):
# a date tried, not understood; without one the message was about something else.
_TIME_WORDS = re.compile(
    rf"\d|\b(?:{'|'.join(MONTHS_READ)}|tanggal|tgl|tangal|hari|hr|minggu|mgg|pekan|bulan|bln"
    r"|tahun|thn|awal|akhir|pertengahan|tengah|depan|besok|bsok|lusa|nanti|lebaran|puasa"
    r"|ramadh?an|libur|kapan|kpn|pagi|siang|sore|malam|jam|kemarin|kmrn|sekarang)\b",
    re.IGNORECASE,
)
# The slots the summary shows as they were written, and the field named for its "when".
_SHOWN_AS_IS = ("org_name", "origin", "participants", "contact_name", "contact_phone")
_FIELD_OF = MappingProxyType({"when": "start_date"})
_SUMMARY_ORDER = ("org_name", "org_kind", "origin", "participants", "when", "topics",
                  "contact_name", "contact_phone")  # fmt: skip
# A question of its own beside an answer ("biayanya berapa kalau 25 orang?"), not a yes or no
# asked of the answer ("30 orang, bisa?", "apakah tanggal 3 bisa?").
_ASKS_WHAT = re.compile(
    r"\b(?:berapa|brp|brapa|kapan|kpn|dimana|bagaimana|gimana|gmn|siapa)\b", re.IGNORECASE
)
# Something asked for, not an apology ("mohon maaf"): "konsumsinya mohon yang tidak pedas".
_ASKED_FOR = re.compile(r"\b(?:mohon|tolong|minta|harap)\b(?!\s+maaf)", re.IGNORECASE)
# "tambahkan catatan: butuh proyektor" at the summary: a note added, the summary shown again.
_NOTE_ADDED = re.compile(
    r"\bcatatan(?:nya)?\b\s*(?:[:,-]\s*|\s+(?:bahwa\s+)?)(?P<note>\S.{2,})$", re.IGNORECASE
)
# Honorifics, regional ones too: Makassar/Bugis "Daeng", Minang "Uda"/"Uni", Sundanese
# "Kang"/"Teh", Balinese "Bli", Javanese "Pakde"/"Bude", NTT and Papua "Mama"/"Bapa"/"Kaka",
# Malay "Encik"/"Tuan"/"Puan", "Bunda" (a kindergarten's teacher), Sasak "Lalu"/"Baiq", Aceh
# "Teuku"/"Tgk.", a letter's "Bpk."/"Sdr." and titles ("Dr. Ahmad Fauzi", console).
_HONORIFICS = frozenset(
    {"bu", "ibu", "pak", "bapak", "mas", "mbak", "kak", "bang", "hj", "h", "daeng", "uda",
     "uni", "kang", "teh", "bli", "pakde", "bude", "ustadz", "ustadzah", "mama", "bapa",
     "kaka", "tanta", "om", "encik", "cik", "tuan", "puan", "bunda", "lalu", "baiq", "bpk",
     "sdr", "sdri", "saudara", "saudari", "teuku", "tgk", "dr", "drs", "prof", "ust"}
)  # fmt: skip
# "Kab." and "Dr." go on with the name ("Koperasi Karyawan RSUD Dr. Soekardjo …").
_ABBREVIATED = frozenset({"kab", "kec", "kel", "prov", "dr", "drs", "ir", "prof", "hj", "h"})
# A day that bounds the visit's period rather than naming its day: "sebelum tanggal 20".
_BOUND = re.compile(r"\b(sebelum|setelah|sesudah|lewat)\s+(?:tanggal|tgl)\b", re.IGNORECASE)
# "gelombang 2 …", "kloter kedua …": a second group of the same request, after the first.
_NEXT_WAVE = re.compile(
    r"\b(?:gelombang|gel\.?|kloter|batch|tahap)\s*(?:ke-?\s*)?(?:2|ii|dua|kedua)\b"
    r"(?!\s*(?:orang|org|peserta|hari|bus|mobil))",
    re.IGNORECASE,
)
# "eh ralat, jadi 40 orang ya", "jumlahnya 30 bukan 35": a group size said again, to change it.
_SIZE_RETOLD = re.compile(
    r"\b(?:ralat|koreksi|salah|jadi|menjadi|bukan|(?:di)?ganti|(?:di)?ubah|berubah|bertambah"
    r"|nambah|tambah|berkurang|kurang|maksudnya)\b",
    re.IGNORECASE,
)
# "tanggalnya diganti …", "ralat, jadi …", "diundur ke …": a date said again, to change it.
_RETOLD = re.compile(
    r"\b(?:(?:di)?(?:ganti|ubah|pindah|geser|undur|majukan)|ralat|koreksi|salah|jadi|menjadi"
    r"|mundur|maju|bukan|tanggal(?:nya)?|tgl(?:nya)?)\b",
    re.IGNORECASE,
)
# "tanggalnya ganti 21 januari" at the summary: a new day for the visit.
_DATE_TOLD = re.compile(r"\b(?:tanggal|tgl|jadwal)(?:nya)?\b", re.IGNORECASE)
# "topiknya …", "materinya …": the topics told again where the notes are asked.
_TOPICS_TOLD = re.compile(r"\s*(?:topik|tema|materi)(?:nya)?\b", re.IGNORECASE)
# "tidak ada catatan lain", "sonde ada kebutuhan khusus": what the notes question asks for,
# named after the "no".
_NOTES_NAMED = re.compile(
    r"\s+(?:catatan|kebutuhan(?:\s+khusus)?|permintaan)(?:\s+(?:lain|lainnya|tambahan|khusus))?"
    rf"(?=(?:\s+(?:{'|'.join(COURTESY_TAIL)}))*[\s.,!🙏]*$)",  # "… catatan lain pak"
    re.IGNORECASE,
)
# "nanti kami datang jam 8 pagi", "rombongan tiba sekitar pukul 09.00": the arrival time the
# notes question names, told where another step is asked.
_ARRIVAL = re.compile(
    r"\b(?:datang|tiba|sampai|sampe|nyampe|hadir)\b.{0,30}?\b(?:jam|pukul|pkl)\.?\s*\d",
    re.IGNORECASE,
)
_PLACE_AFTER_NAME = re.compile(r"\s+(?:di|dari)\s+", re.IGNORECASE)  # the place, not the name


# Government other than a dinas, and bodies that are neither a cooperative nor government
# (found in the console: "himpunan mahasiswa jurusan" was refused as a kind again and again).
# No place words ("kecamatan"): at the origin step a name that tells a kind is the organisation.
_GOVERNMENT = re.compile(
    r"\b(pemkab|pemkot|pemprov|pemda|pemerintah|kementerian|kemen\w+|bappeda|dprd)\b"
)
_OTHER_BODY = re.compile(
    r"\b(universitas|univ|uin|iain|stie|stei|politeknik|poltek|institut|kampus|mahasiswa|hmj|"
    r"hima|bem|fakultas|prodi|jurusan|sekolah|sman?|smkn?|smpn?|madrasah|pesantren|ponpes|"
    r"tk|paud|sdn?|sdit|mts|mtsn|slb|"  # "TK Islam Al Hikmah" (console): a school
    r"yayasan|pt|cv|"
    r"bank|bumdes|bumdesma|bumnag|lpd|lembaga|gapoktan|lsm|komunitas|asosiasi|paguyuban|"
    r"kelompok)\b"  # "LPD Desa Adat Kuta" (a village's credit body, Bali; console: "pilih")
)


def _place_in(value: str, places: Places) -> str | None:
    """The region an answer names: "kab solok", "makassar, sulsel", or a kabupaten, kota or
    kecamatan alone ("Makassar", "Rangkasbitung")."""
    alone = value.strip(" .,")
    return places.origin(value) or places.town(alone) or places.district(alone)


def _kind_of(written: str) -> str:
    """The kind a body's kind written alone names (`_KIND_ALONE`)."""
    lowered = written.lower()
    if lowered in {"koperasi", "dinas"}:
        return lowered
    return "dinas" if "pemerintah" in lowered else "lainnya"


def guess_kind(name: str) -> str | None:
    """ "Dinas Koperasi Sumbar" -> dinas, "KSP Mitra Usaha" -> koperasi, "HMJ Ekonomi
    Syariah UIN Jakarta" -> lainnya (a cooperative of students is still a cooperative)."""
    # "Komunitas UMKM Binaan Dinas Koperasi Depok" is the community, not the Dinas
    lowered = re.split(r"\b(?:binaan|dibina|dampingan)\b", name.lower(), maxsplit=1)[0]
    if re.search(r"\bdinas\b|\bdiskop", lowered):
        return "dinas"
    if re.search(
        rf"\b(koperasi|kop\w*|ksp\w*|ksu|kud|{INITIALS}|bmt|kjks|coop|cu|credit union)\b",
        lowered,
    ):
        return "koperasi"
    if _GOVERNMENT.search(lowered):
        return "dinas"
    if _OTHER_BODY.search(lowered):
        return "lainnya"
    return None


def updated(older: Mapping[str, Any], newer: Mapping[str, Any]) -> dict[str, Any]:
    """Facts heard earlier, with what was said since over them: a date or a period named
    later replaces either (the latest date named is the one meant)."""
    if {"start_date", PERIOD} & newer.keys():
        older = {slot: v for slot, v in older.items() if slot not in ("start_date", PERIOD)}
    return {**older, **newer}


class BookingFlow(BookingParts):
    """The booking form: asks what the opening message left out, then sends the request."""

    names = frozenset({FLOW})
    spaces = frozenset(
        {Space.DATE, Space.KIND, Space.DAYS, Space.TOPIC, Space.NOTES, Space.SUMMARY, Space.EDIT}
    )

    def intents(self) -> Mapping[str, Handler]:
        return {"book_visit": self.start}

    async def recognise(
        self, event: Incoming, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "eh jangan batal" right after "batal" left the form (console: "no active
        booking"): the form taken up again where it stopped; None for anything else."""
        if FORM_LEFT not in state.paused or state.last_intents[-1:] != [FORM_LEFT]:
            return None
        if not _UNDONE.search(text):
            return None
        slots, state.paused = dict(state.paused), {}
        slots.pop(FORM_LEFT)
        state.flow, state.step, state.slots = FLOW, None, slots
        return [Reply(self._t("booking.unleft")), *await self._ask_next(state)]

    def _leave(self, state: ConversationState) -> list[Reply]:
        """ "batal": the form left, its answers kept aside only for an "eh jangan batal" said
        next (a new booking starts afresh)."""
        state.paused = {**state.slots, FORM_LEFT: True}
        state.flow = state.step = None
        state.slots = {}
        state.remember_intent(FORM_LEFT)
        return [self._left()]

    async def resume(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """The form in progress, and a date button ("book this day") outside it. Any other
        message is not the form's, but what it says of the visit is kept for it."""
        if state.flow == FLOW:
            return await self.continue_(event, result, text, state)
        if is_(event.payload, Space.DATE):
            return await self.start(event, None, "", state)
        if event.kind is Kind.TEXT and result is not None:
            self._overhear(result, text, state)
        return None

    def _overhear(self, result: NluResult, text: str, state: ConversationState) -> None:
        """Keep what an enquiry says of the visit ("sy dari dinkop kab solok", "rencana
        studi tiru bulan Maret, biayanya berapa?") for the form, should the user book; only
        from messages about their own visit, naming the organisation or the group, or sending
        a number (the contact's), so "lokasinya di Tangerang?" is no origin."""
        read = result.intent
        if read == FALLBACK and len(result.ranking) > 1:
            read = result.ranking[1][0]  # a long letter the model is unsure of: its best guess
        told = result.entity("organization") or result.entity("participants")
        asks = self._t.asks(text)
        sent = not asks and normalise_phone(text) is not None  # "Rudi, 0822…"
        # "kita dari kalsel, banjarmasin" (getting there, 0.33, console: asked again)
        from_us = not asks and _FROM_US.search(text) is not None
        # "sy tertarik program mesin beras …, bisa belajar itu di bmi?": the program, a topic
        learns = read == "ask_programs" and self._t.mentions(text, "words.interest")
        if read not in VISIT_TALK and told is None and not (sent or from_us or learns):
            return  # "siswanya 52 orang" tells
        # seeded with the body named before: a person the tagger took replaces no body
        heard: dict[str, Any] = {k: v for k, v in state.heard.items() if k == "org_name"}
        refused = self._prefill(result, text, heard)
        if refused or {"start_date", PERIOD, "participants"} & heard.keys():
            # a date or a group told later, one the form can take, clears it ("kalau begitu
            # 55 orang saja" after 80, console: the limit said again when the form began)
            heard[REFUSED] = refused
        state.heard = updated(state.heard, heard)

    def _recalled(self, state: ConversationState) -> dict[str, Any]:
        """What was heard before the form, less a date that has since come too close."""
        heard, state.heard = dict(state.heard), {}
        last = heard.get(PERIOD, [heard.get("start_date")])[-1]
        earliest = self._today() + timedelta(days=self._rules.lead_days)
        if last is not None and date.fromisoformat(last) < earliest:
            for slot in ("start_date", PERIOD):
                heard.pop(slot, None)
        return heard

    async def start(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """Begin a booking, keeping whatever the message already said; a user who already
        holds their share of requests or visits is shown those instead."""
        if not self._by_staff(event):
            held = await self._bookings.held_by(event.channel, event.user_id)
            problem = self._rules.share_problem(*held)
            if problem is not None:
                return [self._held(problem)]
        paused, state.paused = state.paused, {}
        if FORM_LEFT in paused:
            paused = {}  # a form left with "batal" is not taken up again by a new booking
        heard = self._recalled(state)
        if heard.get("org_name", paused.get("org_name")) != paused.get("org_name"):
            paused = {}  # the form put aside was another organisation's: start afresh
        refused = heard.pop(REFUSED, [])
        state.flow, state.step, state.slots = FLOW, None, updated(paused, heard)
        told = dict(state.slots)
        notes = self._prefill(result, text, state.slots)
        if not notes and state.slots == told:  # "ya" to the offer: what was refused before
            notes = refused
        opening = "booking.resumed" if paused else "booking.start"
        replies = [Reply(self._t(opening))]
        replies += [Reply(note) for note in notes]
        return replies + await self._ask_next(state)

    async def continue_(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """Handle one message inside the booking conversation; None when it is another
        request, for the engine to answer (the form is put aside, not lost)."""
        if event.kind is Kind.TEXT and self._says(text, "booking.leave"):
            return self._leave(state)
        if event.kind is Kind.TEXT and laughs(text):  # "wkwk" is nobody's name: smile, ask again
            return [
                Reply(self._t("smalltalk.smile")),
                *await self._question(state.step or "", state),
            ]
        if state.step == CONFIRM:
            return await self._confirm(event, result, text, state)
        if state.step == Step.CONTACT_PHONE and self._says(text, "booking.this_number"):
            if event.sender_phone is None:  # Telegram does not show it (console, "nomor ini")
                return [
                    Reply(self._t("booking.number_unseen")),
                    *await self._question(state.step, state),
                ]
            text = event.sender_phone  # "nomor ini pak", on WhatsApp: the sender's own
        if event.kind is Kind.TEXT and (heard := await self._heard(text, state)) is not None:
            return heard
        if event.kind is Kind.TEXT and (sending := await self._about_sending(event, text, state)):
            return [sending, *await self._question(state.step or "", state)]
        sure = result is not None and result.confidence >= SURE
        # "yang tgl 13 aja" at the date step, "tanggal 10 Februari" at another read as
        # availability questions: a date said, not asked about, is this form's own business.
        switches = (
            SWITCH_INTENTS - {"ask_availability"}
            if state.step == Step.START_DATE or not self._t.asks(text)
            else SWITCH_INTENTS
        )
        elsewhere = (
            self._puts_aside(text)
            or self._t.asks(text)
            or (
                sure and result.intent in PAUSE_INTENTS | switches  # type: ignore[union-attr]
            )
        )
        if event.kind is Kind.TEXT and (
            state.step in CHECKED
            or (state.step == "notes" and self._says(text, "booking.no_notes"))
        ):
            checked = await self._checked_answer(result, text, state, elsewhere=elsewhere)
            if checked is not None:
                return checked
        if event.kind is Kind.TEXT and (closing := self._closing(result, text)) is not None:
            return self._pause(state, "smalltalk.welcome" if closing == "thank" else None)
        if (changed := await self._form_changed(event, result, text, state)) is not None:
            return changed
        if event.kind is Kind.TEXT and sure and result.intent in switches:  # type: ignore[union-attr]
            self._pause(state)
            if result is not None:  # "tgl 23 Januari bisa?": the date, kept for the form
                self._overhear(result, text, state)
            return None
        return await self._answer_step(event, result, text, state)

    async def _checked_answer(
        self, result: NluResult | None, text: str, state: ConversationState, *, elsewhere: bool
    ) -> list[Reply] | None:
        """A plain answer to a step that can tell one ("27", "20 Juni", "tidak ada") wins over
        any reading of it; what it refuses is another request only if it says so (None: for
        the caller), else thanks, an answer to another step, or refused."""
        step = state.step or ""
        if step == Step.START_DATE and self._date_unknown(text):
            # "sonde tau tanggal pasti, tergantung tiket pesawat" (console, a Kopdit from
            # Maumere: "tanggalnya belum saya pahami"): kept until the date is known
            return self._pause(state, "booking.date_later")
        problem = await self._fill(step, text, "", state)
        if problem is None:
            notes = [Reply(note) for note in self._also_said(step, text, state.slots)]
            return [*notes, *self._answered_beside(result, text), *await self._ask_next(state)]
        if elsewhere:
            return None
        if (closing := self._closing(result, text, LIKELY)) is not None:
            # "makasih banyak pak, …"
            return self._pause(state, "smalltalk.welcome" if closing == "thank" else None)
        ahead = (
            self._for_another_step(text, state) or self._note_ahead(result, text, state)
            if isinstance(problem, str)
            else None
        )
        return await self._refused(ahead or problem, state)

    async def _answer_step(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """The message as the answer to the step asked; a question asked mid-way is answered
        and the step asked again."""
        slot = state.step or ""
        payload = event.payload or "" if event.kind is Kind.BUTTON else ""
        if event.kind is Kind.CONTACT and slot == "contact_phone" and event.phone:
            text = event.phone
        asks = event.kind is Kind.TEXT and self._t.asks(text)  # so it answers no step
        question = (
            None
            if self._topic_told(slot, text)
            else self._question_answer(result, text, likely=asks)
        )
        if question is not None and (slot not in FREE_TEXT or asks):
            return await self._asked_mid_way(question, result, text, payload, state)
        if slot in NAMES and not asks and (need := self._need_told(result, text, state)):
            return [need, *await self._question(slot, state)]
        if asks:
            if self._says(text, "booking.can_we"):  # "apakah bisa pak?" of the visit asked for
                return [Reply(self._t("booking.can_we")), *await self._question(slot, state)]
            programs = self._answers.knowledge.find_programs(text)
            if slot == Step.TOPICS and programs and len(text) >= 40 * len(programs):
                return await self._topic_asked(text, programs, state)
            # A question is no name, nor a topic unless it names a program ("semua bisa?" does).
            no_answer = slot in NAMES or (slot == Step.TOPICS and not self._names_topics(text))
            taken = None if no_answer else await self._fill(slot, text, payload, state)
            if not no_answer and taken is None:
                return await self._ask_next(state)  # it was an answer after all ("30 orang?")
            if isinstance(taken, Reply):  # "bisa minggu kedua April?": that week's free days
                return [taken]
            if isinstance(taken, Noted):  # "apakah bisa lebih dari 60 orang?": the limit
                return [Reply(taken.text), *await self._question(slot, state)]
            # A question this step cannot take as its answer, and no answer for it at hand.
            said = (
                self._weekday_answer(text)
                or self._holidays_answer(text)
                or self._split_asked(text)
                or self._so_far(text, state)
            )
            if said is None and slot != Step.START_DATE and find_dates(text, self._today()):
                # "rencana akhir Maret 2027, bisa?" where another step is asked: kept for the
                # date step, which offers that period's free days (or says why not).
                notes = self._note_when(text, state.slots) or [self._when_noted(state.slots)]
                return [*(Reply(note) for note in notes), *await self._question(slot, state)]
            said = said or self._day_followed(text, state)
            if said is None and CHANGED_TO.search(text):  # "tambah 1 hari jadi 2 hari bisa?"
                changed = self._for_another_step(text, state)
                said = Reply(changed.text) if changed is not None else None
            said = said or Reply(self._t("booking.question_later"))
            return [said, *await self._question(slot, state)]
        problem = await self._fill(slot, text, payload, state)
        if problem is None:
            return await self._ask_next(state)
        return await self._refused(problem, state)

    async def _asked_mid_way(
        self, question: Reply, result: NluResult | None, text: str, payload: str,
        state: ConversationState,
    ) -> list[Reply]:  # fmt: skip
        """A question asked mid-way ("berapa biayanya?") answered, then the step repeated; in
        free-text steps only when it is plainly a question, so names are never eaten."""
        slot = state.step or ""
        if slot == Step.NOTES and result is not None and result.intent in NEEDS:
            # "rombongan datang naik pesawat, mohon info hotel terdekat" (console): the
            # answer, and the message kept as the note for staff
            await self._fill(slot, text, payload, state)
            return [question, *await self._ask_next(state)]
        # A question may answer a step that checks its answer ("30 orang?"); a topic is
        # taken from one only when it names a program ("Apa bisa dibantu carikan hotel
        # dekat lokasi?" became the topic, its answer unsaid: console, Cilegon).
        free = slot in FREE_TEXT or (slot == Step.TOPICS and not self._names_topics(text))
        if free or await self._fill(slot, text, payload, state) is not None:
            return [question, *await self._question(slot, state)]
        return await self._ask_next(state)

    def _topic_told(self, slot: str, text: str) -> bool:
        """ "materi tentang model bisnis …" where the topic is asked, no question (console, a
        university from Banten: the materials answered, the topic asked again)."""
        if slot != Step.TOPICS or self._t.asks(text):
            return False
        return bool(_TOPICS_TOLD.match(text) or _TOPIC_CUE.match(text))

    def _split_asked(self, text: str) -> Reply | None:
        """ "kalau dibagi 2 gelombang bagaimana?" mid-form (console, a pesantren of 80: "answered
        after the form"), or told where the group size is asked ("kl gt kami bagi 2
        gelombang"): staff arrange a group split in two; None for anything else."""
        if not self._t.mentions(text, "words.split_group"):
            return None
        return Reply(self._t("fallback.split", **self._answers.main_contact()))

    def _need_told(
        self, result: NluResult | None, text: str, state: ConversationState
    ) -> Reply | None:
        """ "rombongan akan menginap di Jakarta" where a name or the origin is asked (lodging,
        0.97; console, a cooperative from Lombok Tengah: it became the origin): a need told,
        kept as a note for staff; "belum tau tanggalnya" there (console, Banjarmasin: an
        unknown region), the date to come later; "yah kok lama harus 7 hari" (console: the
        organisation's name), who to ask when it is urgent; None for anything else."""
        if self._t.mentions(text, "words.booking.urgent"):
            return Reply(self._t("booking.urgent", **self._answers.main_contact()))
        dated = PERIOD in state.slots or "start_date" in state.slots
        if not dated and self._date_unknown(text):
            return Reply(self._t("booking.date_later_noted"))
        if result is None or result.intent not in NEEDS or result.confidence < SURE:
            return None
        _add_note(state.slots, text)
        return Reply(self._t("booking.notes_noted", notes=text))

    def _tells_topics(self, text: str) -> bool:
        """Whether an answer is about what to learn: it names a program, or words no other
        answer has ("tata kelola", "pemberdayaan": `words.booking.topic_words`)."""
        return bool(self._answers.knowledge.find_programs(text)) or self._t.mentions(
            text, "words.booking.topic_words"
        )

    def _names_topics(self, text: str) -> bool:
        """Whether a question can tell the topic: it names a program, or all of them
        ("semua bisa?")."""
        return bool(self._answers.knowledge.find_programs(text)) or self._says(
            text, "booking.all_topics"
        )

    async def _topic_asked(
        self, text: str, programs: Sequence[Program], state: ConversationState
    ) -> list[Reply]:
        """A question naming programs where the topic is asked ("pak, sebentar, kalau hari
        kedua bisa ke peternakan?", console: the question became the topic, the next answer
        the contact): the programs are the topic, the question goes to staff as a note."""
        state.slots["topics"] = [program.id for program in programs]
        _add_note(state.slots, text)
        named = ", ".join(program.name for program in programs)
        return [Reply(self._t("booking.topic_asked", topics=named)), *await self._ask_next(state)]

    async def _about_sending(
        self, event: Incoming, text: str, state: ConversationState
    ) -> Reply | None:
        """The answer to what happens once the request is sent, asked in the form ("pak
        kira2 kapan ya dikonfirmasi?"; "kode booking kami tadi apa ya?" from a chat with no
        booking yet; in the console the first was told it could not be answered there, the
        second put the form aside), or a letter sent by email told (console, a Dinas from
        Bogor: it became the organisation's name; kept where the notes are asked); None for
        other messages."""
        if state.step != Step.NOTES and (sent := self._answers.letter_sent(text)) is not None:
            return sent
        if HOW_LONG.search(text):
            return Reply(self._t("booking.after_send"))
        if _CODE_ASKED.search(text) and not await self._own_bookings(event):
            return Reply(self._t("booking.code_after_send"))
        return None

    async def _refused(
        self, problem: str | Noted | Reply, state: ConversationState
    ) -> list[Reply]:
        """Why the answer was refused, and the step asked again; from the second refusal in a
        row, how to get a person or leave, so nobody answers the same question forever."""
        if isinstance(problem, Reply):
            return [problem]
        if isinstance(problem, Noted):
            return [Reply(problem.text), *await self._question(state.step or "", state)]
        state.misses += 1
        if state.misses >= 2:
            problem += "\n" + self._t("booking.stuck")
        return [Reply(problem), *await self._question(state.step or "", state)]

    def _closing(self, result: NluResult | None, text: str, floor: float = SURE) -> str | None:
        """ "thank" for a sure thanks, "pause" for a goodbye or "nanti dulu", None for neither:
        what puts a form aside (or, at the summary, is told it is not sent yet). Where the
        message was no answer to a step that can tell one, a likely thanks will do
        ("makasih banyak pak, salam dari Maros", 0.74)."""
        sure = result.intent if result is not None and result.confidence >= floor else None
        if sure == "thank":
            return "thank"
        return "pause" if sure in PAUSE_INTENTS or self._puts_aside(text) else None

    async def _heard(self, text: str, state: ConversationState) -> list[Reply] | None:
        """ "ok", "👍" where a step is asked: the step asked again; "ya benar" where the notes
        are asked (console: it became the note) asks for them; None for anything else ("ya,
        tolong diproses" there has none: the notes' own check reads it)."""
        if not self._acknowledges(text):
            return None
        if state.step != "notes":
            return await self._question(state.step or "", state)
        if set(re.findall(r"[\w']+", text.lower())) & self._words("booking.go_on"):
            return None
        return [Reply(self._t("booking.notes_which")), *await self._question("notes", state)]

    def _acknowledges(self, text: str) -> bool:
        """ "ok", "siap pak", "👍" where a step is asked (console: "👍" at the organisation's
        step was told to write 3 to 160 letters): heard, no answer and no mistake; "ok,
        tolong didaftarkan" too (console, Cilegon: it became the contact's name)."""
        if self._says(text, "booking.acks") or sign_intent(text) == "affirm":
            return True
        words = re.findall(r"[\w']+", text.lower())
        acks, go_on = self._words("booking.acks"), self._words("booking.go_on")
        return len(words) > 1 and words[0] in acks and set(words[1:]) <= acks | go_on

    def _puts_aside(self, text: str) -> bool:
        """ "nanti dulu", or said first and the reason after ("nanti dulu ya, saya tanya
        pimpinan"), in a message that asks nothing (`words.booking.pause`); or someone else
        to ask first ("sebentar ya kak saya tanya ketua dulu jumlah pesertanya")."""
        if self._says(text, "booking.pause"):
            return True
        if self._t.asks(text):
            return False
        first = re.split(r"[,.;!\n]", text, maxsplit=1)[0]
        return (first != text and self._says(first, "booking.pause")) or defers(text)

    def _pause(self, state: ConversationState, opening: str | None = None) -> list[Reply]:
        """Put the form aside, keeping what was filled; "lanjut daftar" (or the button)
        resumes it where it stopped. `opening`, the key of what is said first (thanks
        answered)."""
        state.paused = dict(state.slots)
        state.flow = state.step = None
        state.slots = {}
        text = self._t("booking.paused")
        if opening is not None:
            text = self._t(opening) + " " + text
        return [
            Reply(text, (Button(self._t("booking.resume"), encode(Space.INTENT, "book_visit")),))
        ]

    def _name_organisation(self, name: str, slots: dict[str, Any]) -> None:
        """The organisation's name written out ("dinkop" -> "Dinas Koperasi"), and its kind
        when the name tells it."""
        if (role := _ROLE_FIRST.match(name)) is not None and guess_kind(name[role.end() :]):
            name = name[role.end() :]  # "Nurhayati, Ketua Koperasi Wanita Annisa …" (console)
        slots["org_name"] = self._places.organisation(name) if self._places else name
        kind = guess_kind(slots["org_name"])
        if kind and "org_kind" not in slots:
            slots["org_kind"] = kind

    def _organisation_in(self, entities: Sequence[Entity], text: str) -> Entity | None:
        """The visitors' organisation among those tagged. In a letter the tagger also marks
        stray words ("Yth", "Dengan", "koperasi" beside "Dinas Koperasi dan UKM Kabupaten
        Agam"): a name of two words or more that says its kind is the one meant, then any
        name of two words or more, then a single word that is not a letter's own."""
        stray = self._words("booking.not_names")
        programs = [e.text.lower() for e in entities if e.name == "program"]
        tagged = [
            e
            for e in entities
            if e.name == "organization"
            and str(e.value).lower() not in stray
            and self._visitors(str(e.value))  # "…, Agam": a region, not the name's second part
            and not any(str(e.value).lower() in named for named in programs)  # "Goes to"
        ]
        # joined again: "Bapak Sehnuri, Manajer Diklat Kopjas" + "BMI", the letter's
        # addressee (console, a hospital staff cooperative from Tasikmalaya), is nobody's
        named = [
            e
            for e in joined_names(tagged, text)
            if self._visitors(str(e.value)) and not _is_person(str(e.value))
        ]
        several = [e for e in named if len(str(e.value).split()) > 1]
        return (
            next((e for e in several if guess_kind(str(e.value))), None)
            or next(iter(several), None)
            or next(iter(named), None)
        )

    def _visitors(self, name: str) -> bool:
        """Whether a tagged organisation can be the visitors': not BMI itself ("studi
        banding ke Koperasi BMI Grup"), not a place ("ke BMI di Kota Tangerang"), not a
        letter's number ("500/214/Diskopukm/I/2027": console, a Dinas from Lombok Timur)."""
        if len(name) < 3 or _VENUE.search(name) or _LETTER_NUMBER.search(name):
            return False
        return self._places is None or not self._places.is_region(name)

    def _answered_beside(self, result: NluResult | None, text: str) -> list[Reply]:
        """ "biayanya berapa kalau 25 orang?" where the group size is asked (console, a
        teachers' cooperative from Malaysia: the size taken, the cost unsaid): the question's
        answer beside the value taken; none for the value asked about ("30 orang, bisa?")."""
        if not _ASKS_WHAT.search(text) or result is None or result.intent == "ask_availability":
            return []
        answer = self._question_answer(result, text, likely=True)
        return [answer] if answer is not None else []

    def _question_answer(
        self, result: NluResult | None, text: str, likely: bool = False
    ) -> Reply | None:
        """The plain answer to an informational question `text`, when NLU is sure it is one
        (less sure will do when the message plainly asks something)."""
        floor = LIKELY if likely else SURE
        if result is None or result.confidence < floor:
            return None
        if result.intent in {"book_visit", "affirm", "deny", "greet", "thank"}:
            return None
        answer: Reply | None
        if result.intent == "ask_programs":
            entity = result.entity("program")
            program = self._answers.knowledge.program(str(entity.value)) if entity else None
            answer = self._answers.program(program) if program else self._answers.program_list()
        else:
            answer = self._answers.for_intent(result.intent, text)  # "… yang non muslim"
        return Reply(answer.text) if answer is not None else None  # the step keeps its buttons

    def _prefill(self, result: NluResult | None, text: str, slots: dict[str, Any]) -> list[str]:
        """Fill slots from the opening message; returns notes on values that were refused."""
        notes: list[str] = []
        entities = result.entities if result else ()
        self._prefill_who(entities, text, slots)
        contact_person(text, slots)
        first = text
        if (wave := _NEXT_WAVE.search(text)) is not None:
            # "… gelombang 1 tanggal 16 maret 40 orang, gelombang 2 tanggal 23 maret 35
            # orang" (console, a Dinas from Jambi: the second was lost): the form books the
            # first, the rest is the request's notes, for staff
            first = text[: wave.start()]
            slots["notes"] = text[wave.start() :].strip(" ,.;")[:1000]
            notes.append(self._t("booking.waves"))
        notes += self._note_count(first, slots)
        notes += self._note_when(first, slots)
        programs = [str(e.value) for e in entities if e.name == "program"]
        known = [p for p in programs if self._answers.knowledge.program(p)]
        if known:
            slots["topics"] = list(dict.fromkeys(known))
        wished = _WISHED.search(text) or (None if known else _INTEREST.search(text))
        if wished is not None and len(known) < 2:
            # a letter's "Adapun materi yang diharapkan adalah tata kelola koperasi dan
            # pemberdayaan anggota." (console, a Dinas from Cirebon: the topic asked again);
            # an interest ("kami tertarik dengan model spin off", console, Cirebon)
            slots["topics"] = [wished.group("topics").strip(" ,;:")[:300]]
        return notes

    def _prefill_who(self, entities: Sequence[Entity], text: str, slots: dict[str, Any]) -> None:
        """The organisation and the origin a message names, from what it says before any
        referrer ("… Koperasi Wanita Melati. Kami dapat nomor ini dari Dinas Koperasi Provinsi
        Jawa Timur": the Dinas became the visitors, console)."""
        if (referred := _REFERRED.search(text)) is not None:
            text = text[: referred.start()]
            entities = [e for e in entities if e.end <= referred.start()]
        organisation = self._organisation_in(entities, text)
        stops = self._words("booking.name_stops")
        if organisation is not None:
            tagged = whole_name(text, str(organisation.value).strip(), stops)
            if "org_name" not in slots or guess_kind(tagged):
                # a tagged name that says no kind ("Lalu Ahmad Fauzan", a person) never
                # replaces the body already named ("Dinas Koperasi dan UKM Kota Mataram")
                self._name_organisation(tagged, slots)
        elif (named := introduced(text, stops)) is not None and self._visitors(named):
            self._name_organisation(named, slots)  # "kami dari ksp maju bersama mau …"
        origin = self._places.origin(text) if self._places is not None and text else None
        if origin is None and "org_name" in slots:  # "KSPPS Rinjani … Lombok Timur"
            origin = self._origin_of_name(slots["org_name"])
        if origin is None and organisation is not None:
            origin = self._town_after(text, str(organisation.value))
        if origin is not None:  # "dinkop kab solok": from Sumatera Barat, never asked again
            slots.setdefault("origin", origin)

    def _town_after(self, text: str, name: str) -> str | None:
        """A kabupaten or kota right after the tagged name, where the tagger stopped short of
        it ("… saya dari kud sumber rejeki lamongan mau tanya …": console, the origin asked
        for after it was said)."""
        at = text.lower().find(name.lower())
        if self._places is None or at < 0:
            return None
        words = re.findall(r"[^\W\d_]+", text[at + len(name) :])[:3]
        for length in range(len(words), 0, -1):
            if (town := self._places.town(" ".join(words[:length]))) is not None:
                return town
        return None

    def _note_when(self, text: str, slots: dict[str, Any]) -> list[str]:
        """Keep the visit's date, or the period to choose one in, that `text` names (it
        replaces one named before) and its length; notes on a date refused."""
        start, days = self._date_from(None, text)
        window = self._period_in(text)
        if start is not None and window is not None and not window[0] <= start <= window[1]:
            start = None  # "bulan Februari, hari Kamis": a Thursday of February, not this one
        window = window if start is None else None
        if days is None:
            days = self._days_in(text)
        if days is not None:
            slots["days"] = days
        if window is not None:
            slots.pop("start_date", None)
            slots[PERIOD] = [day.isoformat() for day in window]
        if start is None:
            return []
        problem = self._rules.date_problem(start, int(slots.get("days") or 1), self._today())
        if problem is not None:
            if start >= self._today():  # its month offered at the date step, as the form does
                slots[PERIOD] = month_of(start)
            return [self._t(problem.key, **render.fields(self._t, problem.fields))]
        slots.pop(PERIOD, None)
        slots["start_date"] = start.isoformat()
        return []

    def _also_said(self, step: str, text: str, slots: dict[str, Any]) -> list[str]:
        """An answer that says more than its step asked ("tanggal 17 Februari 2027, 2 hari,
        peserta 27 orang" where the group size is asked) fills those steps too, so they are
        not asked as if unsaid; notes on what it refused. Only at the visit's own steps: a
        name or a phone number is no date."""
        notes: list[str] = []
        if step not in VISIT_SHAPE:
            return notes
        if "start_date" not in slots and step != Step.START_DATE:
            notes += self._note_when(text, slots)
        if "participants" not in slots:
            notes += self._note_count(text, slots)
        return notes

    def _when_noted(self, slots: dict[str, Any]) -> str:
        """The acknowledgement of a time said ahead: the day when it was a day ("17 maret
        2027"), else a period whose day is chosen at the date step."""
        if "start_date" in slots:
            when = long_date(date.fromisoformat(slots["start_date"]))
            return self._t("booking.date_noted", when=when)
        return self._t("booking.time_noted")

    def _note_count(self, text: str, slots: dict[str, Any]) -> list[str]:
        """Keep the group size `text` names ("27 orang"); a note when it is refused."""
        size = group_size(text)
        if size is None:
            return []
        problem = self._rules.participants_problem(size)
        if problem is not None:
            return [self._t(problem.key, **render.fields(self._t, problem.fields))]
        slots["participants"] = size
        return []

    def _for_another_step(self, text: str, state: ConversationState) -> Noted | None:
        """ "wa beliau 0857-1234-9876", "1 hari aja" or "profil bmi sama jawara" where the group
        size or the date is asked: the user answered ahead; the phone, the length, the
        contact, the group size or the programs are kept for their steps (not yet answered),
        and this step is asked again without counting a refusal. Only for answers this step
        refused."""
        slots = state.slots
        if "contact_phone" not in slots and (phone := normalise_phone(text)) is not None:
            slots["contact_phone"] = phone
            name = _person_in(without_phone(text)) if "contact_name" not in slots else None
            if name is None:
                return Noted(self._t("booking.phone_noted", phone=phone))
            slots["contact_name"] = name  # "baik pak, kontak saya Bapak Hendra 0812…"
            return Noted(self._t("booking.contact_phone_noted", name=name, phone=phone))
        if (retold := self._date_retold(text, state)) is not None:
            return retold
        if (town := self._town_in_province(text, slots)) is not None:
            slots["origin"] = town  # "Serang" once "Banten" was taken from the name
            return Noted(self._t("booking.origin_noted", origin=town))
        days = self._days_in(text)
        fresh = "days" not in slots or (CHANGED_TO.search(text) and days != slots["days"])
        if fresh and days is not None and 1 <= days <= MAX_DAYS:
            slots["days"] = days  # "1 hari aja" where the date is asked; "… jadi 2 hari"
            return Noted(self._t("booking.days_noted", days=days))
        name = honoured_name(text) or _self_named(text)
        if "contact_name" not in slots and name is not None:
            # "Bapak Rudi Hartono, Kabid Kelembagaan"; "sy sendiri, Rudi" (console, Bekasi)
            slots["contact_name"] = name
            return Noted(self._t("booking.contact_noted", name=name))
        if (sized := self._size_told(text, state)) is not None:
            return sized
        bare = _BARE_NUMBER.match(text)
        if bare and int(bare.group(1)) == slots.get("participants"):  # "45" again, not a day
            return Noted(self._t("booking.count_noted", participants=slots["participants"]))
        named = state.step in (Step.ORIGIN, Step.ORG_NAME)
        if text.strip().isdecimal() and named and "participants" not in slots:
            # "50" where the origin (or the organisation, console) is asked: the group size
            if refused := self._note_count(f"{text.strip()} orang", slots):
                return Noted("\n".join(refused))
            return Noted(self._t("booking.count_noted", participants=slots["participants"]))
        if (noted := self._day_of_period(text, state)) is not None:
            return noted
        dated = state.step != Step.START_DATE and find_dates(text, self._today())
        if "start_date" not in slots and dated:
            notes = self._note_when(text, slots)  # "17 maret 2027" where the kind is asked
            return Noted("\n".join(notes) or self._when_noted(slots))
        told = _TOPICS_TOLD.match(text)
        topic = text[told.end() :].strip(" ,:") if told else ""
        if "topics" not in slots and topic and state.step != Step.TOPICS:
            # "materinya tentang pengelolaan warung …" (at the topic step: its answer)
            return Noted(self._t("booking.topics_noted", topics=self._take_topics(topic, state)))
        if "topics" not in slots and state.step != Step.TOPICS and self._tells_topics(text):
            return Noted(self._t("booking.topics_noted", topics=self._take_topics(text, state)))
        return None

    def _size_told(self, text: str, state: ConversationState) -> Noted | None:
        """ "katong 27 orang mama-mama" where another step is asked: the group size, kept;
        once one was taken, only a size said to change it ("eh ralat, jadi 40 orang ya"), not
        "peserta ada yang vegetarian 2 orang" (console, a Dinas from Tanah Datar: the group
        became 2). None when the message tells no new size."""
        slots = state.slots
        if state.step == Step.PARTICIPANTS or _some_of(text):
            return None
        if "participants" in slots and not _SIZE_RETOLD.search(text):
            return None
        size = group_size(text)
        if size is None or size == slots.get("participants"):
            return None
        refused = self._note_count(text, slots)
        said = self._t("booking.count_noted", participants=size)
        return Noted("\n".join(refused) if refused else said)

    def _town_in_province(self, text: str, slots: dict[str, Any]) -> str | None:
        """ "Serang" alone where another step is asked, once only the province was known
        ("UIN … Banten", console): the town in it, with its province; None otherwise."""
        origin = str(slots.get("origin", ""))
        if self._places is None or not origin or "," in origin or len(text.split()) > 3:
            return None
        town = self._places.town(text.strip(" .,!"))
        return town if town is not None and town.endswith(f", {origin}") else None

    def _date_retold(self, text: str, state: ConversationState) -> Noted | None:
        """ "eh tanggalnya diganti 28 januari aja kak" where the topic or the contact is asked,
        once 21 January was taken (console, a women's cooperative from Sidoarjo: it became the
        topic): the visit's new date or period, its length kept; None when the message
        changes no date."""
        slots = state.slots
        if state.step == Step.START_DATE or "start_date" not in slots:
            return None
        if not _RETOLD.search(text) or not find_dates(text, self._today()):
            return None
        if notes := self._note_when(text, slots):
            return Noted("\n".join(notes))  # the new date refused: the old one stays
        if "start_date" not in slots:  # "diganti bulan Februari": a day chosen at its step
            return Noted(self._t("booking.time_noted"))
        when = long_date(date.fromisoformat(slots["start_date"]))
        return Noted(self._t("booking.date_changed", when=when))

    async def _form_changed(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "eh ganti, kami jadi 2 hari" or "tanggalnya mundur seminggu ya" inside the form
        (moving a booking, 0.97: the form was put aside for a booking not sent yet, console,
        Cirebon): the form's own length or date changed (or why the date cannot be), and the
        step asked again; None for anything else."""
        if event.kind is not Kind.TEXT or result is None or result.confidence < SURE:
            return None
        if result.intent != "reschedule_booking":
            return None
        noted = self._own_change(text, state)
        return (
            [Reply(noted.text), *await self._question(state.step or "", state)] if noted else None
        )

    def _own_change(self, text: str, state: ConversationState) -> Noted | None:
        """The form's own length or date a message changes; None for neither."""
        slots = state.slots
        days = self._days_in(text)
        if CHANGED_TO.search(text) and days is not None and days != slots.get("days"):
            if not 1 <= days <= MAX_DAYS:
                kept = slots.get("days")
                return (
                    Noted(self._t("booking.days_kept", most=MAX_DAYS, days=kept)) if kept else None
                )
            slots["days"] = days
            return Noted(self._t("booking.days_noted", days=days))
        shift = shift_in(text)
        if shift is None or "start_date" not in slots:
            return self._date_retold(text, state)
        new = date.fromisoformat(slots["start_date"]) + shift
        problem = self._rules.date_problem(new, int(slots.get("days") or 1), self._today())
        if problem is not None:
            return Noted(render.refusal(self._t, problem))
        slots["start_date"] = new.isoformat()
        return Noted(self._t("booking.date_changed", when=long_date(new)))

    def _day_followed(self, text: str, state: ConversationState) -> Reply | None:
        """ "kalau 18?" where another step is asked, once 17 May was refused (a holiday) and
        May kept to choose in (console, a KSP from Lumajang: "belum bisa saya jawab"): that
        day, kept, or why it cannot be; None for anything else."""
        said = _FOLLOWED_DAY.match(text)
        if said is None or PERIOD not in state.slots:
            return None
        if (noted := self._day_of_period(f"tanggal {said[1]}", state)) is not None:
            return Reply(noted.text)
        day = day_in(said[1], state.slots[PERIOD])
        days = int(state.slots.get("days") or 1)
        problem = None if day is None else self._rules.date_problem(day, days, self._today())
        return Reply(render.refusal(self._t, problem)) if problem is not None else None

    def _day_of_period(self, text: str, state: ConversationState) -> Noted | None:
        """ "yang tanggal 3" where another step is asked, once "minggu pertama Februari" was
        kept: that day of the period (3 February), kept for the date step, which is then not
        asked; None for anything else, or a day the rules refuse (the date step says why)."""
        slots = state.slots
        said = _CORRECTED_DAY.search(text)
        if state.step == Step.START_DATE or PERIOD not in slots or said is None:
            return None
        day = day_in(said.group(1), slots[PERIOD])
        days = int(slots.get("days") or 1)
        if day is None or self._rules.date_problem(day, days, self._today()) is not None:
            return None
        slots.pop(PERIOD)
        slots["start_date"] = day.isoformat()
        return Noted(self._when_noted(slots))

    def _note_ahead(
        self, result: NluResult | None, text: str, state: ConversationState
    ) -> Noted | None:
        """ "nanti kami bawa bus sendiri", "mohon disiapkan makan siang halal", "kami datang
        jam 8 pagi" or "ada 2 orang yang pakai kursi roda" where the date is asked: a request,
        the arrival time or a need, not a question, kept as the notes (added to any already
        kept); the step is asked again."""
        if self._t.asks(text):
            return None
        # a need asked for ("penginapan mohon dibantu carikan", console, Ciamis) as well
        # ("konsumsinya mohon yang tidak pedas ya": a need, 0.47, asked for, console, Sleman)
        need = result is not None and result.intent in NEEDS
        sure = result is not None and result.confidence >= LIKELY
        told = need and (sure or _ASKED_FOR.search(text) is not None)
        if not (told or _ARRIVAL.search(text) or _some_of(text)):  # "… 2 orang yang pakai
            return None  # kursi roda": a need of some of the group (console, from Sumba)
        _add_note(state.slots, text)
        return Noted(self._t("booking.notes_noted", notes=text))

    def _visit_for_name(self, value: str, state: ConversationState) -> Noted | None:
        """ "Maret" or "eh 35 orang pak" written where a name or the origin is asked answers
        the date or the group size, not the name: kept for those steps; the acknowledgement
        (or why the value cannot be) to say before the name is asked again. None when the
        answer is more than a time and a group size."""
        if (retold := self._date_retold(value, state)) is not None:
            return retold
        if (day := self._day_of_period(value, state)) is not None:
            return day  # "yang tanggal 11 saja" once February was kept (console, Pandeglang)
        counts = find_counts(value)
        spans = [(m.start_char, m.end_char) for m in find_dates(value, self._today())]
        spans += [(m.start_char, m.end_char) for m in counts]
        rest = value
        for start, end in sorted(spans, reverse=True):
            rest = rest[:start] + " " + rest[end:]
        days = DAYS_IN_TEXT.search(rest)  # "2 hari": how long, not who
        rest = DAYS_IN_TEXT.sub(" ", rest)
        if not spans and (corrected := self._day_corrected(value, state.slots)) is not None:
            return corrected
        fillers = self._words("booking.visit_fillers")
        if not (spans or days) or any(
            word not in fillers for word in re.findall(r"[\w-]+", rest.lower())
        ):
            return None
        counted = bool(counts)
        dated = len(spans) > len(counts)
        notes = self._note_when(value, state.slots) if dated or days is not None else []
        notes += self._note_count(value, state.slots)
        if notes:
            return Noted("\n".join(notes))
        said = [self._when_noted(state.slots)] if dated else []
        if days is not None and not dated and "days" in state.slots:  # "2 hari" alone
            said.append(self._t("booking.days_noted", days=state.slots["days"]))
        if counted:
            said.append(self._t("booking.count_noted", participants=state.slots["participants"]))
        return Noted("\n".join(said))

    def _day_corrected(self, value: str, slots: dict[str, Any]) -> Noted | None:
        """ "eh maaf tanggalnya 20 bukan 19", once 19 May was taken: 20 May (checked against
        the rules here, against the days' room when the request is sent)."""
        match = _CORRECTED_DAY.search(value)
        if match is None or "start_date" not in slots or len(value.split()) > 8:
            return None
        try:
            new = date.fromisoformat(slots["start_date"]).replace(day=int(match[1]))
        except ValueError:  # "tanggal 31" of a 30-day month
            return None
        problem = self._rules.date_problem(new, int(slots.get("days") or 1), self._today())
        if problem is not None:
            return Noted(render.refusal(self._t, problem))
        slots["start_date"] = new.isoformat()
        return Noted(self._t("booking.date_changed", when=long_date(new)))

    @cached_property
    def _fillers(self) -> Mapping[str, Filler]:
        """One handler per step that takes an answer (the summary's `confirm` takes none)."""
        return {
            Step.ORG_NAME: self._fill_org_name,
            Step.ORG_KIND: self._fill_org_kind,
            Step.ORIGIN: self._fill_origin,
            Step.PARTICIPANTS: self._fill_participants,
            Step.START_DATE: self._fill_date,
            Step.DAYS: self._fill_days,
            Step.TOPICS: self._fill_topics,
            Step.CONTACT_NAME: self._fill_contact_name,
            Step.CONTACT_PHONE: self._fill_contact_phone,
            Step.NOTES: self._fill_notes,
        }

    async def _fill(
        self, slot: str, text: str, payload: str, state: ConversationState
    ) -> str | Noted | Reply | None:
        """Store the answer for `slot`; the reason to re-ask (text or a full reply) if invalid."""
        if is_(payload, Space.EDIT) or slot not in self._fillers:
            return None  # handled by _confirm; a stale edit button mid-flow just re-asks
        return await self._fillers[slot](payload, text.strip(), state)

    async def _fill_org_name(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | None:
        counted = value.strip().isdecimal() or (
            group_size(value) is not None and guess_kind(value) is None
        )  # "20" (console: "Mohon tuliskan nama lembaga dengan lengkap"); "belum tau pak,
        # kira2 30an" (console, Pangalengan: the organisation's name)
        if counted and (ahead := self._for_another_step(value, state)):
            return ahead
        if not 3 <= len(value) <= 160:
            return self._t("booking.invalid.org_name")
        if (noted := self._visit_for_name(value, state)) is not None:
            return noted
        if self._counted_name(value, state.slots):
            return None
        if self._says(value, "booking.all_topics") or self._says(value, "booking.no_notes"):
            # "ga tau" (console, a community from Depok: the organisation "Ga Tau")
            return self._t("booking.invalid.org_unknown")
        programs = self._answers.knowledge.find_programs(value)
        if guess_kind(value) is None and (programs or _VENUE.search(value)):
            # "BMI goes to school", "jawara": what they want to learn, not who they are
            ahead = self._for_another_step(value, state)
            return ahead or self._t("booking.invalid.org_name")
        self._take_organisation(value, state.slots)
        return None

    def _counted_name(self, value: str, slots: dict[str, Any]) -> bool:
        """ "25 orang dari kopwan melati surabaya" where the name is asked (console: the
        organisation "25 Orang Dari Kopwan Melati Surabaya", and the size asked for after
        every later answer): the name and the size, each kept (the size when none was and it
        is allowed); False, nothing taken, for a plain name."""
        size = group_size(value)
        named = introduced(value, self._words("booking.name_stops")) if size else None
        if size is None or named is None or group_size(named) is not None:
            return False
        self._take_organisation(named, slots)
        if "participants" not in slots and self._rules.participants_problem(size) is None:
            slots["participants"] = size
        return True

    def _take_organisation(self, name: str, slots: dict[str, Any]) -> None:
        """The organisation as named, and the origin when the name says it ("dinkop kab
        solok": Kabupaten Solok, Sumatera Barat)."""
        self._name_organisation(name, slots)
        if (origin := self._origin_of_name(name)) is not None:
            slots.setdefault("origin", origin)

    def _origin_of_name(self, name: str) -> str | None:
        """The region an organisation's name says: "dinkop kab solok", or a kabupaten or kota
        ending a name of two words or more before it ("KSPPS Rinjani Sejahtera Lombok
        Timur"), rather than a province named inside it; else that province."""
        places = self._places
        if places is None:
            return None
        origin = places.origin(name)
        if origin is not None and "," in origin:
            return origin  # a kabupaten or kota with its province
        words = name.split()
        for length in (3, 2, 1):
            if len(words) - length >= 2 and (town := places.town(" ".join(words[-length:]))):
                return town  # "Koperasi Mama-Mama Papua Jayapura": Jayapura, not Papua alone
        return origin

    async def _fill_org_kind(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | None:
        kind = value_of(payload, Space.KIND)
        if kind is None and self._t.asks(value):  # "siswa perlu pakai seragam sekolah?"
            return self._t("booking.invalid.org_kind")  # (console: "sekolah", another body)
        if kind is None and self._tells_topics(value):
            return self._t("booking.invalid.org_kind")  # "tata kelola koperasi dan
            # pemberdayaan anggota": the topics, written ahead (console, Bandung: a cooperative)
        kind = kind or guess_kind(value) or ("lainnya" if "lain" in value.lower() else None)
        if kind is None and (origin := self._origin_ahead(value, state.slots)) is not None:
            state.slots["origin"] = origin  # "Badung" (console, an LPD from Bali: "pilih")
            return Noted(self._t("booking.origin_noted", origin=origin))
        if kind not in KINDS:
            return self._t("booking.invalid.org_kind")
        state.slots["org_kind"] = kind
        return None

    def _origin_ahead(self, value: str, slots: dict[str, Any]) -> str | None:
        """Where they come from, written alone ahead of its step; None for anything else."""
        if self._places is None or "origin" in slots or len(value.split()) > MAX_PLACE_WORDS:
            return None
        return _place_in(value, self._places)

    async def _fill_origin(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | None:
        if not 2 <= len(value) <= 120:
            return self._t("booking.invalid.origin")
        if (noted := self._visit_for_name(value, state)) is not None:
            return noted
        if (ahead := self._for_another_step(value, state)) is not None:
            return ahead  # "jawara dan BMI goes to school": the topics, not a place
        if (kind := _KIND_ALONE.match(value)) is not None:
            # "lembaga lain" answering the kind not asked (console, a Gapoktan: it became
            # the organisation's name): the kind, and the origin asked again
            state.slots["org_kind"] = _kind_of(kind[1])
            shown = self._t(f"booking.kind.{state.slots['org_kind']}")
            return Noted(self._t("booking.kind_noted", kind=shown))
        places = self._places
        if guess_kind(value) is not None and "," not in value and len(value.split()) > 1:
            # "Koperasi Produsen Nyiur Melambai" names the organisation (the one taken before
            # was a guess, or is corrected): the name, and the origin if it names a region.
            # A kind alone ("koperasi", answering the kind not asked) names none.
            state.slots.pop("org_kind", None)
            self._take_organisation(value, state.slots)
            if "origin" not in state.slots:
                return Noted(self._t("booking.org_noted", org_name=state.slots["org_name"]))
            return None
        if places is None:
            state.slots["origin"] = value
            return None
        # "makassar, sulsel" -> "Makassar, Sulawesi Selatan"; "kab solok" -> "Kabupaten Solok,
        # Sumatera Barat"; a province found alone keeps the town written beside it.
        written = places.written_out(value)
        known = _place_in(value, places)
        if known is not None and "," not in known:
            at = written.lower().find(known.lower())
            town = (written[:at] if at >= 0 else written).rstrip(" ,")
            known = f"{town}, {known}" if town else known  # "Kupang NTT": Kupang, NTT
        if known is None and find_dates(value, self._today()):
            # "baik, kami mahu tempah untuk bulan Jun 2027": no place; the time, for its step
            notes = self._note_when(value, state.slots) or [self._when_noted(state.slots)]
            return Noted("\n".join(notes))
        if known is None and state.slots.get(DOUBTED) != written:
            # "ya mau daftar" names no region: asked again. What the region data does not
            # know (a village, an island) is taken when it is sent again as it was.
            state.slots[DOUBTED] = written
            return self._t("booking.invalid.origin_unknown")
        state.slots.pop(DOUBTED, None)
        state.slots["origin"] = known or written
        return None

    async def _fill_contact_name(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | None:
        if not 2 <= len(value) <= 120:
            return self._t("booking.invalid.contact_name")
        if (noted := self._visit_for_name(value, state)) is not None:
            return noted
        if (phone := normalise_phone(value)) is not None:
            # "Pak Yuli 0812 3777 8899": both; the number alone is no name, kept for its step
            state.slots["contact_phone"] = phone
            value = without_phone(value)
            if not any(character.isalpha() for character in value):
                return Noted(self._t("booking.phone_noted", phone=phone))
        if (
            value.lower().strip(" .!") in self._words("booking.send")
            or self._says(value, "booking.no_notes")
            or self._origin_again(value, state.slots)
        ):  # "kirim", "tidak ada": no name
            return self._t("booking.invalid.contact_name")
        if _TOPIC_CUE.match(value):  # the topic answered late (console, a KSP from Sumbawa)
            return Noted(self._t("booking.topics_noted", topics=self._take_topics(value, state)))
        if (renamed := self._renamed(value, state.slots)) is not None:
            return renamed
        if self._tells_topics(value) and not honoured_name(value):
            # "pemberdayaan anggota dan jawara" (console, a Dinas from Sinjai, one step late:
            # it became the contact's name): the topics, told again
            return Noted(self._t("booking.topics_noted", topics=self._take_topics(value, state)))
        if _NOTE_LIKE.search(value) and len(value.split()) > 4 and not honoured_name(value):
            # "ibu2 banyak yang sudah sepuh, mohon disediakan kursi yang nyaman" (console,
            # Serang: it became the contact's name): a request, kept as the notes
            _add_note(state.slots, value)
            return Noted(self._t("booking.notes_noted", notes=value))
        name = contact_name(value) or (
            str(state.slots.get(SENDER, "")) if _SELF.match(value) else ""
        )  # "saya sendiri" from the sender who said their name ("ini dengan Bu Hj. Aminah")
        if not name:
            return self._t("booking.invalid.contact_self")  # "saya sendiri": whose name?
        state.slots["contact_name"] = name
        return None

    def _renamed(self, value: str, slots: dict[str, Any]) -> Noted | None:
        """The organisation's name where the contact is asked: no person (no honorific) and
        a name that says its kind. The name already taken, said in full ("Koperasi Perempuan
        Sehati Kupang" after "koperasi perempuan": console, Kupang), replaces it; said again,
        it is known. None for a person's name."""
        if _is_person(value) or guess_kind(value) is None or honoured_name(value):
            return None  # "Ketua Koperasi Melati, Bu Sri" names a person
        org = str(slots.get("org_name", ""))
        if not has_words(value, org):
            return None
        if len(value.split()) > len(org.split()):
            self._name_organisation(value, slots)
            return Noted(self._t("booking.org_noted", org_name=slots["org_name"]))
        return Noted(self._t("booking.org_known", org_name=org))

    def _origin_again(self, value: str, slots: dict[str, Any]) -> bool:
        """ "Papua" where the contact's name is asked, the origin "Kabupaten Jayapura, Papua"
        kept: the region told late, no name (a person may be named "Bima" elsewhere)."""
        return (
            has_words(str(slots.get("origin", "")), value)
            and self._places is not None
            and self._places.is_region(value)
        )

    async def _fill_contact_phone(
        self, payload: str, value: str, state: ConversationState
    ) -> str | None:
        phone = normalise_phone(value)
        if phone is None and not any(character.isdigit() for character in value):
            # "tidak ada", "nanti saya kabari" (console: "Nomor tersebut belum sesuai")
            return self._t("booking.invalid.contact_phone_needed")
        if phone is None:
            return self._t("booking.invalid.contact_phone")
        state.slots["contact_phone"] = phone
        return None

    async def _fill_notes(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | None:
        # "kirim" typed here wants the request sent: no note (the summary comes next); "ya"
        # answers "Ada catatan?" and is kept
        programs = (
            self._answers.knowledge.find_programs(value) if _TOPICS_TOLD.match(value) else []
        )
        if programs:
            state.slots["topics"] = [program.id for program in programs]  # "topiknya NIB saja"
            names = ", ".join(program.name for program in programs)
            return Noted(self._t("booking.topics_noted", topics=names))
        sending = value.lower().strip(" .!") == "kirim"
        none = value_of(payload, Space.NOTES) == "-" or sending
        none = none or self._says(_NOTES_NAMED.sub("", value), "booking.no_notes")
        # "ya, tolong diproses" (console, a Dinas from Lombok Timur: kept as the note)
        none = none or (len(value.split()) > 1 and self._acknowledges(value))
        state.slots["notes"] = "" if none else value[:1000]
        return None

    async def _fill_participants(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | None:
        if _BEYOND.search(value) and self._t.asks(value):
            # "apakah bisa lebih dari 60 orang?" (console, a pesantren: taken for 60)
            return Noted(self._answers.group_size().text)
        if (split := self._split_asked(value)) is not None:
            return Noted(split.text)  # "kl gt kami bagi 2 gelombang" (console: 2 people)
        if _some_of(value):  # "ada 2 peserta pakai kursi roda" (console, a Kopwan from
            _add_note(state.slots, value)  # Surabaya: a group of 2): a need, for the notes
            return Noted(self._t("booking.notes_noted", notes=value))
        number = group_size(value)
        # "1 hari saja": how long; "yang tanggal 11 saja": a day (console, Pandeglang: 11 people)
        # "2 bus": vehicles, not people (console, a Gapoktan: 2 people)
        counted = DAYS_IN_TEXT.search(value) or THINGS_IN_TEXT.search(value)
        if number is None and not counted and not _DAY_NAMED.search(value):
            bare = _BARE_NUMBER.match(value)
            number = int(bare.group(1)) if bare else words_to_int(value)
        if number is None:
            return self._t("booking.invalid.participants")
        problem = self._rules.participants_problem(number)
        if problem is not None:
            return self._t(problem.key, **render.fields(self._t, problem.fields))
        state.slots["participants"] = number
        return None

    async def _fill_date(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | Reply | None:
        slots = state.slots
        people, length = int(slots.get("participants") or 1), int(slots.get("days") or 1)
        weekday = weekday_named(value) if PERIOD in slots and not payload else None
        if weekday is not None:  # "yang hari kamis" of January offered, not this Thursday
            return await self._weekdays_of_period(weekday, slots[PERIOD], length, people)
        start, days = self._date_from_payload(payload) if payload else self._date_from(None, value)
        window = None if payload else self._period_in(value)
        if window is None and PERIOD in slots:
            # "minggu ketiga" where January's days are offered (console, a credit union from
            # Samosir: "not understood"); "minggu kedua saja" (console, Padang: the whole
            # month again)
            window = self._week_of(value, slots[PERIOD])
        if start is None and window is None and not payload and PERIOD in slots:
            start = day_in(value, slots[PERIOD])  # "yang tgl 13 aja" of the week offered
            days = self._days_in(value)  # "oke 18 aja, 2 hari"
            if start is None and EARLIEST.search(value):  # "yang paling awal saja"
                start = await self._earliest_of(slots[PERIOD], length, people)
        if start is not None and not payload:
            window = _bounded_by(value, start, slots.get(PERIOD)) or window
            start = None if window is not None else start
        elif window is not None and (bound := _bound_in(value, window)) is not None:
            window = bound  # "bulan Januari setelah tanggal 20" (console, a pesantren)
        if start is None and window is not None:
            slots[PERIOD] = [day.isoformat() for day in window]
            return await self._choose_in(*window, length, people)
        if start is None and not _TIME_WORDS.search(value) and not weekdays_named(value, True):
            # "Banda Aceh", "tidak ada", "kirim" (console, a KSPPS from Aceh answering the
            # steps after it: "tanggalnya belum saya pahami" five times): no date tried
            return self._t("booking.date_wanted")
        if start is None and PERIOD in slots:
            return self._t("booking.date_unclear_choose")  # the offered days follow again
        if start is None:
            return self._t("booking.date_unclear")
        if days is not None and days > MAX_DAYS:
            return self._t("booking.invalid.days")
        if not payload and (slip := self._weekday_slip(value, start)) is not None:
            return slip
        days = days or length
        problem = self._rules.date_problem(start, days, self._today())
        if problem is not None:
            # "tgl 17 agustus bisa?" (a holiday): why not, the nearest free days as buttons,
            # and a bare day next ("kalo tgl 18?") read in that month.
            if start >= self._today():
                slots[PERIOD] = month_of(start)
            alternatives = await self._bookings.alternatives(start, days, people)
            return Reply(render.refusal(self._t, problem), self._date_buttons(alternatives))
        if not await self._bookings.free_days(start, days, people):
            alternatives = await self._bookings.alternatives(start, days, people)
            return self._day_full(date_span(start, days), alternatives)
        slots["start_date"] = start.isoformat()
        slots.pop(PERIOD, None)
        if days > 1 or "days" in slots:
            slots["days"] = days
        return None

    async def _fill_days(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | Reply | None:
        slots = state.slots
        raw = value_of(payload, Space.DAYS) or value
        days = self._days_in(raw) or (int(raw) if raw.isdecimal() else words_to_int(raw))
        if days is None or not 1 <= days <= MAX_DAYS:
            return self._t("booking.invalid.days")
        start = date.fromisoformat(slots["start_date"])
        slots["days"] = days
        problem = self._rules.date_problem(start, days, self._today())
        people = int(slots.get("participants") or 1)
        if problem is not None:  # "2 hari" from the 9th, and the 10th is Idulfitri
            slots.pop("start_date", None)
            state.step = "start_date"
            alternatives = await self._bookings.alternatives(start, days, people)
            return Reply(render.refusal(self._t, problem), self._date_buttons(alternatives))
        if not await self._bookings.free_days(start, days, people):
            slots.pop("start_date", None)
            state.step = "start_date"
            alternatives = await self._bookings.alternatives(start, days, people)
            return self._day_full(date_span(start, days), alternatives)
        return None

    async def _fill_topics(
        self, payload: str, value: str, state: ConversationState
    ) -> str | Noted | None:
        slots = state.slots
        chosen = value_of(payload, Space.TOPIC)
        if chosen is not None:
            if chosen == "-":
                slots["topics"] = []
                return None
            if self._answers.knowledge.program(chosen) is None:
                return self._t("input.stale_button")
            slots["topics"] = [chosen]
            return None
        if not value:
            return self._t("booking.invalid.topics")
        parts = [part for part in value.split(",") if part.strip()]  # "tra tau, semua saja"
        if all(self._says(part, "booking.all_topics") for part in parts) or self._says(
            value, "booking.no_notes"
        ):  # as the "Semua / belum tahu" button; "tidak ada" (no topic in particular) too
            slots["topics"] = []
            return None
        if self._says(value, "booking.send"):  # "ya", "oke": no topic
            return self._t("booking.invalid.topics")
        org = str(slots.get("org_name", ""))
        if has_words(value, org) and len(value.split()) <= len(org.split()) + 2:
            return Noted(self._t("booking.org_known", org_name=org))  # told again
        if self._origin_again(value, slots):  # "Klaten" (console, a KUD from Klaten)
            return Noted(self._t("booking.origin_noted", origin=slots["origin"]))
        programs = self._answers.knowledge.find_programs(value)
        if not programs and (ahead := self._for_another_step(value, state)) is not None:
            return ahead  # "Bapak Yuliandri", "0812…": the contact, written ahead
        size = group_size(value)
        if not programs and size is not None and len(value.split()) <= MAX_SIZE_WORDS:
            # "pesertanya 42 ya" (console, Sidoarjo: the topic "pesertanya 42 ya"): the size
            refused = self._note_count(value, slots)
            return Noted("\n".join(refused) or self._t("booking.count_noted", participants=size))
        self._take_topics(value, state)
        return None

    def _take_topics(self, value: str, state: ConversationState) -> str:
        """Keep the topics `value` tells, as shown: "digital marketing dan NIB" both programs;
        a longer text that names one says more than its name, and is kept as written."""
        knowledge = self._answers.knowledge
        programs = knowledge.find_programs(value)
        if len(value) < 40 * len(programs):
            # "pengelolaan koperasi wanita dan Jawara" (console, Padang: only Jawara kept):
            # what else it names is a topic too
            fillers = self._words("booking.topic_fillers")
            rest = re.findall(r"[\w'-]+", knowledge.without_programs(value))
            # "profil bmi, jawara …" (console: the topic "profil"): BMI after a topic word
            # is part of it, alone ("belajar di bmi") a filler
            kept = [
                word
                for before, word in zip(["", *rest], rest, strict=False)
                if word.lower() not in fillers
                or (word.lower() == "bmi" and before and before.lower() not in fillers)
            ]
            # "ttg kopma dan digital marketing": one word of its own is a topic too
            told = [" ".join(kept)] if len(kept) >= 2 or (kept and len(kept[0]) >= 4) else []
            state.slots["topics"] = [*told, *(program.id for program in programs)]
            return ", ".join([*told, *(program.name for program in programs)])
        cue = _TOPICS_TOLD.match(value)  # "materi tentang …", "tentang …"
        topic = _TOPIC_CUE.sub("", value[cue.end() :] if cue else value, count=1)
        topic = topic.strip(" ,:") or value
        state.slots["topics"] = [topic[:300]]
        return topic[:300]

    async def _ask_next(self, state: ConversationState) -> list[Reply]:
        state.misses = 0  # a step answered: refusals are counted afresh
        missing = next((slot for slot in SLOTS if slot not in state.slots), None)
        if missing is None:
            state.step = CONFIRM
            # Saved with the summary, before "Kirim" can be pressed: the same key files one
            # booking even if the state could not be saved after the first submission.
            state.slots.setdefault(REQUEST_KEY, uuid.uuid4().hex)
            return [self._summary(state.slots)]
        state.step = missing
        return await self._question(missing, state)

    async def _question(self, slot: str, state: ConversationState) -> list[Reply]:
        """The step's question with its buttons; for the date, while a period named earlier
        ("bulan Maret", "setelah lebaran") is still open, its free days again."""
        if slot == CONFIRM:
            return [self._summary(state.slots)]
        if slot == "start_date" and PERIOD in state.slots:
            first, last = (date.fromisoformat(day) for day in state.slots[PERIOD])
            people = int(state.slots.get("participants") or 1)
            return [await self._choose_in(first, last, int(state.slots.get("days") or 1), people)]
        buttons: tuple[Button, ...] = ()
        if slot == "org_kind":
            buttons = tuple(
                Button(self._t(f"booking.kind.{k}"), encode(Space.KIND, k)) for k in KINDS
            )
        elif slot == "days":
            buttons = tuple(
                Button(self._t(f"booking.days_button.{n}"), encode(Space.DAYS, str(n)))
                for n in (1, 2, 3)
            )
        elif slot == "topics":
            buttons = tuple(
                Button(p.name[:24], encode(Space.TOPIC, p.id))
                for p in self._answers.knowledge.programs
            ) + (Button(self._t("booking.topics_skip"), encode(Space.TOPIC, "-")),)
        elif slot == "notes":
            buttons = (Button(self._t("booking.notes_none"), encode(Space.NOTES, "-")),)
        fields = {"lead_days": self._rules.lead_days, "limit": self._rules.max_participants}
        return [Reply(self._t(f"booking.ask.{slot}", **fields), buttons)]

    def _so_far(self, text: str, state: ConversationState) -> Reply | None:
        """ "tadi tanggal berapa yang saya pilih?" mid-form (console, a credit union from Ende:
        "answered after the form"): what was filled in so far, as the summary shows it; None
        for any other question, or before anything was."""
        if not self._t.mentions(text, "words.booking.asked_back"):
            return None
        shown = self._shown(state.slots)
        if "participants" in shown:
            shown["participants"] += " orang"
        lines = [
            f"{self._t(f'booking.field.{_FIELD_OF.get(key, key)}')}: {shown[key]}"
            for key in _SUMMARY_ORDER
            if key in shown
        ]
        return Reply(self._t("booking.so_far", lines="\n".join(lines))) if lines else None

    def _shown(self, slots: dict[str, Any]) -> dict[str, str]:
        """Each slot filled in, as the summary shows it ("when" for the date and length)."""
        shown = {slot: str(slots[slot]) for slot in _SHOWN_AS_IS if slot in slots}
        if "org_kind" in slots:
            shown["org_kind"] = self._t(f"booking.kind.{slots['org_kind']}")
        if "start_date" in slots:
            start = date.fromisoformat(slots["start_date"])
            shown["when"] = date_span(start, int(slots.get("days") or 1))
        if slots.get("topics"):
            names = render.topic_names(self._answers.knowledge, slots["topics"])
            shown["topics"] = ", ".join(names)
        elif "topics" in slots:  # none chosen: "Semua / belum tahu", not "-"
            shown["topics"] = self._t("booking.topics_skip")
        return shown

    def _summary(self, slots: dict[str, Any]) -> Reply:
        text = self._t("booking.summary", **self._shown(slots), notes=slots.get("notes") or "-")
        return Reply(text, self._summary_buttons())

    def _summary_buttons(self) -> tuple[Button, ...]:
        return tuple(
            Button(self._t(f"booking.{choice}"), encode(Space.SUMMARY, choice))
            for choice in ("send", "edit", "cancel")
        )

    def _typed_choice(self, result: NluResult | None, text: str) -> str | None:
        """The summary's button a typed answer means: "ubah data" edits; "kirim", "oke",
        and a sure yes ("iye betul", "sudah benar") send."""
        if self._says(text, "booking.edit"):
            return "edit"
        yes = result is not None and result.intent == "affirm" and result.confidence >= SURE
        if text.lower() in self._words("booking.send") or (yes and not self._t.asks(text)):
            return "send"
        return None

    def _at_summary(
        self, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """A typed message at the summary that picks no button, answered briefly and the
        buttons offered again (the summary itself is just above): thanks or goodbye are told
        the request is not sent yet, "kapan dikonfirmasi?" what happens after "Kirim", "tadi
        tanggal berapa yang saya pilih?" what was filled in (console, a Dinas from Lombok
        Timur: "belum bisa saya jawab"), another question its answer."""
        hint = Reply(self._t("booking.confirm_hint"), self._summary_buttons())
        if (closing := self._closing(result, text)) is not None:
            said = self._t("booking.not_sent")
            thanked = closing == "thank"
            return [
                Reply(f"{self._t('smalltalk.welcome')} {said}" if thanked else said, hint.buttons)
            ]
        asks = self._t.asks(text)
        if result is not None and result.intent == "check_booking" and result.confidence >= LIKELY:
            return [Reply(self._t("booking.after_send")), hint]
        question = self._question_answer(result, text, likely=asks) or self._so_far(text, state)
        if question is not None:
            return [question, hint]
        if asks:
            return [Reply(self._t("booking.question_later")), hint]
        return [hint]

    async def _confirm(
        self, event: Incoming, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply] | None:
        payload = event.payload or ""
        choice = value_of(payload, Space.SUMMARY)
        typed = event.kind is Kind.TEXT
        if choice is None and typed:
            choice = self._typed_choice(result, text)
        if choice is None and typed and (added := _NOTE_ADDED.search(text)) is not None:
            # "tolong tambahkan catatan: butuh proyektor" (console: the notes asked again)
            note = added["note"].strip()
            _add_note(state.slots, note)
            return [Reply(self._t("booking.notes_noted", notes=note)), self._summary(state.slots)]
        slot = value_of(payload, Space.EDIT)
        retold = self._field_retold(text) if slot is None and typed and choice is None else None
        if slot is None and typed and choice is None and retold is None:
            # "jumlah peserta" after "Ubah data"; "ubah tanggal" straight away (console: read
            # as moving a booking, the form put aside for "no booking of yours")
            slot = self._typed_field(text)
        # "mau bicara dengan petugas": that request, the form kept; "kapan dikonfirmasi?" is
        # about this request, answered here.
        sure = result.intent if result is not None and result.confidence >= SURE else None
        if (
            choice is None
            and slot is None
            and typed
            and sure in SWITCH_INTENTS - {"check_booking"}
            and not find_counts(text)  # "ubah jumlah peserta jadi 30" (moving a booking,
            and self._day_at_summary(text, state) is None  # console: the form put aside)
        ):
            self._pause(state)
            return None
        if choice == "edit":
            fields = (Button(self._t(f"booking.field.{s}"), encode(Space.EDIT, s)) for s in SLOTS)
            return [Reply(self._t("booking.edit_which"), tuple(fields))]
        if retold is not None:
            # "ganti nama penanggung jawab jadi Ibu Sri Wahyuni" (console, a women's
            # cooperative from Blitar: "Silakan tekan Kirim …"), "ganti topiknya jadi jawara
            # saja" (console, Sidoarjo: the field's name alone was read, the topic asked): that
            # field's new answer
            slot, state.step = retold[0], retold[0]
            state.slots.pop(slot, None)
            return await self._answer_step(event, None, retold[1], state)
        if slot in SLOTS:  # the length stays with a new date (console: asked again)
            state.slots.pop(slot, None)
            return await self._ask_next(state)
        if choice == "cancel":
            return self._leave(state)
        if choice != "send":
            if not typed:
                return [self._summary(state.slots)]
            return await self._typed_at_summary(result, text, state)
        return await self._submit(event, state)

    async def _typed_at_summary(
        self, result: NluResult | None, text: str, state: ConversationState
    ) -> list[Reply]:
        """A typed message at the summary that picks no button and names no field: a new
        group size ("bntr, peserta jadi 45 org", "pak, pesertanya nambah jadi 30 orang
        bisa?") or day, a note ("kami tiba jam 9"), each taken and the summary shown again;
        else `_at_summary`'s brief answer."""
        size = group_size(text)
        if find_counts(text) and (
            not self._t.asks(text) or size not in (None, state.slots.get("participants"))
        ):
            notes = self._note_count(text, state.slots)
            return [*(Reply(note) for note in notes), self._summary(state.slots)]
        changed = await self._day_changed_at_summary(text, state)
        if changed is None and (noted := self._note_ahead(result, text, state)) is not None:
            changed = [Reply(noted.text), self._summary(state.slots)]
        return changed if changed is not None else self._at_summary(result, text, state)

    async def _day_changed_at_summary(
        self, text: str, state: ConversationState
    ) -> list[Reply] | None:
        """ "tanggalnya ganti 21 januari": a new day typed at the summary (it got the buttons
        again, and "kirim" sent the old one), taken and the summary shown again; a day that
        cannot be is refused with the nearest free days, as at the date step. None for
        anything else (a new group size is read as one before: `nlu.numbers`)."""
        slots = state.slots
        if (value := self._day_at_summary(text, state)) is None:
            return None
        before = slots.get("start_date")
        problem = await self._fill_date("", value, state)
        if isinstance(problem, Reply):  # the nearest free days as buttons: answered there
            state.step = Step.START_DATE
            return [problem]
        if problem is not None:  # why not, and the summary as it stands, buttons and all
            refusal = problem if isinstance(problem, str) else problem.text
            return [Reply(refusal), self._summary(slots)]
        if slots.get("start_date") == before:
            return [self._summary(slots)]
        when = long_date(date.fromisoformat(slots["start_date"]))
        return [Reply(self._t("booking.date_changed", when=when)), self._summary(slots)]

    def _day_at_summary(self, text: str, state: ConversationState) -> str | None:
        """The new day a summary message names after "tanggal": as written ("tanggalnya ganti
        21 januari"), or a bare day of the chosen date's month ("tanggalnya salah, harusnya
        18", console: the buttons again) as an ISO date; None for anything else."""
        if not _DATE_TOLD.search(text):
            return None
        if find_dates(text, self._today()):
            return text
        chosen = state.slots.get("start_date")
        day = day_in(text, month_of(date.fromisoformat(chosen))) if chosen else None
        return day.isoformat() if day is not None else None

    def _field_retold(self, text: str) -> tuple[str, str] | None:
        """The summary's field a message changes and its new answer: "ganti nama penanggung
        jawab jadi Ibu Sri Wahyuni" -> ("contact_name", "Ibu Sri Wahyuni"); None unless a
        field (`_typed_field`) comes before "jadi" and something after it."""
        said = CHANGED_TO.search(text)
        if said is None:
            return None
        slot = self._typed_field(text[: said.start()])
        value = text[said.end() :].strip(" .,:;")
        return (slot, value) if slot is not None and value else None

    def _typed_field(self, text: str) -> str | None:
        """The summary's field a short typed message names ("jumlah peserta", "ganti
        tanggalnya", "nomor hp"), as its button would: the longest phrase of
        `words.booking.field.<slot>` found, alone or with a word of `words.booking.edit`; None
        for a longer message, one with a number ("peserta jadi 45 org" gives the new value
        itself), or none found."""
        words = re.findall(r"\w+", text.lower())
        if not 0 < len(words) <= 5 or any(character.isdigit() for character in text):
            return None
        padded = f" {' '.join(words)} "
        found = [
            (len(phrase.split()), len(phrase), slot)
            for slot in SLOTS
            for phrase in self._words(f"booking.field.{slot}")
            if f" {phrase} " in padded
        ]
        if not found:
            return None
        size, _, slot = max(found)
        edits = {phrase for phrase in self._words("booking.edit") if " " not in phrase}
        # the field alone, or asked to be changed: "ada peserta yang vegetarian" at the summary
        # is a note (console, a BMT from Cirebon: the group size asked again)
        return slot if len(words) <= size + 1 or edits & set(words) else None

    async def _submit(self, event: Incoming, state: ConversationState) -> list[Reply]:
        slots = state.slots
        request = BookingRequest(
            org_name=slots["org_name"],
            org_kind=slots["org_kind"],
            origin=slots["origin"],
            contact_name=slots["contact_name"],
            contact_phone=slots["contact_phone"],
            participants=int(slots["participants"]),
            start_date=date.fromisoformat(slots["start_date"]),
            days=int(slots["days"]),
            topics=tuple(slots.get("topics") or ()),
            notes=slots.get("notes") or "",
            channel=event.channel,
            chat_id=event.chat_id,
            user_id=event.user_id,
            by_staff=self._by_staff(event),
            request_key=slots.get(REQUEST_KEY),
        )
        try:
            booking = await self._bookings.request(request)
        except TooMany as held:
            state.flow = state.step = None
            state.slots = {}
            return [self._held(held)]
        except DayFull as full:
            slots.pop("start_date", None)
            state.step = "start_date"
            return [self._day_full(long_date(full.day), full.alternatives)]
        except BookingError as error:
            slots.pop("start_date", None)
            state.step = "start_date"
            return [Reply(render.refusal(self._t, error))]
        state.flow = state.step = None
        state.slots = {}
        if booking.repeated:  # filed before, and staff were told then
            return [
                Reply(self._t("booking.submitted", code=booking.code, when=render.when(booking)))
            ]
        await self._to_staff(
            [
                Reply(
                    self._t(
                        "staff.new_request",
                        summary=render.details(self._t, self._answers.knowledge, booking),
                        channel=self._t(f"channel.{booking.channel}"),
                    ),
                    self._staff_buttons(booking.code),
                )
            ]
        )
        return [Reply(self._t("booking.submitted", code=booking.code, when=render.when(booking)))]


def _add_note(slots: dict[str, Any], note: str) -> None:
    """Add `note` to the notes already kept: one text for staff, 1,000 characters at most."""
    kept = slots.get("notes")
    slots["notes"] = f"{kept}; {note}"[:1000] if kept else note[:1000]


def _bound_in(text: str, window: tuple[date, date]) -> tuple[date, date] | None:
    """ "bulan Januari setelah tanggal 20": the part of the period named that the day named
    bounds; None without such a day."""
    offered = [day.isoformat() for day in window]
    day = day_in(text, offered) if _BOUND.search(text) else None
    return _bounded_by(text, day, offered) if day is not None else None


def _bounded_by(text: str, day: date, period: list[str] | None) -> tuple[date, date] | None:
    """ "sebelum tanggal 20" of the period offered (else of that day's month): the days before
    the 20th; "setelah tanggal 10": the days after the 10th. None when the day bounds nothing
    or nothing is left."""
    bound = _BOUND.search(text)
    if bound is None:
        return None
    first, last = (date.fromisoformat(each) for each in period or month_of(day))
    if bound.group(1).lower() == "sebelum":
        last = day - timedelta(days=1)
    else:
        first = day + timedelta(days=1)
    return (first, last) if first <= last else None


def weekday_named(text: str) -> int | None:
    """The day of the week a message names alone, without a day of the month ("yang hari
    kamis", "jumat aja"): 0 for Monday; "minggu" only as "hari minggu" (else a week)."""
    if _DAY_OF_MONTH.search(_without_counts(text)):
        return None
    return next(iter(weekdays_named(text)), None)


def _some_of(text: str) -> bool:
    """Whether the people a message counts are some of the group, described ("katong ada 2
    orang yang pakai kursi roda": console, taken as a group of 2), not its size."""
    return any(_SOME_OF.match(text[c.end_char :]) for c in find_counts(text))


def _without_counts(text: str) -> str:
    """The message without its lengths, group sizes and counted things: the 2 of "2 hari",
    of "katong ada 2 orang yang pakai kursi roda" (console, taken for 2 March) or of "2 bus"
    is no day of the month."""
    for count in reversed(find_counts(text)):
        text = text[: count.start_char] + " " + text[count.end_char :]
    return THINGS_IN_TEXT.sub(" ", DAYS_IN_TEXT.sub(" ", text))


def month_of(day: date) -> list[str]:
    """The month `day` is in, as a period offered (its first and last days, ISO)."""
    last = calendar.monthrange(day.year, day.month)[1]
    return [day.replace(day=1).isoformat(), day.replace(day=last).isoformat()]


def day_in(text: str, period: list[str]) -> date | None:
    """The day of the period offered that a bare day of the month names ("tgl 13", "13 aja"
    while 8–14 April is on offer: 13 April); the one after "tanggal" first ("30 orang …
    bisa tanggal 15?")."""
    match = _DAY_NAMED.search(text) or _DAY_OF_MONTH.search(_without_counts(text))
    if match is None:
        return None
    first, last = (date.fromisoformat(day) for day in period)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return next((day for day in days if day.day == int(match.group(1))), None)


def introduced(text: str, stops: frozenset[str]) -> str | None:
    """The organisation a sender introduces with its kind ("kami dari ksp maju bersama
    bandung mau studi banding" -> "ksp maju bersama bandung"), for when the tagger, which
    has seen few lower-case names, found none: the kind word and the words after it, up to
    a word that ends names ("mau", "tanggal"), a number or a comma. The first kind word that
    begins a name: "… menerima kunjungan dari SMK? kami dari SMK Negeri 2 Pandeglang" is the
    second (console), and so is "… dari koperasi sekolah? kami dari kopsis SMKN 1 …", what
    a question asks about being no one's name (console, Rangkasbitung)."""
    for match in SENDER_KIND.finditer(text):
        name, asked = [match["kind"]], False
        for word in text[match.end() :].split():
            bare = word.rstrip(",;:!?")
            numbered = bare.isdecimal() and name[-1].lower() in _NUMBERED  # "SMK Negeri 1"
            plain = bare.replace(".", "").replace("-", "").isalpha()
            if not (plain or numbered) or bare.lower() in stops:
                break
            name.append(bare)
            asked = word.endswith("?")  # "… menerima kunjungan dari koperasi sekolah?"
            if bare != word or len(name) == 6:
                break
        if len(name) > 1 and not asked:
            return " ".join(name)
    return None


def joined_names(names: Sequence[Entity], text: str) -> list[Entity]:
    """Names the tagger cut at a comma or "dan" made whole again: "Dinas Koperasi" and "UKM
    dan Perdagangan Kabupaten Tanah Datar" of "Dinas Koperasi, UKM dan Perdagangan …"."""
    joined: list[Entity] = []
    for name in sorted(names, key=lambda entity: entity.start):
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.end < name.start
            and _JOIN.fullmatch(text[last.end : name.start])
        ):
            whole = text[last.start : name.end]
            joined[-1] = replace(last, value=whole, text=whole, end=name.end)
        else:
            joined.append(name)
    return joined


def _kind_put_back(text: str, found: str, at: int, stops: frozenset[str]) -> tuple[str, int]:
    """The kind the tagger left out before a name, with what it says of the kind: "KUD" of
    "KUD Sido Makmur", "koperasi simpan pinjam" of "… koperasi simpan pinjam Sejahtera Bersama
    Karawang" (console: "Sejahtera Bersama Karawang", then asked what kind it was). The name
    `found` at `at`, and where it now starts."""
    before = text[:at].split()
    if not text[at - 1 : at].isspace():
        return found, at
    for back in range(1, min(3, len(before)) + 1):
        if not all(w.isalpha() and w.lower() not in stops for w in before[len(before) - back :]):
            break
        if KIND_WORD.fullmatch(before[-back]):
            start = text.rfind(before[-back], 0, at)
            return text[start : at + len(found)], start
    return found, at


def whole_name(text: str, found: str, stops: frozenset[str]) -> str:
    """The tagger sometimes stops inside a proper name ("Kopwan" of "Kopwan Sekar Melati mau
    berkunjung"): carry on over the capitalised words that follow it in the message, or over
    the last word or two of a message written in lower case ("… dari diskop kab pasaman
    barat", where the tagger has seen too few names end a message)."""
    found = _PLACE_AFTER_NAME.split(found, maxsplit=1)[0]  # "Kopwan Flobamora di Kupang"
    words = found.split()
    while len(words) > 1 and words[-1].lower() in stops:  # "… Pesisir Selatan rencana" (tagged)
        words.pop()
    found = " ".join(words)
    at = text.find(found)
    if at < 0:
        return found
    found, at = _kind_put_back(text, found, at, stops)
    if found.split()[-1].lower() in _ABBREVIATED and text[at + len(found) :].startswith("."):
        found += "."  # "Dinas Koperasi Kab. Pesisir Selatan": the tagger stopped at the dot
    tail = [word.rstrip(",.;:!?") for word in text[at + len(found) :].split()]
    while tail and not any(letter.isalpha() for letter in tail[-1]):
        tail.pop()  # an emoji or a lone "?" closing the message

    def name_goes_on(words: list[str], most: int) -> bool:
        """Lower-case words of the name the tagger stopped short of, `most` at most."""
        return 1 <= len(words) <= most and all(
            w.isalpha() and w.islower() and w not in stops for w in words
        )

    if name_goes_on(tail, 2):
        return " ".join([found, *tail])
    clause = re.split(r"[,;]", text[at + len(found) :], maxsplit=1)
    words = clause[0].split()
    if len(clause) > 1 and name_goes_on(words, 3):
        return " ".join([found, *words])  # "… pt maju jaya jakarta, 45 org": up to the comma
    name = found
    for word in text[at + len(found) :].split():
        bare = word.rstrip(",.;:!?")
        if not (bare[:1].isupper() and bare.replace("-", "").isalnum()):
            break
        if bare.lower() in stops or bare in MONTHS:
            break
        name += " " + bare
        if bare != word:
            break
    return name


def contact_person(text: str, slots: dict[str, Any]) -> None:
    """The contact an opening message names ("Contact person Pak Dodi 0813-1111-2222"): the
    name after the cue, up to four words, or a short message's honoured name beside the
    number; and a mobile number anywhere in it. The sender's own name is kept apart, for
    "saya sendiri" where the contact is asked."""
    sender = _SENDER_NAMED.search(text)
    said = sender["name"] if sender is not None else ""
    if said and guess_kind(said) is None and not _NOT_NAMES & set(said.lower().split()):
        slots.setdefault(SENDER, said)
    phone = normalise_phone(text)
    if phone is not None:
        slots.setdefault("contact_phone", phone)
    cue = _CONTACT_CUE.search(text)
    if cue is None:
        rest = without_phone(text)  # "Lalu Ahmad Fauzan, Kabid Kelembagaan, 0819…": alone
        honoured = honoured_name(rest) if phone and len(rest.split()) <= 6 else None
        if honoured is not None:
            slots.setdefault("contact_name", honoured)
        return
    name: list[str] = []
    for word in text[cue.end() :].split()[:4]:
        bare = word.rstrip(",;:!")
        if not bare.rstrip(".").replace(".", "").isalpha():
            break
        name.append(bare.rstrip("."))
        if bare != word or (word.endswith(".") and len(word) > 4):
            break
    if name:
        slots.setdefault("contact_name", contact_name(" ".join(name)))


def _is_person(name: str) -> bool:
    """Whether a tagged name is a person's: it opens with an honorific ("Bapak Sehnuri")."""
    words = name.split(maxsplit=1)
    return bool(words) and words[0].rstrip(".,").lower() in _HONORIFICS


def honoured_name(text: str) -> str | None:
    """ "Bapak Rudi Hartono, Kabid Kelembagaan", "saya sendiri bu, Ibu Nurlaela": a person
    named with an honorific and a capitalised name, written where another step is asked; None
    for anything else ("pak, mau tanya", "bu siti" in lower case)."""
    text = _SELF.sub("", _CONTACT_LEAD.sub("", text))  # "nama saya Ibu Sari"
    words = text.split()
    if len(words) < 2 or not _is_person(text) or not words[1][:1].isupper():
        last = text.rsplit(",", 1)  # "saya sendiri bu, Ibu Nurlaela"
        return honoured_name(last[1]) if len(last) == 2 and last[1].strip() else None
    if any(character.isdigit() for character in text) or len(text) > 80:
        return None
    return contact_name(text)


def _person_in(text: str) -> str | None:
    """The person a message gives beside a phone number, as the contact: named with an
    honorific (`honoured_name`), in lower case too when the honorific and a name of a few
    words are all that is left ("bu sri 0813 …", console, a Kopwan from Surabaya: the number
    kept, the name lost), or as someone's name ("nanti yang menghubungi staf saya ya, namanya
    Rina", console, a Dinas from Bandung Barat)."""
    if (name := honoured_name(text)) is not None:
        return name
    words = text.strip(" ,.:;-").split()
    if (
        _is_person(text)
        and 2 <= len(words) <= MAX_PERSON_WORDS
        and all(word.isalpha() for word in words)
    ):
        return contact_name(" ".join(words))
    said = _NAMED_AS.search(text)
    return said["name"] if said else None


def _self_named(text: str) -> str | None:
    """ "sy sendiri, Rudi", "nama saya Rudi Hartono": the sender named as the contact, written
    where another step is asked; None without a capitalised name after it."""
    said = _SELF_NAMED.match(text)
    if said is None or _HONORIFICS & set(said["name"].lower().split()):
        return None  # "Saya sendiri, Pak": to us
    return said["name"]


def contact_name(text: str) -> str:
    """A contact's name as a letter writes it: "saya sendiri, Pak Rahmat" -> "Pak Rahmat",
    "bu Siti Aminah" -> "Bu Siti Aminah", "baik pak, kontak saya Bapak Hendra" -> "Bapak
    Hendra"; "" when it names nobody ("saya sendiri", "baik pak")."""
    name = _SELF.sub("", _CONTACT_LEAD.sub("", text)).strip(" ,.:;-")
    name = _ADDRESSED.sub("", name)  # "saya sendiri bu, Ibu Nurlaela": "bu," is to us
    if name.islower() or name.isupper():  # "cp ibu rina", "BAPAK HERMAN": "Ibu Rina", "Bapak
        # Herman", as a letter writes them ("S.PD", a degree, as written)
        name = " ".join(
            word.capitalize() if name.islower() or word.isalpha() else word
            for word in name.split()
        )
    first, _, rest = name.partition(" ")
    return f"{first.capitalize()} {rest}" if first.lower() in _HONORIFICS and rest else name
