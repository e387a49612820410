"""Word lists for sample companies: people, businesses, streets and places per edition.

Every string is ISO-8859-1 (Latin-1), the character set QuickBooks Desktop stores; some carry
accents (é, ü, ñ, ç, ø) so that the encoder's character references are exercised. A test checks
that nothing here goes beyond Latin-1. The helpers draw from a ``random.Random`` the caller
seeds, so a company built twice from the same seed is the same.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from ...qbxml.versions import Edition

__all__ = [
    "COMPANY_SUFFIXES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "PLACES",
    "Address",
    "Place",
    "address",
    "business_name",
    "person",
    "phone",
]

FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark",
    "Margaret", "Donald", "Sandra", "Steven", "Ashley", "Paul", "Kimberly", "Andrew", "Emily",
    "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George",
    "Melissa", "Edward", "Deborah", "Ronald", "Stephanie", "Timothy", "Rebecca", "Jason", "Laura",
    "Jeffrey", "Sharon", "Ryan", "Cynthia", "Jacob", "Kathleen", "Gary", "Amy", "Nicholas",
    "Shirley", "Eric", "Angela", "Jonathan", "Helen", "Stephen", "Anna", "Larry", "Brenda",
    "Justin", "Pamela", "Scott", "Nicole", "Brandon", "Samantha", "Benjamin", "Katherine",
    "Samuel", "Emma", "Gregory", "Ruth", "Alexander", "Christine", "Patrick", "Catherine", "Frank",
    "Debra", "Raymond", "Rachel", "Jack", "Carolyn", "Dennis", "Janet", "Jerry", "Virginia",
    "Tyler", "Maria", "Aaron", "Heather", "Oliver", "Amelia", "Harry", "Isla", "Noah", "Ava",
    "Liam", "Chloe", "Ethan", "Sophie", "Lucas", "Grace", "Owen", "Mia", "Callum", "Freya",
    "José", "Renée", "Zoë", "François", "Björn", "Chloé", "Inés", "Hélène", "Jürgen", "Noël",
    "Søren", "Agnès", "Raúl", "Andrés", "Mónica", "Léa", "Gaëlle", "Jérôme", "Begoña", "Ørjan",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
    "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz",
    "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy",
    "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed",
    "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
    "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
    "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Abercrombie",
    "Fitzgerald", "O'Brien", "MacDonald", "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard",
    "Gauthier", "Lévesque", "Bélanger", "Pelletier", "Bergeron", "Müller", "Schröder", "Núñez",
    "Muñoz", "Peña", "Ibáñez", "Françoise", "Désilets", "Hæggström", "Jørgensen", "Åberg",
    "Öztürk", "Grünewald", "Þórsson", "Evans-Jones", "Llewellyn", "Davies", "Hughes-Hallett",
)  # fmt: skip

COMPANY_SUFFIXES: dict[Edition, tuple[str, ...]] = {
    Edition.US: ("Inc.", "LLC", "Co.", "Corp.", "& Sons", "Group", "Partners"),
    Edition.CA: ("Inc.", "Ltd.", "Ltée", "Corp.", "& Fils", "Group", "Enterprises"),
    Edition.UK: ("Ltd", "Ltd", "plc", "LLP", "& Co", "& Sons", "Group"),
}

_BUSINESS_FIRST = (
    "Acme", "Alpine", "Apex", "Atlas", "Bayview", "Beacon", "Birch", "Blue Ridge", "Boulder",
    "Bright", "Cardinal", "Cascade", "Cedar", "Centennial", "Coastal", "Copper", "Crescent",
    "Crystal", "Delta", "Eagle", "Evergreen", "Falcon", "First Light", "Fox Hollow", "Frontier",
    "Glacier", "Golden", "Granite", "Harbor", "Heritage", "Highland", "Horizon", "Iron", "Juniper",
    "Keystone", "Lakeside", "Liberty", "Maple", "Meadow", "Midway", "Northern", "Oak", "Orchard",
    "Pacific", "Peak", "Pinnacle", "Prairie", "Quarry", "Redwood", "Ridgeline", "River",
    "Rockwell", "Sage", "Sierra", "Silver", "Spruce", "Stone", "Summit", "Sunrise", "Timber",
    "Trinity", "Valley", "Vista", "Westfield", "Willow", "Zenith", "Château", "Bonne Forêt",
    "Mont-Royal", "Côte-Nord", "Élan", "Müller", "Señor", "Café Olé", "Ñandú", "Garçon",
)  # fmt: skip

_BUSINESS_TRADE = (
    "Plumbing", "Electric", "Landscaping", "Construction", "Builders", "Roofing", "Painting",
    "Flooring", "Cabinetry", "Hardware", "Supply", "Lumber", "Glass", "Heating & Cooling",
    "Design", "Consulting", "Accounting", "Dental", "Veterinary", "Bakery", "Catering", "Coffee",
    "Brewing", "Florists", "Printing", "Logistics", "Freight", "Auto Repair", "Cleaning",
    "Security", "Software", "Media", "Marketing", "Outfitters", "Furniture", "Interiors",
    "Masonry", "Tile & Stone", "Pools", "Fencing", "Excavating", "Surveying", "Engineering",
    "Medical", "Fitness", "Photography", "Signs", "Uniforms", "Office Supply", "Paper",
    "Pâtisserie", "Épicerie", "Rénovations", "Crêperie", "Menuiserie",
)  # fmt: skip

_STREET_NAMES = (
    "Main", "Oak", "Maple", "Cedar", "Elm", "Pine", "Washington", "Lake", "Hill", "Park",
    "Sunset", "Ridge", "Church", "Mill", "River", "Spring", "Walnut", "Highland", "Meadow",
    "Forest", "Willow", "Jackson", "Lincoln", "Franklin", "Madison", "Victoria", "King", "Queen",
    "High", "Station", "Green", "Manor", "Grove", "Albert", "York", "Wellington", "Bay",
    "Saint-Denis", "Sainte-Catherine", "René-Lévesque", "Côte-des-Neiges", "Notre-Dame",
    "Champlain", "Frontenac", "Laurier", "Montcalm", "Élisabeth", "Bénédicte",
)  # fmt: skip

_STREET_TYPES: dict[Edition, tuple[str, ...]] = {
    Edition.US: ("St", "Ave", "Blvd", "Rd", "Ln", "Dr", "Way", "Ct", "Pl"),
    Edition.CA: ("St", "Ave", "Blvd", "Rd", "Cres", "Dr", "Way", "Rue", "Ch."),
    Edition.UK: ("Street", "Road", "Lane", "Avenue", "Close", "Way", "Gardens", "Mews", "Row"),
}


@dataclass(frozen=True, slots=True)
class Place:
    city: str
    region: str  # US state, Canadian province, UK county
    postal: str  # ZIP prefix (3 digits), FSA ("M5V") or outward code ("SW1A")


PLACES: dict[Edition, tuple[Place, ...]] = {
    Edition.US: tuple(
        Place(city, state, zip3)
        for city, state, zip3 in (
            ("San Francisco", "CA", "941"), ("Los Angeles", "CA", "900"), ("San Diego", "CA", "921"),
            ("Sacramento", "CA", "958"), ("San José", "CA", "951"), ("Middlefield", "CA", "940"),
            ("Bayshore", "CA", "940"), ("New York", "NY", "100"), ("Brooklyn", "NY", "112"),
            ("Buffalo", "NY", "142"), ("Albany", "NY", "122"), ("Austin", "TX", "787"),
            ("Dallas", "TX", "752"), ("Houston", "TX", "770"), ("El Paso", "TX", "799"),
            ("Chicago", "IL", "606"), ("Springfield", "IL", "627"), ("Seattle", "WA", "981"),
            ("Spokane", "WA", "992"), ("Portland", "OR", "972"), ("Denver", "CO", "802"),
            ("Boulder", "CO", "803"), ("Phoenix", "AZ", "850"), ("Tucson", "AZ", "857"),
            ("Miami", "FL", "331"), ("Orlando", "FL", "328"), ("Boston", "MA", "021"),
            ("Atlanta", "GA", "303"), ("Santa Fe", "NM", "875"), ("Española", "NM", "875"),
            ("Cañon City", "CO", "812"), ("Coeur d'Alène", "ID", "838"),
        )
    ),
    Edition.CA: tuple(
        Place(city, province, fsa)
        for city, province, fsa in (
            ("Toronto", "ON", "M5V"), ("Toronto", "ON", "M4W"), ("Ottawa", "ON", "K1P"),
            ("Mississauga", "ON", "L5B"), ("Hamilton", "ON", "L8P"), ("London", "ON", "N6A"),
            ("Kingston", "ON", "K7L"), ("Montréal", "QC", "H2X"), ("Montréal", "QC", "H3B"),
            ("Québec", "QC", "G1R"), ("Trois-Rivières", "QC", "G9A"), ("Saint-Jérôme", "QC", "J7Z"),
            ("Lévis", "QC", "G6V"), ("Sherbrooke", "QC", "J1H"), ("Vancouver", "BC", "V6B"),
            ("Victoria", "BC", "V8W"), ("Kelowna", "BC", "V1Y"), ("Calgary", "AB", "T2P"),
            ("Edmonton", "AB", "T5J"), ("Winnipeg", "MB", "R3C"), ("Saskatoon", "SK", "S7K"),
            ("Regina", "SK", "S4P"), ("Halifax", "NS", "B3J"), ("Moncton", "NB", "E1C"),
            ("Charlottetown", "PE", "C1A"), ("St. John's", "NL", "A1C"),
        )
    ),
    Edition.UK: tuple(
        Place(town, county, outward)
        for town, county, outward in (
            ("London", "Greater London", "SW1A"), ("London", "Greater London", "EC1A"),
            ("London", "Greater London", "N1"), ("London", "Greater London", "SE10"),
            ("Manchester", "Greater Manchester", "M1"), ("Salford", "Greater Manchester", "M5"),
            ("Birmingham", "West Midlands", "B1"), ("Coventry", "West Midlands", "CV1"),
            ("Leeds", "West Yorkshire", "LS1"), ("Bradford", "West Yorkshire", "BD1"),
            ("Sheffield", "South Yorkshire", "S1"), ("Bristol", "Bristol", "BS1"),
            ("Bath", "Somerset", "BA1"), ("Oxford", "Oxfordshire", "OX1"),
            ("Cambridge", "Cambridgeshire", "CB2"), ("Norwich", "Norfolk", "NR1"),
            ("Brighton", "East Sussex", "BN1"), ("Canterbury", "Kent", "CT1"),
            ("Exeter", "Devon", "EX1"), ("Truro", "Cornwall", "TR1"), ("York", "North Yorkshire", "YO1"),
            ("Newcastle upon Tyne", "Tyne and Wear", "NE1"), ("Liverpool", "Merseyside", "L1"),
            ("Cardiff", "South Glamorgan", "CF10"), ("Swansea", "West Glamorgan", "SA1"),
            ("Edinburgh", "Midlothian", "EH1"), ("Glasgow", "Lanarkshire", "G1"),
            ("Aberdeen", "Aberdeenshire", "AB10"), ("Belfast", "County Antrim", "BT1"),
            ("Ystradgynlais", "Powys", "SA9"), ("Llanfairpwll", "Anglesey", "LL61"),
        )
    ),
}  # fmt: skip

_COUNTRY = {Edition.US: "USA", Edition.CA: "Canada", Edition.UK: "United Kingdom"}


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    line2: str | None
    city: str
    region: str
    postal_code: str
    country: str


def person(rng: random.Random) -> tuple[str, str]:
    """A (first, last) name."""
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def business_name(rng: random.Random, edition: Edition) -> str:
    """A business name such as "Cedar Plumbing LLC" or "Côté Rénovations Ltée" (at most 41)."""
    style = rng.random()
    if style < 0.45:
        head = rng.choice(_BUSINESS_FIRST)
    elif style < 0.8:
        head = rng.choice(LAST_NAMES)
    else:
        head = f"{rng.choice(LAST_NAMES)} & {rng.choice(LAST_NAMES)}"
    name = f"{head} {rng.choice(_BUSINESS_TRADE)}"
    if rng.random() < 0.7:
        name = f"{name} {rng.choice(COMPANY_SUFFIXES[edition])}"
    return name[:41].rstrip()


def _postal_code(rng: random.Random, edition: Edition, place: Place) -> str:
    if edition is Edition.US:
        return f"{place.postal}{rng.randrange(100):02d}"
    if edition is Edition.CA:  # "M5V 2T6": the FSA, a space, digit letter digit
        letters = "ABCEGHJKLMNPRSTVWXYZ"
        return f"{place.postal} {rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
    letters = "ABDEFGHJLNPQRSTUWXYZ"  # inward code: digit and two letters, "SW1A 1AA"
    return f"{place.postal} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"


def address(rng: random.Random, edition: Edition) -> Address:
    place = rng.choice(PLACES[edition])
    number = rng.randint(1, 9899)
    street = f"{number} {rng.choice(_STREET_NAMES)} {rng.choice(_STREET_TYPES[edition])}"
    line2 = None
    if rng.random() < 0.2:
        line2 = rng.choice(("Suite", "Unit", "Floor")) + f" {rng.randint(1, 40)}"
    return Address(
        street, line2, place.city, place.region, _postal_code(rng, edition, place), _COUNTRY[edition]
    )


def phone(rng: random.Random, edition: Edition) -> str:
    if edition is Edition.UK:
        return f"0{rng.randint(1100, 2099)} {rng.randint(100000, 999999)}"
    return f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def email_for(name: str, domain_seed: int) -> str:
    local = "".join(ch for ch in name.lower() if ch in string.ascii_lowercase)[:20] or "info"
    return f"{local}@example{domain_seed % 90 + 10}.com"
