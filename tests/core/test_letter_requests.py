"""A requester's words that ask for the host's confirmation letter (sent as a PDF when the chat
has an approved visit; `tests/documents/test_documents_e2e.py` drives it end to end)."""

from __future__ import annotations

import pytest

from bot.core.flows.letters import ASKED


@pytest.mark.parametrize(
    "asked",
    ["minta surat konfirmasi", "surat konfirmasinya bisa dikirim?",  # console, Meranti
     "nanti surat undangan untuk SPPD bisa dikirim?", "suratnya buat SPPD kami pak"],
)  # fmt: skip
def test_a_request_for_the_letter_is_known(asked: str) -> None:
    assert ASKED.search(asked)


@pytest.mark.parametrize(
    "other", ["surat permohonan ditujukan ke siapa?", "konfirmasinya kapan ya?"]
)
def test_other_talk_of_letters_is_no_request(other: str) -> None:
    assert ASKED.search(other) is None
