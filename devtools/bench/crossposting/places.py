"""Cities of the cross-posting set and the ways job boards write one place.

A place is rendered from a :class:`PlaceSpec`: the local or English name ("München" /
"Munich"), the region as a code or a name ("TX" / "Texas"), the country as a code or a name or
not at all, a postcode, the metro area instead ("Greater Berlin Area"), an arrangement suffix
("(Hybrid)"). Several US towns share a name (Portland OR / ME, Springfield IL / MA / MO …), so
a spec that would leave such a place ambiguous is never produced.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    key: str
    name: str  # English
    local: str  # local spelling, "" when the same
    region: str  # English
    region_local: str  # "" when the same
    region_code: str  # "" when boards use none
    country: str  # ISO 3166 alpha-2
    postcode: str
    metro: str  # "" when boards have no unambiguous metro area for it

    def named(self, local: bool) -> str:
        return self.local if local and self.local else self.name

    def region_named(self, local: bool) -> str:
        return self.region_local if local and self.region_local else self.region


@dataclass(frozen=True)
class Country:
    name: str
    local: str
    currency: str


COUNTRIES = {
    "US": Country("United States", "United States", "USD"),
    "CA": Country("Canada", "Canada", "CAD"),
    "GB": Country("United Kingdom", "United Kingdom", "GBP"),
    "IE": Country("Ireland", "Ireland", "EUR"),
    "DE": Country("Germany", "Deutschland", "EUR"),
    "AT": Country("Austria", "Österreich", "EUR"),
    "CH": Country("Switzerland", "Schweiz", "CHF"),
    "FR": Country("France", "France", "EUR"),
    "BE": Country("Belgium", "Belgique", "EUR"),
    "NL": Country("Netherlands", "Nederland", "EUR"),
    "ES": Country("Spain", "España", "EUR"),
    "PT": Country("Portugal", "Portugal", "EUR"),
    "IT": Country("Italy", "Italia", "EUR"),
    "CZ": Country("Czechia", "Česko", "CZK"),
    "PL": Country("Poland", "Polska", "PLN"),
    "DK": Country("Denmark", "Danmark", "DKK"),
}

# key | name | local name | region | local region | region code | country | postcode | metro
_TABLE = """
berlin | Berlin |  | Berlin |  | BE | DE | 10115 | Greater Berlin Area
munich | Munich | München | Bavaria | Bayern | BY | DE | 80331 | Greater Munich Metropolitan Area
cologne | Cologne | Köln | North Rhine-Westphalia | Nordrhein-Westfalen | NW | DE | 50667 | Cologne Bonn Region
hamburg | Hamburg |  | Hamburg |  | HH | DE | 20095 | Greater Hamburg Area
frankfurt | Frankfurt | Frankfurt am Main | Hesse | Hessen | HE | DE | 60311 | Frankfurt Rhine-Main Metropolitan Area
stuttgart | Stuttgart |  | Baden-Württemberg |  | BW | DE | 70173 | Stuttgart Region
dusseldorf | Dusseldorf | Düsseldorf | North Rhine-Westphalia | Nordrhein-Westfalen | NW | DE | 40213 | Düsseldorf Metropolitan Area
leipzig | Leipzig |  | Saxony | Sachsen | SN | DE | 04109 |
nuremberg | Nuremberg | Nürnberg | Bavaria | Bayern | BY | DE | 90402 | Nuremberg Metropolitan Region
vienna | Vienna | Wien | Vienna | Wien | W | AT | 1010 | Vienna Metropolitan Area
graz | Graz |  | Styria | Steiermark | ST | AT | 8010 |
zurich | Zurich | Zürich | Zurich | Zürich | ZH | CH | 8001 | Greater Zurich Area
geneva | Geneva | Genève | Geneva | Genève | GE | CH | 1201 | Geneva Metropolitan Area
paris | Paris |  | Île-de-France |  | IDF | FR | 75001 | Greater Paris Metropolitan Region
lyon | Lyon |  | Auvergne-Rhône-Alpes |  | ARA | FR | 69001 | Greater Lyon Area
marseille | Marseille |  | Provence-Alpes-Côte d'Azur |  | PAC | FR | 13001 |
brussels | Brussels | Bruxelles | Brussels Region | Région de Bruxelles-Capitale | BRU | BE | 1000 | Brussels Metropolitan Area
amsterdam | Amsterdam |  | North Holland | Noord-Holland | NH | NL | 1011 AB | Amsterdam Area
the_hague | The Hague | Den Haag | South Holland | Zuid-Holland | ZH | NL | 2511 BT |
rotterdam | Rotterdam |  | South Holland | Zuid-Holland | ZH | NL | 3011 AD |
madrid | Madrid |  | Community of Madrid | Comunidad de Madrid | MD | ES | 28001 | Madrid Metropolitan Area
barcelona | Barcelona |  | Catalonia | Cataluña | CT | ES | 08001 | Barcelona Metropolitan Area
seville | Seville | Sevilla | Andalusia | Andalucía | AN | ES | 41001 |
lisbon | Lisbon | Lisboa | Lisbon | Lisboa |  | PT | 1100-148 | Lisbon Metropolitan Area
porto | Porto |  | Porto |  |  | PT | 4000-322 | Porto Metropolitan Area
milan | Milan | Milano | Lombardy | Lombardia | MI | IT | 20121 | Milan Metropolitan Area
rome | Rome | Roma | Lazio |  | RM | IT | 00118 | Rome Metropolitan Area
turin | Turin | Torino | Piedmont | Piemonte | TO | IT | 10121 |
prague | Prague | Praha | Prague | Praha |  | CZ | 110 00 | Prague Metropolitan Area
brno | Brno |  | South Moravia | Jihomoravský kraj |  | CZ | 602 00 |
warsaw | Warsaw | Warszawa | Masovia | Mazowieckie | MZ | PL | 00-001 | Warsaw Metropolitan Area
krakow | Krakow | Kraków | Lesser Poland | Małopolskie | MA | PL | 31-001 |
copenhagen | Copenhagen | København | Capital Region of Denmark | Region Hovedstaden |  | DK | 1050 | Copenhagen Metropolitan Area
london | London |  | England |  |  | GB | EC1A 1BB | Greater London
manchester | Manchester |  | England |  |  | GB | M1 1AE | Greater Manchester
edinburgh | Edinburgh |  | Scotland |  |  | GB | EH1 1YZ |
cambridge_gb | Cambridge |  | England |  |  | GB | CB2 1TN |
dublin | Dublin |  | County Dublin |  |  | IE | D02 X285 | Dublin Metropolitan Area
austin | Austin |  | Texas |  | TX | US | 78701 | Austin, Texas Metropolitan Area
dallas | Dallas |  | Texas |  | TX | US | 75201 | Dallas-Fort Worth Metroplex
seattle | Seattle |  | Washington |  | WA | US | 98101 | Greater Seattle Area
new_york | New York |  | New York |  | NY | US | 10001 | New York City Metropolitan Area
san_francisco | San Francisco |  | California |  | CA | US | 94105 | San Francisco Bay Area
chicago | Chicago |  | Illinois |  | IL | US | 60601 | Greater Chicago Area
boston | Boston |  | Massachusetts |  | MA | US | 02108 | Greater Boston
denver | Denver |  | Colorado |  | CO | US | 80202 | Denver Metropolitan Area
atlanta | Atlanta |  | Georgia |  | GA | US | 30303 | Atlanta Metropolitan Area
phoenix | Phoenix |  | Arizona |  | AZ | US | 85004 | Greater Phoenix Area
nashville | Nashville |  | Tennessee |  | TN | US | 37203 | Nashville Metropolitan Area
portland_or | Portland |  | Oregon |  | OR | US | 97201 | Portland, Oregon Metropolitan Area
portland_me | Portland |  | Maine |  | ME | US | 04101 | Portland, Maine Metropolitan Area
springfield_il | Springfield |  | Illinois |  | IL | US | 62701 | Springfield, Illinois Metropolitan Area
springfield_ma | Springfield |  | Massachusetts |  | MA | US | 01103 | Springfield, Massachusetts Metropolitan Area
springfield_mo | Springfield |  | Missouri |  | MO | US | 65806 | Springfield, Missouri Metropolitan Area
kansas_city_ks | Kansas City |  | Kansas |  | KS | US | 66101 |
kansas_city_mo | Kansas City |  | Missouri |  | MO | US | 64105 |
columbus_oh | Columbus |  | Ohio |  | OH | US | 43215 | Columbus, Ohio Metropolitan Area
columbus_ga | Columbus |  | Georgia |  | GA | US | 31901 | Columbus, Georgia Metropolitan Area
cambridge_ma | Cambridge |  | Massachusetts |  | MA | US | 02139 |
vancouver_wa | Vancouver |  | Washington |  | WA | US | 98660 |
toronto | Toronto |  | Ontario |  | ON | CA | M5H 2N2 | Greater Toronto Area
montreal | Montreal | Montréal | Quebec | Québec | QC | CA | H2Y 1C6 | Greater Montreal Metropolitan Area
vancouver_bc | Vancouver |  | British Columbia |  | BC | CA | V6B 1A1 | Greater Vancouver Metropolitan Area
london_on | London |  | Ontario |  | ON | CA | N6A 1A1 |
"""

CITIES: dict[str, City] = {
    row[0]: City(*row)
    for row in (
        tuple(cell.strip() for cell in line.split("|")) for line in _TABLE.strip().splitlines()
    )
}

# Towns that share a name: the "same title, same-named city elsewhere" hard negatives.
SAME_NAME_SETS: tuple[tuple[str, ...], ...] = (
    ("portland_or", "portland_me"),
    ("springfield_il", "springfield_ma", "springfield_mo"),
    ("kansas_city_ks", "kansas_city_mo"),
    ("columbus_oh", "columbus_ga"),
    ("cambridge_gb", "cambridge_ma"),
    ("london", "london_on"),
    ("vancouver_bc", "vancouver_wa"),
)
NAMESAKES = {key for group in SAME_NAME_SETS for key in group}


def needs_region(city: City) -> bool:
    """Another city of the same name is in the same country: only the region tells them apart."""
    return any(
        other.key != city.key and other.name == city.name and other.country == city.country
        for other in CITIES.values()
    )


def needs_qualifier(city: City) -> bool:
    """Another city of the same name is elsewhere: the region or the country must be written."""
    return any(other.key != city.key and other.name == city.name for other in CITIES.values())


@dataclass(frozen=True)
class PlaceSpec:
    local: bool = False
    region: str = ""  # "" | "code" | "name"
    country: str = ""  # "" | "code" | "name"
    postcode: bool = False
    metro: bool = False
    suffix: str = ""  # "(Hybrid)", "- Remote" …


def allowed(city: City, spec: PlaceSpec) -> bool:
    if spec.metro:
        return bool(city.metro)
    if spec.region == "code" and not city.region_code:
        return False
    if needs_region(city) and not spec.region and not spec.postcode:
        return False
    return not (needs_qualifier(city) and not (spec.region or spec.country or spec.postcode))


def render_place(city: City, spec: PlaceSpec) -> str:
    if spec.metro:
        text = city.metro
    else:
        name = city.named(spec.local)
        region = ""
        if spec.region == "code":
            region = city.region_code
        elif spec.region == "name":
            region = city.region_named(spec.local)
        country = ""
        if spec.country == "code":
            country = city.country
        elif spec.country == "name":
            info = COUNTRIES[city.country]
            country = info.local if spec.local else info.name
        if spec.postcode and city.country in ("US", "CA"):
            region = f"{region or city.region_code} {city.postcode}"
        elif spec.postcode and city.country in ("GB", "IE"):
            name = f"{name} {city.postcode}"
        elif spec.postcode:
            name = f"{city.postcode} {name}"
        text = ", ".join(part for part in (name, region, country) if part)
    return f"{text} {spec.suffix}" if spec.suffix else text
