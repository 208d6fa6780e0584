"""Ready answers built from the knowledge files and the message templates.

Where the knowledge has a placeholder (a fact staff have not confirmed yet) the answer says
that petugas will provide it; it never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import MappingProxyType

from bot.core.knowledge import Answer, Knowledge, Leader, Program
from bot.core.messages import Button, Reply
from bot.core.payloads import Space, encode
from bot.core.texts import Texts

# Intents answered by one entry of `data/knowledge/visit.yml`.
VISIT_TOPICS = MappingProxyType(
    {
        "ask_visit_info": "info",
        "ask_visit_cost": "cost",
        "ask_visit_requirements": "requirements",
        "ask_facilities": "facilities",
        "ask_letters": "letters",
        "ask_receipts": "receipts",
        "ask_lodging": "lodging",
        "ask_transport": "transport",
        "ask_halal_prayer": "halal_prayer",
        "ask_dress_code": "dress_code",
        "ask_materials": "materials",
        "ask_certificate": "certificate",
        "ask_online_visit": "online_visit",
        "ask_shopping": "shopping",
        "ask_own_bus": "own_bus",
        "ask_research": "research",
    }
)
# "minimal berapa orang?", "maksimal peserta berapa?", "brp org maksimal?", "kalau cuma 5 orang
# bisa?", "kalau 8 orang saja bisa?" (not "minimal berapa hari sebelumnya?").
_SIZE_ASKED = re.compile(
    r"\b(?:min(?:imal|imum)?|maks(?:imal|imum)?|max|paling\s+(?:sedikit|banyak)|batas(?:an)?)\b"
    r".{0,20}?\b(?:orang|org|peserta|rombongan)\b"
    r"|\b(?:berapa|brp|brapa)\s+(?:orang|org|peserta)\b"
    r"|\b(?:orang|org|peserta)(?:nya)?\s+(?:maks(?:imal|imum)?|max|min(?:imal|imum)?)\b"
    r"|\b(?:cuma|cuman|hanya)\s+\d+\s*(?:orang|org|peserta)\b"
    r"|\b\d+\s*(?:orang|org|peserta)\s+(?:saja|aja|doang|sj)\b"
    r"|\b(?:lebih\s+dari|melebihi|di\s*atas)\s+\d+\s*(?:orang|org|peserta)\b",
    re.IGNORECASE,
)
# A letter already sent outside the chat: all four said ("surat … sudah kami kirim ke email").
_LETTER_SENT = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\b(?:surat|permohonan|proposal)\b",
        r"\b(?:e-?mail|surel|pos|fax|faks)\b",
        r"\b(?:kirim|dikirim|mengirim|dikirimkan|kirimkan|mengirimkan|diemail)\b",
        r"\b(?:sudah|sdh|udah|telah|kemarin|kemaren|tadi|lalu)\b",
    )
)
# BMI asked to speak at the enquirer's own event: "bisa jadi narasumber di acara kami?",
# "mengundang BMI sebagai pemateri".
_SPEAKER = r"(?:narasumber|narsum|pemateri|pembicara)"
_INVITED = re.compile(
    rf"\b(?:jadi|menjadi|sebagai|undang|mengundang|diundang|permohonan"
    rf"|mendatangkan|menghadirkan)\b.{{0,30}}\b{_SPEAKER}\b"
    rf"|\b{_SPEAKER}\b.{{0,40}}\b(?:di|ke|untuk)\s+(?:acara|kegiatan|daerah|kabupaten|kota|tempat)"
    rf"\s+kami\b|\b(?:mengundang|undang)\s+(?:pihak\s+)?bmi\b",
    re.IGNORECASE,
)
# How long before the visit to book: "minimal berapa hari sebelumnya daftar?" (read as how
# visits go, console), "paling lambat kapan daftarnya?": the requirements answer says it.
_LEAD_ASKED = re.compile(
    r"\b(?:berapa\s+(?:hari|minggu|lama)\s+sebelum\w*|paling\s+lambat|jauh[\s-]+hari)\b",
    re.IGNORECASE,
)
# A time of the visit asked ("berangkat dari hotel jam berapa?", "mulai jam brp?"); not the
# opening hours of a shop or an office, nor a hotel's check-in.
_TIME_ASKED = re.compile(r"\b(?:jam|pukul|pkl)\s+(?:berapa|brp|brapa|berapakah)\b", re.I)
_OTHER_HOURS = re.compile(
    r"\b(?:buka|tutup|check[\s-]?in|check[\s-]?out|checkin|checkout)\b", re.I
)


def times_asked(text: str) -> bool:
    """Whether `text` asks at what time something of the visit happens."""
    return bool(_TIME_ASKED.search(text)) and not _OTHER_HOURS.search(text)


# A time of day on the clock: "jam 1", "pukul 08.30", "pkl. 9".
CLOCK = re.compile(r"\b(?:jam|pukul|pkl)\.?\s*\d", re.I)


def times_proposed(text: str) -> bool:
    """Whether `text` names a time of the visit ("kami rencana datang jam 1 siang, selesai jam
    4 bisa?"), not asks one, nor a shop's or an office's hours."""
    return bool(CLOCK.search(text)) and not _OTHER_HOURS.search(text)


# A certificate asked about or for: "nanti dapat sertifikat?", "minta piagamnya", "e-sertifikat
# belum dapat" (not "sertifikatnya sudah kami terima, terima kasih").
_CERTIFICATE = re.compile(r"\b(?:e[\s-]?)?(?:sertifikat|sertipikat|sertif|piagam)\w*", re.I)
_CERTIFICATE_WANTED = re.compile(
    r"\b(?:minta|mohon|tolong|kirim\w*|belum|blm|mana|hilang|ulang|lagi|unduh|download)\b", re.I
)
# Not had yet, so after a visit: "sertifikatnya belum dapat", "blm diterima".
_NOT_HAD = re.compile(
    r"\b(?:belum|blm)\s+(?:(?:kami|saya|sy)\s+)?(?:dapat|dpt|dapet|terima|diterima|dikirim|masuk|sampai)\b",
    re.I,
)


def certificate_asked(text: str, asks: bool) -> bool:
    """Whether a message asks about a certificate: a question (`asks`), or a request."""
    return _CERTIFICATE.search(text) is not None and (
        asks or _CERTIFICATE_WANTED.search(text) is not None
    )


def not_had(text: str) -> bool:
    """Whether a message says something has not come yet ("… belum dapat")."""
    return _NOT_HAD.search(text) is not None


# Questions with a plain answer: a message asking several of them gets each answer.
INFORMATIONAL = frozenset(VISIT_TOPICS) | {"ask_location", "ask_contact", "ask_about_bmi"}


class Answers:
    """Turn an intent into a reply when the answer is plain information."""

    def __init__(self, knowledge: Knowledge, texts: Texts) -> None:
        self.knowledge = knowledge
        self._t = texts

    def for_intent(self, intent: str, text: str = "") -> Reply | None:
        """The informational reply for `intent`, or None when the intent is not informational;
        `text`, the message, where the answer depends on what exactly it asks."""
        if intent == "ask_halal_prayer" and self._t.mentions(text, "words.diet"):
            return self._visit(self.knowledge.visit.diet)  # a syariah host asked for other meals
        if intent in {"ask_visit_info", "ask_visit_requirements"} and _SIZE_ASKED.search(text):
            return self.group_size()  # "minimal berapa orang?"
        if intent == "ask_visit_info" and _LEAD_ASKED.search(text):
            return self._visit(self.knowledge.visit.requirements)  # "… paling lambat 7 hari"
        if intent == "ask_visit_info" and times_asked(text):
            return self.hours()  # "jam berapa biasanya mulai sampai selesai?"
        if intent in VISIT_TOPICS:
            return self._visit(getattr(self.knowledge.visit, VISIT_TOPICS[intent]))
        build = {
            "goodbye": lambda: Reply(self._t("smalltalk.goodbye")),
            "thank": lambda: Reply(self._t(self._thanks(text))),
            "bot_challenge": lambda: Reply(self._t("smalltalk.bot_challenge"), self._topics()),
            "ask_location": self._location,
            "ask_contact": lambda: self._contact(text),
            "ask_about_bmi": lambda: self._profile(text),
            "human_handoff": lambda: Reply(self._t("handoff.contact", **self.main_contact())),
        }.get(intent)
        return build() if build else None

    def _thanks(self, text: str) -> str:
        """The answer to thanks: "jazakallah khairan" is answered in kind (console, a KSPPS
        from Lampung: "Sama-sama"), thanks for a visit made ("terima kasih atas sambutannya
        kemarin pak, ilmunya sangat bermanfaat …", console) as such."""
        if self._t.mentions(text, "words.jazakallah"):
            return "smalltalk.thank_in_kind"
        if self._t.mentions(text, "words.visit_thanks"):
            return "smalltalk.thank_visit"
        return "smalltalk.thank"

    def speaker(self, text: str) -> Reply | None:
        """The answer to BMI invited to speak elsewhere ("apakah BMI bisa jadi narasumber di
        acara pelatihan koperasi di kabupaten kami?", unclear to the model in the console;
        "biayanya untuk narasumber berapa?" read as the cost of a visit), when `text` asks
        it; None otherwise."""
        if not _INVITED.search(text):  # "siapa narasumbernya nanti?" asks about a visit
            return None
        return self._visit(self.knowledge.visit.speaker)

    def hours(self) -> Reply:
        """When a visit's days usually begin and end (the default agenda's hours)."""
        return self._visit(self.knowledge.visit.hours)

    def told_of(self, text: str, topic: str) -> Reply | None:
        """The answer about a topic no intent is about, when `text` names it by a word of
        `words.<topic>`: Cafe Kopi Rindoe Benteng ("cafe kopi rindoe benteng buka jam
        berapa?" got the agenda, console), BMI's model of spin-offs and a business circuit
        ("apa itu sirkuit bisnis?": BMI's whole profile, console); None otherwise."""
        if not self._t.mentions(text, f"words.{topic}"):
            return None
        return self._visit(getattr(self.knowledge.visit, topic))

    def program(self, program: Program) -> Reply:
        """One program in full; what the sources do not say of it (who may join, when) is
        staff's, with the contact ("apakah sekolah kami bisa ikut BMI goes to school?" got
        the description alone, console)."""
        text = self._t("programs.detail", name=program.name, description=program.long)
        if program.placeholder:
            text += "\n\n" + self._t("knowledge.ask_staff", **self.main_contact())
        return Reply(
            text,
            (
                Button(self._t("button.other_programs"), encode(Space.INTENT, "ask_programs")),
                Button(self._t("button.book"), encode(Space.INTENT, "book_visit")),
            ),
        )

    def program_list(self) -> Reply:
        """All programs as buttons."""
        lines = "\n".join(f"• {p.name}: {p.short}" for p in self.knowledge.programs)
        buttons = tuple(
            Button(p.name, encode(Space.PROGRAM, p.id)) for p in self.knowledge.programs
        )
        return Reply(self._t("programs.list", programs=lines), buttons)

    def cost(self) -> Reply:
        """What a visit costs and how to pay (`visit.yml › cost`)."""
        return self._visit(self.knowledge.visit.cost)

    def group_size(self) -> Reply:
        """How big a group may be: the form's limit; the least is BMI's to say."""
        return self._visit(self.knowledge.visit.group_size)

    def _visit(self, answer: Answer) -> Reply:
        text = answer.text.strip()
        if answer.placeholder:
            text += "\n\n" + self._t("knowledge.ask_staff", **self.main_contact())
        return Reply(
            text,
            (
                Button(self._t(f"topic.{answer.next}"), encode(Space.INTENT, answer.next)),
                Button(self._t("button.menu"), encode(Space.MENU)),
            ),
        )

    def _location(self) -> Reply:
        location = self.knowledge.location
        parts = [location.head_office]
        if location.venue_address:
            parts.append(self._t("location.venue", address=location.venue_address))
        else:
            parts.append(self._t("location.venue_unknown"))
        if location.maps_url:
            parts.append(self._t("location.maps", url=location.maps_url))
        if location.directions:
            parts.append(location.directions)
        return Reply(
            "\n\n".join(parts),
            (Button(self._t("button.contact"), encode(Space.INTENT, "ask_contact")),),
        )

    def _contact(self, asked: str = "") -> Reply:
        """The contacts; "jam operasionalnya sampai jam berapa?" or "email resmi BMI apa?"
        while the operator has not set them is told staff will confirm them, not given a
        contact alone."""
        lines = [
            self._t("contact.person", name=c.name, role=c.role, phone=c.phone)
            + (f"\n{self._t('contact.whatsapp', number=c.whatsapp)}" if c.whatsapp else "")
            for c in self.knowledge.contacts
        ]
        text = self._t("contact.intro") + "\n\n" + "\n\n".join(lines)
        if self.knowledge.email:
            text += "\n\n" + self._t("contact.email", email=self.knowledge.email)
        elif self._t.mentions(asked, "words.email"):  # "email resmi BMI apa?" (console)
            text = self._t("contact.email_unset") + "\n" + text
        if self._t.mentions(asked, "words.online"):  # "website bmi apa ya?" (console)
            text = self._t("contact.online_unset") + "\n" + text
        if self.knowledge.office_hours:
            text += "\n\n" + self._t("contact.hours", hours=self.knowledge.office_hours)
        elif self._t.mentions(asked, "words.hours"):
            text = self._t("contact.hours_unset") + "\n" + text
        return Reply(text)

    def letter_sent(self, text: str) -> Reply | None:
        """ "sudah kirim surat resmi via email kemarin", "… apakah sudah diterima?" (console, a
        Dinas from Bogor: it became the organisation's name; a women's cooperative from
        Lombok Barat: told no booking was made here): a letter sent outside this chat, which
        staff check; None for anything else ("emailnya kemana untuk kirim surat?")."""
        if not all(pattern.search(text) for pattern in _LETTER_SENT):
            return None
        return Reply(self._t("fallback.letter_sent", **self.main_contact()))

    def asks_figures(self, text: str) -> bool:
        """Whether `text` asks BMI's figures: its founding year, members, branches, assets
        (`words.profile_figures`), which the sources do not give."""
        return self._t.mentions(text, "words.profile_figures")

    def figures(self) -> Reply:
        """BMI's figures asked for: the profile, or staff's while the sources' gaps are not
        filled in (`profile.yml › placeholder`)."""
        if not self.knowledge.profile.placeholder:
            return self._profile()
        programs = (Button(self._t("button.programs"), encode(Space.INTENT, "ask_programs")),)
        return Reply(self._t("profile.figures_unset", **self.main_contact()), programs)

    def _profile(self, asked: str = "") -> Reply:
        """BMI's profile; "siapa ketua pengawas syariah BMI?" is told that leader alone (it
        got the whole profile, console)."""
        profile = self.knowledge.profile
        programs = (Button(self._t("button.programs"), encode(Space.INTENT, "ask_programs")),)
        if (leader := _leader_asked(asked, profile.leaders)) is not None:
            role = leader.role.replace(", ", " ")
            return Reply(self._t("profile.leader", role=role, name=leader.name), programs)
        if profile.placeholder and self.asks_figures(asked):  # "berdiri tahun berapa?"
            return self.figures()
        if (model := self.told_of(asked, "model")) is not None:  # "apa itu sirkuit bisnis?"
            return model
        units = "\n".join(
            f"• {unit.name}" + (f": {unit.description}" if unit.description else "")
            for unit in profile.units
        )
        leaders = "\n".join(f"• {leader.role}: {leader.name}" for leader in profile.leaders)
        text = self._t(
            "profile.text",
            summary=profile.summary.strip(),
            units=units,
            leaders=leaders,
            businesses=", ".join(profile.businesses),
        )
        if profile.placeholder:
            text += "\n\n" + self._t("knowledge.ask_staff", **self.main_contact())
        return Reply(text, programs)

    def _topics(self) -> tuple[Button, ...]:
        return (
            Button(self._t("button.info"), encode(Space.INTENT, "ask_visit_info")),
            Button(self._t("button.programs"), encode(Space.INTENT, "ask_programs")),
        )

    def main_contact(self) -> dict[str, str]:
        """The first contact's fields, for templates."""
        contact = self.knowledge.contacts[0]
        return {"contact_name": contact.name, "contact_role": contact.role, "phone": contact.phone}


_HEAD = re.compile(
    r"\bpresdir|\bketua\s+(?:koperasi|bmi)\b|\bdirektur\s+utama\b|\bdirut\b|\bpimpinan|\bpemimpin"
)


def _leader_asked(text: str, leaders: Sequence[Leader]) -> Leader | None:
    """The one leader whose role a "siapa …" question names by at least two of its words
    ("siapa ketua pengawas syariah?", "siapa manajer diklat?"); None when it names none or
    several alike ("siapa direktur BMI?")."""
    # "presdirnya siapa?"; "siapa ketua koperasi BMI sekarang?", "pimpinan BMI siapa?" (the
    # whole profile, console): the head of the cooperative, its Presiden Direktur
    said = _HEAD.sub("presiden direktur", text.lower())
    # "pengawas syariahnya siapa?" (console: the profile again, "already written above")
    words = {word.removesuffix("nya") for word in re.findall(r"\w+", said)}
    if "siapa" not in words or words & {"saja", "aja", "sj"}:  # "siapa saja pimpinannya?"
        return None
    scores = [
        (len(words & {w for w in re.findall(r"\w+", leader.role.lower()) if len(w) > 3}), leader)
        for leader in leaders
    ]
    best = max((score for score, _ in scores), default=0)
    named = [leader for score, leader in scores if score == best]
    return named[0] if best >= 2 and len(named) == 1 else None
