"""The trained model, through the real Rasa server: quality on the held-out file, the contract."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
import yaml

from bot.config import ROOT
from tests.conftest import RASA_TOKEN

ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")
MIN_ACCURACY = 0.93


def parse(url: str, text: str) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        f"{url}/model/parse?token={RASA_TOKEN}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)  # type: ignore[no-any-return]


def held_out() -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / "data" / "test" / "nlu_test.yml").read_text(encoding="utf-8"))
    return [
        (ANNOTATION.sub(r"\1", line.strip()[2:]), block["intent"])
        for block in data["nlu"]
        if "intent" in block
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    ]


def test_intent_accuracy_on_the_held_out_file(rasa_url: str) -> None:
    examples = held_out()
    wrong = [
        (text, intent, got)
        for text, intent in examples
        if (got := parse(rasa_url, text)["intent"]["name"]) != intent
    ]
    accuracy = 1 - len(wrong) / len(examples)
    print(f"held-out intent accuracy: {accuracy:.3f} on {len(examples)} examples")
    assert accuracy >= MIN_ACCURACY, wrong


def test_held_out_file_is_never_trained_on() -> None:
    training = {
        ANNOTATION.sub(r"\1", line.strip()[2:]).lower()
        for path in (ROOT / "data" / "nlu").glob("*.yml")
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        if "intent" in block
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    }
    assert [text for text, _ in held_out() if text.lower() in training] == []


def test_every_domain_intent_has_training_data_of_forty_examples() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                lines = [x for x in block["examples"].splitlines() if x.strip().startswith("- ")]
                counts[block["intent"]] = counts.get(block["intent"], 0) + len(lines)
    assert {i: counts.get(i, 0) for i in domain["intents"] if counts.get(i, 0) < 40} == {}


def test_booking_sentence_yields_every_entity(rasa_url: str) -> None:
    result = parse(
        rasa_url, "kami dari Dinas Koperasi Sumbar mau studi tiru 27 orang tanggal 13 Juni"
    )
    assert result["intent"]["name"] == "book_visit"
    entities = {e["entity"]: e["value"] for e in result["entities"]}
    assert entities["participants"] == 27
    assert re.fullmatch(r"\d{4}-06-13", entities["date"])
    assert "Dinas Koperasi" in entities["organization"]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("cek booking KJ7Q2", "code", "KJ7Q2"),
        ("gabung bmi-4821", "code", "BMI-4821"),
        ("apa itu jaringan warung anggota?", "program", "jawara"),
        ("info beasiswa paket c dong", "program", "beasiswa_paket_c"),
        ("sekitar 30an orang", "participants", 30),
        ("dua puluh tujuh orang", "participants", 27),
    ],
)
def test_entities_are_normalised(rasa_url: str, text: str, entity: str, value: object) -> None:
    found = {e["entity"]: e["value"] for e in parse(rasa_url, text)["entities"]}
    assert found.get(entity) == value, found


def test_gibberish_is_low_confidence(rasa_url: str) -> None:
    assert parse(rasa_url, "zxqv plmokn wuvvy")["intent"]["name"] in {
        "nlu_fallback",
        "out_of_scope",
    }
