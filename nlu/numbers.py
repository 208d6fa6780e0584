"""Find group sizes ("27 orang", "sekitar 30an peserta", "dua puluh tujuh orang") in free text.

Only numbers that are clearly about people count: a bare "27" could be a date, a price or an
address. Shared by the NLU component and the bot, so it imports nothing from Rasa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "nol": 0, "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
    "tujuh": 7, "delapan": 8, "sembilan": 9,
    # Minang, Javanese and Sundanese ("duo hari", "telu dinten", "tigo puluah limo urang").
    "ciek": 1, "duo": 2, "tigo": 3, "ampek": 4, "limo": 5, "siji": 1, "loro": 2, "telu": 3,
    "papat": 4, "hiji": 1, "tilu": 3, "opat": 4,
}  # fmt: skip
REGIONAL_NUMBERS = r"ciek|duo|tigo|ampek|limo|siji|loro|telu|papat|hiji|tilu|opat"
# "dinten" and "poe" are Javanese and Sundanese for "hari".
# "2 hari", "tiga hari", "sehari saja" (Javanese "sedinten", Sundanese "sapoé"/"sadinten":
# one day); not "sehari-hari" (daily).
DAYS_IN_TEXT = re.compile(
    rf"(?<!\w)(?:(\d|satu|dua|tiga|{REGIONAL_NUMBERS})\s*(?:\([a-z ]{{1,20}}\)\s*)?"
    r"(?:hari|hr|dinten|poe|poé)"  # a letter's "1 (satu) hari" too
    r"|(sehari|seharian|sedinten|sadinten"
    r"|sapoe|sapoé))(?![\w-])",
    re.IGNORECASE,
)
# Numbers of things, not people nor days: "2 bus", "3 kamar", "2 hari 1 malam", "2 jam" are
# no day of the month either (console: "kami bawa 2 bus, parkirnya cukup?" became the 2nd).
THINGS_IN_TEXT = re.compile(
    r"(?<!\w)\d{1,3}\s*(?:bus|bis|mobil|minibus|elf|hiace|kendaraan|armada|unit|kamar|malam"
    r"|jam|menit|kali|km|kilo|porsi|kotak|box|lembar|buah|sesi|materi|topik)(?!\w)",
    re.IGNORECASE,
)
_WORD = (
    r"(?:nol|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus"
    rf"|belas|puluh|puluah|ratus|ratuih|{REGIONAL_NUMBERS})"
)
_NUMBER = rf"(?:\d{{1,4}}(?:an)?|{_WORD}(?:\s+{_WORD})*(?:an)?)"
_PEOPLE = (
    r"(?:orang|org|orng|peserta|pst|pax|personil|personel|person|people|pers|jiwa|anggota"
    r"|delegasi|rombongan|ibu-ibu|bapak-bapak|ibu2|bapak2|mama-mama|mama2|emak-emak|emak2"
    r"|mahasiswa|mahasiswi|mhs|siswa|siswi|pelajar|santri|murid|anak-anak|anak|guru|dosen"
    r"|pengurus|karyawan"
    r"|pegawai|staf|staff|petani|nelayan|kader|pendamping|ustadz|ustad|ustaz|ustadzah|ustazah"
    r"|pembina|pengawas|perangkat|kepala|pejabat"  # "45 santri dan 5 ustadz" (console)
    r"|urang|jalma|wong|uwong|tiyang"  # Sundanese, Minang, Javanese
    r"|krama)"  # Balinese: the members of a desa adat ("kurang lebih 25 krama", console)
)
# Between two counts of one group: "40 mahasiswa + 2 dosen", "30 ibu-ibu dan 5 pengurus",
# and a few words of the first before the join ("60 siswa kelas XI … dan 4 guru pendamping").
_JOINED = re.compile(
    r"\s*(?:\+|&|,|dan|plus|ditambah|serta|sama)\s*"
    r"|(?:\s+[^\W\d_]+){1,5}\s+(?:\+|&|dan|plus|ditambah|serta|sama)\s+",
    re.IGNORECASE,
)
_APPROX = r"(?:sekitar|sekitaran|kurang\s+lebih|kurleb|kira-kira|kira2|kurang\s+dari|±|\+-|\+/-)"
_AFTER_NOUN = (
    r"(?:jumlah\s+peserta|jumlah\s+rombongan|jumlah\s+orang|jumlahnya|jml\s+peserta|jml"
    r"|peserta(?:nya)?|rombongan(?:\s+kami)?|sebanyak|total|anggota\s+rombongan|delegasi"
    r"|guru(?:nya)?|pendamping(?:nya)?)"  # "60 anak sama guru 8"
    r"(?:\s+(?:kami|ada|ada\s+sekitar|sekitar|kurang\s+lebih|kira-kira|sebanyak|berjumlah"
    r"|totalnya|sejumlah|kurleb|jadi|menjadi|bertambah|nambah|tambah|berkurang|berubah))*"
    r"\s*(?::|=)?\s*"  # "pesertanya nambah jadi 30": a new group size
)
_BEFORE = re.compile(
    rf"(?<!\w)(?:{_APPROX}\s*)?(?P<num>{_NUMBER})\s*(?:{_PEOPLE})(?!\w)", re.IGNORECASE
)
_AFTER = re.compile(
    rf"(?<!\w){_AFTER_NOUN}(?:{_APPROX}\s*)?(?P<num>{_NUMBER})(?!\w)(?!\s*(?:hari|hr|jam|rb|ribu"
    rf"|juta|jt|%|/|-\d))",
    re.IGNORECASE,
)

# "kira2 30an", "sekitar 40-an": an approximate number alone is the group's (console, a dairy
# cooperative from Pangalengan: "belum tau pak, kira2 30an" became its name); not "sekitar 15
# Januari", "sekitar 2 jam" (a word after it counts something else).
_APPROX_ALONE = re.compile(
    rf"(?<!\w){_APPROX}\s*(?P<num>\d{{1,3}}(?:-?an)?)(?![\w-])(?!\s*[^\W\d_])(?![.,:]\d)",
    re.IGNORECASE,
)


def _a_year(text: str, at: int, value: int) -> bool:
    """Whether the number at `at` is a year: four digits after a month or "tahun"."""
    return value >= 1000 and _YEAR_BEFORE.search(text, 0, at) is not None


# The month or the word "tahun" just before a number: the number is a year.
_YEAR_BEFORE = re.compile(
    r"\b(?:januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober"
    r"|november|desember|jan|feb|mar|apr|jun|jul|agu|agt|ags|sep|sept|okt|nov|des|tahun|thn)"
    r"\.?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CountMention:
    """A number of people found in a text."""

    start_char: int
    end_char: int
    text: str
    value: int


def words_to_int(text: str) -> int | None:
    """Turn "27", "30an", "dua puluh tujuh", "seratus dua puluh" into an integer."""
    text = text.lower().strip()
    if text.endswith("an") and text[:-2].strip().isdecimal():
        text = text[:-2]
    if text.isdecimal():
        return int(text)
    text = (
        text.removesuffix("an") if text.endswith("puluhan") or text.endswith("ratusan") else text
    )
    text = text.replace("puluah", "puluh").replace("ratuih", "ratus")  # Minang
    text = re.sub(r"\bse(puluh|belas|ratus)\b", r"satu \1", text)
    text = text.replace("sebelas", "satu belas")
    total, current = 0, 0
    for word in text.split():
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "belas":
            current = (current or 1) + 10
        elif word == "puluh":
            current = (current or 1) * 10
        elif word == "ratus":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    value = total + current
    return value or None


def find_counts(text: str) -> list[CountMention]:
    """Return the group sizes mentioned in ``text``, left to right, without overlaps; a year
    is none ("tgl 8-9 april 2027 peserta 33 orang" is 33, not 2,027)."""
    found: list[CountMention] = []
    for pattern in (_BEFORE, _AFTER, _APPROX_ALONE):
        for match in pattern.finditer(text):
            value = words_to_int(match["num"].replace("-", ""))
            if value is None or value == 0 or _a_year(text, match.start("num"), value):
                continue
            mention = CountMention(match.start(), match.end(), match.group(0), value)
            if not any(
                mention.start_char < other.end_char and other.start_char < mention.end_char
                for other in found
            ):
                found.append(mention)
    return sorted(found, key=lambda m: m.start_char)


def group_size(text: str) -> int | None:
    """The size of the group ``text`` names: its first count, with the counts joined to it
    ("40 mahasiswa + 2 dosen" is 42); None when it names none."""
    counts = find_counts(text)
    if not counts:
        return None
    total = counts[0].value
    for before, after in zip(counts, counts[1:], strict=False):
        if not _JOINED.fullmatch(text[before.end_char : after.start_char]):
            break
        total += after.value
    return total
