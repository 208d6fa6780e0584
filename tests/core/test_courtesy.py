"""Greetings answered as BMI's CS officer answers them: salam with salam, the right "selamat
…" for the time in WIB, 🙏 and 👍 read as what they say, users addressed as Bapak/Ibu."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.config import ROOT
from bot.core.answers import Answers
from bot.core.courtesy import daypart, greeting_in_kind, greets_by_time, laughs
from bot.core.engine import Engine
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming
from bot.core.nlu import Entity, NluResult
from bot.core.texts import Texts
from tests.fakes.nlu import RecordedNlu
from tests.fakes.store import JsonMemoryStore

WIB = ZoneInfo("Asia/Jakarta")
SALAM_ANSWER = "Wa'alaikumsalam warahmatullahi wabarakatuh, Bapak/Ibu"


@pytest.fixture
def clock() -> list[datetime]:
    return [datetime(2026, 12, 1, 19, 30, tzinfo=WIB)]


@pytest.fixture
def engine(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> Engine:
    nlu = RecordedNlu()
    for text in (
        "assalamualaikum", "Ass wr wb", "asalamualaikm", "ass", "Ass.. pak", "selamat pagi min",
        "halo",
        "om swastiastu, kami dari LPD desa adat di Gianyar", "Salam sejahtera bagi kita semua",
        "Namo Buddhaya, mau tanya", "syalom bu",
    ):  # fmt: skip
        nlu.add(text, "greet")
    nlu.add("Assalamualaikum, berapa biaya studi banding?", "ask_visit_cost")
    nlu.add("terima kasih, wassalamualaikum", "thank")
    return Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])


async def say(engine: Engine, text: str) -> list[str]:
    return [r.text for r in await engine.handle(Incoming("telegram", "u1", "u1", text=text))]


@pytest.mark.parametrize(
    "salam", ["assalamualaikum", "Ass wr wb", "asalamualaikm", "ass", "Ass.. pak"]
)  # "ass" alone (console: "Halo")
async def test_a_salam_is_answered_with_salam(engine: Engine, salam: str) -> None:
    (reply,) = await say(engine, salam)
    assert reply.startswith(SALAM_ANSWER)
    assert "selamat datang" in reply


async def test_a_salam_with_a_question_gets_both(engine: Engine) -> None:
    replies = await say(engine, "Assalamualaikum, berapa biaya studi banding?")
    assert replies[0].startswith(SALAM_ANSWER)
    assert "biaya" in replies[0].lower()


async def test_a_closing_salam_is_answered_too(engine: Engine) -> None:
    replies = await say(engine, "terima kasih, wassalamualaikum")
    assert replies[0].startswith(SALAM_ANSWER) and "Sama-sama" in replies[0]


@pytest.mark.parametrize(
    "greeting", ["selamat pagi min", "sugeng enjang", "wilujeng enjing", "pagi", "pagii kak 🙏"]
)
async def test_selamat_pagi_at_night_is_answered_with_malam(engine: Engine, greeting: str) -> None:
    (reply,) = await say(engine, greeting)
    assert reply.startswith("Selamat malam, Bapak/Ibu")


def test_a_part_of_the_day_inside_a_question_is_no_greeting() -> None:
    """ "pagi" alone greets (found in the console: answered "Halo" at night); "pagi ini
    acaranya apa?" asks about this morning."""
    assert greets_by_time("pagi") and greets_by_time("siang bu!")
    assert not greets_by_time("pagi ini acaranya apa?")
    # opening a message (console: "Halo" answered both, a Dinas from Lebak and a Gayo coop)
    assert greets_by_time("siang pak, izin bertanya") and greets_by_time("PAGI PAK MAU TANYA")
    assert not greets_by_time("malam minggu ada acara?")


async def test_a_plain_hello_gets_a_plain_welcome(engine: Engine) -> None:
    (reply,) = await say(engine, "halo")
    assert reply.startswith("Halo, Bapak/Ibu") and "selamat datang" in reply


@pytest.mark.parametrize(
    ("emoji", "meaning"), [("🙏", "thank"), ("🙏🏽🙏", "thank"), ("👍", "affirm")]
)
async def test_an_emoji_alone_says_thanks_or_yes(
    engine: Engine, texts: Texts, emoji: str, meaning: str
) -> None:
    await say(engine, "halo")
    (reply,) = await say(engine, emoji)
    assert reply == texts(f"smalltalk.{meaning}")


@pytest.mark.parametrize("emoji", ["🙏", "🙏🙏"])
async def test_a_chat_opened_with_folded_hands_is_greeted(engine: Engine, emoji: str) -> None:
    """Found in the console: "🙏🙏" as a first message got "Sama-sama" for thanks nobody gave."""
    (reply,) = await say(engine, emoji)
    assert reply.startswith("Halo, Bapak/Ibu") and "selamat datang" in reply


@pytest.mark.parametrize("knock", ["P", "p", "pp", "P?", "ping", "tes", "pak", "Bu?", "min"])
async def test_a_knock_alone_is_greeted(engine: Engine, knock: str) -> None:
    """WhatsApp users write "P" before they write (it got "not understood", then a person
    offered); a bare address too ("pak" alone, console: "belum yakin maksud")."""
    (reply,) = await say(engine, knock)
    assert reply.startswith("Halo, Bapak/Ibu") and "selamat datang" in reply


@pytest.mark.parametrize(
    ("hour", "part"),
    [(5, "pagi"), (10, "pagi"), (11, "siang"), (15, "sore"), (18, "malam"), (2, "malam")],
)
def test_dayparts_follow_the_venue_clock(hour: int, part: str) -> None:
    assert daypart(datetime(2026, 12, 1, hour, tzinfo=WIB)) == part


def test_salam_kenal_is_not_a_salam() -> None:
    assert greeting_in_kind("salam kenal, saya dari Kopwan Sekar Melati") is None


@pytest.mark.parametrize(
    ("greeting", "answer"),
    [
        ("om swastiastu, kami dari LPD desa adat di Gianyar", "Om Swastiastu, Bapak/Ibu"),
        ("Salam sejahtera bagi kita semua", "Salam sejahtera, Bapak/Ibu"),
        ("Namo Buddhaya, mau tanya", "Namo Buddhaya, Bapak/Ibu"),
        ("syalom bu", "Shalom, Bapak/Ibu"),
        ("Horas! Kami dari CU Sauma Toba, Samosir", "Horas, Bapak/Ibu"),  # Batak, console
    ],
)
async def test_other_faiths_greetings_are_answered_in_kind(
    engine: Engine, greeting: str, answer: str
) -> None:
    """Found in the console: a Balinese cooperative's "om swastiastu" got "Halo"."""
    (reply,) = await say(engine, greeting)
    assert reply.startswith(answer)


def test_users_are_addressed_as_bapak_ibu_never_anda() -> None:
    messages = yaml.safe_load((ROOT / "data" / "messages" / "id.yml").read_text("utf-8"))
    users = {key: value for key, value in messages.items() if key != "staff"}
    assert " Anda" not in yaml.safe_dump(users, allow_unicode=True)


@pytest.mark.parametrize(
    "laughter",
    ["wkwkwk", "Hahaha", "hehe 😅", "😂😂", "awokwokwok", "😊"],  # 😊: console, unclear
)
async def test_laughter_gets_a_smile_not_out_of_scope(
    engine: Engine, texts: Texts, laughter: str
) -> None:
    """Found in the console: "wkwkwk" got "that question is outside our service"."""
    assert await say(engine, laughter) == [texts("smalltalk.laugh")]


def test_laughter_inside_words_is_not_laughter() -> None:
    assert not laughs("hehe, berapa biayanya?") and not laughs("wkwk mau tanya")


async def test_an_introduction_or_a_salam_with_an_apology_is_welcomed(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console: "Assalamu alaikum. Maaf mengganggu waktunya" got "belum yakin
    maksud Bapak/Ibu", "sy ketua koperasi karyawan PT Semen Tonasa, pangkep sulsel" got "di
    luar layanan kami", and "saya bendahara KSP … mau tanya2 dulu ya pak" got "belum yakin".
    Who someone is, or a greeting with courtesy, is welcomed and asked what they need; a
    question the model cannot read still gets the clarifying answer."""
    nlu = RecordedNlu()
    nlu.add("Assalamu alaikum. Maaf mengganggu waktunya", "nlu_fallback", 0.2)
    nlu.add("sy ketua koperasi karyawan PT Semen Tonasa, pangkep sulsel", "out_of_scope", 0.34)
    told = "saya bendahara KSP Karya Mandiri dari Sumbawa NTB, mau tanya2 dulu ya pak"
    nlu.add(told, "nlu_fallback", 0.2, organization="KSP Karya Mandiri")
    nlu.add("saya dari tadi nunggu hujan reda", "out_of_scope", 0.9)
    nlu.add("Assalamualaikum, kalau xyz gimana?", "nlu_fallback", 0.2)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (salam,) = await say(engine, "Assalamu alaikum. Maaf mengganggu waktunya")
    assert salam.startswith(SALAM_ANSWER) and "selamat datang" in salam
    introduced = await say(engine, "sy ketua koperasi karyawan PT Semen Tonasa, pangkep sulsel")
    assert introduced == [texts("courtesy.introduced")]
    assert await say(engine, told) == [texts("menu.again")]  # the second: short
    # read unsurely as another topic (console, a KSPPS from Banda Aceh: the airport's route)
    aceh = "sy manajer KSPPS Baitul Qiradh dari Banda Aceh"
    nlu.add(aceh, "ask_transport", 0.22, organization="KSPPS Baitul Qiradh")
    fresh = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    assert await say(fresh, aceh) == [texts("courtesy.introduced")]
    (chatter,) = await say(engine, "saya dari tadi nunggu hujan reda")
    assert chatter.startswith(texts("fallback.out_of_scope")[:20])
    unclear = await say(engine, "Assalamualaikum, kalau xyz gimana?")
    assert unclear[0].startswith(SALAM_ANSWER) and "selamat datang" not in unclear[0]


@pytest.mark.parametrize("name", ["nama saya Yuliana", "namaku Benediktus dari Flores"])
async def test_a_name_told_alone_is_welcomed(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime], name: str
) -> None:
    """Found in the console (a participant without a code): "nama saya Yuliana" got "that
    question is outside our service"."""
    nlu = RecordedNlu()
    nlu.add(name, "out_of_scope", 0.46)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    assert await say(engine, name) == [texts("courtesy.introduced")]


async def test_an_introduction_with_a_plan_the_model_is_unsure_of_is_offered_the_booking(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console (an LPD from Bali): "Om Swastiastu, kami dari LPD Desa Adat Ubud
    ingin studi banding tentang …" (booking 0.32 beside visit info 0.31: the fallback) was
    welcomed as an introduction alone."""
    told = "Om Swastiastu, kami dari LPD Desa Adat Ubud ingin studi banding tentang keuangan"
    lpd = Entity("organization", "LPD Desa Adat Ubud", "LPD Desa Adat Ubud", 0, 0)
    ranking = (("nlu_fallback", 0.2), ("book_visit", 0.32), ("ask_visit_info", 0.31))
    nlu = RecordedNlu({told: NluResult("nlu_fallback", 0.2, (lpd,), ranking)})
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (reply,) = await say(engine, told)
    assert reply == f"{texts('courtesy.swastiastu')}\n{texts('booking.offer_plan')}"
    alone = "kami dari LPD Desa Adat Ubud, mau tanya"  # no visit among the readings
    nlu.table[alone] = NluResult("nlu_fallback", 0.2, (lpd,), (("nlu_fallback", 0.2),))
    asked = await engine.handle(Incoming("telegram", "u2", "u2", text=alone))
    assert [r.text for r in asked] == [texts("courtesy.introduced")]


async def test_bmi_invited_to_speak_is_left_to_staff_and_so_is_what_follows(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console (a Dinas from Lebak): "apakah BMI bisa jadi narasumber di acara
    pelatihan koperasi di kabupaten kami?" got "belum yakin maksud", then "biayanya untuk
    narasumber berapa ya pak?" the cost of a visit. The sources say nothing of it: staff's,
    with the contact. Who presents during a visit is not an invitation."""
    nlu = RecordedNlu()
    invited = "apakah BMI bisa jadi narasumber di acara pelatihan koperasi di kabupaten kami?"
    nlu.add(invited, "nlu_fallback", 0.2)
    nlu.add("biayanya untuk narasumber berapa ya pak?", "ask_visit_cost", 0.9)
    nlu.add("siapa narasumber saat kunjungan nanti?", "ask_visit_info", 0.7)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (visit,) = await say(engine, "siapa narasumber saat kunjungan nanti?")
    assert visit.startswith(answers.knowledge.visit.info.text.strip()[:40])
    # a speaker asked for their own visit (console: told how BMI speaks at their event)
    nlu.add("bisa minta narasumber pak kamaruddin langsung?", "ask_visit_info", 0.32)
    assert await say(engine, "bisa minta narasumber pak kamaruddin langsung?") == [
        texts("fallback.staff_matter", **answers.main_contact())
    ]  # fmt: skip
    (answer,) = await say(engine, invited)
    assert answer.startswith(answers.knowledge.visit.speaker.text.strip())
    assert answers.main_contact()["phone"] in answer
    (again,) = await say(engine, "biayanya untuk narasumber berapa ya pak?")
    assert again == texts("speaker.again", **answers.main_contact())


async def test_jazakallah_is_answered_in_kind(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console (a KSPPS from Lampung): "jazakallah khairan" got "Sama-sama"."""
    nlu = RecordedNlu()
    nlu.add("jazakallah khairan", "thank", 0.97)
    nlu.add("makasih pak", "thank", 0.97)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    assert await say(engine, "jazakallah khairan") == [texts("smalltalk.thank_in_kind")]
    assert await say(engine, "makasih pak") == [texts("smalltalk.thank")]
    # thanks for a visit made, right after another thanks (console: "what we can say here
    # was written above", the rule for an answer asked again)
    visit = "Terima kasih atas sambutannya kemarin pak, ilmunya sangat bermanfaat"
    nlu.add(visit, "thank", 0.58)
    assert await say(engine, visit) == [texts("smalltalk.thank_visit")]
    assert await say(engine, "makasih pak") == [texts("smalltalk.thank")]
    nlu.add("makasih banyak ya", "thank", 0.97)  # thanks twice: "Sama-sama" twice
    assert await say(engine, "makasih banyak ya") == [texts("smalltalk.thank")]


async def test_a_question_about_bmis_other_business_gets_a_person_to_ask(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console: "cara jadi anggota koperasi BMI gimana?" got "di luar layanan
    kami" and nobody to ask; chatter that does not name BMI stays as it was."""
    nlu = RecordedNlu()
    nlu.add("cara jadi anggota koperasi BMI gimana?", "out_of_scope", 0.94)
    nlu.add("cara bikin rendang gimana?", "out_of_scope", 0.94)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (member,) = await say(engine, "cara jadi anggota koperasi BMI gimana?")
    assert member == texts("fallback.out_of_scope_bmi", **answers.main_contact())
    assert await say(engine, "cara bikin rendang gimana?") == [texts("fallback.out_of_scope")]
    # read unsurely as another topic (console, Banjarmasin: how to get there, 0.31)
    nlu.add("bisa jadi anggota bmi dari luar jawa?", "ask_transport", 0.31)
    (far,) = await say(engine, "bisa jadi anggota bmi dari luar jawa?")
    assert far == texts("fallback.out_of_scope_bmi", **answers.main_contact())
    # BMI's branches asked: its figures, staff's while the sources do not give them
    nlu.add("pak bmi buka cabang di kalimantan gak?", "deny", 0.33)
    (branches,) = await say(engine, "pak bmi buka cabang di kalimantan gak?")
    assert branches == texts("profile.figures_unset", **answers.main_contact())


async def test_what_follows_a_question_about_membership_goes_to_the_same_person(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console (after how to become a member): "saya tinggal di serang, bisa
    gabung?" (joining a visit, 0.52) was asked for an invite code, "kalau simpanan pokoknya
    berapa?" told "di luar layanan kami"; a visit asked next is a visit."""
    nlu = RecordedNlu()
    nlu.add("gimana caranya jadi anggota koperasi BMI?", "out_of_scope", 0.9)
    nlu.add("saya tinggal di serang, bisa gabung?", "join_visit", 0.52)
    nlu.add("kalau simpanan pokoknya berapa?", "out_of_scope", 0.7)
    nlu.add("kalau mau kunjungan belajar bisa perorangan ga?", "ask_visit_info", 0.8)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    contact = answers.main_contact()
    await say(engine, "gimana caranya jadi anggota koperasi BMI?")
    again = texts("fallback.bmi_other_again", **contact)
    assert await say(engine, "saya tinggal di serang, bisa gabung?") == [again]
    assert await say(engine, "kalau simpanan pokoknya berapa?") == [again]
    (visit, *_) = await say(engine, "kalau mau kunjungan belajar bisa perorangan ga?")
    assert visit != again
    assert (await say(engine, "bisa gabung?"))[0] != again  # the visit's topic now


async def test_a_second_hello_is_short_and_a_bare_question_word_is_asked_about(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console: "p" then "min" got the whole welcome twice, and "brp" alone
    (after the answer about visits) was "di luar layanan kami"."""
    nlu = RecordedNlu()
    nlu.add("min", "greet", 0.9)
    nlu.add("brp", "out_of_scope", 0.6)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (welcome,) = await say(engine, "p")
    assert "selamat datang" in welcome
    assert await say(engine, "min") == [texts("menu.again")]
    (unclear,) = await say(engine, "brp")
    assert unclear.startswith(texts("fallback.clarify")[:25]) or unclear.startswith(
        texts("fallback.clarify_menu")[:25]
    )


async def test_something_to_do_first_is_told_to_come_back_when_ready(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console (a women's cooperative from Banyuwangi): "Baik pak, kami siapkan
    dulu suratnya" got the answer about letters again; "nanti kami kabari" likewise."""
    nlu = RecordedNlu()
    nlu.add("Baik pak, kami siapkan dulu suratnya", "ask_letters", 0.9)
    nlu.add("oke nanti kami kabari lagi ya", "goodbye", 0.7)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    assert await say(engine, "Baik pak, kami siapkan dulu suratnya") == [
        texts("smalltalk.later")
    ]  # fmt: skip
    assert await say(engine, "oke nanti kami kabari lagi ya") == [texts("smalltalk.later")]
    # someone else to ask (console: "belum yakin maksud")
    asked = "oh gitu, ya sudah nanti saya tanya pak sehnuri langsung"
    nlu.add(asked, "nlu_fallback", 0.2)
    assert await say(engine, asked) == [texts("smalltalk.later")]


async def test_shorthand_salam_and_a_missed_call(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console: "asslm pak" was answered "Halo", and "maaf pak td sy tlp tp g
    diangkat" (a call nobody took) "di luar layanan kami"."""
    nlu = RecordedNlu()
    nlu.add("asslm pak", "greet", 0.9)
    nlu.add("maaf pak td sy tlp tp g diangkat", "out_of_scope", 0.8)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (salam,) = await say(engine, "asslm pak")
    assert salam.startswith(SALAM_ANSWER)
    assert await say(engine, "maaf pak td sy tlp tp g diangkat") == [
        texts("fallback.missed_call", **answers.main_contact())
    ]  # fmt: skip
    # BMI's other business, in BMI's own chat (console: "di luar layanan kami", a dead end)
    nlu.add("kalau mau jadi anggota gimana?", "out_of_scope", 0.39)
    assert await say(engine, "kalau mau jadi anggota gimana?") == [
        texts("fallback.out_of_scope_bmi", **answers.main_contact())
    ]  # fmt: skip


@pytest.mark.parametrize(
    "said", ["kok ga dibales", "min kok gak dijawab pertanyaan saya", "halo?? kok diam aja"]
)
async def test_an_answer_missed_is_apologised_for_and_a_person_offered(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime], said: str
) -> None:
    """Found in the console (a student after the research answer): "kok ga dibales" (no
    reply felt, a "no" at 0.48) got "Baik, tidak apa-apa"."""
    nlu = RecordedNlu()
    nlu.add(said, "deny", 0.48)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (sorry,) = await engine.handle(Incoming("telegram", "u1", "u1", text=said))
    assert sorry.text == texts("fallback.unanswered", **answers.main_contact())
    assert [b.payload for b in sorry.buttons][0] == "i:human_handoff"


@pytest.mark.parametrize(
    "reading",
    [("kalau aku mau daftar beasiswa itu bisa?", "book_visit", 0.29),
     ("kalau mau ikut pelatihan digital marketing bisa? sy bukan anggota", "ask_programs", 0.83),
     # the enquirer's own members (console: the program's description)
     ("kalau pelatihan digital marketing bisa diikuti anggota kami?", "ask_programs", 0.9)],
)  # fmt: skip
async def test_taking_part_in_a_member_program_is_told_who_it_is_for(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime],
    reading: tuple[str, str, float],
) -> None:  # fmt: skip
    """Found in the console (a student): "kalau aku mau daftar beasiswa itu bisa?" started the
    booking form; "… ikut pelatihan digital marketing bisa? sy bukan anggota" got the
    program's description. Studying a program on a visit is still a visit."""
    asked, intent, confidence = reading
    nlu = RecordedNlu()
    nlu.add(asked, intent, confidence)
    visit = "kami mau studi banding tentang beasiswa paket c"
    nlu.add(visit, "ask_programs", 0.55)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    assert await say(engine, asked) == [texts("programs.join", **answers.main_contact())]
    assert await say(engine, visit) != [texts("programs.join", **answers.main_contact())]


async def test_an_introduction_alone_is_welcomed_not_its_plan(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console: "kami dari koperasi karyawan RSUD dr Soetomo surabaya" (a booking,
    0.24) was answered "Dengan senang hati kami sambut rencana kunjungan" before any plan."""
    nlu = RecordedNlu()
    who = "kami dari koperasi karyawan RSUD dr Soetomo surabaya"
    nlu.add(who, "book_visit", 0.24, organization="koperasi karyawan RSUD dr Soetomo")
    plan = "kami dari koperasi karyawan RSUD dr Soetomo, rencana studi banding"
    nlu.add(plan, "book_visit", 0.5, organization="koperasi karyawan RSUD dr Soetomo")
    # and after an apology (console, a Dinas from Kutai Kartanegara: "mohon" read as a wish)
    sorry = "Mohon maaf mengganggu waktunya bu, sy Hendra dr Dinas Koperasi UKM Kab Kukar"
    organisation = Entity("organization", "Dinas Koperasi UKM Kab Kukar", "", 0, 0)
    ranking = (("nlu_fallback", 0.2), ("book_visit", 0.22), ("greet", 0.22))
    nlu.table[sorry] = NluResult("nlu_fallback", 0.2, (organisation,), ranking)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    (welcome,) = await say(engine, who)
    assert welcome == texts("courtesy.introduced")
    assert await say(engine, plan) != [texts("courtesy.introduced")]
    assert await say(engine, sorry) == [texts("courtesy.introduced")]
    # a question announced in Sundanese (greeting, 0.88; console: its "plan" welcomed)
    naros = "punten, abdi ti koperasi tani mekar sari garut bade naros"
    tani = Entity("organization", "koperasi tani mekar sari", "", 0, 0)
    nlu.table[naros] = NluResult("greet", 0.88, (tani,), (("greet", 0.88), ("book_visit", 0.03)))
    assert await say(engine, naros) != [texts("booking.offer_plan")]
    # a body named by its kind alone, nothing tagged (console: the booking form began)
    nlu.add("dari koperasi karyawan", "book_visit", 0.3)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    assert await say(engine, "dari koperasi karyawan") == [texts("courtesy.introduced")]


async def test_a_greeting_that_says_who_they_are_is_welcomed_as_an_introduction(
    answers: Answers, texts: Texts, keywords: KeywordMatcher, clock: list[datetime]
) -> None:
    """Found in the console (a BUMDes from Bogor): after a salam, "sy Riko dari BUMDes
    Sejahtera Desa Cibodas Kab Bogor" (a greeting, 0.9) got the short second hello, "Ada
    yang bisa kami bantu?"."""
    nlu = RecordedNlu()
    nlu.add("assalamualaikum", "greet")
    who = "sy Riko dari BUMDes Sejahtera Desa Cibodas Kab Bogor"
    nlu.add(who, "greet", 0.9, organization="BUMDes Sejahtera Desa Cibodas")
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords, now=lambda: clock[0])
    await say(engine, "assalamualaikum")
    assert await say(engine, who) == [texts("courtesy.introduced")]
