"""The made-up people and organisations of the demo hub (web/demo/seed.py puts them in the database).

Every name and URN here is invented; postcodes are drawn at seeding time from the ONS directory, so they are
real postcodes of the districts named here.
"""

from __future__ import annotations

from dataclasses import dataclass

HUB = {"name": "Greater Manchester Careers Hub (demo)", "area": "Greater Manchester"}

# name, URN (made up: real URNs are six digits from 100000; 9xxxxx are not issued to schools), phase,
# and the postcode districts its pupils live in (the first is the school's own).
SCHOOLS = [
    ("Ardwick Green Academy", "990101", "secondary", ("M12", "M13", "M18", "M11", "M19")),
    ("Failsworth Brook High School", "990102", "secondary", ("M35", "M40", "M9", "M11")),
    ("Sale Moor Park School", "990103", "all_through", ("M33", "M32", "M41", "M23")),
]

# fmt: off
FIRST_NAMES = (
    "Aaliyah", "Adam", "Aisha", "Alfie", "Amelia", "Amir", "Anya", "Archie", "Ava", "Ayaan", "Bella",
    "Ben", "Callum", "Charlie", "Chloe", "Daniel", "Darcy", "Ella", "Ellie", "Emily", "Erin", "Ethan",
    "Evie", "Faith", "Finley", "Freddie", "Grace", "Hannah", "Harry", "Harvey", "Hassan", "Ibrahim",
    "Imogen", "Isaac", "Isla", "Jack", "Jacob", "Jasmine", "Jayden", "Jessica", "Joshua", "Kai",
    "Kayla", "Leo", "Lily", "Logan", "Lucy", "Maisie", "Maryam", "Mason", "Mia", "Mohammed", "Molly",
    "Muhammad", "Niamh", "Noah", "Nathan", "Olivia", "Oscar", "Owen", "Phoebe", "Priya", "Reuben",
    "Riley", "Rosie", "Ruby", "Ryan", "Safa", "Sam", "Scarlett", "Sophie", "Taylor", "Theo", "Tyler",
    "Yusuf", "Zainab", "Zara", "Zoe",
)
# fmt: on

# fmt: off
LAST_NAMES = (
    "Ahmed", "Ali", "Allen", "Atkinson", "Bailey", "Begum", "Brown", "Butt", "Campbell", "Chaudhry",
    "Clarke", "Collins", "Cooper", "Davies", "Edwards", "Evans", "Fletcher", "Green", "Hall", "Harris",
    "Hassan", "Hughes", "Hussain", "Iqbal", "Jackson", "James", "Johnson", "Jones", "Kaur", "Khan",
    "Lee", "Lewis", "Malik", "Martin", "Mensah", "Mitchell", "Moore", "Morris", "Murphy", "Nowak",
    "Obi", "Okafor", "Parker", "Patel", "Phillips", "Price", "Rahman", "Roberts", "Robinson", "Shah",
    "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White",
    "Williams", "Wilson", "Wood", "Wright", "Young",
)
# fmt: on

# Per occupational route (slugs of matcher.people.ROUTES): two roles an employer might host, what a student
# does there, and phrases students use when they say what they want.
ROUTE_DETAILS: dict[str, dict[str, object]] = {
    "agriculture-environmental-and-animal-care": {
        "roles": ("animal care assistant", "park ranger"),
        "tasks": (
            "caring for animals, planting and surveying wildlife, and learning how the team keeps sites safe"
        ),
        "likes": ("working with animals", "being outdoors and protecting nature", "becoming a vet nurse"),
    },
    "business-and-administration": {
        "roles": ("office administrator", "project coordinator"),
        "tasks": "organising meetings, keeping records, answering customers and planning a small project",
        "likes": ("organising things and working in an office", "running my own business one day"),
    },
    "care-services": {
        "roles": ("care assistant", "support worker"),
        "tasks": "supporting older people with activities, learning about dignity, safeguarding and teamwork",
        "likes": ("helping older people", "working in social care and supporting people"),
    },
    "catering-and-hospitality": {
        "roles": ("commis chef", "hotel receptionist"),
        "tasks": (
            "preparing food in a busy kitchen, food hygiene, welcoming guests and working front of house"
        ),
        "likes": ("cooking and baking", "working in a restaurant or hotel", "becoming a chef"),
    },
    "construction-and-the-built-environment": {
        "roles": ("site engineer", "electrician"),
        "tasks": (
            "visiting a building site, reading plans, health and safety, and trying basic electrical work"
        ),
        "likes": ("building things and working on construction sites", "becoming an electrician or plumber"),
    },
    "creative-and-design": {
        "roles": ("graphic designer", "video producer"),
        "tasks": "designing a poster, filming and editing a short video, and pitching ideas to a client",
        "likes": ("art, drawing and graphic design", "making videos and music", "working in media and film"),
    },
    "digital": {
        "roles": ("software developer", "cyber security analyst"),
        "tasks": (
            "writing and testing code, fixing bugs with the team and learning how websites are kept secure"
        ),
        "likes": ("coding and building websites and games", "computers and cyber security"),
    },
    "education-and-early-years": {
        "roles": ("teaching assistant", "nursery practitioner"),
        "tasks": (
            "helping in a classroom or nursery, planning an activity for children and reading with pupils"
        ),
        "likes": ("working with children", "becoming a primary school teacher"),
    },
    "engineering-and-manufacturing": {
        "roles": ("mechanical engineer", "maintenance technician"),
        "tasks": "working in a factory workshop, using CAD, testing parts and solving engineering problems",
        "likes": ("engineering, maths and fixing machines", "cars and how things are made"),
    },
    "hair-and-beauty": {
        "roles": ("hairdresser", "beauty therapist"),
        "tasks": "welcoming clients, preparing the salon, watching treatments and learning about hygiene",
        "likes": ("hair, make-up and beauty", "running my own salon"),
    },
    "health-and-science": {
        "roles": ("nurse", "laboratory technician"),
        "tasks": (
            "seeing how a hospital ward or laboratory works, patient care, testing samples and record keeping"
        ),
        "likes": ("science and biology and becoming a nurse or doctor", "working in a hospital or a lab"),
    },
    "legal-finance-and-accounting": {
        "roles": ("trainee solicitor", "accountant"),
        "tasks": (
            "sitting in on client meetings, researching a case, checking accounts and preparing a report"
        ),
        "likes": ("law and becoming a solicitor", "maths, money and accountancy"),
    },
    "protective-services": {
        "roles": ("firefighter", "police community support officer"),
        "tasks": "learning about emergency response, fire safety checks, community patrols and first aid",
        "likes": ("joining the police or the fire service", "helping people in emergencies"),
    },
    "sales-marketing-and-procurement": {
        "roles": ("marketing assistant", "retail buyer"),
        "tasks": "planning a social media campaign, studying customers, and choosing and pricing products",
        "likes": ("social media and marketing", "fashion, shops and selling things"),
    },
    "transport-and-logistics": {
        "roles": ("logistics planner", "aircraft engineer"),
        "tasks": (
            "tracking deliveries in a warehouse, planning routes, and seeing how "
            "vehicles and planes are maintained"
        ),
        "likes": ("planes, trains and travel", "driving and working in logistics"),
    },
}

# name, route slug, postcode district, status. All invented; a couple are still waiting to be vetted.
EMPLOYERS = [
    ("Irwell Valley Farm Park", "agriculture-environmental-and-animal-care", "M41", "approved"),
    ("Mersey Wildlife Rangers", "agriculture-environmental-and-animal-care", "M33", "approved"),
    ("Chorlton Vets", "agriculture-environmental-and-animal-care", "M21", "approved"),
    ("Piccadilly Business Services", "business-and-administration", "M1", "approved"),
    ("Northern Quarter Admin Co", "business-and-administration", "M4", "approved"),
    ("Spinningfields Office Partners", "business-and-administration", "M3", "approved"),
    ("Levenshulme Care Homes", "care-services", "M19", "approved"),
    ("Didsbury Home Support", "care-services", "M20", "approved"),
    ("Deansgate Kitchen", "catering-and-hospitality", "M3", "approved"),
    ("Canal Street Hotel Group", "catering-and-hospitality", "M1", "approved"),
    ("Rusholme Spice House", "catering-and-hospitality", "M14", "pending"),
    ("Trafford Park Builders", "construction-and-the-built-environment", "M17", "approved"),
    ("Ancoats Electrical", "construction-and-the-built-environment", "M4", "approved"),
    ("Openshaw Plumbing and Heating", "construction-and-the-built-environment", "M11", "approved"),
    ("Salford Quays Studios", "creative-and-design", "M50", "approved"),
    ("Hulme Design Collective", "creative-and-design", "M15", "approved"),
    ("Castlefield Media", "creative-and-design", "M3", "approved"),
    ("Northern Quarter Digital", "digital", "M4", "approved"),
    ("Oxford Road Software", "digital", "M1", "approved"),
    ("Cheetham Hill Cyber", "digital", "M8", "approved"),
    ("Moss Side Early Years Centre", "education-and-early-years", "M16", "approved"),
    ("Gorton Primary Partnership", "education-and-early-years", "M18", "approved"),
    ("Trafford Precision Engineering", "engineering-and-manufacturing", "M17", "approved"),
    ("Newton Heath Manufacturing", "engineering-and-manufacturing", "M40", "approved"),
    ("Eccles Motor Works", "engineering-and-manufacturing", "M30", "approved"),
    ("Stretford Hair Studio", "hair-and-beauty", "M32", "approved"),
    ("Withington Beauty Rooms", "hair-and-beauty", "M20", "approved"),
    ("Oxford Road Teaching Hospital", "health-and-science", "M13", "approved"),
    ("Wythenshawe Community Health", "health-and-science", "M23", "approved"),
    ("Manchester Science Labs", "health-and-science", "M15", "approved"),
    ("King Street Solicitors", "legal-finance-and-accounting", "M2", "approved"),
    ("Mosley Street Accountants", "legal-finance-and-accounting", "M2", "approved"),
    ("Greater Manchester Fire Cadets", "protective-services", "M12", "approved"),
    ("Community Safety Partnership North", "protective-services", "M9", "approved"),
    ("Market Street Retail", "sales-marketing-and-procurement", "M1", "approved"),
    ("Ancoats Marketing Agency", "sales-marketing-and-procurement", "M4", "approved"),
    ("Arndale Buying Team", "sales-marketing-and-procurement", "M4", "pending"),
    ("Airport Engineering Services", "transport-and-logistics", "M90", "approved"),
    ("Trafford Park Logistics", "transport-and-logistics", "M17", "approved"),
    ("Piccadilly Rail Operations", "transport-and-logistics", "M1", "approved"),
]

# What a student needs on the day, for a few employers' opportunities at their workplace, so the demo shows it
# once a student accepts a place: where in the building, whom to ask for there (their supervisor), what to
# wear and bring, lunch and travel. The addresses are invented; the real postcode is added after them.
ON_THE_DAY = {
    "Northern Quarter Digital": {
        "address": "Second floor, Cotton Works\nTib Street\nManchester",
        "ask_at": "at the second-floor reception",
        "dress_code": "Whatever you are comfortable in: the team dresses casually",
        "what_to_bring": "A notebook and pen\nYour own laptop if you have one (we can lend you one)",
        "lunch": "Bring a packed lunch or buy one nearby. There is a kitchen with a fridge and a microwave",
        "travel": "A 10-minute walk from Piccadilly station and Shudehill tram stop. Bike racks by the door",
    },
    "Piccadilly Business Services": {
        "address": "Fourth floor, Lever House\nLever Street\nManchester",
        "ask_at": "at the ground-floor security desk",
        "dress_code": "Smart: a shirt or blouse and trousers or a skirt. No trainers, please",
        "what_to_bring": "Photo ID, such as a school ID card, for the security desk\nA notebook and pen",
        "lunch": "Lunch is provided on the first day. On other days, bring a packed lunch",
        "travel": "A 5-minute walk from Piccadilly Gardens, where most buses and trams stop",
    },
    "Deansgate Kitchen": {
        "address": "Deansgate Kitchen\nUnit 3, Bridge Street Arches\nManchester",
        "ask_at": "at the side door on Bridge Street (not the restaurant entrance)",
        "dress_code": "Black trousers and closed, non-slip shoes. We give you chef's whites and an apron",
        "what_to_bring": "A hair tie if you have long hair\nA refillable water bottle",
        "lunch": "Staff lunch is provided at 2pm: tell us about any allergies before you come",
        "travel": "Deansgate-Castlefield tram stop is 10 minutes away on foot",
    },
    "Trafford Park Builders": {
        "address": "Site office, Gate 2\nMosley Road\nTrafford Park",
        "ask_at": "at the site office by Gate 2",
        "dress_code": "Work trousers and sturdy shoes. We lend you a hard hat, high-visibility vest, gloves "
        "and safety boots",
        "what_to_bring": "A waterproof coat\nA refillable water bottle",
        "lunch": "Bring a packed lunch; there is a canteen cabin with a kettle and microwave",
        "travel": "Buses stop on Mosley Road, outside Gate 2. Parents can drop off by the site office",
    },
}

SUPERVISORS = (
    "Alex Morgan",
    "Priya Nair",
    "Tom Brennan",
    "Grace Okoye",
    "Hannah Lowe",
    "Imran Qureshi",
    "Sarah Whitfield",
    "Daniel Kowalski",
)

# A larger hub (flask seed-demo --schools ...) spreads its other schools and employers over the ten local
# authorities of Greater Manchester (ONS codes), named after real places in each; the organisations are
# invented. Local authority code -> places in it.
# fmt: off
GREATER_MANCHESTER = {
    "E08000001": (  # Bolton
        "Bolton", "Farnworth", "Horwich", "Westhoughton", "Kearsley", "Little Lever", "Blackrod",
        "Breightmet", "Harwood", "Astley Bridge",
    ),
    "E08000002": (  # Bury
        "Bury", "Radcliffe", "Prestwich", "Whitefield", "Ramsbottom", "Tottington", "Unsworth",
    ),
    "E08000003": (  # Manchester
        "Ardwick", "Moss Side", "Hulme", "Levenshulme", "Gorton", "Withington", "Didsbury", "Chorlton",
        "Fallowfield", "Rusholme", "Longsight", "Moston", "Harpurhey", "Blackley", "Crumpsall",
        "Cheetham Hill", "Newton Heath", "Openshaw", "Burnage", "Wythenshawe", "Northenden", "Baguley",
        "Ancoats", "Beswick", "Clayton",
    ),
    "E08000004": (  # Oldham
        "Oldham", "Chadderton", "Royton", "Shaw", "Lees", "Saddleworth", "Hollinwood", "Werneth",
    ),
    "E08000005": (  # Rochdale
        "Rochdale", "Heywood", "Middleton", "Littleborough", "Milnrow", "Castleton", "Wardle",
    ),
    "E08000006": (  # Salford
        "Salford", "Eccles", "Swinton", "Walkden", "Irlam", "Cadishead", "Pendleton", "Worsley",
        "Little Hulton", "Broughton",
    ),
    "E08000007": (  # Stockport
        "Stockport", "Cheadle", "Bramhall", "Marple", "Hazel Grove", "Reddish", "Edgeley", "Romiley",
        "Heaton Moor", "Offerton",
    ),
    "E08000008": (  # Tameside
        "Ashton-under-Lyne", "Hyde", "Denton", "Stalybridge", "Dukinfield", "Droylsden", "Audenshaw",
        "Mossley",
    ),
    "E08000009": (  # Trafford
        "Stretford", "Sale", "Altrincham", "Urmston", "Partington", "Timperley", "Flixton", "Old Trafford",
    ),
    "E08000010": (  # Wigan
        "Wigan", "Leigh", "Ashton-in-Makerfield", "Hindley", "Atherton", "Tyldesley", "Standish", "Golborne",
        "Orrell", "Ince",
    ),
}

SCHOOL_SUFFIXES = (
    "High School", "Academy", "Community High School", "Secondary School", "College", "Park Academy",
    "Grange School", "Hill School",
)
# fmt: on

# Per route, what an invented employer of a larger hub is called after its place ("Bury Vets").
EMPLOYER_STEMS: dict[str, tuple[str, ...]] = {
    "agriculture-environmental-and-animal-care": ("Vets", "Farm Park", "Garden Centre"),
    "business-and-administration": ("Business Services", "Office Partners", "Admin Co"),
    "care-services": ("Care Homes", "Home Support", "Day Centre"),
    "catering-and-hospitality": ("Kitchen", "Hotel", "Bakery"),
    "construction-and-the-built-environment": ("Builders", "Electrical", "Plumbing and Heating"),
    "creative-and-design": ("Studios", "Design Collective", "Media"),
    "digital": ("Digital", "Software", "Cyber"),
    "education-and-early-years": ("Early Years Centre", "Nursery", "Primary Partnership"),
    "engineering-and-manufacturing": ("Precision Engineering", "Manufacturing", "Motor Works"),
    "hair-and-beauty": ("Hair Studio", "Beauty Rooms", "Barbers"),
    "health-and-science": ("Community Health", "Science Labs", "Pharmacy"),
    "legal-finance-and-accounting": ("Solicitors", "Accountants", "Credit Union"),
    "protective-services": ("Fire Cadets", "Community Safety Partnership", "Security"),
    "sales-marketing-and-procurement": ("Retail", "Marketing Agency", "Buying Team"),
    "transport-and-logistics": ("Logistics", "Bus Depot", "Rail Operations"),
}


@dataclass(frozen=True)
class Size:
    """How large a hub to make; the defaults make the small demo hub."""

    schools: int = len(SCHOOLS)
    # Students per school in each of year_groups; None: the small demo's 100 a school across Years 10-12.
    students_per_year: int | None = None
    year_groups: tuple[int, ...] = (10,)
    # Published opportunities in all; None: two a vetted employer (four for the first four).
    opportunities: int | None = None
