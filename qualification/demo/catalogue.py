"""The demo catalogue: scale, competency categories and competencies, role profiles, measures, names.

Plain data, shared by the story organisation and the synthetic one. Catalogue texts are stored data,
not interface text, so they are written once in English (what the app shows); only the command's own
output goes through gettext. The company is fictional: Brandt Wärmetechnik GmbH, a manufacturer of
heat pumps, condensing boilers and their controls, with its own customer service (Kundendienst)."""

from dataclasses import dataclass

COMPANY = "Brandt Wärmetechnik GmbH"
EMAIL_DOMAIN = "brandt-waermetechnik.example"

SCALE_NAME = "Default 0–4"
SCALE_DESCRIPTION = "The default five-level scale of observable behaviour."
SCALE_LEVELS = [
    (0, "None", "No knowledge of or experience in this area."),
    (1, "Basic knowledge", "Knows the terms and the principles; cannot yet handle a real case alone."),
    (2, "Works with guidance", "Handles standard cases with a checklist or a colleague's help."),
    (3, "Works independently", "Handles standard and unusual cases alone and reliably; knows the limits."),
    (4, "Expert, can teach", "Solves the hardest cases, is asked by colleagues and trains others."),
]
MAX_LEVEL = SCALE_LEVELS[-1][0]

# (key, name, family, description); the list order is the display position.
CATEGORIES = [
    ("heating", "Heating systems", "technical", "Heat generators we build and service."),
    ("controls", "Controls & connectivity", "technical", "Controllers, bus systems and the IoT gateway."),
    ("installation", "Installation & safety", "technical", "Hydraulics, safety and certified work."),
    ("communication", "Customer communication", "people", "Talking to customers on the phone and on site."),
    ("collaboration", "Collaboration & leadership", "people", "Working with colleagues and partners."),
    ("operation", "Operation & usage", "interplay", "How customers use their system, and how to help."),
    ("process", "Service processes", "methods", "Triage, planning, documentation and decisions."),
]


@dataclass(frozen=True)
class CompetencySpec:
    key: str
    category: str
    name: str
    description: str
    validity_months: int | None = None  # set for competencies that require a certificate


COMPETENCIES = [
    CompetencySpec("hp_diag", "heating", "Heat pump diagnostics",
                   "Finds faults in air/water and brine/water heat pumps: refrigerant circuit, compressor, "
                   "inverter, sensors."),
    CompetencySpec("hp_comm", "heating", "Heat pump commissioning",
                   "Commissions heat pumps to specification and hands them over documented."),
    CompetencySpec("gas", "heating", "Gas condensing boilers",
                   "Maintains and repairs wall-hung and floor-standing gas condensing boilers."),
    CompetencySpec("oil", "heating", "Oil condensing boilers",
                   "Maintains and repairs oil condensing boilers, burners and tanks."),
    CompetencySpec("pellet", "heating", "Pellet and biomass boilers",
                   "Services pellet boilers: feed system, ignition, combustion and ash removal."),
    CompetencySpec("solar", "heating", "Solar thermal systems",
                   "Diagnoses solar thermal collectors, stations and stratified storage tanks."),
    CompetencySpec("hybrid", "heating", "Hybrid systems (heat pump and boiler)",
                   "Understands and tunes the interplay of heat pump and boiler in hybrid systems."),
    CompetencySpec("ctrl", "controls", "Control electronics",
                   "Reads wiring diagrams, measures boards and replaces controller electronics."),
    CompetencySpec("remote", "controls", "Remote diagnostics",
                   "Diagnoses systems through the IoT gateway and service portal before anyone drives out."),
    CompetencySpec("firmware", "controls", "Software and firmware updates",
                   "Plans and performs controller and gateway updates, including rollbacks."),
    CompetencySpec("bus", "controls", "Bus systems and building automation",
                   "Integrates our controllers via eBUS, Modbus and KNX into building automation."),
    CompetencySpec("hydr", "installation", "Hydraulic balancing",
                   "Calculates and performs hydraulic balancing; finds hydraulic causes of complaints."),
    CompetencySpec("dhw", "installation", "Domestic hot water and legionella protection",
                   "Sets up hot water preparation hygienically and efficiently."),
    CompetencySpec("fgas", "installation", "Refrigerant handling (F-gas certificate)",
                   "Works on refrigerant circuits; requires the F-gas certificate (EU 2015/2067).", 60),
    CompetencySpec("elec", "installation", "Electrical safety (electrically skilled person)",
                   "Works safely on electrical equipment; requires a current qualification.", 24),
    CompetencySpec("flue", "installation", "Flue gas measurement",
                   "Measures and evaluates flue gas values according to the 1st BImSchV.", 36),
    CompetencySpec("deesc", "communication", "De-escalation",
                   "Calms angry or desperate customers and turns the conversation towards a solution."),
    CompetencySpec("explain", "communication", "Explaining technology to laypeople",
                   "Explains technical causes and options so that customers understand and decide."),
    CompetencySpec("phone", "communication", "Telephone communication",
                   "Leads calls in a structured, friendly and efficient way."),
    CompetencySpec("complaint", "communication", "Complaint handling",
                   "Takes complaints seriously, resolves them and learns from them."),
    CompetencySpec("vulnerable", "communication", "Supporting vulnerable customers",
                   "Recognises and prioritises elderly or ill customers without heating or hot water."),
    CompetencySpec("mentor", "collaboration", "Mentoring colleagues",
                   "Passes on knowledge on the job, gives feedback and lets others grow."),
    CompetencySpec("installer", "collaboration", "Installer partner support",
                   "Supports installer partners on technical questions, on the phone and on site."),
    CompetencySpec("handover", "collaboration", "Case handover between levels",
                   "Hands cases between hotline, 2nd level and field service so that nothing is lost."),
    CompetencySpec("operr", "operation", "Analysing operating errors",
                   "Tells a defect from an operating error or an unsuitable setting."),
    CompetencySpec("teach", "operation", "Teaching customers their system",
                   "Instructs customers at handover so they operate the system correctly and confidently."),
    CompetencySpec("guided", "operation", "Guided troubleshooting by phone",
                   "Guides customers through safe checks on their system by phone."),
    CompetencySpec("usage", "operation", "Reading usage and energy data",
                   "Interprets consumption, runtime and efficiency data and explains what it means."),
    CompetencySpec("app", "operation", "Customer app and portal support",
                   "Helps customers connect and use the app, the portal and their gateway."),
    CompetencySpec("comfort", "operation", "Comfort and efficiency tuning",
                   "Adjusts heating curves and schedules to the customer's comfort and energy goals."),
    CompetencySpec("triage", "process", "Ticket triage",
                   "Classifies and prioritises incoming cases and routes them to the right level."),
    CompetencySpec("doc", "process", "Service documentation",
                   "Documents cases and visits completely and reproducibly in the service system."),
    CompetencySpec("kb", "process", "Knowledge base authoring",
                   "Writes and maintains solution articles that colleagues actually use."),
    CompetencySpec("dispatch", "process", "Route and appointment planning",
                   "Plans field service routes and appointments by urgency, skills and distance."),
    CompetencySpec("parts", "process", "Spare-parts logistics",
                   "Identifies, orders and tracks spare parts so a visit fixes the problem the first time."),
    CompetencySpec("warranty", "process", "Warranty and goodwill decisions",
                   "Decides warranty and goodwill cases fairly and within the guidelines."),
]  # fmt: skip
COMPETENCY_BY_KEY = {spec.key: spec for spec in COMPETENCIES}

# key → (name, description, {competency key: target level})
ROLE_PROFILES = {
    "hotline": (
        "Hotline agent",
        "1st-level support on the phone: takes every call, solves what can be solved remotely.",
        {"phone": 3, "triage": 3, "explain": 3, "deesc": 2, "guided": 3, "operr": 2, "app": 3, "doc": 2,
         "complaint": 2, "handover": 2, "hp_diag": 1, "gas": 1},
    ),
    "dispatcher": (
        "Service dispatcher",
        "Plans field service appointments and routes, keeps spare parts flowing.",
        {"dispatch": 3, "parts": 3, "triage": 3, "phone": 3, "doc": 2, "handover": 2},
    ),
    "support": (
        "2nd-level support engineer",
        "Technical specialist for escalated cases, installer partners and remote diagnostics.",
        {"hp_diag": 3, "gas": 3, "ctrl": 3, "remote": 3, "firmware": 3, "operr": 3, "installer": 3,
         "kb": 2, "doc": 3, "bus": 2, "handover": 3},
    ),
    "field": (
        "Field service technician",
        "Maintenance, repair and commissioning at the customer's site.",
        {"hp_diag": 3, "hp_comm": 3, "gas": 3, "hydr": 2, "ctrl": 2, "fgas": 3, "elec": 3, "flue": 3,
         "teach": 3, "doc": 2, "deesc": 2, "dhw": 2, "parts": 1},
    ),
    "lead": (
        "Service team lead",
        "Leads a service team: people, planning, escalations and development.",
        {"deesc": 3, "mentor": 3, "doc": 3, "warranty": 3, "triage": 2, "explain": 3, "complaint": 3,
         "handover": 3},
    ),
}  # fmt: skip

# (title, kind, hours, cost EUR, provider, [(competency key, from, to)], description)
MEASURES = [
    ("Heat pump service training: basics", "course", 16, 690, "Brandt Academy (manufacturer)",
     [("hp_diag", 0, 2), ("hp_comm", 0, 2)], "Two-day hands-on course in the training centre."),
    ("Heat pump diagnostics: refrigerant circuit", "course", 24, 1150, "Brandt Academy (manufacturer)",
     [("hp_diag", 2, 3), ("hp_comm", 2, 3)], "Three days on live training rigs, fault finding in pairs."),
    ("Heat pump expert workshop", "course", 16, 980, "Brandt Academy (manufacturer)",
     [("hp_diag", 3, 4)], "Rare faults, inverter diagnostics, field cases of the last season."),
    ("F-gas certificate category I", "certification", 32, 1490, "TÜV Akademie",
     [("fgas", 1, 3)], "Theory and practical exam according to Regulation (EU) 2015/2067."),
    ("Electrically skilled person for defined tasks", "certification", 80, 1850, "Handwerkskammer",
     [("elec", 0, 3)], "Qualification for defined electrical tasks on heat generators."),
    ("Electrical safety refresher (DGUV V3)", "certification", 8, 290, "TÜV Akademie",
     [("elec", 2, 3)], "Renews the electrical safety qualification."),
    ("Flue gas measurement and emission control", "certification", 16, 450, "Handwerkskammer",
     [("flue", 1, 3)], "Measuring practice and legal basis; closes with an exam."),
    ("Gas condensing boilers: service and repair", "course", 16, 640, "Brandt Academy (manufacturer)",
     [("gas", 1, 3)], "Maintenance routine, combustion settings, typical faults."),
    ("Hydraulic balancing in practice", "course", 8, 420, "IHK Akademie",
     [("hydr", 1, 3)], "Method, calculation and on-site balancing."),
    ("Control electronics and bus systems", "course", 24, 980, "Brandt Academy (manufacturer)",
     [("ctrl", 1, 3), ("bus", 1, 2)], "Wiring diagrams, board diagnostics, eBUS and Modbus basics."),
    ("Remote diagnostics with the service portal", "elearning", 4, 0, "Internal",
     [("remote", 0, 2)], "Self-paced module with practice on recorded systems."),
    ("Remote diagnostics case clinic", "mentoring", 12, 0, "Internal",
     [("remote", 2, 3)], "Six sessions solving live cases together with a 2nd-level engineer."),
    ("De-escalation on the phone", "course", 8, 420, "IHK Akademie",
     [("deesc", 1, 3), ("complaint", 1, 2)], "One-day training with role plays and call recordings."),
    ("Explaining technology simply", "elearning", 3, 59, "E-learning platform",
     [("explain", 1, 2)], "Short videos and exercises on plain-language explanations."),
    ("Customer instruction at handover", "on_the_job", 16, 0, "Internal",
     [("teach", 1, 3)], "Accompanies an experienced technician on handovers, then leads them."),
    ("Operating errors: case clinic", "mentoring", 10, 0, "Internal",
     [("operr", 2, 3)], "Monthly case reviews with an expert from 2nd-level support."),
    ("Ticket triage and prioritisation", "elearning", 2, 0, "Internal",
     [("triage", 0, 2)], "The triage rules, with practice cases."),
    ("Service documentation standards", "elearning", 2, 0, "Internal",
     [("doc", 1, 3)], "What a good visit report contains, with examples."),
    ("Ride-along with field service", "job_rotation", 40, 0, "Internal",
     [("hp_diag", 1, 2), ("guided", 1, 2), ("operr", 1, 2)], "One week on the road with a field technician."),
    ("Hotline shadowing for technicians", "job_rotation", 24, 0, "Internal",
     [("phone", 1, 2), ("explain", 2, 3)], "Three days on the hotline, first listening, then talking."),
    ("Mentoring by a senior technician", "mentoring", 20, 0, "Internal",
     [("hp_diag", 2, 3), ("gas", 2, 3), ("hydr", 2, 3)], "A quarter of joint visits and debriefs."),
    ("Train the trainer", "course", 24, 1190, "IHK Akademie",
     [("mentor", 2, 3)], "Didactics for experts who train colleagues."),
    ("Warranty and goodwill guidelines", "elearning", 2, 0, "Internal",
     [("warranty", 1, 2)], "The guidelines, the approval limits and worked examples."),
    ("Heat pump commissioning on the job", "on_the_job", 24, 0, "Internal",
     [("hp_comm", 1, 3)], "Three commissionings alongside an experienced colleague."),
]  # fmt: skip

FIRST_NAMES = [
    "Alexander", "Andrea", "Anna", "Benedikt", "Birgit", "Carina", "Christian", "Christina", "Daniel",
    "David", "Dennis", "Dirk", "Elena", "Emre", "Fabian", "Felix", "Florian", "Frank", "Hannah", "Heike",
    "Ivana", "Jan", "Jana", "Jens", "Johanna", "Jonas", "Julia", "Kai", "Katarzyna", "Katharina", "Kevin",
    "Lars", "Laura", "Lea", "Leon", "Lisa", "Lukas", "Manuel", "Marco", "Maria", "Marie", "Markus",
    "Martin", "Matthias", "Maximilian", "Mehmet", "Melanie", "Michael", "Miriam", "Monika", "Nadine",
    "Niklas", "Nicole", "Oliver", "Patrick", "Paul", "Petra", "Philipp", "Sabine", "Sandra", "Sarah",
    "Sebastian", "Simon", "Sophie", "Stefan", "Stefanie", "Susanne", "Sven", "Thomas", "Tim", "Tobias",
    "Ute", "Vanessa", "Yasemin",
]  # fmt: skip
LAST_NAMES = [
    "Albrecht", "Arnold", "Bauer", "Baumann", "Beck", "Becker", "Berger", "Braun", "Demir", "Engel",
    "Fischer", "Frank", "Franke", "Friedrich", "Fuchs", "Graf", "Gruber", "Günther", "Hahn", "Hartmann",
    "Heinrich", "Herrmann", "Hoffmann", "Hofmann", "Huber", "Jung", "Kaiser", "Keller", "Klein", "Koch",
    "Kovačević", "Krause", "Krüger", "Kuhn", "Lang", "Lange", "Lehmann", "Lorenz", "Ludwig", "Maier",
    "Mayer", "Meyer", "Möller", "Müller", "Neumann", "Nowak", "Otto", "Peters", "Petrović", "Pohl",
    "Richter", "Roth", "Schäfer", "Schmid", "Schmidt", "Schmitt", "Schneider", "Scholz", "Schröder",
    "Schulz", "Schuster", "Schwarz", "Simon", "Sommer", "Stadler", "Vogel", "Vogt", "Wagner", "Walter",
    "Weber", "Werner", "Winkler", "Wolf", "Yılmaz", "Zimmermann",
]  # fmt: skip

_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ş": "s", "ç": "c", "č": "c", "ć": "c"}
)


def email_for(first, last, *, suffix=""):
    """A plain-ASCII company address: ``jürgen.yılmaz`` → ``juergen.yilmaz@…``."""
    local = f"{first}.{last}{suffix}".lower().translate(_TRANSLITERATION).replace(" ", "-")
    return f"{local}@{EMAIL_DOMAIN}"
