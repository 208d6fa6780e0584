"""Organisations and regions as Indonesians write them (`bot.services.places`)."""

from __future__ import annotations

import pytest

from bot.config import ROOT
from bot.services.places import IndonesianPlaces


@pytest.fixture(scope="module")
def places() -> IndonesianPlaces:
    return IndonesianPlaces.load(ROOT / "data" / "organisations.yml")


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("dinkop kab solok", "Kabupaten Solok, Sumatera Barat"),
        ("Kota Solok", "Kota Solok, Sumatera Barat"),
        # The region search ranks Kabupaten Kupang first for "Kota Kupang" (found in the console).
        ("Kota Kupang, NTT", "Kota Kupang, Nusa Tenggara Timur"),
        ("kab. kupang", "Kabupaten Kupang, Nusa Tenggara Timur"),
        ("kami dari kota kupang", "Kota Kupang, Nusa Tenggara Timur"),  # lower case too
        ("Kupang NTT", "Nusa Tenggara Timur"),  # a province when no kabupaten/kota is named
        ("dari bandara soekarno hatta naik apa", None),
        # Where they go is not where they come from; "ke BMI di ..." as well.
        ("mau studi banding ke Kota Tangerang bulan Maret", None),
        (
            "kunjungan ke BMI di Kota Tangerang, kami dari Kab. Solok",
            "Kabupaten Solok, Sumatera Barat",
        ),
        ("rencana ke banten 40 orang", None),
        ("pulang ke Jakarta dari Kota Solok", "Kota Solok, Sumatera Barat"),
        ("kami koperasi di Kota Tangerang", "Kota Tangerang, Banten"),
        # Shortened kabupaten and kota (found in the console: "Diskop Lotim" gave no origin).
        ("Diskop Lotim", "Kabupaten Lombok Timur, Nusa Tenggara Barat"),
        ("kab. lobar, ntb", "Kabupaten Lombok Barat, Nusa Tenggara Barat"),
        (
            "Kota Jakarta Selatan",
            "Kota Administrasi Jakarta Selatan, Daerah Khusus Ibukota Jakarta",
        ),
        # A town named after "dari" without "Kota"/"Kabupaten" (found in the console: "kami
        # dari koperasi di makassar" was asked its origin again).
        ("kami koperasi dari makassar mau studi banding", "Kota Makassar, Sulawesi Selatan"),
        ("rombongan dari Bogor 30 org", "Bogor, Jawa Barat"),  # a kota and a kabupaten
        ("kulo saking klaten", "Kabupaten Klaten, Jawa Tengah"),
        ("dari lima puluh kota", "Kabupaten Lima Puluh Kota, Sumatera Barat"),
        ("mulai dari tanggal 5 sampai 7", None),
        # A town after the "di" of the body named after "dari" (found in the console, a
        # women's cooperative from Kupang: asked its origin when it booked).
        ("beta dari koperasi wanita di Kupang, mau tanya", "Kupang, Nusa Tenggara Timur"),
        ("kami dari dinkop di padang", "Kota Padang, Sumatera Barat"),
        ("dari bandara di tangerang naik apa", None),  # no body: where they arrive
        # A town as a clause of its own (found in the console, a Banjar cooperative).
        (
            "ulun dari Koperasi Wanita Sasangga Banua, Banjarmasin. handak bertanya",
            "Kota Banjarmasin, Kalimantan Selatan",
        ),
        ("mau studi banding ke BMI, Tangerang", None),  # where they go
        ("Pak, Bima mau tanya", None),  # a name, not a clause of its own
        # A province written out (found in the console, a Dinas from Kalimantan Timur).
        ("Dinas Koperasi dan UKM Provinsi Kalimantan Timur", "Kalimantan Timur"),
        # A kabupaten that begins with its province's name (found in the console).
        ("Dinas Koperasi UKM Aceh Besar", "Kabupaten Aceh Besar, Aceh"),
        ("Diskop Lampung Selatan", "Kabupaten Lampung Selatan, Lampung"),
        ("Dinas Koperasi Aceh", "Aceh"),
        ("kami dari kepulauan riau", "Kepulauan Riau"),  # not Riau
        ("koperasi papua barat daya", "Papua Barat Daya"),
        ("studi banding ke Bali", None),  # where they go
        ("gue dari Komunitas Koperasi Muda Jakarta", "Daerah Khusus Ibukota Jakarta"),
        ("Jakarta Selatan", "Kota Administrasi Jakarta Selatan, Daerah Khusus Ibukota Jakarta"),
        # A kecamatan, written as a name after "dari" (found in the console: asked again)
        (
            "kami rombongan koperasi dari Rangkasbitung mau studi banding ke BMI",
            "Rangkasbitung, Kabupaten Lebak, Banten",
        ),
        ("kami dari Ibu Sari mau tanya", None),  # Ibu is a kecamatan too: a name here
        ("dari Bina Usaha Mandiri", None),
        ("kami dari rangkasbitung", None),  # not written as a name: an everyday word may be
        # A town that is no region of the data (console, a KSP from Maumere: asked again)
        (
            "saya ketua KSP Maju Bersama dari Maumere",
            "Maumere, Kabupaten Sikka, Nusa Tenggara Timur",
        ),
        ("kami dari solo mau studi banding", "Solo, Kota Surakarta, Jawa Tengah"),
        (
            "Koperasi Tani Sejahtera, Labuan Bajo",
            "Labuan Bajo, Kabupaten Manggarai Barat, Nusa Tenggara Timur",
        ),
    ],
)
def test_origin_names_the_region_and_its_province(
    places: IndonesianPlaces, text: str, origin: str | None
) -> None:
    assert places.origin(text) == origin


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("dinkop kab solok", "Dinas Koperasi Kabupaten Solok"),
        ("Diskop Lotim", "Dinas Koperasi Kabupaten Lombok Timur"),
        ("kab lotim", "Kabupaten Lombok Timur"),  # one "Kabupaten"
        ("makassar, sulsel", "Makassar, Sulawesi Selatan"),
        ("kab. lobar, ntb", "Kabupaten Lombok Barat, Nusa Tenggara Barat"),  # before a comma
    ],
)
def test_abbreviations_are_written_out(places: IndonesianPlaces, typed: str, written: str) -> None:
    assert places.written_out(typed) == written


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        # Found in the console (a KUD from Ngawi writing in capitals: kept so in the summary)
        ("KUD TANI MAKMUR KAB. NGAWI", "KUD Tani Makmur Kabupaten Ngawi"),
        ("KSPPS BMT ITQAN BANDUNG", "KSPPS BMT Itqan Bandung"),
        ("KOPERASI MAMA-MAMA PAPUA", "Koperasi Mama-Mama Papua"),
        ("KPRI GURU SEJAHTERA SMKN 1", "KPRI Guru Sejahtera SMKN 1"),
        ("KOPERASI KARYAWAN RSUD", "Koperasi Karyawan RSUD"),
        ("Koperasi BMI", "Koperasi BMI"),  # not in capitals: as written
    ],
)
def test_a_name_in_capitals_is_written_as_a_letter_writes_it(
    places: IndonesianPlaces, typed: str, name: str
) -> None:
    assert places.organisation(typed) == name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        # Found in the console (a farmers' cooperative from Garut, in a long letter).
        ("Koperasi Produsen Tani Makmur Kab. Garut Jawa Barat",
         "Koperasi Produsen Tani Makmur Kabupaten Garut"),
        ("dinkop kota kupang, ntt", "Dinas Koperasi Kota Kupang"),
        ("Koperasi Mama-Mama Papua Jayapura", "Koperasi Mama-Mama Papua Jayapura"),
        ("KSP Maju Kabupaten Bogor Jawa Tengah", "KSP Maju Kabupaten Bogor Jawa Tengah"),
        ("Dinas Koperasi dan UKM Provinsi Kalimantan Timur",
         "Dinas Koperasi dan UKM Provinsi Kalimantan Timur"),
    ],
)  # fmt: skip
def test_a_province_after_its_kabupaten_is_no_part_of_a_name(
    places: IndonesianPlaces, typed: str, name: str
) -> None:
    assert places.organisation(typed) == name


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("Kota Tangerang", True),
        ("Tangerang", True),
        ("kab solok", True),
        ("kab lotim", True),
        ("Sumbar", True),
        ("Nusa Tenggara Timur", True),
        ("Pemkot Tangerang", False),
        ("Kopwan Flobamora", False),
        ("Kota Tidak Ada", False),
        ("Malaysia", True),
    ],
)
def test_a_region_alone_is_no_organisation(
    places: IndonesianPlaces, name: str, region: bool
) -> None:
    assert places.is_region(name) is region


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("Kelantan, Malaysia", "Kelantan, Malaysia"),
        ("kami dari Dili Timor Leste", "Dili, Timor Leste"),
        ("Kami dari Koperasi Guru Melayu Kelantan, Malaysia.", "Malaysia"),
        ("asal singapura", "Singapura"),
        ("mau studi banding ke Jepang", None),  # where they go
        ("kontak Pak Jordan", None),  # a name, not Yordania
        ("Koperasi Sinar Jaya, Bandung", "Bandung, Jawa Barat"),  # at home first
    ],
)
def test_a_place_abroad_is_known_by_its_country(
    places: IndonesianPlaces, text: str, origin: str | None
) -> None:
    """Found in the console: a cooperative from Kelantan, Malaysia was told its region was
    unknown, and every answer after it was taken for the origin and refused."""
    assert places.origin(text) == origin


@pytest.mark.parametrize(
    ("name", "district"),
    [
        ("Rangkasbitung", "Rangkasbitung, Kabupaten Lebak, Banten"),
        ("cibinong", "Cibinong, Kabupaten Bogor, Jawa Barat"),
        ("Sukajadi", None),  # a kecamatan in more than one kabupaten
        ("Sleman", None),  # a kabupaten's name: `town`
    ],
)
def test_a_kecamatan_alone_is_known_when_no_other_region_has_its_name(
    places: IndonesianPlaces, name: str, district: str | None
) -> None:
    assert places.district(name) == district


def test_a_town_of_the_data_must_lie_in_a_region_it_knows() -> None:
    with pytest.raises(ValueError, match="Kabupaten Atlantis"):
        IndonesianPlaces({}, {}, {"atlantis": "Kabupaten Atlantis"})
