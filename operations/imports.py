"""Importing systems, installed base and tickets from CSV or xlsx: everything is validated before anything is
written (docs/service-operations.md). Files are read row by row in two passes — the first validates, the
second writes in batches inside one transaction — so a file of a million rows needs no more memory than a
small one; only the catalogue names (systems, teams, competencies) are held."""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.dates import parse_iso_date
from competencies.imports.lookups import closest
from competencies.models import MAX_SCALE_LEVEL, Competency
from teams.models import Team

from .models import InstalledBase, Region, System, SystemNeed, Ticket, TicketNeed

MAX_PROBLEMS = 200
# What an unknown name is said to be (lazy: translated only when a problem is reported, not once per row).
TEAM_OR_REGION = gettext_lazy("team or region")
SYSTEM = gettext_lazy("system")
COMPETENCY = gettext_lazy("competency")
PARENT_SYSTEM = gettext_lazy("parent system")
TEAM = gettext_lazy("team")
BATCH = 5000
SIMILARITY = 0.6

# Headings (lower case, without spaces, underscores and hyphens) → field.
HEADINGS = {
    "name": "name",
    "system": "system",
    "anlage": "system",
    "produktlinie": "system",
    "manufacturer": "manufacturer",
    "hersteller": "manufacturer",
    "generation": "generation",
    "launchdate": "launch_date",
    "markteinfuhrung": "launch_date",
    "markteinführung": "launch_date",
    "endoflife": "end_of_life",
    "lebensende": "end_of_life",
    "parent": "parent",
    "parentsystem": "parent",
    "ubergeordnet": "parent",
    "übergeordnet": "parent",
    "needs": "needs",
    "competencies": "needs",
    "kompetenzen": "needs",
    "team": "team",
    "region": "team",
    "date": "date",
    "datum": "date",
    "units": "units",
    "anzahl": "units",
    "stückzahl": "units",
    "worktype": "work_type",
    "auftragsart": "work_type",
    "skills": "skills",
    "skilltags": "skills",
    "duration": "duration",
    "dauer": "duration",
    "durationhours": "duration",
    "outsidehours": "outside_hours",
    "außerhalb": "outside_hours",
    "ausserhalb": "outside_hours",
}
# A regions file: the region's name (under "region", "name" or "Gebiet") and its team.
REGION_HEADINGS = {
    "region": "name",
    "name": "name",
    "gebiet": "name",
    "bezeichnung": "name",
    "team": "team",
}
REQUIRED = {
    "regions": ("name", "team"),
    "systems": ("name",),
    "installed": ("team", "system", "date", "units"),
    "tickets": ("date", "team", "system", "duration"),
}
YES = {"1", "yes", "ja", "true", "wahr", "x", "y", "j"}
NO = {"", "0", "no", "nein", "false", "falsch", "n"}


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str
    suggestions: list[str] = field(default_factory=list)


class ImportRejected(Exception):
    """The file was refused; ``problems`` says why, nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.total = total if total is not None else len(problems)


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    updated: int = 0


def _key(text: str) -> str:
    return re.sub(r"[\s_\-()]", "", text.strip().lower())


def read_rows(
    file_obj: IO[bytes], filename: str, headings: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the spreadsheet shows it, {field: text}) for every non-blank row, streamed;
    ``headings`` (default HEADINGS) maps the file's headings to fields."""
    headings = HEADINGS if headings is None else headings
    file_obj.seek(0)
    if filename.lower().endswith(".xlsx"):
        yield from _xlsx_rows(file_obj, headings)
        return
    if not filename.lower().endswith((".csv", ".txt")):
        raise ImportRejected([Problem(0, "", filename, _("Use a .csv or .xlsx file."))])
    head = file_obj.read(65536)
    file_obj.seek(0)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut at the end of the sample is no encoding error.
        encoding = "utf-8-sig" if error.start >= len(head) - 3 else "cp1252"
    text = io.TextIOWrapper(file_obj, encoding=encoding, newline="")
    sample = head.decode(encoding, errors="ignore").split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=sample.count)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        first = next(reader)
    except StopIteration:
        raise ImportRejected([Problem(0, "", "", _("The file is empty."))]) from None
    fields = [headings.get(_key(h)) for h in first]
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        yield number, {f: v.strip() for f, v in zip(fields, values, strict=False) if f}
    text.detach()


def _xlsx_rows(file_obj: IO[bytes], headings: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file_obj, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any damage is the same answer to the user
        raise ImportRejected([Problem(0, "", "", _("The workbook cannot be read: %s") % error)]) from None
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration:
        raise ImportRejected([Problem(0, "", "", _("The file is empty."))]) from None
    fields = [headings.get(_key(str(h or ""))) for h in first]
    for number, values in enumerate(rows, start=2):
        texts = [_cell(v) for v in values]
        if not any(texts):
            continue
        yield number, {f: v for f, v in zip(fields, texts, strict=False) if f}
    workbook.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Checker:
    """Collects problems; the first MAX_PROBLEMS are kept, all are counted."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, row, column, value, message, suggestions=()):
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, value, str(message), list(suggestions)))

    def date(self, row, fields, name, *, required=True):
        text = fields.get(name, "")
        if not text:
            if required:
                self.add(row, name, text, _("A date is needed here (YYYY-MM-DD)."))
            return None
        try:
            return parse_iso_date(text)
        except ValueError as error:
            self.add(row, name, text, error)
            return None

    def name(self, row, column, text, known: dict[str, int], what: str):
        """The id of ``text`` in ``known`` (case-insensitive), else a problem with the closest names."""
        found = known.get(text.casefold())
        if found is None:
            choices = list(known_names(known))
            self.add(
                row,
                column,
                text,
                _("Unknown %(what)s “%(name)s”.") % {"what": what, "name": text},
                closest(text, choices, cutoff=SIMILARITY),
            )
        return found

    def finish(self):
        if self.total:
            raise ImportRejected(self.problems, self.total)


def known_names(known: dict[str, int]):
    return getattr(known, "display", known.keys())


class _Names(dict):
    """casefolded name → id, remembering the names as written (for suggestions)."""

    def __init__(self, pairs):
        super().__init__()
        self.display = []
        for name, pk in pairs:
            self.setdefault(name.casefold(), pk)
            self.display.append(name)


def _catalogue(model, **filters):
    return _Names(model.objects.filter(**filters).order_by("pk").values_list("name", "pk"))


def _teams_and_regions():
    """Team names and region names → team id (a team's own name comes first where both are written)."""
    return _Names(
        [
            *Team.objects.order_by("pk").values_list("name", "pk"),
            *Region.objects.order_by("name").values_list("name", "team_id"),
        ]
    )


def _check_columns(kind: str, first_fields: dict[str, str] | None, row_fields: set[str]):
    missing = [f for f in REQUIRED[kind] if f not in row_fields]
    if missing:
        raise ImportRejected(
            [Problem(1, ", ".join(missing), "", _("The file needs the columns: %s.") % ", ".join(missing))]
        )


def _level(checker, row, column, text):
    try:
        level = int(text)
    except ValueError:
        level = -1
    if not 1 <= level <= MAX_SCALE_LEVEL:
        checker.add(row, column, text, _("A level is a whole number from 1 to %s.") % MAX_SCALE_LEVEL)
        return None
    return level


def _skill_pairs(checker, row, column, text, competencies) -> list[tuple[int, int | None]]:
    """``Name:3; Other`` → [(competency id, level or None)]."""
    pairs = []
    for part in filter(None, (p.strip() for p in re.split(r"[;|]", text))):
        name, _sep, level_text = part.rpartition(":") if ":" in part else (part, "", "")
        level = _level(checker, row, column, level_text.strip()) if level_text.strip() else None
        competency_id = checker.name(row, column, name.strip(), competencies, COMPETENCY)
        if competency_id is not None:
            pairs.append((competency_id, level))
    return pairs


# --- Regions ---------------------------------------------------------------------------------------------


def import_regions(file_obj: IO[bytes], filename: str) -> Report:
    """Region names of ticket and field-service systems, each with its team; an existing region moves to
    the team the file names. A region may not carry the name of another team."""
    checker = _Checker()
    teams = _catalogue(Team)
    rows, seen, fields_seen = [], {}, set()
    for number, fields in read_rows(file_obj, filename, REGION_HEADINGS):
        fields_seen |= set(fields)
        name = fields.get("name", "")[:150]
        team = checker.name(number, "team", fields.get("team", ""), teams, TEAM)
        if not name:
            checker.add(number, "region", name, _("A region needs a name."))
        elif name.casefold() in teams and teams[name.casefold()] != team:
            checker.add(number, "region", name, _("“%s” is the name of another team.") % name)
        elif name.casefold() in seen:
            checker.add(number, "region", name, _("Named twice (also row %s).") % seen[name.casefold()])
        seen[name.casefold()] = number
        rows.append((name, team))
    _check_columns("regions", None, fields_seen)
    checker.finish()
    report = Report(rows=len(rows))
    existing = {name.casefold(): pk for name, pk in Region.objects.values_list("name", "pk")}
    with transaction.atomic():
        for name, team in rows:
            if name.casefold() in existing:
                report.updated += Region.objects.filter(pk=existing[name.casefold()]).update(team_id=team)
            else:
                Region.objects.create(name=name, team_id=team)
                report.created += 1
    return report


# --- Systems ---------------------------------------------------------------------------------------------


def import_systems(file_obj: IO[bytes], filename: str) -> Report:
    """Create or update systems with their needs; parents may name systems of the same file."""
    checker = _Checker()
    competencies = _catalogue(Competency)
    existing = _catalogue(System)
    rows = []
    seen: dict[str, int] = {}
    fields_seen: set[str] = set()
    for number, fields in read_rows(file_obj, filename):
        fields_seen |= set(fields)
        name = fields.get("name", "")
        if not name:
            checker.add(number, "name", "", _("A system needs a name."))
            continue
        if name.casefold() in seen:
            checker.add(
                number, "name", name, _("This system is named twice (also row %s).") % seen[name.casefold()]
            )
            continue
        seen[name.casefold()] = number
        launch = checker.date(number, fields, "launch_date", required=False)
        end = checker.date(number, fields, "end_of_life", required=False)
        if launch and end and end < launch:
            checker.add(
                number, "end_of_life", fields["end_of_life"], _("The end of life lies before the launch.")
            )
        needs = _skill_pairs(checker, number, "needs", fields.get("needs", ""), competencies)
        rows.append((number, fields, launch, end, [(c, lvl or 1) for c, lvl in needs]))
    _check_columns("systems", None, fields_seen | ({"name"} if rows else set()))
    known = _Names([*((n, 0) for n in existing.display), *((r[1]["name"], 0) for r in rows)])
    parents = {}
    for number, fields, *_rest in rows:
        parent = fields.get("parent", "")
        if parent:
            checker.name(number, "parent", parent, known, PARENT_SYSTEM)
            parents[fields["name"].casefold()] = parent.casefold()
    for name in parents:
        walked, current = set(), name
        while current in parents and current not in walked:
            walked.add(current)
            current = parents[current]
        if current in walked:
            checker.add(seen.get(name, 0), "parent", name, _("The parent systems form a loop."))
    checker.finish()
    report = Report(rows=len(rows))
    with transaction.atomic():
        by_name = {s.name.casefold(): s for s in System.objects.select_for_update()}
        for _number, fields, launch, end, needs in rows:
            system = by_name.get(fields["name"].casefold())
            values = {
                "manufacturer": fields.get("manufacturer", ""),
                "generation": fields.get("generation", ""),
                "launch_date": launch,
                "end_of_life": end,
            }
            if system is None:
                system = System.objects.create(name=fields["name"], **values)
                report.created += 1
            else:
                System.objects.filter(pk=system.pk).update(**values)
                report.updated += 1
            by_name[system.name.casefold()] = system
            SystemNeed.objects.filter(system=system).delete()
            SystemNeed.objects.bulk_create(
                [SystemNeed(system=system, competency_id=c, required_level=lvl) for c, lvl in needs]
            )
        for name, parent in parents.items():
            System.objects.filter(pk=by_name[name].pk).update(parent=by_name[parent])
        for _number, fields, *_rest in rows:
            if not fields.get("parent"):
                System.objects.filter(pk=by_name[fields["name"].casefold()].pk).update(parent=None)
    return report


# --- Installed base --------------------------------------------------------------------------------------


def import_installed_base(file_obj: IO[bytes], filename: str) -> Report:
    """Counts of units per team, system and date; a count for an existing (team, system, date) replaces it."""
    checker = _Checker()
    teams, systems = _teams_and_regions(), _catalogue(System)
    rows, seen, fields_seen = [], {}, set()
    for number, fields in read_rows(file_obj, filename):
        fields_seen |= set(fields)
        team = checker.name(number, "team", fields.get("team", ""), teams, TEAM_OR_REGION)
        system = checker.name(number, "system", fields.get("system", ""), systems, SYSTEM)
        on = checker.date(number, fields, "date")
        text = fields.get("units", "")
        units = int(text) if text.isdigit() else None
        if units is None:
            checker.add(number, "units", text, _("Units are a whole number of at least 0."))
        key = (team, system, on)
        if None not in key and key in seen:
            checker.add(number, "date", fields.get("date", ""), _("Counted twice (also row %s).") % seen[key])
        seen[key] = number
        rows.append((team, system, on, units))
    _check_columns("installed", None, fields_seen)
    checker.finish()
    report = Report(rows=len(rows))
    with transaction.atomic():
        for team, system, on, units in rows:
            _obj, created = InstalledBase.objects.update_or_create(
                team_id=team, system_id=system, on=on, defaults={"units": units}
            )
            report.created += created
            report.updated += not created
    return report


# --- Tickets ---------------------------------------------------------------------------------------------


def _ticket_rows(file_obj, filename, checker, teams, systems, competencies):
    for number, fields in read_rows(file_obj, filename):
        team = checker.name(number, "team", fields.get("team", ""), teams, TEAM_OR_REGION)
        system_text = fields.get("system", "")
        system = checker.name(number, "system", system_text, systems, SYSTEM) if system_text else None
        on = checker.date(number, fields, "date")
        duration_text = fields.get("duration", "").replace(",", ".")
        try:
            duration = float(duration_text)
        except ValueError:
            duration = -1.0
        if not duration > 0 or duration != duration or duration > 10_000:
            checker.add(
                number, "duration", fields.get("duration", ""), _("A duration is a number of hours above 0.")
            )
        outside_text = fields.get("outside_hours", "").casefold()
        if outside_text not in YES | NO:
            checker.add(number, "outside_hours", outside_text, _("Write yes or no."))
        skills = _skill_pairs(checker, number, "skills", fields.get("skills", ""), competencies)
        yield number, fields, team, system, on, duration, outside_text in YES, skills


def import_tickets(
    file_obj: IO[bytes], filename: str, *, progress: Callable[[int, int], None] | None = None
) -> Report:
    """Tickets of a ticket or field-service export. Pass one validates every row (streamed); pass two
    writes them in batches of BATCH in one transaction. Skill tags without a level take the level the
    ticket's system needs of the competency, else 1."""
    checker = _Checker()
    teams, systems, competencies = _teams_and_regions(), _catalogue(System), _catalogue(Competency)
    fields_seen: set[str] = set()
    count = 0
    for _number, fields, *_rest in _ticket_rows(file_obj, filename, checker, teams, systems, competencies):
        if count == 0:
            fields_seen = set(fields)
        count += 1
    if count == 0:
        raise ImportRejected([Problem(0, "", "", _("The file holds no tickets."))])
    _check_columns("tickets", None, fields_seen)
    checker.finish()
    need_level = {
        (s, c): lvl
        for s, c, lvl in SystemNeed.objects.values_list("system_id", "competency_id", "required_level")
    }
    report = Report(rows=count)
    with transaction.atomic():
        writer = _TicketWriter()
        for _number, fields, team, system, on, duration, outside, skills in _ticket_rows(
            file_obj, filename, checker, teams, systems, competencies
        ):
            writer.add(
                (on, team, system, fields.get("work_type", "")[:100], duration, outside),
                _one_level_each([(c, lvl or need_level.get((system, c), 1)) for c, lvl in skills]),
            )
            if writer.full():
                report.created += writer.flush()
                if progress:
                    progress(report.created, count)
        report.created += writer.flush()
        writer.finish()
        if progress:
            progress(report.created, count)
    return report


def _one_level_each(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A competency tagged twice on one ticket counts once, at the higher level."""
    levels: dict[int, int] = {}
    for competency_id, level in pairs:
        levels[competency_id] = max(level, levels.get(competency_id, 0))
    return sorted(levels.items())


class _TicketWriter:
    """Writes tickets and their needs with plain ``executemany``, ids given in advance: a million model
    instances would cost more than the database's work. The table is locked for the transaction on
    PostgreSQL so that no other writer takes the ids; the id sequence is moved past them at the end."""

    def __init__(self):
        quote = connection.ops.quote_name
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {quote(Ticket._meta.db_table)} IN EXCLUSIVE MODE")
        self.next_id = (Ticket.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        fields = ["id", "on", "team", "system", "work_type", "duration", "outside_hours"]
        columns = ", ".join(quote(Ticket._meta.get_field(f).column) for f in fields)
        values = ", ".join(["%s"] * len(fields))
        # Table and column names come from the models, quoted by the backend; values are parameters.
        self.ticket_sql = f"INSERT INTO {quote(Ticket._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608  # nosec B608 (names from the models, values are parameters)
        need_columns = ", ".join(
            quote(TicketNeed._meta.get_field(f).column) for f in ("ticket", "competency", "required_level")
        )
        table = quote(TicketNeed._meta.db_table)
        self.need_sql = f"INSERT INTO {table} ({need_columns}) VALUES (%s, %s, %s)"  # noqa: S608  # nosec B608 (names from the models)
        self.tickets: list[tuple] = []
        self.needs: list[tuple] = []
        self.written = 0

    def add(self, ticket: tuple, needs: list[tuple[int, int]]) -> None:
        ticket_id = self.next_id
        self.next_id += 1
        self.tickets.append((ticket_id, *ticket))
        self.needs.extend((ticket_id, c, lvl) for c, lvl in needs)

    def full(self) -> bool:
        return len(self.tickets) >= BATCH

    def flush(self) -> int:
        count = len(self.tickets)
        with connection.cursor() as cursor:
            if self.tickets:
                cursor.executemany(self.ticket_sql, self.tickets)
            if self.needs:
                cursor.executemany(self.need_sql, self.needs)
        self.tickets, self.needs = [], []
        self.written += count
        return count

    def finish(self) -> None:
        if self.vendor == "postgresql" and self.written:
            table = Ticket._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, self.next_id - 1]
                )
