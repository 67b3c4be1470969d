"""The works agreement's annex (issue #17), generated from the running code so that it is always true:
every stored field about people (the privacy registry, ``competencies.privacy.privacy_coverage``), who may
read and change each kind of data (the django-rules permissions the permission-matrix test checks), every
evaluation with its grouping and the privacy threshold, retention, the audit and the interfaces.

It lives in the top app because it reads the rules of every app. ``annex_document(language)`` builds one
neutral document (sections of paragraphs and tables); ``render_md``, ``render_docx`` and ``render_pdf``
write it. The annex's own sentences are here in German and English (a works agreement is read in German);
field and model names come from the models' verbose names in that language."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import rules
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from competencies import data_kinds, privacy
from competencies.models import AuditEntry, Employee
from competencies.privacy_threshold import min_group_size
from teams import permissions as _team_rules  # noqa: F401 (registers the rules the annex lists)

from . import permissions as _plan_rules  # noqa: F401 (registers the rules the annex lists)

LANGUAGES = ("de", "en")
FORMATS = ("md", "docx", "pdf")

TEXT: dict[str, dict[str, str]] = {
    "title": {
        "de": "Anlage zur Betriebsvereinbarung: servicelead",
        "en": "Annex to the works agreement: servicelead",
    },
    "generated": {
        "de": "Erzeugt aus dem laufenden System am {date}. Jede Änderung am Code ändert diese Anlage mit.",
        "en": "Generated from the running system on {date}. Every change to the code changes this annex.",
    },
    "purpose_h": {"de": "1. Zweck", "en": "1. Purpose"},
    "purpose": {
        "de": "servicelead dient dazu, die Kompetenzen zu planen, die Serviceteams brauchen, Lücken und "
        "Kopfmonopole zu erkennen und Qualifizierung zu vereinbaren. Eine Leistungs- oder "
        "Verhaltenskontrolle ist nicht Zweck des Systems; Personen werden nicht nach Stufen, Eignung oder "
        "Geschwindigkeit gereiht.",
        "en": "servicelead serves to plan the competencies service teams need, to find gaps and single "
        "points of knowledge and to agree qualification. Monitoring performance or behaviour is not its "
        "purpose; people are never ranked by level, fit or speed.",
    },
    "fields_h": {"de": "2. Gespeicherte Daten über Personen", "en": "2. Data stored about people"},
    "fields_intro": {
        "de": "Jede Tabelle, die auf eine Person (Mitarbeiter/in oder Login) verweist, mit allen ihren "
        "Feldern, wer sie lesen und ändern darf, und was bei der Anonymisierung geschieht.",
        "en": "Every table that refers to a person (employee or login), with all its fields, who may read "
        "and change it, and what anonymisation does.",
    },
    "table": {"de": "Tabelle", "en": "Table"},
    "relation": {"de": "Bezug zur Person", "en": "Relation to the person"},
    "fields": {"de": "Felder", "en": "Fields"},
    "read": {"de": "Lesen", "en": "Read"},
    "change": {"de": "Ändern", "en": "Change"},
    "anonymised": {"de": "Bei Anonymisierung", "en": "On anonymisation"},
    "rules_h": {"de": "3. Zugriffsregeln", "en": "3. Access rules"},
    "rules_intro": {
        "de": "Die Regeln, die das System bei jedem Zugriff prüft (django-rules); derselbe Satz wird von "
        "der Berechtigungsmatrix der Tests für jede Seite und Schnittstelle geprüft.",
        "en": "The rules the system checks on every access (django-rules); the tests' permission matrix "
        "checks the same set for every page and interface.",
    },
    "permission": {"de": "Recht", "en": "Permission"},
    "who": {"de": "Wer", "en": "Who"},
    "evaluations_h": {"de": "4. Auswertungen", "en": "4. Evaluations"},
    "evaluations_intro": {
        "de": "Mindestgruppengröße: {k} Personen (SERVICELEAD_MIN_GROUP_SIZE). Zahlen über kleinere "
        "Gruppen, und Zahlen, aus denen sich eine kleinere Gruppe errechnen ließe, werden Lesenden nicht "
        "gezeigt, die die Personen selbst nicht sehen dürfen.",
        "en": "Minimum group size: {k} people (SERVICELEAD_MIN_GROUP_SIZE). Figures about smaller groups, "
        "and figures from which a smaller group could be worked out, are not shown to readers who may "
        "not see the people themselves.",
    },
    "evaluation": {"de": "Auswertung", "en": "Evaluation"},
    "grouping": {"de": "Gruppierung", "en": "Grouping"},
    "readers": {"de": "Lesende", "en": "Readers"},
    "retention_h": {"de": "5. Aufbewahrung", "en": "5. Retention"},
    "kind": {"de": "Art", "en": "Kind"},
    "kept": {"de": "Aufbewahrung", "en": "Kept"},
    "purpose_col": {"de": "Zweck", "en": "Purpose"},
    "until_anonymised": {
        "de": "bis zur Anonymisierung nach dem Austritt",
        "en": "until anonymisation after the person leaves",
    },
    "retention_intro": {
        "de": "Der tägliche Aufbewahrungslauf löscht oder leert, was älter ist als die jeweilige Frist, und "
        "protokolliert jeden Lauf. Fristen und Zwecke sind Einstellungen; 0 bedeutet unbegrenzt.",
        "en": "The daily retention run deletes or blanks what is older than each period and records every "
        "run in the audit. Periods and purposes are settings; 0 means without limit.",
    },
    "audit_h": {"de": "6. Protokoll der Zugriffe", "en": "6. Audit of reads"},
    "audit": {
        "de": "Jedes Lesen individueller Stufen durch eine andere Person als die betroffene wird "
        "protokolliert (wer, wann, was, über wen). Die betroffene Person sieht ihr Protokoll unter "
        "„Wer hat meine Daten gelesen“. Protokollierte Arten:",
        "en": "Every read of individual levels by someone other than the person concerned is recorded "
        "(who, when, what, about whom). The person concerned sees it under “Who read my data”. Kinds "
        "recorded:",
    },
    "interfaces_h": {"de": "7. Schnittstellen", "en": "7. Interfaces"},
    "api": {
        "de": "REST-API unter /api/v1/ mit denselben Rechten wie die Seiten. Endpunkte:",
        "en": "REST API under /api/v1/ with the same rules as the pages. Endpoints:",
    },
    "exports": {
        "de": "Exporte: Kompetenzmatrix (Personalabteilung), Qualifizierungspläne (Personalabteilung), "
        "Dispositionsexport nur bestätigter Stufen (Teamleitung, Personalabteilung), eigene Daten "
        "(jede Person für sich).",
        "en": "Exports: competency matrix (HR), qualification plans (HR), dispatch export of confirmed "
        "levels only (team lead, HR), one's own data (each person for themselves).",
    },
    "sso_local": {
        "de": "Anmeldung: lokale Konten mit Passwort; die Anmeldung über den Verzeichnisdienst (LDAP) ist "
        "nicht eingerichtet.",
        "en": "Sign-in: local accounts with a password; sign-in through the directory (LDAP) is not set up.",
    },
    "sso_ldap": {
        "de": "Anmeldung über den Verzeichnisdienst (LDAP, {uri}): Name, E-Mail und Rollen werden bei jeder "
        "Anmeldung aus dem Verzeichnis übernommen; wer das Verzeichnis verlässt, wird spätestens nach "
        "{seconds} Sekunden abgemeldet. Lokale Passwörter: {local}.",
        "en": "Sign-in through the directory (LDAP, {uri}): name, e-mail and roles are taken from the "
        "directory at every sign-in; whoever leaves the directory is signed out within {seconds} seconds. "
        "Local passwords: {local}.",
    },
    "sso_oidc": {
        "de": "Anmeldung über OpenID Connect ({name}): Name, E-Mail und Rollen werden bei jeder Anmeldung "
        "aus den Angaben des Anbieters übernommen; die Abmeldung beendet auch die Sitzung beim Anbieter.",
        "en": "Sign-in through OpenID Connect ({name}): name, e-mail and roles are taken from the provider's "
        "claims at every sign-in; signing out ends the session at the provider too.",
    },
    "local_on": {"de": "erlaubt", "en": "allowed"},
    "local_off": {"de": "nur Notfallkonten", "en": "break-glass accounts only"},
    "days": {"de": "{n} Tage", "en": "{n} days"},
    "forever": {"de": "unbegrenzt", "en": "without limit"},
    "hours": {"de": "{n} Stunden", "en": "{n} hours"},
}

# Who a rule's predicate names, in plain words.
PREDICATES: dict[str, dict[str, str]] = {
    "is_hr_or_admin": {"de": "Personalabteilung und Administration", "en": "HR and administrators"},
    "has_hr_or_admin_role": {"de": "Personalabteilung und Administration", "en": "HR and administrators"},
    "leads_employee": {
        "de": "Teamleitungen der Person (und Leitungen der Abteilungen darüber)",
        "en": "the person's team leads (and the leads of departments above)",
    },
    "is_self": {"de": "die Person selbst", "en": "the person themselves"},
    "leads_team": {
        "de": "Leitungen des Teams oder einer Abteilung darüber",
        "en": "leads of the team or of a department above",
    },
    "is_member": {"de": "Mitglieder des Teams (nur Summen)", "en": "members of the team (totals only)"},
    "is_plan_employee": {"de": "die Person des Plans", "en": "the plan's employee"},
    "leads_plan_employee": {"de": "Teamleitungen dieser Person", "en": "that person's team leads"},
    "is_authenticated": {"de": "alle Angemeldeten", "en": "everyone signed in"},
}
WORDS = {
    "or": {"de": "oder", "en": "or"},
    "and": {"de": "und", "en": "and"},
    "not": {"de": "nicht", "en": "not"},
}

# Who reads and changes each table about people: the permission that guards it (section 3), or a fixed
# statement where no rule object exists (the person's own settings, the audit).
ACCESS: dict[str, tuple[str, str]] = {
    "competencies.Employee": ("competencies.view_employee_levels", "competencies.edit_catalogue"),
    "auth.User": ("self_admin", "self_admin"),
    "competencies.Interest": ("competencies.view_employee_levels", "self"),
    "competencies.Assessment": ("competencies.view_employee_levels", "competencies.confirm_assessment"),
    "competencies.SelfAssessmentDraft": ("self", "self"),
    "competencies.EvidenceFile": ("competencies.view_employee_levels", "competencies.confirm_assessment"),
    "competencies.CertificateNotice": ("competencies.view_employee_levels", "system"),
    "competencies.AuditEntry": ("self_admin", "system"),
    "competencies.AccountSettings": ("self", "self"),
    "competencies.Notification": ("self", "system"),
    "competencies.NotificationPreference": ("self", "self"),
    "competencies.CompetencyProposal": ("competencies.edit_catalogue", "competencies.edit_catalogue"),
    "competencies.CompetencyMerge": ("competencies.edit_catalogue", "competencies.edit_catalogue"),
    "teams.Membership": ("teams.view_team", "teams.view_organisation"),
    "teams.Team": ("teams.view_team", "teams.view_organisation"),
    "teams.Campaign": ("teams.view_team", "teams.manage_team"),
    "teams.MatrixColumns": ("self", "self"),
    "teams.StaffingRequest": ("teams.manage_team", "teams.manage_team"),
    "teams.StaffingRequestEvent": ("teams.manage_team", "teams.manage_team"),
    "qualification.QualificationPlan": ("qualification.view_plan", "qualification.manage_plan"),
    "qualification.PlanItem": ("qualification.view_plan", "qualification.manage_plan"),
    "qualification.PlanComment": ("qualification.view_plan", "qualification.view_plan"),
    "jobs.Job": ("self_admin", "self"),
    "operations.DutyEntry": ("teams.view_team_levels", "teams.view_organisation"),
}
FIXED = {
    "self": {"de": "die Person selbst", "en": "the person themselves"},
    "self_admin": {"de": "die Person selbst; Administration", "en": "the person themselves; administrators"},
    "system": {"de": "nur das System", "en": "the system only"},
}


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def _t(key: str, language: str, **values: Any) -> str:
    return TEXT[key][language].format(**values)


def who(permission: str, language: str) -> str:
    """A permission's rule in plain words: its predicates' names replaced, | and & and ~ as words."""
    if permission in FIXED:
        return FIXED[permission][language]
    expression = rules.permissions.permissions[permission].name
    for name, text in sorted(PREDICATES.items(), key=lambda item: -len(item[0])):
        expression = expression.replace(name, text[language])
    expression = expression.replace("(", "").replace(")", "")
    return (
        expression.replace(" | ", f" {WORDS['or'][language]} ")
        .replace(" & ", f" {WORDS['and'][language]} ")
        .replace("~", f"{WORDS['not'][language]} ")
    )


def described_relations() -> dict[str, dict[str, Any]]:
    """Every declared field that refers to a person (the privacy registry)."""
    return privacy.privacy_coverage()


def _field_list(model: Any) -> str:
    return ", ".join(
        f"{f.verbose_name} ({f.name})"
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many) and not f.auto_created
    )


def _data_section(language: str) -> Section:
    section = Section(
        _t("fields_h", language),
        [_t("fields_intro", language)],
        [_t("table", language), _t("relation", language), _t("fields", language), _t("read", language),
         _t("change", language), _t("anonymised", language)],
    )  # fmt: skip
    by_model: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    for relation, coverage in sorted(described_relations().items()):
        label, name = relation.rsplit(".", 1)
        by_model.setdefault(label, []).append(name)
        notes.setdefault(label, []).append(f"{name}: {coverage['anonymised']}")
    by_model.setdefault(Employee._meta.label, [])
    for label in sorted(by_model):
        model = apps.get_model(label)
        read, change = ACCESS.get(label, ("system", "system"))
        section.rows.append(
            [
                f"{model._meta.verbose_name} ({label})",
                ", ".join(by_model[label]) or "—",
                _field_list(model),
                who(read, language),
                who(change, language),
                "; ".join(notes.get(label, [])) or "—",
            ]
        )
    return section


def _rules_section(language: str) -> Section:
    section = Section(
        _t("rules_h", language),
        [_t("rules_intro", language)],
        [_t("permission", language), _t("who", language)],
    )
    for name in sorted(rules.permissions.permissions):
        section.rows.append([name, who(name, language)])
    return section


EVALUATIONS: list[dict[str, dict[str, str]]] = [
    {
        "name": {"de": "Lückenanalyse eines Teams", "en": "Gap analysis of a team"},
        "grouping": {"de": "Team, je Anforderung", "en": "Team, per requirement"},
        "readers": {
            "de": "Teamleitungen, Personalabteilung (mit Namen); Mitglieder (nur Summen des eigenen Teams)",
            "en": "team leads, HR (with names); members (their own team's totals only)",
        },
    },
    {
        "name": {"de": "Abteilungsübersicht", "en": "Department roll-up"},
        "grouping": {"de": "Abteilung und Teams darunter", "en": "Department and the teams below"},
        "readers": {
            "de": "Abteilungsleitung, Personalabteilung; Mitglieder der Abteilung nur oberhalb der "
            "Mindestgruppengröße, ohne Rückrechnung",
            "en": "department head, HR; members of the department only above the minimum group size, "
            "without subtraction",
        },
    },
    {
        "name": {"de": "Organisationsübersicht", "en": "Organisation overview"},
        "grouping": {"de": "Teams × Kategorien", "en": "Teams × categories"},
        "readers": {"de": "Personalabteilung, Administration", "en": "HR, administrators"},
    },
    {
        "name": {"de": "Besetzungsvorschläge", "en": "Staffing hints"},
        "grouping": {
            "de": "Personen außerhalb des Teams mit einer Stufe; für Teamleitungen nur eine Anzahl "
            "oberhalb der Mindestgruppengröße",
            "en": "people outside the team holding a level; for team leads only a count above the "
            "minimum group size",
        },
        "readers": {
            "de": "Teamleitungen (Anzahl), Abteilungsleitung und Personalabteilung (Namen)",
            "en": "team leads (count), department head and HR (names)",
        },
    },
    {
        "name": {"de": "Verlauf und Prognose der Abdeckung", "en": "Coverage trend and forecast"},
        "grouping": {"de": "Team, je Monat", "en": "Team, per month"},
        "readers": {"de": "wie die Lückenanalyse", "en": "as the gap analysis"},
    },
    {
        "name": {"de": "Kalibrierung der Selbsteinschätzungen", "en": "Calibration of self-assessments"},
        "grouping": {"de": "Team", "en": "Team"},
        "readers": {"de": "Teamleitungen, Personalabteilung", "en": "team leads, HR"},
    },
    {
        "name": {"de": "Abdeckung im Dienst (acht Wochen)", "en": "Coverage on duty (eight weeks)"},
        "grouping": {"de": "Team, je Tag", "en": "Team, per day"},
        "readers": {"de": "Teamleitungen, Personalabteilung", "en": "team leads, HR"},
    },
]


def _evaluations_section(language: str) -> Section:
    section = Section(
        _t("evaluations_h", language),
        [_t("evaluations_intro", language, k=min_group_size())],
        [_t("evaluation", language), _t("grouping", language), _t("readers", language)],
    )
    for evaluation in EVALUATIONS:
        section.rows.append([evaluation[key][language] for key in ("name", "grouping", "readers")])
    return section


def _retention_section(language: str) -> Section:
    """Every kind of personal data with its purpose, how long it is kept and the setting that says so
    (competencies.data_kinds: the same declarations the retention jobs enforce)."""
    section = Section(
        _t("retention_h", language),
        [_t("retention_intro", language)],
        [_t("kind", language), _t("purpose_col", language), _t("kept", language)],
    )
    for kind in data_kinds.kinds():
        period = kind.period()
        if period is None:
            kept = _t("until_anonymised", language)
        elif period == 0:
            kept = _t("forever", language) + f" ({kind.setting}=0)"
        else:
            kept = _t(kind.unit, language, n=period) + f" ({kind.setting})"
        section.rows.append([str(kind.label), kind.purpose_text(), kept])
    return section


def _audit_section(language: str) -> Section:
    with translation.override(language):
        kinds = ", ".join(str(label) for _value, label in AuditEntry.Read.choices)
    return Section(_t("audit_h", language), [_t("audit", language), kinds])


def _interfaces_section(language: str) -> Section:
    from django.urls import get_resolver

    resolver = get_resolver()
    api = sorted(
        f"{namespace}:{name}"
        for namespace, (_prefix, sub) in resolver.namespace_dict.items()
        if namespace == "api"
        for name in sub.reverse_dict
        if isinstance(name, str)
    )
    if settings.SERVICELEAD_LDAP_URI:
        local = "local_on" if settings.SERVICELEAD_LOCAL_PASSWORDS else "local_off"
        sign_in = _t(
            "sso_ldap",
            language,
            uri=settings.SERVICELEAD_LDAP_URI,
            seconds=settings.SERVICELEAD_LDAP_RECHECK_SECONDS,
            local=_t(local, language),
        )
    else:
        sign_in = _t("sso_local", language)
    if settings.SERVICELEAD_OIDC_CLIENT_ID:
        sign_in += " " + _t("sso_oidc", language, name=settings.SERVICELEAD_OIDC_NAME or "OpenID Connect")
    return Section(
        _t("interfaces_h", language), [_t("api", language), ", ".join(api), _t("exports", language), sign_in]
    )


def annex_document(language: str) -> tuple[str, list[Section]]:
    """(title, sections) of the annex in ``language`` ("de" or "en"); ValueError for another."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}: use one of {', '.join(LANGUAGES)}.")
    with translation.override(language):
        sections = [
            Section(_t("purpose_h", language), [_t("purpose", language)]),
            _data_section(language),
            _rules_section(language),
            _evaluations_section(language),
            _retention_section(language),
            _audit_section(language),
            _interfaces_section(language),
        ]
    title = _t("title", language)
    sections[0].paragraphs.insert(0, _t("generated", language, date=timezone.localdate().isoformat()))
    return title, sections


def render_md(title: str, sections: list[Section]) -> bytes:
    lines = [f"# {title}", ""]
    for section in sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        if section.header:
            lines.append("| " + " | ".join(section.header) + " |")
            lines.append("|" + "---|" * len(section.header))
            for row in section.rows:
                lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
            lines.append("")
    return "\n".join(lines).encode("utf-8")


def render_docx(title: str, sections: list[Section]) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.add_heading(title, level=0)
    for section in sections:
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.header:
            table = document.add_table(rows=1, cols=len(section.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, section.header, strict=True):
                cell.text = text
            for row in section.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(8)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def render_pdf(title: str, sections: list[Section]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    stream = io.BytesIO()
    page = landscape(A4)
    margin = 12 * mm
    document = SimpleDocTemplate(
        stream, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=title,
    )  # fmt: skip
    story: list[Any] = [Paragraph(escape(title), styles["Title"])]
    width = page[0] - 24 * mm
    for section in sections:
        story.append(Paragraph(escape(section.heading), styles["Heading2"]))
        for paragraph in section.paragraphs:
            story.append(Paragraph(escape(paragraph), styles["BodyText"]))
            story.append(Spacer(1, 2 * mm))
        if section.header:
            data = [[Paragraph(f"<b>{escape(h)}</b>", small) for h in section.header]]
            data += [[Paragraph(escape(cell), small) for cell in row] for row in section.rows]
            columns = len(section.header)
            widths = [width / columns] * columns
            if columns == 6:  # the data table: the field list is the long one
                widths = [width * w for w in (0.14, 0.1, 0.34, 0.14, 0.12, 0.16)]
            table = LongTable(data, colWidths=widths, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.95)),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
    document.build(story)
    return stream.getvalue()


RENDERERS = {"md": render_md, "docx": render_docx, "pdf": render_pdf}
CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def annex(*, language: str, fmt: str) -> bytes:
    """The annex as a file: ValueError naming the choices for an unknown language or format."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    title, sections = annex_document(language)
    return RENDERERS[fmt](title, sections)


def people_models() -> set[str]:
    """Labels of every model with a field that refers to an employee or a login (for the test that the
    annex describes them all)."""
    people = {Employee, get_user_model()}
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:  # the same table as its concrete model
            continue
        for f in model._meta.get_fields():
            if (
                f.is_relation
                and not f.auto_created
                and f.related_model in people
                and (f.concrete or f.many_to_many)
            ):
                found.add(model._meta.label)
    return found
