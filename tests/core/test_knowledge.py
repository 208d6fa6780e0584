"""Knowledge files: loaded whole, errors reported with file and line, placeholders listed."""

from __future__ import annotations

import shutil
from datetime import time
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.core.answers import Answers
from bot.core.knowledge import Knowledge, KnowledgeError, load_knowledge
from bot.core.visits import AgendaItem, usual_hours


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "data" / "knowledge", target)
    return target


def test_the_shipped_knowledge_loads(knowledge: Knowledge) -> None:
    assert len(knowledge.programs) == 11
    assert knowledge.contacts[0].phone == "0856-9575-1994"
    assert "Kamaruddin Batubara" in knowledge.profile.leaders[0].name


def test_unconfirmed_facts_are_placeholders_not_inventions(knowledge: Knowledge) -> None:
    gaps = knowledge.placeholders()
    assert any("venue_address" in gap for gap in gaps)
    assert any(gap.startswith("visit.cost") for gap in gaps)


def test_venue_address_setting_overrides_the_file(copy: Path) -> None:
    loaded = load_knowledge(copy, venue_address="Jl. Contoh No. 1, Tangerang")
    assert loaded.location.venue_address == "Jl. Contoh No. 1, Tangerang"


def test_invalid_yaml_names_file_and_line(copy: Path) -> None:
    (copy / "programs.yml").write_text("programs:\n  - id: x\n    name: [oops\n")
    with pytest.raises(KnowledgeError, match=r"programs\.yml line \d+"):
        load_knowledge(copy)


def test_missing_field_is_reported_not_half_loaded(copy: Path) -> None:
    (copy / "visit.yml").write_text("info:\n  text: halo\n")
    with pytest.raises(KnowledgeError, match="visit.cost"):
        load_knowledge(copy)


def test_duplicate_program_ids_are_refused(copy: Path) -> None:
    text = (copy / "programs.yml").read_text().replace("id: beasiswa_paket_c", "id: jawara")
    (copy / "programs.yml").write_text(text)
    with pytest.raises(KnowledgeError, match="unique"):
        load_knowledge(copy)


@pytest.mark.parametrize(
    ("text", "program_id"),
    [
        ("apa itu jawara?", "jawara"),
        ("info BMI Goes to School dong", "bmi_goes_to_school"),
        ("program pengecatan warung", "pengecatan_warung"),
        ("pendampingan NIB gimana", "pendampingan_nib"),
        ("program bmi apa saja", None),
    ],
)
def test_programs_are_found_by_name(
    knowledge: Knowledge, text: str, program_id: str | None
) -> None:
    found = knowledge.find_program(text)
    assert (found.id if found else None) == program_id


def test_visit_answers_say_the_rules_the_form_enforces() -> None:
    """The requirements answer said "paling lambat 7 hari" whatever BOOKING_LEAD_DAYS was."""
    knowledge = load_knowledge(ROOT / "data" / "knowledge", rules={"lead_days": 10})
    assert "paling lambat 10 hari" in knowledge.visit.requirements.text
    assert "{lead_days}" not in knowledge.visit.requirements.text


def test_the_usual_hours_of_a_visit_come_from_the_default_agenda(answers: Answers) -> None:
    """Found in the console: "jam berapa biasanya mulai sampai selesai?" got the visit's whole
    description, which names no time; the default agenda (data/agenda.yml) has them."""
    reply = answers.for_intent("ask_visit_info", "jam berapa biasanya mulai sampai selesai?")
    assert reply is not None
    assert "pukul 08.30 WIB dan selesai sekitar pukul 14.30–16.00 WIB" in reply.text
    about = answers.for_intent("ask_visit_info", "kunjungannya seperti apa?")
    assert about is not None and "08.30" not in about.text


def test_the_usual_hours_follow_the_agenda_file() -> None:
    template = {length: [AgendaItem(1, time(9), time(15, 30), "Profil")] for length in range(1, 4)}
    assert usual_hours(template) == {"day_starts": "09.00", "day_ends": "15.30"}


@pytest.mark.parametrize(
    ("asked", "name"),
    [
        ("siapa ketua pengawas syariah BMI?", "H. Hendri Tanjung"),
        ("pak, siapa manajer diklat di bmi?", "Sehnuri"),
        ("siapa direktur BMI?", None),  # two directors: the whole profile, both named
        ("ketua pengawas syariah BMI itu bagaimana?", None),  # not asked who
        # written short (console: the profile again, then "already written above")
        ("pengawas syariahnya siapa?", "H. Hendri Tanjung"),
        ("presdirnya siapa?", 'Kamaruddin Batubara ("Kambara")'),
        # the head by the words people use (console: the whole profile)
        ("siapa ketua koperasi BMI sekarang?", 'Kamaruddin Batubara ("Kambara")'),
        ("pimpinan bmi grup siapa ya?", 'Kamaruddin Batubara ("Kambara")'),
        ("pimpinan bmi siapa saja?", None),  # all of them
    ],
)
def test_a_leader_asked_by_role_is_named_alone(
    answers: Answers, asked: str, name: str | None
) -> None:
    """Found in the console: "siapa ketua pengawas syariah BMI?" got the whole profile."""
    reply = answers.for_intent("ask_about_bmi", asked)
    assert reply is not None
    if name is None:
        assert "Pimpinan:" in reply.text
    else:
        assert reply.text.endswith(f"adalah {name} 🙏") and "Pimpinan:" not in reply.text


def test_a_program_with_facts_to_fill_in_gives_the_contact(
    answers: Answers, knowledge: Knowledge
) -> None:
    """Found in the console: "apakah sekolah kami bisa ikut program BMI goes to school?" got
    the program's description and nobody to ask who may join."""
    for program in knowledge.programs:
        told = answers.program(program).text
        assert (knowledge.contacts[0].phone in told) == bool(program.placeholder), program.id
