"""A message that asks two things gets both answers."""

from __future__ import annotations

from bot.core.answers import Answers
from bot.core.engine import Engine, question_clauses
from bot.core.keywords import KeywordMatcher
from bot.core.messages import Incoming, Reply
from bot.core.nlu import Entity, NluResult
from bot.core.texts import Texts
from tests.fakes.nlu import RecordedNlu
from tests.fakes.store import JsonMemoryStore

BOTH = "berapa biaya kunjungannya, dan surat permohonannya ditujukan ke siapa?"


def test_a_message_is_cut_into_its_questions() -> None:
    assert question_clauses(BOTH) == [
        "berapa biaya kunjungannya",
        "surat permohonannya ditujukan ke siapa",
    ]
    assert question_clauses("berapa biayanya?") == ["berapa biayanya"]


def test_a_run_on_line_is_cut_after_its_mau_tanya() -> None:
    """Found in the console (a KUD from Lamongan): a whole enquiry without a stop, read as
    how visits go (0.47); "… mau tanya kalau …" is where the question begins, "soalnya" where
    the reason does."""
    run_on = ("assalamualaikum pak saya dari kud sumber rejeki lamongan mau tanya kalau "
              "kunjungan kesana biayanya berapa terus bisa nginep dimana ya pak soalnya kami "
              "dari jauh rencana bulan februari pesertanya 25 orang")  # fmt: skip
    assert question_clauses(run_on) == [
        "assalamualaikum pak saya dari kud sumber rejeki lamongan",
        "kunjungan kesana biayanya berapa",
        "bisa nginep dimana ya pak",
        "kami dari jauh rencana bulan februari pesertanya 25 orang",
    ]


def test_a_letter_is_read_for_the_sentences_that_ask(texts: Texts) -> None:
    """Found in the console: a letter's greeting line was answered as a question about BMI,
    and its list of questions was cut off before the last two."""
    letter = (
        "Yth. Pengurus Koperasi BMI Grup. Dengan hormat, Dinas Koperasi dan UKM Kabupaten "
        "Agam bermaksud melaksanakan studi tiru pada bulan Maret 2027. Mohon informasi biaya, "
        "persyaratan, dan kepada siapa surat permohonan ditujukan. Atas perhatiannya kami "
        "ucapkan terima kasih."
    )
    assert question_clauses(letter, texts.asks) == [
        "Mohon informasi biaya",
        "persyaratan",
        "kepada siapa surat permohonan ditujukan",
    ]


async def test_two_questions_in_one_line_get_two_answers(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    nlu = RecordedNlu()
    nlu.add(BOTH, "ask_visit_cost", 0.9)
    nlu.add("berapa biaya kunjungannya", "ask_visit_cost", 0.95)
    nlu.add("surat permohonannya ditujukan ke siapa", "ask_letters", 0.9)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords)
    replies = await engine.handle(Incoming("telegram", "u1", "u1", text=BOTH))
    joined = "\n".join(reply.text for reply in replies)
    assert "Rincian biaya" in joined and "Surat permohonan kunjungan resmi" in joined
    assert len(replies) == 2  # each answer once, and no booking offered: no plan was told


async def test_the_answers_come_in_the_order_asked(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    nlu = RecordedNlu()
    nlu.add(BOTH, "ask_letters", 0.6)  # the whole line reads as its second question
    nlu.add("berapa biaya kunjungannya", "ask_visit_cost", 0.95)
    nlu.add("surat permohonannya ditujukan ke siapa", "ask_letters", 0.9)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords)
    replies = await engine.handle(Incoming("telegram", "u2", "u2", text=BOTH))
    assert [reply.text.split()[0] for reply in replies] == ["Rincian", "Surat"]


PLAN = (
    "Assalamualaikum pak, kami dari Dinas Koperasi Kab. Pesisir Selatan berencana studi tiru "
    "ke BMI. Berapa biayanya dan apakah ada penginapan dekat lokasi?"
)


async def test_a_plan_announced_beside_the_questions_gets_the_booking_offered(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    """Found in the console (a Dinas from Pesisir Selatan): the plan and two questions were
    answered without the offer, so "iya boleh pak" right after got "Ada lagi…?". Readings
    are Rasa's own; "Kab." no longer ends the sentence that says the plan."""
    nlu = RecordedNlu()
    nlu.add(PLAN, "ask_lodging", 0.28)
    nlu.add("Assalamualaikum pak", "greet", 0.98)
    nlu.add(
        "kami dari Dinas Koperasi Kab. Pesisir Selatan berencana studi tiru ke BMI",
        "book_visit",
        0.72,
    )
    nlu.add("Berapa biayanya", "ask_visit_cost", 1.0)
    nlu.add("apakah ada penginapan dekat lokasi", "ask_lodging", 1.0)
    nlu.add("iya boleh pak", "affirm", 0.95)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords)
    replies = await engine.handle(Incoming("telegram", "u3", "u3", text=PLAN))
    assert replies[0].text.startswith("Wa'alaikumsalam") and "Rincian biaya" in replies[0].text
    assert replies[1].text.startswith("Untuk penginapan")
    assert replies[-1].text == texts("booking.offer")
    started = await engine.handle(Incoming("telegram", "u3", "u3", text="iya boleh pak"))
    assert "Ada lagi" not in started[0].text
    assert texts("booking.offer") not in [reply.text for reply in started]


NUMBERED = (
    "Assalamualaikum pak. Mohon info utk studi banding ke BMI: 1) biaya per orang berapa "
    "2) apakah dapat sertifikat 3) ada penginapan dekat lokasi? 4) kalau dari bandara naik "
    "apa? Terima kasih"
)


async def test_a_numbered_list_of_questions_gets_every_answer(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    """Found in the console: "1) biaya … 2) apakah dapat sertifikat 3) … 4) …" got only the
    answer about getting there: the numbers did not part the questions."""
    asked = {
        "biaya per orang berapa": "ask_visit_cost",
        "apakah dapat sertifikat": "ask_certificate",
        "ada penginapan dekat lokasi": "ask_lodging",
        "kalau dari bandara naik apa": "ask_transport",
    }
    assert [c for c in question_clauses(NUMBERED) if c in asked] == list(asked)
    replies = await every_answer(
        NUMBERED, ("ask_transport", 0.85), asked, answers=answers, texts=texts, keywords=keywords
    )
    got = "\n".join(reply.text for reply in replies)
    # the contact said once, after the last answer, not after each of the four
    footer = texts("knowledge.ask_staff", **answers.main_contact())
    assert got.count(footer) == 1 and replies[-1].text.endswith(footer)


async def test_a_plan_naming_its_date_and_group_beside_a_question_gets_the_offer(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    """Found in the console (a KSPPS from Jombang): "… rencana studi banding ke BMI 2 hari tgl
    8-9 april 2027 peserta 33 orang. untuk pemateri nanti siapa saja ya pak?" was answered
    without the offer: the plan's own reading was visit info (0.37), not booking."""
    plan = "rencana studi banding 2 hari tgl 8-9 april 2027 peserta 33 orang"
    asked = "untuk pemateri nanti siapa saja ya pak"
    whole = f"kami dari KSPPS Nurul Ummah, {plan}. {asked}?"
    nlu = RecordedNlu()
    nlu.add(whole, "ask_visit_info", 0.63, participants=33)
    nlu.table[plan] = NluResult(
        "ask_visit_info", 0.37,
        (Entity("date", "2027-04-08/2027-04-09", "tgl 8-9 april 2027", 0, 0),
         Entity("participants", 33, "33 orang", 0, 0)),
    )  # fmt: skip
    nlu.add(asked, "ask_materials", 0.21)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords)
    replies = await engine.handle(Incoming("telegram", "u4", "u4", text=whole))
    assert replies[-1].text == texts("booking.offer")


PEKANBARU = (
    "Assalamualaikum wr wb. Perkenalkan saya Hj. Rosmawati, Ketua Koperasi Syariah Al-Ikhlas "
    "Kota Pekanbaru. Kami berencana studi banding ke Koperasi BMI pada bulan Maret 2027 dengan "
    "peserta 30 orang pengurus dan pengawas. Mohon informasi berapa biayanya, apakah ada "
    "sertifikat, dan apakah ada penginapan di dekat lokasi? Terima kasih."
)


async def test_a_letters_questions_after_a_long_introduction_get_every_answer(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    """Found in the console (a KSPPS from Pekanbaru): the salam, the introduction and the plan
    took the first clauses read, and of the letter's three questions only the one the whole
    message read as was answered."""
    asked = {
        "Mohon informasi berapa biayanya": "ask_visit_cost",
        "apakah ada sertifikat": "ask_certificate",
        "apakah ada penginapan di dekat lokasi": "ask_lodging",
    }
    await every_answer(
        PEKANBARU, ("ask_visit_cost", 0.7), asked, answers=answers, texts=texts, keywords=keywords
    )


async def every_answer(
    message: str, read_as: tuple[str, float], asked: dict[str, str], *, answers: Answers,
    texts: Texts, keywords: KeywordMatcher,
) -> list[Reply]:  # fmt: skip
    """The replies to `message`, read whole as `read_as` and its questions as `asked` (clause
    to intent), once each question's answer is found among them."""
    nlu = RecordedNlu()
    nlu.add(message, *read_as)
    for clause, intent in asked.items():
        nlu.add(clause, intent, 0.95)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords)
    replies = await engine.handle(Incoming("telegram", "u1", "u1", text=message))
    got = "\n".join(reply.text for reply in replies)
    for intent in asked.values():
        answer = answers.for_intent(intent)
        assert answer is not None and answer.text.split("\n\n")[0] in got
    return replies


async def test_whom_a_letter_is_to_is_no_question_about_bmi(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    """Found in the console (a consumer cooperative of Sleman's civil servants): a letter's
    "Yth. Bapak/Ibu Pengurus Koperasi BMI." (BMI's profile, 0.56) got BMI's whole profile
    before the answer about the day it asked for."""
    letter = (
        "Yth. Bapak/Ibu Pengurus Koperasi BMI. Bersama ini kami dari Koperasi Konsumen Pegawai "
        "Pemkab Sleman bermaksud mengadakan studi banding pada hari Kamis tanggal 4 Februari "
        "2027 dengan jumlah peserta 50 orang. Mohon informasi apakah tanggal tersebut bisa? "
        "Terima kasih."
    )
    nlu = RecordedNlu()
    nlu.add(letter, "ask_availability", 0.85, date="2027-02-04", participants=50)
    nlu.add("Yth. Bapak/Ibu Pengurus Koperasi BMI", "ask_about_bmi", 0.56)
    nlu.add("Mohon informasi apakah tanggal tersebut bisa", "ask_availability", 0.73)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords)
    replies = await engine.handle(Incoming("telegram", "u9", "u9", text=letter))
    profile = answers.knowledge.profile.summary.strip()[:40]
    assert not any(reply.text.startswith(profile) for reply in replies)


async def test_a_clause_that_only_announces_a_question_is_not_answered(
    answers: Answers, texts: Texts, keywords: KeywordMatcher
) -> None:
    """Found in the console: "Assalamualaikum. Bpk, sy mau tanya, klo kunjungan hari Jumat
    apakah ada waktu sholat Jumat? …" (the prayer, 0.91) got the visit's description first,
    for "Bpk, sy mau tanya" (how visits go, 0.41)."""
    asked = (
        "Assalamualaikum. Bpk, sy mau tanya, klo kunjungan hari Jumat apakah ada waktu sholat "
        "Jumat? peserta kami laki2 semua"
    )
    nlu = RecordedNlu()
    nlu.add(asked, "ask_halal_prayer", 0.91)
    nlu.add("Bpk, sy mau tanya", "ask_visit_info", 0.41)
    nlu.add("klo kunjungan hari Jumat apakah ada waktu sholat Jumat", "ask_halal_prayer", 0.97)
    engine = Engine(nlu, JsonMemoryStore(), answers, texts, keywords)
    replies = await engine.handle(Incoming("telegram", "u9", "u9", text=asked))
    visits = answers.knowledge.visit.info.text.strip()[:40]
    assert not any(visits in reply.text for reply in replies)
