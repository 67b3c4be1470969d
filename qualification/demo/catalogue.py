"""The demo catalogue: scale, competency categories and competencies, role profiles, measures, names.

Plain data, shared by the story organisation and the synthetic one. Catalogue texts are stored data,
not interface text: each is written in German and English (``T(de, en)``) and stored in both languages'
columns, so a German reader sees no English content and an English reader no German
(tests/qualification/test_demo_translations.py); only the command's own output goes through gettext. The company is fictional: Brandt Wärmetechnik GmbH, a manufacturer of
heat pumps, condensing boilers and their controls, with its own customer service (Kundendienst)."""

# ruff: noqa: E501 - catalogue texts in two languages, one entry per line pair
from dataclasses import dataclass
from typing import NamedTuple


class T(NamedTuple):
    """One catalogue text in both demo languages."""

    de: str
    en: str

    def columns(self, field):
        """The model keyword arguments of ``field`` in every language: ``{"name_de": …, "name_en": …}``."""
        return {f"{field}_{language}": text for language, text in self._asdict().items()}

    def format(self, de, en):
        """A text built from this one: ``de``/``en`` are format strings with ``{}`` for it."""
        return T(de.format(self.de), en.format(self.en))


COMPANY = "Brandt Wärmetechnik GmbH"
EMAIL_DOMAIN = "brandt-waermetechnik.example"

SCALE_NAME = T("Standard 0–4", "Default 0–4")
SCALE_DESCRIPTION = T(
    "Die Standardskala mit fünf Stufen beobachtbaren Verhaltens.",
    "The default five-level scale of observable behaviour.",
)
SCALE_LEVELS = [
    (0, T("Keine", "None"),
     T("Keine Kenntnisse oder Erfahrung in diesem Bereich.", "No knowledge of or experience in this area.")),
    (1, T("Grundkenntnisse", "Basic knowledge"),
     T("Kennt Begriffe und Prinzipien; kann einen echten Fall noch nicht allein lösen.",
       "Knows the terms and the principles; cannot yet handle a real case alone.")),
    (2, T("Arbeitet mit Anleitung", "Works with guidance"),
     T("Löst Standardfälle mit Checkliste oder mit Hilfe von Kolleg:innen.",
       "Handles standard cases with a checklist or a colleague's help.")),
    (3, T("Arbeitet selbstständig", "Works independently"),
     T("Löst Standard- und ungewöhnliche Fälle allein und zuverlässig; kennt die Grenzen.",
       "Handles standard and unusual cases alone and reliably; knows the limits.")),
    (4, T("Expert:in, kann schulen", "Expert, can teach"),
     T("Löst die schwierigsten Fälle, wird von Kolleg:innen gefragt und schult andere.",
       "Solves the hardest cases, is asked by colleagues and trains others.")),
]  # fmt: skip
MAX_LEVEL = SCALE_LEVELS[-1][0]

# (key, name, family, description); the list order is the display position.
CATEGORIES = [
    ("heating", T("Wärmeerzeuger", "Heating systems"), "technical",
     T("Wärmeerzeuger, die wir bauen und warten.", "Heat generators we build and service.")),
    ("controls", T("Regelung & Vernetzung", "Controls & connectivity"), "technical",
     T("Regler, Bussysteme und das IoT-Gateway.", "Controllers, bus systems and the IoT gateway.")),
    ("installation", T("Installation & Sicherheit", "Installation & safety"), "technical",
     T("Hydraulik, Sicherheit und zertifizierte Arbeiten.", "Hydraulics, safety and certified work.")),
    ("communication", T("Kundenkommunikation", "Customer communication"), "people",
     T("Gespräche mit Kund:innen am Telefon und vor Ort.", "Talking to customers on the phone and on site.")),
    ("collaboration", T("Zusammenarbeit & Führung", "Collaboration & leadership"), "people",
     T("Zusammenarbeit mit Kolleg:innen und Partnern.", "Working with colleagues and partners.")),
    ("operation", T("Bedienung & Nutzung", "Operation & usage"), "interplay",
     T("Wie Kund:innen ihre Anlage nutzen und wie man ihnen hilft.",
       "How customers use their system, and how to help.")),
    ("process", T("Serviceprozesse", "Service processes"), "methods",
     T("Triage, Planung, Dokumentation und Entscheidungen.", "Triage, planning, documentation and decisions.")),
]  # fmt: skip


@dataclass(frozen=True)
class CompetencySpec:
    key: str
    category: str
    name: T
    description: T
    validity_months: int | None = None  # set for competencies that require a certificate


COMPETENCIES = [
    CompetencySpec("hp_diag", "heating", T("Wärmepumpen-Diagnose", "Heat pump diagnostics"),
                   T("Findet Fehler in Luft/Wasser- und Sole/Wasser-Wärmepumpen: Kältekreis, Verdichter, Inverter, Sensoren.",
                     "Finds faults in air/water and brine/water heat pumps: refrigerant circuit, compressor, inverter, sensors.")),
    CompetencySpec("hp_comm", "heating", T("Wärmepumpen-Inbetriebnahme", "Heat pump commissioning"),
                   T("Nimmt Wärmepumpen nach Vorgabe in Betrieb und übergibt sie dokumentiert.",
                     "Commissions heat pumps to specification and hands them over documented.")),
    CompetencySpec("gas", "heating", T("Gas-Brennwertkessel", "Gas condensing boilers"),
                   T("Wartet und repariert wandhängende und bodenstehende Gas-Brennwertkessel.",
                     "Maintains and repairs wall-hung and floor-standing gas condensing boilers.")),
    CompetencySpec("oil", "heating", T("Öl-Brennwertkessel", "Oil condensing boilers"),
                   T("Wartet und repariert Öl-Brennwertkessel, Brenner und Tanks.",
                     "Maintains and repairs oil condensing boilers, burners and tanks.")),
    CompetencySpec("pellet", "heating", T("Pellet- und Biomassekessel", "Pellet and biomass boilers"),
                   T("Wartet Pelletkessel: Fördersystem, Zündung, Verbrennung und Entaschung.",
                     "Services pellet boilers: feed system, ignition, combustion and ash removal.")),
    CompetencySpec("solar", "heating", T("Solarthermie", "Solar thermal systems"),
                   T("Diagnostiziert Solarkollektoren, Solarstationen und Schichtenspeicher.",
                     "Diagnoses solar thermal collectors, stations and stratified storage tanks.")),
    CompetencySpec("hybrid", "heating", T("Hybridsysteme (Wärmepumpe und Kessel)", "Hybrid systems (heat pump and boiler)"),
                   T("Versteht und optimiert das Zusammenspiel von Wärmepumpe und Kessel in Hybridanlagen.",
                     "Understands and tunes the interplay of heat pump and boiler in hybrid systems.")),
    CompetencySpec("ctrl", "controls", T("Regelungselektronik", "Control electronics"),
                   T("Liest Schaltpläne, misst Platinen und tauscht Reglerelektronik.",
                     "Reads wiring diagrams, measures boards and replaces controller electronics.")),
    CompetencySpec("remote", "controls", T("Ferndiagnose", "Remote diagnostics"),
                   T("Diagnostiziert Anlagen über IoT-Gateway und Serviceportal, bevor jemand hinausfährt.",
                     "Diagnoses systems through the IoT gateway and service portal before anyone drives out.")),
    CompetencySpec("firmware", "controls", T("Software- und Firmware-Updates", "Software and firmware updates"),
                   T("Plant und führt Updates von Reglern und Gateways durch, einschließlich Rücksprung.",
                     "Plans and performs controller and gateway updates, including rollbacks.")),
    CompetencySpec("bus", "controls", T("Bussysteme und Gebäudeautomation", "Bus systems and building automation"),
                   T("Bindet unsere Regler über eBUS, Modbus und KNX in die Gebäudeautomation ein.",
                     "Integrates our controllers via eBUS, Modbus and KNX into building automation.")),
    CompetencySpec("hydr", "installation", T("Hydraulischer Abgleich", "Hydraulic balancing"),
                   T("Berechnet und führt den hydraulischen Abgleich durch; findet hydraulische Ursachen von Beschwerden.",
                     "Calculates and performs hydraulic balancing; finds hydraulic causes of complaints.")),
    CompetencySpec("dhw", "installation", T("Trinkwarmwasser und Legionellenschutz", "Domestic hot water and legionella protection"),
                   T("Richtet die Warmwasserbereitung hygienisch und effizient ein.",
                     "Sets up hot water preparation hygienically and efficiently.")),
    CompetencySpec("fgas", "installation", T("Umgang mit Kältemitteln (F-Gase-Sachkunde)", "Refrigerant handling (F-gas certificate)"),
                   T("Arbeitet an Kältekreisen; erfordert die F-Gase-Sachkunde (EU 2015/2067).",
                     "Works on refrigerant circuits; requires the F-gas certificate (EU 2015/2067)."), 60),
    CompetencySpec("elec", "installation", T("Elektrische Sicherheit (Elektrofachkraft)", "Electrical safety (electrically skilled person)"),
                   T("Arbeitet sicher an elektrischen Betriebsmitteln; erfordert eine gültige Qualifikation.",
                     "Works safely on electrical equipment; requires a current qualification."), 24),
    CompetencySpec("flue", "installation", T("Abgasmessung", "Flue gas measurement"),
                   T("Misst und bewertet Abgaswerte nach der 1. BImSchV.",
                     "Measures and evaluates flue gas values according to the 1st BImSchV."), 36),
    CompetencySpec("deesc", "communication", T("Deeskalation", "De-escalation"),
                   T("Beruhigt verärgerte oder verzweifelte Kund:innen und lenkt das Gespräch auf eine Lösung.",
                     "Calms angry or desperate customers and turns the conversation towards a solution.")),
    CompetencySpec("explain", "communication", T("Technik für Laien erklären", "Explaining technology to laypeople"),
                   T("Erklärt technische Ursachen und Möglichkeiten so, dass Kund:innen verstehen und entscheiden.",
                     "Explains technical causes and options so that customers understand and decide.")),
    CompetencySpec("phone", "communication", T("Telefonkommunikation", "Telephone communication"),
                   T("Führt Telefonate strukturiert, freundlich und effizient.",
                     "Leads calls in a structured, friendly and efficient way.")),
    CompetencySpec("complaint", "communication", T("Beschwerdemanagement", "Complaint handling"),
                   T("Nimmt Beschwerden ernst, löst sie und lernt daraus.",
                     "Takes complaints seriously, resolves them and learns from them.")),
    CompetencySpec("vulnerable", "communication", T("Schutzbedürftige Kund:innen unterstützen", "Supporting vulnerable customers"),
                   T("Erkennt ältere oder kranke Kund:innen ohne Heizung oder Warmwasser und priorisiert sie.",
                     "Recognises and prioritises elderly or ill customers without heating or hot water.")),
    CompetencySpec("mentor", "collaboration", T("Kolleg:innen anleiten", "Mentoring colleagues"),
                   T("Gibt Wissen im Arbeitsalltag weiter, gibt Feedback und lässt andere wachsen.",
                     "Passes on knowledge on the job, gives feedback and lets others grow.")),
    CompetencySpec("installer", "collaboration", T("Betreuung von Fachhandwerkspartnern", "Installer partner support"),
                   T("Unterstützt Fachhandwerkspartner bei technischen Fragen, am Telefon und vor Ort.",
                     "Supports installer partners on technical questions, on the phone and on site.")),
    CompetencySpec("handover", "collaboration", T("Fallübergabe zwischen den Ebenen", "Case handover between levels"),
                   T("Übergibt Fälle zwischen Hotline, 2nd Level und Außendienst, ohne dass etwas verloren geht.",
                     "Hands cases between hotline, 2nd level and field service so that nothing is lost.")),
    CompetencySpec("operr", "operation", T("Bedienfehler analysieren", "Analysing operating errors"),
                   T("Unterscheidet einen Defekt von einem Bedienfehler oder einer ungeeigneten Einstellung.",
                     "Tells a defect from an operating error or an unsuitable setting.")),
    CompetencySpec("teach", "operation", T("Kund:innen in ihre Anlage einweisen", "Teaching customers their system"),
                   T("Weist Kund:innen bei der Übergabe ein, damit sie die Anlage richtig und sicher bedienen.",
                     "Instructs customers at handover so they operate the system correctly and confidently.")),
    CompetencySpec("guided", "operation", T("Geführte Fehlersuche am Telefon", "Guided troubleshooting by phone"),
                   T("Leitet Kund:innen am Telefon durch sichere Prüfungen an ihrer Anlage.",
                     "Guides customers through safe checks on their system by phone.")),
    CompetencySpec("usage", "operation", T("Verbrauchs- und Energiedaten lesen", "Reading usage and energy data"),
                   T("Deutet Verbrauchs-, Laufzeit- und Effizienzdaten und erklärt, was sie bedeuten.",
                     "Interprets consumption, runtime and efficiency data and explains what it means.")),
    CompetencySpec("app", "operation", T("Support für Kunden-App und Portal", "Customer app and portal support"),
                   T("Hilft Kund:innen, App, Portal und Gateway zu verbinden und zu nutzen.",
                     "Helps customers connect and use the app, the portal and their gateway.")),
    CompetencySpec("comfort", "operation", T("Komfort- und Effizienzoptimierung", "Comfort and efficiency tuning"),
                   T("Passt Heizkurven und Zeitprogramme an Komfort- und Energieziele der Kund:innen an.",
                     "Adjusts heating curves and schedules to the customer's comfort and energy goals.")),
    CompetencySpec("triage", "process", T("Ticket-Triage", "Ticket triage"),
                   T("Klassifiziert und priorisiert eingehende Fälle und leitet sie an die richtige Ebene.",
                     "Classifies and prioritises incoming cases and routes them to the right level.")),
    CompetencySpec("doc", "process", T("Servicedokumentation", "Service documentation"),
                   T("Dokumentiert Fälle und Einsätze vollständig und nachvollziehbar im Servicesystem.",
                     "Documents cases and visits completely and reproducibly in the service system.")),
    CompetencySpec("kb", "process", T("Wissensdatenbank pflegen", "Knowledge base authoring"),
                   T("Schreibt und pflegt Lösungsartikel, die Kolleg:innen wirklich nutzen.",
                     "Writes and maintains solution articles that colleagues actually use.")),
    CompetencySpec("dispatch", "process", T("Touren- und Terminplanung", "Route and appointment planning"),
                   T("Plant Außendiensttouren und Termine nach Dringlichkeit, Kompetenzen und Entfernung.",
                     "Plans field service routes and appointments by urgency, skills and distance.")),
    CompetencySpec("parts", "process", T("Ersatzteillogistik", "Spare-parts logistics"),
                   T("Ermittelt, bestellt und verfolgt Ersatzteile, damit ein Einsatz das Problem beim ersten Mal löst.",
                     "Identifies, orders and tracks spare parts so a visit fixes the problem the first time.")),
    CompetencySpec("warranty", "process", T("Gewährleistungs- und Kulanzentscheidungen", "Warranty and goodwill decisions"),
                   T("Entscheidet Gewährleistungs- und Kulanzfälle fair und im Rahmen der Richtlinien.",
                     "Decides warranty and goodwill cases fairly and within the guidelines.")),
]  # fmt: skip
COMPETENCY_BY_KEY = {spec.key: spec for spec in COMPETENCIES}

# key → (name, description, {competency key: target level})
ROLE_PROFILES = {
    "hotline": (
        T("Hotline-Mitarbeiter:in", "Hotline agent"),
        T("1st-Level-Support am Telefon: nimmt jeden Anruf an, löst, was aus der Ferne lösbar ist.",
          "1st-level support on the phone: takes every call, solves what can be solved remotely."),
        {'phone': 3, 'triage': 3, 'explain': 3, 'deesc': 2, 'guided': 3, 'operr': 2, 'app': 3, 'doc': 2, 'complaint': 2, 'handover': 2, 'hp_diag': 1, 'gas': 1},
    ),
    "dispatcher": (
        T("Servicedisponent:in", "Service dispatcher"),
        T("Plant Außendiensttermine und Touren, hält den Ersatzteilfluss am Laufen.",
          "Plans field service appointments and routes, keeps spare parts flowing."),
        {'dispatch': 3, 'parts': 3, 'triage': 3, 'phone': 3, 'doc': 2, 'handover': 2},
    ),
    "support": (
        T("2nd-Level-Supportingenieur:in", "2nd-level support engineer"),
        T("Technische:r Spezialist:in für eskalierte Fälle, Fachhandwerkspartner und Ferndiagnose.",
          "Technical specialist for escalated cases, installer partners and remote diagnostics."),
        {'hp_diag': 3, 'gas': 3, 'ctrl': 3, 'remote': 3, 'firmware': 3, 'operr': 3, 'installer': 3, 'kb': 2, 'doc': 3, 'bus': 2, 'handover': 3},
    ),
    "field": (
        T("Servicetechniker:in im Außendienst", "Field service technician"),
        T("Wartung, Reparatur und Inbetriebnahme bei den Kund:innen vor Ort.",
          "Maintenance, repair and commissioning at the customer's site."),
        {'hp_diag': 3, 'hp_comm': 3, 'gas': 3, 'hydr': 2, 'ctrl': 2, 'fgas': 3, 'elec': 3, 'flue': 3, 'teach': 3, 'doc': 2, 'deesc': 2, 'dhw': 2, 'parts': 1},
    ),
    "lead": (
        T("Service-Teamleitung", "Service team lead"),
        T("Führt ein Serviceteam: Menschen, Planung, Eskalationen und Entwicklung.",
          "Leads a service team: people, planning, escalations and development."),
        {'deesc': 3, 'mentor': 3, 'doc': 3, 'warranty': 3, 'triage': 2, 'explain': 3, 'complaint': 3, 'handover': 3},
    ),
}  # fmt: skip

# (title, kind, hours, cost EUR, provider, [(competency key, from, to)], description)
MEASURES = [
    (T("Wärmepumpen-Servicetraining: Grundlagen", "Heat pump service training: basics"), "course", 16, 690,
     T("Brandt Akademie (Hersteller)", "Brandt Academy (manufacturer)"), [('hp_diag', 0, 2), ('hp_comm', 0, 2)],
     T("Zweitägiger Praxiskurs im Schulungszentrum.",
       "Two-day hands-on course in the training centre.")),
    (T("Wärmepumpen-Diagnose: Kältekreis", "Heat pump diagnostics: refrigerant circuit"), "course", 24, 1150,
     T("Brandt Akademie (Hersteller)", "Brandt Academy (manufacturer)"), [('hp_diag', 2, 3), ('hp_comm', 2, 3)],
     T("Drei Tage an laufenden Schulungsanlagen, Fehlersuche zu zweit.",
       "Three days on live training rigs, fault finding in pairs.")),
    (T("Wärmepumpen-Expertenworkshop", "Heat pump expert workshop"), "course", 16, 980,
     T("Brandt Akademie (Hersteller)", "Brandt Academy (manufacturer)"), [('hp_diag', 3, 4)],
     T("Seltene Fehler, Inverter-Diagnose, Feldfälle der letzten Saison.",
       "Rare faults, inverter diagnostics, field cases of the last season.")),
    (T("F-Gase-Sachkunde Kategorie I", "F-gas certificate category I"), "certification", 32, 1490,
     T("TÜV Akademie", "TÜV Akademie"), [('fgas', 1, 3)],
     T("Theorie und praktische Prüfung nach Verordnung (EU) 2015/2067.",
       "Theory and practical exam according to Regulation (EU) 2015/2067.")),
    (T("Elektrofachkraft für festgelegte Tätigkeiten", "Electrically skilled person for defined tasks"), "certification", 80, 1850,
     T("Handwerkskammer", "Handwerkskammer"), [('elec', 0, 3)],
     T("Qualifikation für festgelegte elektrotechnische Tätigkeiten an Wärmeerzeugern.",
       "Qualification for defined electrical tasks on heat generators.")),
    (T("Auffrischung Elektrosicherheit (DGUV V3)", "Electrical safety refresher (DGUV V3)"), "certification", 8, 290,
     T("TÜV Akademie", "TÜV Akademie"), [('elec', 2, 3)],
     T("Erneuert die Qualifikation für elektrische Sicherheit.",
       "Renews the electrical safety qualification.")),
    (T("Abgasmessung und Emissionsschutz", "Flue gas measurement and emission control"), "certification", 16, 450,
     T("Handwerkskammer", "Handwerkskammer"), [('flue', 1, 3)],
     T("Messpraxis und rechtliche Grundlagen; endet mit einer Prüfung.",
       "Measuring practice and legal basis; closes with an exam.")),
    (T("Gas-Brennwertkessel: Wartung und Reparatur", "Gas condensing boilers: service and repair"), "course", 16, 640,
     T("Brandt Akademie (Hersteller)", "Brandt Academy (manufacturer)"), [('gas', 1, 3)],
     T("Wartungsablauf, Verbrennungseinstellung, typische Fehler.",
       "Maintenance routine, combustion settings, typical faults.")),
    (T("Hydraulischer Abgleich in der Praxis", "Hydraulic balancing in practice"), "course", 8, 420,
     T("IHK Akademie", "IHK Akademie"), [('hydr', 1, 3)],
     T("Verfahren, Berechnung und Abgleich vor Ort.",
       "Method, calculation and on-site balancing.")),
    (T("Regelungselektronik und Bussysteme", "Control electronics and bus systems"), "course", 24, 980,
     T("Brandt Akademie (Hersteller)", "Brandt Academy (manufacturer)"), [('ctrl', 1, 3), ('bus', 1, 2)],
     T("Schaltpläne, Platinendiagnose, Grundlagen von eBUS und Modbus.",
       "Wiring diagrams, board diagnostics, eBUS and Modbus basics.")),
    (T("Ferndiagnose mit dem Serviceportal", "Remote diagnostics with the service portal"), "elearning", 4, 0,
     T("Intern", "Internal"), [('remote', 0, 2)],
     T("Selbstlernmodul mit Übungen an aufgezeichneten Anlagen.",
       "Self-paced module with practice on recorded systems.")),
    (T("Fallwerkstatt Ferndiagnose", "Remote diagnostics case clinic"), "mentoring", 12, 0,
     T("Intern", "Internal"), [('remote', 2, 3)],
     T("Sechs Termine, in denen echte Fälle gemeinsam mit einer 2nd-Level-Fachkraft gelöst werden.",
       "Six sessions solving live cases together with a 2nd-level engineer.")),
    (T("Deeskalation am Telefon", "De-escalation on the phone"), "course", 8, 420,
     T("IHK Akademie", "IHK Akademie"), [('deesc', 1, 3), ('complaint', 1, 2)],
     T("Eintägiges Training mit Rollenspielen und Gesprächsaufzeichnungen.",
       "One-day training with role plays and call recordings.")),
    (T("Technik einfach erklären", "Explaining technology simply"), "elearning", 3, 59,
     T("E-Learning-Plattform", "E-learning platform"), [('explain', 1, 2)],
     T("Kurze Videos und Übungen zu verständlichen Erklärungen.",
       "Short videos and exercises on plain-language explanations.")),
    (T("Kundeneinweisung bei der Übergabe", "Customer instruction at handover"), "on_the_job", 16, 0,
     T("Intern", "Internal"), [('teach', 1, 3)],
     T("Begleitet eine erfahrene Technikerin oder einen erfahrenen Techniker bei Übergaben und führt sie dann selbst.",
       "Accompanies an experienced technician on handovers, then leads them.")),
    (T("Fallwerkstatt Bedienfehler", "Operating errors: case clinic"), "mentoring", 10, 0,
     T("Intern", "Internal"), [('operr', 2, 3)],
     T("Monatliche Fallbesprechungen mit einer Fachkraft aus dem 2nd-Level-Support.",
       "Monthly case reviews with an expert from 2nd-level support.")),
    (T("Ticket-Triage und Priorisierung", "Ticket triage and prioritisation"), "elearning", 2, 0,
     T("Intern", "Internal"), [('triage', 0, 2)],
     T("Die Triage-Regeln, mit Übungsfällen.",
       "The triage rules, with practice cases.")),
    (T("Standards der Servicedokumentation", "Service documentation standards"), "elearning", 2, 0,
     T("Intern", "Internal"), [('doc', 1, 3)],
     T("Was ein guter Einsatzbericht enthält, mit Beispielen.",
       "What a good visit report contains, with examples.")),
    (T("Mitfahrt im Außendienst", "Ride-along with field service"), "job_rotation", 40, 0,
     T("Intern", "Internal"), [('hp_diag', 1, 2), ('guided', 1, 2), ('operr', 1, 2)],
     T("Eine Woche unterwegs mit einer Außendienstfachkraft.",
       "One week on the road with a field technician.")),
    (T("Hotline-Hospitation für Techniker:innen", "Hotline shadowing for technicians"), "job_rotation", 24, 0,
     T("Intern", "Internal"), [('phone', 1, 2), ('explain', 2, 3)],
     T("Drei Tage an der Hotline, erst zuhören, dann selbst sprechen.",
       "Three days on the hotline, first listening, then talking.")),
    (T("Mentoring durch eine erfahrene Fachkraft", "Mentoring by a senior technician"), "mentoring", 20, 0,
     T("Intern", "Internal"), [('hp_diag', 2, 3), ('gas', 2, 3), ('hydr', 2, 3)],
     T("Ein Quartal gemeinsamer Einsätze und Nachbesprechungen.",
       "A quarter of joint visits and debriefs.")),
    (T("Train the Trainer", "Train the trainer"), "course", 24, 1190,
     T("IHK Akademie", "IHK Akademie"), [('mentor', 2, 3)],
     T("Didaktik für Fachleute, die Kolleg:innen schulen.",
       "Didactics for experts who train colleagues.")),
    (T("Richtlinien für Gewährleistung und Kulanz", "Warranty and goodwill guidelines"), "elearning", 2, 0,
     T("Intern", "Internal"), [('warranty', 1, 2)],
     T("Die Richtlinien, die Freigabegrenzen und durchgerechnete Beispiele.",
       "The guidelines, the approval limits and worked examples.")),
    (T("Wärmepumpen-Inbetriebnahme im Arbeitsalltag", "Heat pump commissioning on the job"), "on_the_job", 24, 0,
     T("Intern", "Internal"), [('hp_comm', 1, 3)],
     T("Drei Inbetriebnahmen an der Seite einer erfahrenen Fachkraft.",
       "Three commissionings alongside an experienced colleague.")),
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
