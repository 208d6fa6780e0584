"""Replies fitted into WhatsApp's limits: buttons, lists, long texts, templates."""

from __future__ import annotations

from bot.channels.whatsapp.render import (
    Labels,
    reply_bodies,
    shorten,
    template_body,
)
from bot.core.messages import Button, Reply

LABELS = Labels(
    choose="Silakan pilih.", more="Pilihan lainnya.", list_button="Lihat pilihan", no_template="-"
)


def buttons(count: int, title: str = "Pilihan") -> tuple[Button, ...]:
    return tuple(Button(f"{title} {n}", f"i:{n}") for n in range(count))


def test_short_text_is_one_text_message() -> None:
    (body,) = reply_bodies(Reply("Halo 👋"), LABELS)
    assert body == {"type": "text", "text": {"body": "Halo 👋", "preview_url": False}}


def test_long_text_is_split_under_4096() -> None:
    bodies = reply_bodies(Reply("kata " * 2000), LABELS)
    assert len(bodies) == 3
    assert all(len(b["text"]["body"]) <= 4096 for b in bodies)
    assert " ".join(b["text"]["body"] for b in bodies).split() == ["kata"] * 2000


def test_up_to_three_choices_are_reply_buttons_with_short_titles() -> None:
    reply = Reply(
        "Mau lanjut?",
        (Button("Ya, kirim permohonan sekarang", "bs:send"), Button("Ubah", "bs:edit")),
    )
    (body,) = reply_bodies(reply, LABELS)
    action = body["interactive"]["action"]
    assert body["interactive"]["type"] == "button"
    titles = [b["reply"]["title"] for b in action["buttons"]]
    assert titles == ["Ya, kirim…", "Ubah"]  # cut at a word, marked
    assert all(len(t) <= 20 for t in titles)
    assert [b["reply"]["id"] for b in action["buttons"]] == ["bs:send", "bs:edit"]


def test_button_body_over_1024_sends_the_text_first() -> None:
    bodies = reply_bodies(Reply("x " * 700, buttons(2)), LABELS)
    assert [b["type"] for b in bodies] == ["text", "interactive"]
    assert bodies[1]["interactive"]["body"]["text"] == "Silakan pilih."


def test_more_than_three_choices_are_a_list_of_at_most_ten_rows() -> None:
    bodies = reply_bodies(Reply("Menu utama", buttons(13, "Pendampingan legalitas usaha")), LABELS)
    assert [b["interactive"]["type"] for b in bodies] == ["list", "list"]
    first, second = (b["interactive"] for b in bodies)
    rows = [r for s in first["action"]["sections"] for r in s["rows"]]
    assert len(rows) == 10 and first["body"]["text"] == "Menu utama"
    assert all(len(r["title"]) <= 24 and len(r["description"]) <= 72 for r in rows)
    assert rows[0]["description"] == "Pendampingan legalitas usaha 0"
    assert second["body"]["text"] == "Pilihan lainnya."
    assert len(second["action"]["sections"][0]["rows"]) == 3
    assert first["action"]["button"] == "Lihat pilihan"


def test_shorten_keeps_short_text_and_never_exceeds_the_limit() -> None:
    assert shorten("Jawara", 20) == "Jawara"
    assert shorten("  Cafe   Kopi  ", 20) == "Cafe Kopi"
    for text in ("Mesin beras skala mikro untuk anggota", "x" * 50, "a b" * 30):
        assert len(shorten(text, 20)) <= 20
        assert shorten(text, 20).endswith("…")


def test_template_parameter_is_one_line_and_bounded() -> None:
    body = template_body("agenda_harian", "id", "Selamat pagi\n\n08.00 Pembukaan\t\n" + "y" * 2000)
    template = body["template"]
    assert template["name"] == "agenda_harian" and template["language"] == {"code": "id"}
    (parameter,) = template["components"][0]["parameters"]
    assert "\n" not in parameter["text"] and "\t" not in parameter["text"]
    assert parameter["text"].startswith("Selamat pagi · 08.00 Pembukaan")
    assert len(parameter["text"]) <= 900


def test_choices_that_would_look_alike_as_buttons_become_a_list() -> None:
    reply = Reply(
        "Pilih sesi",
        (Button("Pelatihan digital marketing", "a"), Button("Pelatihan digital UMKM", "b")),
    )
    (body,) = reply_bodies(reply, LABELS)
    assert body["interactive"]["type"] == "list"
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == ["Pelatihan digital…", "Pelatihan digital UMKM"]
