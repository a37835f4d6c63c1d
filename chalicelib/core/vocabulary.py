"""One list of Norway's counties and one of the languages people speak, for
every area: records store the stable code, pages show the name.

Counties are the 15 fylker since the reform of 1 January 2024. Their names
are proper nouns, the same in every language (Statistics Norway writes
"Møre og Romsdal" in English too); language names are translated.

A record written before this list may hold a free-text region ("Oslo",
"oslo"), a county of 2020-2023 ("Viken") or a volunteer's old region
("ostlandet"). `county_of` reads any of them: a name of today's county or an
old county with one successor (Hedmark -> Innlandet) is that county; a split
county (Viken, Vestfold og Telemark, Troms og Finnmark) is placed by the
record's municipality when it names one of the successors' municipalities,
and otherwise stays as stored and is flagged, with the counties it may be,
until someone chooses the county again.
"""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.errors import N_


class County(NamedTuple):
    code: str  # stored; the name in lower case, ASCII, with hyphens
    name: str
    number: str  # Statistics Norway's county number


COUNTIES = (
    County("oslo", "Oslo", "03"),
    County("rogaland", "Rogaland", "11"),
    County("more-og-romsdal", "Møre og Romsdal", "15"),
    County("nordland", "Nordland", "18"),
    County("ostfold", "Østfold", "31"),
    County("akershus", "Akershus", "32"),
    County("buskerud", "Buskerud", "33"),
    County("innlandet", "Innlandet", "34"),
    County("vestfold", "Vestfold", "39"),
    County("telemark", "Telemark", "40"),
    County("agder", "Agder", "42"),
    County("vestland", "Vestland", "46"),
    County("trondelag", "Trøndelag", "50"),
    County("troms", "Troms", "55"),
    County("finnmark", "Finnmark", "56"),
)
COUNTY_NAMES = {county.code: county.name for county in sorted(
    COUNTIES, key=lambda county: county.code)}
_EAST = ("oslo", "akershus", "ostfold", "buskerud", "vestfold", "telemark",
         "innlandet")
# Counties of 2020-2023 (and of before 2020) and the volunteers' old regions,
# each with the counties of today it became.
OLD_COUNTIES: dict[str, tuple[str, ...]] = {
    "viken": ("akershus", "ostfold", "buskerud"),
    "vestfold-og-telemark": ("vestfold", "telemark"),
    "troms-og-finnmark": ("troms", "finnmark"),
    "troms-finnmark": ("troms", "finnmark"),
    "ostlandet": _EAST,
    "hedmark": ("innlandet",),
    "oppland": ("innlandet",),
    "hordaland": ("vestland",),
    "sogn-og-fjordane": ("vestland",),
    "aust-agder": ("agder",),
    "vest-agder": ("agder",),
    "sor-trondelag": ("trondelag",),
    "nord-trondelag": ("trondelag",),
}
# How an ambiguous old value is shown until its county is chosen again.
OLD_NAMES = {"viken": "Viken", "vestfold-og-telemark": "Vestfold og Telemark",
             "troms-og-finnmark": "Troms og Finnmark",
             "troms-finnmark": "Troms og Finnmark", "ostlandet": "Østlandet"}
# The municipalities of the counties that were split in 2024.
MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "akershus": (
        "Asker", "Aurskog-Høland", "Bærum", "Eidsvoll", "Enebakk", "Frogn",
        "Gjerdrum", "Hurdal", "Jevnaker", "Lillestrøm", "Lunner", "Lørenskog",
        "Nannestad", "Nes", "Nesodden", "Nittedal", "Nordre Follo", "Rælingen",
        "Ullensaker", "Vestby", "Ås"),
    "ostfold": (
        "Aremark", "Fredrikstad", "Halden", "Hvaler", "Indre Østfold", "Marker",
        "Moss", "Rakkestad", "Råde", "Sarpsborg", "Skiptvet", "Våler"),
    "buskerud": (
        "Drammen", "Flesberg", "Flå", "Gol", "Hemsedal", "Hol", "Hole",
        "Kongsberg", "Krødsherad", "Lier", "Modum", "Nesbyen", "Nore og Uvdal",
        "Ringerike", "Rollag", "Sigdal", "Øvre Eiker", "Ål"),
    "vestfold": (
        "Færder", "Holmestrand", "Horten", "Larvik", "Sandefjord", "Tønsberg"),
    "telemark": (
        "Bamble", "Drangedal", "Fyresdal", "Hjartdal", "Kragerø", "Kviteseid",
        "Midt-Telemark", "Nissedal", "Nome", "Notodden", "Porsgrunn", "Seljord",
        "Siljan", "Skien", "Tinn", "Tokke", "Vinje"),
    "troms": (
        "Balsfjord", "Bardu", "Dyrøy", "Gratangen", "Harstad", "Ibestad",
        "Karlsøy", "Kvæfjord", "Kvænangen", "Kåfjord", "Lavangen", "Lyngen",
        "Målselv", "Nordreisa", "Salangen", "Senja", "Skjervøy", "Storfjord",
        "Sørreisa", "Tjeldsund", "Tromsø"),
    "finnmark": (
        "Alta", "Berlevåg", "Båtsfjord", "Gamvik", "Hammerfest", "Hasvik",
        "Karasjok", "Kautokeino", "Lebesby", "Loppa", "Måsøy", "Nesseby",
        "Nordkapp", "Porsanger", "Sør-Varanger", "Tana", "Vadsø", "Vardø"),
}
BAD_COUNTY = N_("Choose a county from the list.")


def key(text: str | None) -> str:
    """`Møre og Romsdal`, ` møre OG romsdal ` -> `more-og-romsdal`."""
    folded = " ".join(str(text or "").split()).casefold()
    for letter, plain in (("ø", "o"), ("æ", "ae"), ("å", "a"), (" ", "-")):
        folded = folded.replace(letter, plain)
    return folded


_MUNICIPALITY_COUNTY = {key(name): code for code, names in MUNICIPALITIES.items()
                        for name in names}


def find_county(text: str | None) -> str | None:
    """Today's county named by a code or a name, in any case; else None."""
    found = key(text)
    return found if found in COUNTY_NAMES else None


class Region(NamedTuple):
    """A stored region as read today."""

    code: str | None  # today's county; None while it is ambiguous or unknown
    shown: str  # the county's name, or what was stored
    candidates: tuple[str, ...]  # the counties it may be (one when known)

    @property
    def needs_update(self) -> bool:
        return self.code is None


def county_of(stored: str | None, municipality: str | None = None) -> Region:
    """Today's county of a stored region (see the module's docstring)."""
    code = find_county(stored)
    if code:
        return Region(code, COUNTY_NAMES[code], (code,))
    successors = OLD_COUNTIES.get(key(stored), ())
    placed = _MUNICIPALITY_COUNTY.get(key(municipality))
    if len(successors) == 1 or placed in successors:
        chosen = successors[0] if len(successors) == 1 else str(placed)
        return Region(chosen, COUNTY_NAMES[chosen], (chosen,))
    return Region(None, OLD_NAMES.get(key(stored), str(stored or "")), successors)


LANGUAGES = {
    "nb": N_("Norwegian"),
    "en": N_("English"),
    "es": N_("Spanish"),
    "pt": N_("Portuguese"),
    "ro": N_("Romanian"),
    "vi": N_("Vietnamese"),
    "fr": N_("French"),
    "ru": N_("Russian"),
    "uk": N_("Ukrainian"),
    "bg": N_("Bulgarian"),
    "th": N_("Thai"),
    "ar": N_("Arabic"),
}
BAD_LANGUAGE = N_("Choose languages from the list.")


def find_language(text: str | None) -> str | None:
    """A language of the list by its code, in any case; else None."""
    code = str(text or "").strip().lower()
    return code if code in LANGUAGES else None
