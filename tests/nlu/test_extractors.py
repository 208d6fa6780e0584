"""The rule-based extractors shared by the Rasa component and the bot."""

from __future__ import annotations

from datetime import date

import pytest

from nlu.codes import find_codes
from nlu.dates import find_dates
from nlu.numbers import find_counts, group_size, words_to_int

TODAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("besok", "2026-11-24"),
        ("bsok", "2026-11-24"),  # "klo bsok bs gk?" (console: "which date?")
        ("lusa", "2026-11-25"),
        ("hari ini", "2026-11-23"),
        ("3 hari lagi", "2026-11-26"),
        ("dua minggu lagi", "2026-12-07"),
        ("minggu depan", "2026-11-30/2026-12-06"),
        ("kamis depan", "2026-12-03"),
        ("hari jumat", "2026-11-27"),
        ("Rabu 1 Maret", "2027-03-01"),
        ("13/6", "2027-06-13"),
        ("13-6-2027", "2027-06-13"),
        ("tgl 20 agustus", "2027-08-20"),
        ("tanggal 5 Desember", "2026-12-05"),
        ("20 nop", "2027-11-20"),
        ("13 Juni 2027", "2027-06-13"),
        ("1-3 Maret 2027", "2027-03-01/2027-03-03"),
        ("1 – 3 maret", "2027-03-01/2027-03-03"),
        ("tgl 5 s.d 7 des", "2026-12-05/2026-12-07"),
        ("28 Februari - 2 Maret 2027", "2027-02-28/2027-03-02"),
        # the days of a visit listed (console, a lecturer: only the 13th was read)
        ("tanggal 12 dan 13 januari", "2027-01-12/2027-01-13"),
        ("12, 13 & 14 jan 2027", "2027-01-12/2027-01-14"),
        ("awal bulan depan", "2026-12-01/2026-12-10"),
        ("minggu ketiga bulan depan", "2026-12-15/2026-12-21"),  # console, a KSU from Garut
        ("minggu kedua Agustus", "2027-08-08/2027-08-14"),
        ("next month", "2026-12-01/2026-12-31"),  # mixed English, as WhatsApp does
        ("2027-01-05", "2027-01-05"),
        ("pertengahan tahun depan", "2027-06-01/2027-07-31"),
        ("akhir tahun ini", "2026-11-23/2026-12-31"),
        ("awal 2027", "2027-01-01/2027-02-28"),
        ("tahun depan", "2027-01-01/2027-12-31"),
        ("wulan Mei", "2027-05-01/2027-05-31"),  # Javanese "bulan"
        ("akhia bulan juni", "2027-06-21/2027-06-30"),  # Minang "akhir"
        ("Mei 2027", "2027-05-01/2027-05-31"),
        # a long month's slip (console, Ngawi: "15 janauri" not understood)
        ("15 janauri", "2027-01-15"),
        ("tgl 3 febuari", "2027-02-03"),
        ("bulan agusuts", "2027-08-01/2027-08-31"),
        ("bulan agus", "2027-08-01/2027-08-31"),  # shortened, after "bulan"
    ],
)
def test_indonesian_dates(text: str, value: str) -> None:
    found = find_dates(f"kami mau datang {text} ya", TODAY)
    assert [m.value for m in found] == [value]
    assert found[0].text == text


@pytest.mark.parametrize(
    "text",
    ["versi 1.2", "jam 10.30", "27 orang", "nomor 0856-9575-1994", "", "RAT 2026",
     # a name that shortens a month (console, a Dinas from Lombok Tengah: August)
     "Perkenalkan saya Agus Salim", "kontaknya Pak Agus ya"],
)  # fmt: skip
def test_no_false_dates(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_days_listed_apart_are_dates_to_choose_from() -> None:
    found = find_dates("bisa tgl 12 dan 14 januari? jam 10 dan 13 januari juga boleh", TODAY)
    assert [(m.value, m.text) for m in found] == [
        ("2027-01-12", "12"), ("2027-01-14", "14 januari"), ("2027-01-13", "13 januari")
    ]  # fmt: skip


def test_a_short_month_name_is_a_month_only_when_nothing_else_is_said() -> None:
    """ "Mei" answering the date question is May; "kak mei" is somebody's name."""
    assert [m.value for m in find_dates("Mei", TODAY)] == ["2027-05-01/2027-05-31"]
    assert find_dates("kak mei, sudah sampai?", TODAY) == []


def test_malay_march_is_march() -> None:
    """Found in the console (a cooperative from Selangor): "bulan Mac 2027" was no date."""
    assert [m.value for m in find_dates("lawatan 20 orang, bulan Mac 2027", TODAY)] == [
        "2027-03-01/2027-03-31"
    ]


def test_year_is_not_taken_from_a_following_count() -> None:
    found = find_dates("kami 27 orang tanggal 13 juni 27 orang", TODAY)
    assert [(m.text, m.value) for m in found] == [("tanggal 13 juni", "2027-06-13")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("27 orang", 27),
        ("sekitar 30an peserta", 30),
        ("dua puluh tujuh orang", 27),
        ("rombongan kami 27", 27),
        ("jumlah peserta: 45", 45),
        ("seratus dua puluh orang", 120),
        ("sebelas org", 11),
        ("lima belas orang", 15),
        ("kami berangkat 30 pax", 30),
        ("rombongan abdi 40 urang", 40),  # Sundanese and Minang "orang"
        ("kira-kira 25 wong", 25),
        ("tigo puluah limo urang", 35),  # Minang numbers
        ("telu puluh tiyang", 30),  # Javanese
        ("kurang lebih 25 krama", 25),  # Balinese: a desa adat's members (console, an LPD)
        ("tgl 8-9 april 2027 peserta 33 orang", 33),  # the year is no count (console, Jombang)
        ("bulan mei 30 orang", 30),
        ("pesertanya jadi 28 ya", 28),  # a new size, at the summary
        ("peserta nambah jadi 30", 30),
    ],
)
def test_group_sizes(text: str, value: int) -> None:
    assert [m.value for m in find_counts(text)] == [value]


@pytest.mark.parametrize(
    "text", ["tgl 27 juni", "3 hari", "peserta 2 hari", "biaya 50 ribu", "peserta jadi 2 hari"]
)
def test_numbers_that_are_not_group_sizes(text: str) -> None:
    assert find_counts(text) == []


@pytest.mark.parametrize(
    ("text", "size"),
    [
        # Found in the console (a students' group): "40 mahasiswa + 2 dosen" named no group.
        ("kami dari HMJ mau kunjungan, sekitar 40 mahasiswa + 2 dosen", 42),
        ("35 siswa dan 3 guru pendamping", 38),
        ("30 ibu-ibu plus 5 pengurus", 35),
        ("bawa 30 ibu2 anggota", 30),  # console, Serang
        # Found in the console (a kindergarten): children, "sama" and the teachers' count after.
        ("anaknya sekitar 60 anak sama guru 8", 68),
        ("peserta 30, pendamping 2", 32),
        ("27 orang, tanggal 3 Juni", 27),  # the date is no second group
        ("30 orang tgl 5 dan 10 orang tgl 6", 30),
        # A few words of the first count before the join (found in the console, a school).
        ("kami ingin membawa 60 siswa kelas XI jurusan akuntansi dan 4 guru pendamping", 64),
        # Found in the console (a pesantren from Jombang): the ustadz were not counted.
        ("berkunjung ke BMI bersama 45 santri dan 5 ustadz", 50),
        ("30 pengurus dan 5 pengawas", 35),
        ("berapa biayanya?", None),
        # a rough number alone (console, Pangalengan: "kira2 30an" named no group)
        ("belum tau pak, kira2 30an", 30),
        ("sekitar 40-an", 40),
        ("sekitar 15 januari", None),
        ("sekitar 2 jam", None),
    ],
)
def test_the_group_size_adds_the_counts_joined_to_it(text: str, size: int | None) -> None:
    assert group_size(text) == size


def test_words_to_int_rejects_non_numbers() -> None:
    assert words_to_int("banyak") is None
    assert words_to_int("tiga puluh lima") == 35


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("cek KJ7Q2 dong", ["KJ7Q2"]),
        ("gabung kj7q2", ["KJ7Q2"]),
        ("kode booking BMI-4821", ["BMI-4821"]),
        ("kj7q2", ["KJ7Q2"]),
        ("kami 27pax", []),
        ("TOT5 pilar", []),
        ("SUMBAR", []),
    ],
)
def test_codes(text: str, codes: list[str]) -> None:
    assert [m.value for m in find_codes(text)] == codes


def test_every_generated_code_is_found_in_a_message() -> None:
    from bot.services.booking import new_code
    from nlu.codes import CODE_LENGTH, INVITE_LENGTH

    for length in (CODE_LENGTH, INVITE_LENGTH):
        for _ in range(500):
            code = new_code(length)
            assert [m.value for m in find_codes(f"gabung {code.lower()}")] == [code]
            assert not set(code) & set("01OI")


@pytest.mark.parametrize(
    "text",
    [
        "pada hari Rabu-Kamis tanggal 17-18 Februari 2027",
        "hari Rabu s.d. Kamis, 17-18 Februari 2027",
    ],
)
def test_a_weekday_before_the_date_it_names_is_no_date_of_its_own(text: str) -> None:
    """Found in the console (a letter from Lombok Tengah): "hari Rabu" of "hari Rabu-Kamis
    tanggal 17-18 Februari 2027" was this Wednesday, too soon, and the visit was refused."""
    (mention,) = find_dates(text, TODAY)
    assert (mention.start, mention.end) == (date(2027, 2, 17), date(2027, 2, 18))
    assert len(find_dates("hari rabu dan kamis depan", TODAY)) == 2  # two days, no date named
