"""What delegations ask besides the visit: each has its answer, and unset facts go to staff."""

from __future__ import annotations

import pytest

from bot.core.answers import VISIT_TOPICS, Answers
from bot.core.engine import BUTTON_INTENTS
from bot.core.knowledge import Knowledge
from bot.core.payloads import Space, decode
from bot.core.texts import Texts

ENQUIRIES = sorted(set(VISIT_TOPICS) - {"ask_visit_info", "ask_visit_cost",
                                          "ask_visit_requirements", "ask_facilities"})  # fmt: skip


def test_every_enquiry_the_issue_names_has_an_intent() -> None:
    # and research: a student alone (found in the console, UNTIRTA)
    named = {"ask_letters", "ask_receipts", "ask_lodging", "ask_transport", "ask_halal_prayer",
             "ask_dress_code", "ask_materials", "ask_certificate", "ask_online_visit",
             "ask_shopping", "ask_own_bus", "ask_research"}  # fmt: skip
    assert set(ENQUIRIES) == named


@pytest.mark.parametrize("intent", ENQUIRIES)
def test_an_unconfirmed_answer_says_staff_will_confirm_and_gives_the_contact(
    answers: Answers, knowledge: Knowledge, intent: str
) -> None:
    entry = getattr(knowledge.visit, VISIT_TOPICS[intent])
    reply = answers.for_intent(intent)
    assert reply is not None and reply.text.startswith(entry.text.strip())
    assert (knowledge.contacts[0].phone in reply.text) == bool(entry.placeholder)
    assert "Anda" not in reply.text


@pytest.mark.parametrize("intent", sorted(VISIT_TOPICS))
def test_the_offered_next_topic_is_a_button_with_a_label(
    answers: Answers, texts: Texts, intent: str
) -> None:
    reply = answers.for_intent(intent)
    assert reply is not None
    pressed = decode(reply.buttons[0].payload)
    assert pressed is not None and pressed.space is Space.INTENT
    offered = pressed.value
    assert offered in BUTTON_INTENTS and offered != intent
    assert reply.buttons[0].title == texts(f"topic.{offered}")


def test_each_operator_fact_is_listed_to_fill_in(knowledge: Knowledge) -> None:
    gaps = knowledge.placeholders()
    for topic in ("letters", "receipts", "lodging", "transport", "certificate", "own_bus"):
        assert any(gap.startswith(f"visit.{topic}:") for gap in gaps), topic


def test_shopping_states_only_what_the_sources_say(knowledge: Knowledge) -> None:
    """The articles: members' products are shown at Warung Anggota and visitors buy them."""
    text = knowledge.visit.shopping.text
    assert "Warung Anggota" in text and "QRIS" not in text
    assert knowledge.visit.shopping.placeholder and "QRIS" in knowledge.visit.shopping.placeholder


def test_office_hours_or_email_asked_while_unset_are_left_to_staff(
    answers: Answers, knowledge: Knowledge, texts: Texts
) -> None:
    """Found in the console: "jam operasionalnya sampai jam berapa?" (read as ask_contact) got
    the contacts alone, as if the hours had been answered."""
    assert knowledge.office_hours is None  # the operator has not filled them in
    asked = answers.for_intent("ask_contact", "jam operasionalnya sampai jam berapa?")
    assert asked is not None and asked.text.startswith(texts("contact.hours_unset"))
    assert knowledge.contacts[0].phone in asked.text
    plain = answers.for_intent("ask_contact", "minta nomor wa petugasnya")
    assert plain is not None and texts("contact.hours_unset") not in plain.text
    assert knowledge.email is None  # console: "kalau email resmi BMI apa?" got contacts alone
    email = answers.for_intent("ask_contact", "kalau email resmi BMI apa?")
    assert email is not None and email.text.startswith(texts("contact.email_unset"))
    assert texts("contact.email_unset") not in plain.text
    site = answers.for_intent("ask_contact", "website bmi apa ya?")  # console: contacts alone
    assert site is not None and site.text.startswith(texts("contact.online_unset"))
    assert texts("contact.online_unset") not in plain.text


@pytest.mark.parametrize(
    "asked",
    ["katong ada yang non muslim, makan bagaimana?", "kami butuh makan non-halal",
     "ada peserta vegetarian bu"],
)  # fmt: skip
def test_meals_other_than_halal_are_left_to_staff(
    answers: Answers, knowledge: Knowledge, asked: str
) -> None:
    """Found in the console (a women's cooperative from Kupang): "katong ada yang non muslim,
    makan bagaimana?" was told the host is syariah and prayer times are set, not asked."""
    reply = answers.for_intent("ask_halal_prayer", asked)
    assert reply is not None and reply.text.startswith(knowledge.visit.diet.text.strip())
    assert knowledge.contacts[0].phone in reply.text and "syariah" not in reply.text
    halal = answers.for_intent("ask_halal_prayer", "konsumsinya halal kan bu?")
    assert halal is not None and halal.text.startswith(knowledge.visit.halal_prayer.text.strip())


@pytest.mark.parametrize(
    ("intent", "asked"),
    [("ask_visit_info", "selamat siang, untuk studi banding ke bmi minimal berapa orang ya?"),
     ("ask_visit_requirements", "kalau cuma 5 orang bisa?"),
     ("ask_visit_info", "maksimal peserta berapa?"),
     ("ask_visit_requirements", "kalau 8 orang saja bisa?"),
     ("ask_visit_requirements", "brp org maksimal?")],  # a Gapoktan from Lampung Tengah
)  # fmt: skip
def test_the_group_size_asked_gets_the_forms_limit_and_the_least_left_to_staff(
    answers: Answers, knowledge: Knowledge, intent: str, asked: str
) -> None:
    """Found in the console: "minimal berapa orang?" got the visit's sessions, and "kalau
    cuma 5 orang bisa?" the requirements, neither a word on the group's size."""
    reply = answers.for_intent(intent, asked)
    assert reply is not None and reply.text.startswith("Satu pendaftaran bisa untuk rombongan")
    assert knowledge.contacts[0].phone in reply.text  # the least is staff's to say
    lead = answers.for_intent("ask_visit_requirements", "minimal berapa hari sebelumnya?")
    assert lead is not None and lead.text.startswith(knowledge.visit.requirements.text[:20])


def test_bmis_figures_asked_while_unset_are_left_to_staff(
    answers: Answers, knowledge: Knowledge, texts: Texts
) -> None:
    """Found in the console: "berdiri tahun berapa?" got the whole profile, which does not
    say it (the sources give no founding year, members, branches or assets)."""
    assert knowledge.profile.placeholder
    unset = texts("profile.figures_unset", **answers.main_contact())
    for asked in (
        "berdiri tahun berapa?",
        "jumlah anggota bmi berapa?",
        "bmi punya berapa cabang?",
    ):
        reply = answers.for_intent("ask_about_bmi", asked)
        assert reply is not None and reply.text == unset
    profile = answers.for_intent("ask_about_bmi", "bmi itu koperasi apa sih?")
    assert profile is not None and profile.text.startswith(knowledge.profile.summary.strip()[:40])


@pytest.mark.parametrize(
    "asked",
    ["mau nanya, kalo studi banding ke bmi minimal berapa hari sebelumnya daftar?",
     "paling lambat kapan daftarnya kak?"],
)  # fmt: skip
def test_how_long_before_to_book_gets_the_lead_time(
    answers: Answers, knowledge: Knowledge, asked: str
) -> None:
    """Found in the console (a credit cooperative from Karawang): "minimal berapa hari
    sebelumnya daftar?" (read as how visits go) got the visit's description, which does not
    say it; the requirements answer does ("paling lambat 7 hari")."""
    reply = answers.for_intent("ask_visit_info", asked)
    assert reply is not None and reply.text.startswith(knowledge.visit.requirements.text[:20])
