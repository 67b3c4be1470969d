"""Catalogue (scales, categories, competencies, role profiles) and people with their assessments."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

# Every scale lives within 0..MAX_SCALE_LEVEL; the database enforces this bound on every stored level,
# services enforce the tighter bound of the competency's own scale before writing.
MAX_SCALE_LEVEL = 10


class Scale(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ScaleLevel(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(_("level"))
    label = models.CharField(_("label"), max_length=100)
    descriptor = models.TextField(_("behavioural descriptor"), blank=True)

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="scalelevel_unique_value"),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=MAX_SCALE_LEVEL), name="scalelevel_value_range"
            ),
        ]

    def __str__(self):
        return f"{self.value} · {self.label}"


class Category(models.Model):
    class Family(models.TextChoices):
        TECHNICAL = "technical", _("Technical systems")
        PEOPLE = "people", _("Customer & people")
        INTERPLAY = "interplay", _("Human–technology interplay")
        METHODS = "methods", _("Methods & organisation")

    name = models.CharField(_("name"), max_length=120, unique=True)
    family = models.CharField(_("family"), max_length=20, choices=Family.choices)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("competency category")
        verbose_name_plural = _("competency categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Competency(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="competencies", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    scale = models.ForeignKey(
        Scale, on_delete=models.PROTECT, related_name="competencies", verbose_name=_("scale")
    )
    requires_certificate = models.BooleanField(_("requires certificate"), default=False)
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"), null=True, blank=True
    )
    # Governance (#15): a retired competency is offered for no new rating or requirement; its history stays.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    # ESCO (#15): the skill's concept URI and the ESCO version its labels were last taken from.
    esco_uri = models.CharField(_("ESCO concept URI"), max_length=255, blank=True, db_index=True)
    esco_version = models.CharField(_("ESCO version"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["category__position", "category__name", "name"]
        constraints = [
            # "Use CAD" and "use cad" are one competency to every reader and to the importer.
            models.UniqueConstraint(
                "category",
                Lower("name"),
                name="competency_unique_in_category_ci",
                violation_error_message=_("This category has a competency of this name already."),
            ),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gte=1),
                name="competency_validity_positive",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_retired(self):
        return self.retired_at is not None


class CompetencyMerge(models.Model):
    """Duplicate ``source`` merged into ``target``: what moved (``moved``: model label → row ids) and what
    was removed because ``target`` had it already (``removed``: serialised rows), so that the merge can be
    undone until HR confirms it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Merged, not yet confirmed")
        CONFIRMED = "confirmed", _("Confirmed")
        UNDONE = "undone", _("Undone")

    source = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="merges_out", verbose_name=_("duplicate")
    )
    target = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="merges_in", verbose_name=_("kept competency")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moved = models.JSONField(_("moved rows"), default=dict, blank=True)
    removed = models.JSONField(_("removed rows"), default=dict, blank=True)
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    decided_at = models.DateTimeField(_("confirmed or undone at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or undone by"),
    )

    class Meta:
        verbose_name = _("competency merge")
        verbose_name_plural = _("competency merges")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.source_id} → {self.target_id} ({self.status})"


class CompetencyProposal(models.Model):
    """A competency an employee or lead asks HR to add to the catalogue, and HR's decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged into an existing competency")
        DECLINED = "declined", _("Declined")

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    justification = models.TextField(_("justification"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    competency = models.ForeignKey(
        Competency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("resulting competency"),
    )
    reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("competency proposal")
        verbose_name_plural = _("competency proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="proposal_status_idx")]

    def __str__(self):
        return self.name


class EscoSkill(models.Model):
    """One skill of an ESCO skills file, kept for HR to search and adopt (staging, not the catalogue).

    ``labels`` / ``alt_labels`` / ``descriptions``: language → text (alternative labels: a list).
    ``search_text``: every label and alternative label of every language, lower-cased and stripped of
    accents, so that a search is one indexed-column LIKE."""

    uri = models.CharField(_("concept URI"), max_length=255, unique=True)
    version = models.CharField(_("ESCO version"), max_length=30, blank=True)
    skill_type = models.CharField(_("skill type"), max_length=100, blank=True)
    reuse_level = models.CharField(_("reuse level"), max_length=100, blank=True)
    labels = models.JSONField(_("preferred labels"), default=dict)
    alt_labels = models.JSONField(_("alternative labels"), default=dict, blank=True)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    search_text = models.TextField(_("search text"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("ESCO skill")
        verbose_name_plural = _("ESCO skills")
        ordering = ["uri"]

    def __str__(self):
        return self.uri


class RoleProfile(models.Model):
    """A job profile (Stellenprofil): catalogue data kept by HR, referenced by employees."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("role profile")
        verbose_name_plural = _("role profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name


class RoleRequirement(models.Model):
    role_profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="role_requirements",
        verbose_name=_("competency"),
    )
    target_level = models.PositiveSmallIntegerField(_("target level"))

    class Meta:
        verbose_name = _("role requirement")
        verbose_name_plural = _("role requirements")
        ordering = ["role_profile", "competency_id"]
        constraints = [
            models.UniqueConstraint(fields=["role_profile", "competency"], name="rolerequirement_unique"),
            models.CheckConstraint(
                condition=Q(target_level__gte=1, target_level__lte=MAX_SCALE_LEVEL),
                name="rolerequirement_target_range",
            ),
        ]

    def __str__(self):
        return f"{self.competency} ≥ {self.target_level}"


class Employee(models.Model):
    personnel_no = models.CharField(_("personnel number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("login"),
    )
    role_profile = models.ForeignKey(
        RoleProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("role profile"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    interests = models.ManyToManyField(
        Competency,
        through="Interest",
        related_name="interested_employees",
        blank=True,
        verbose_name=_("development interests"),
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(is_active=False),
                name="employee_left_is_inactive",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.personnel_no})"


class AccountSettings(models.Model):
    """What a login chose for itself and keeps from device to device: the interface language (empty: the
    browser's). Written when the person switches language while signed in, applied when they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="servicelead_settings",
        verbose_name=_("login"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")

    def __str__(self):
        return f"{self.user} · {self.language or '-'}"


class Interest(models.Model):
    """A competency an employee wants to grow in, optionally with the level they aim for."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="interest_set")
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="interest_set",
        verbose_name=_("competency"),
    )
    target_level = models.PositiveSmallIntegerField(_("target level"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("development interest")
        verbose_name_plural = _("development interests")
        constraints = [
            models.UniqueConstraint(fields=["employee", "competency"], name="interest_unique"),
            models.CheckConstraint(
                condition=Q(target_level__isnull=True)
                | Q(target_level__gte=1, target_level__lte=MAX_SCALE_LEVEL),
                name="interest_target_range",
            ),
        ]

    def __str__(self):
        return f"{self.employee} → {self.competency}"


class Assessment(models.Model):
    """One rating of one competency. Append-only: a correction is a new row."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-assessment")
        MANAGER = "manager", _("Manager")
        CERTIFICATE = "certificate", _("Certificate")
        IMPORT = "import", _("Import")

    CONFIRMED_SOURCES = (Source.MANAGER, Source.CERTIFICATE, Source.IMPORT)

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("employee")
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    # The scale the level was given on, kept as recorded: a later change of the competency's scale (or a
    # merge into a competency on another scale) never rewrites what a past level meant.
    scale = models.ForeignKey(
        Scale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scale"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["employee_id", "competency_id", "assessed_on", "id"]
        indexes = [
            models.Index(fields=["employee", "competency", "assessed_on"], name="assessment_lookup_idx"),
            # Each pair's assessments in the order of the effective-level rule (confirmed first, then the
            # latest, then the later row), with what the rule returns: PostgreSQL reads a whole
            # organisation's effective levels off it with DISTINCT ON, without sorting (selectors).
            models.Index(
                F("employee"),
                F("competency"),
                Case(When(source="self", then=Value(0)), default=Value(1)).desc(),
                F("assessed_on").desc(),
                F("id").desc(),
                include=["level", "valid_until", "source"],
                name="assessment_effective_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=MAX_SCALE_LEVEL), name="assessment_level_range"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("assessed_on")),
                name="assessment_valid_after_assessed",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["self", "manager", "certificate", "import"]),
                name="assessment_source_known",
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.competency} = {self.level} ({self.source})"

    def save(self, *args, **kwargs):
        # History is append-only; refusing in-place updates here keeps admin and shell honest too.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Assessments are append-only; record a new assessment instead.")
        super().save(*args, **kwargs)


class SelfAssessmentDraft(models.Model):
    """An employee's unsubmitted self-assessment, kept between visits; submitting clears it.

    ``rows`` maps a competency id (as text) to ``{"level", "note", "grow", "target"}``; ``added`` lists the
    competencies the person added beyond those their role profile and teams require."""

    employee = models.OneToOneField(
        Employee,
        on_delete=models.CASCADE,
        related_name="self_assessment_draft",
        verbose_name=_("employee"),
    )
    rows = models.JSONField(_("draft rows"), default=dict, blank=True)
    added = models.JSONField(_("added competencies"), default=list, blank=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("self-assessment draft")
        verbose_name_plural = _("self-assessment drafts")

    def __str__(self):
        return f"{self.employee} · {self.updated_at:%Y-%m-%d %H:%M}"


def evidence_upload_to(instance, filename):
    # A random name: the person's name or the certificate number never appear in a path or URL.
    suffix = Path(filename).suffix.lower()[:8]
    return f"evidence/{instance.employee_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """A scanned certificate or similar proof attached to a certificate assessment.

    Stored under MEDIA_ROOT with a random name and served only through a permission-checked view."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="evidence_files", verbose_name=_("employee")
    )
    # No database constraint and no cascade: bulk deletes of assessments (demo reset, 3M rows) stay
    # fast deletes; the employee foreign key removes evidence together with the person.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="evidence_files",
        verbose_name=_("assessment"),
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["employee_id", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class CertificateNotice(models.Model):
    """A warning sent before a certificate expires: one per certificate and lead time, so the daily job
    can run twice, or catch up after a missed day, without sending a warning again."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="certificate_notices", verbose_name=_("employee")
    )
    # See EvidenceFile.assessment for why there is no constraint.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate expiry notice")
        verbose_name_plural = _("certificate expiry notices")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "days_before"], name="certificatenotice_unique"),
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.days_before}"


class AuditEntry(models.Model):
    """Who did what to whose competency record, when, with the state before and after. Written by the
    services; append-only like the assessments (anonymisation blanks the personal parts)."""

    class Action(models.TextChoices):
        SELF_ASSESSED = "self_assessed", _("Self-assessed a level")
        SELF_SUBMITTED = "self_submitted", _("Submitted the self-assessment")
        CONFIRMED = "confirmed", _("Confirmed a level")
        ADJUSTED = "adjusted", _("Adjusted a level")
        DISCUSSION = "discussion", _("Marked for discussion")
        CERTIFICATE = "certificate", _("Recorded a certificate")
        INTEREST = "interest", _("Changed a development interest")
        EXPORTED = "exported", _("Downloaded the personal data")
        ANONYMISED = "anonymised", _("Anonymised the person")
        VIEWED = "viewed", _("Viewed individual levels")
        NOTES_PURGED = "notes_purged", _("Removed personal notes past their retention")
        DATA_PURGED = "data_purged", _("Deleted data past its retention")
        RETIRED = "retired", _("Retired a competency")
        REINSTATED = "reinstated", _("Reinstated a competency")
        MERGED = "merged", _("Merged a duplicate competency")
        MERGE_UNDONE = "merge_undone", _("Undid a competency merge")
        MERGE_CONFIRMED = "merge_confirmed", _("Confirmed a competency merge")

    class Read(models.TextChoices):
        """What a ``VIEWED`` entry records as read: a person's page, or a team's (team in ``after``)."""

        PROFILE = "profile", _("Profile")
        REVIEW = "review", _("Review page")
        EVIDENCE = "evidence", _("Evidence file")
        PLAN = "plan", _("Qualification plan")
        TEAM_DASHBOARD = "team_dashboard", _("Team dashboard")
        STAFFING_HINTS = "staffing_hints", _("Staffing hints")
        TEAM_REVIEW = "team_review", _("Team review queue")
        CALIBRATION = "calibration", _("Calibration list")
        PLAN_EXPORT = "plan_export", _("Plan export")
        API = "api", _("REST API")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # The login name at the time, so the entry stays readable after the login is deleted.
    actor_name = models.CharField(_("who (login)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    employee = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("employee"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competency"),
    )
    # See EvidenceFile.assessment for why there is no constraint.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment"),
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    what = models.CharField(_("what was read"), max_length=20, choices=Read.choices, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["employee", "action", "created_at"], name="auditentry_employee_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class NotificationPreference(models.Model):
    """How a login wants each kind of notification (competencies.todos kinds) by e-mail, and in which
    language its mails are written."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        OFF = "off", _("Off")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("login"),
    )
    language = models.CharField(_("language of e-mails"), max_length=10, choices=settings.LANGUAGES)
    # Kind name → Mode; a kind not named here is sent with DEFAULT_MODE.
    modes = models.JSONField(_("e-mail per kind"), default=dict, blank=True)

    DEFAULT_MODE = Mode.DAILY

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, self.DEFAULT_MODE)


class Notification(models.Model):
    """One event for one person (append-only history): what it was (``kind``, ``params``), where it is
    done (``url``), whether it was read in the app and when it was e-mailed. ``key`` names the event, so
    the same event never reaches the same person twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("event"), max_length=200)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500)
    # The e-mail mode chosen when the event happened: "off" is never mailed, "daily" waits for the digest.
    delivery = models.CharField(_("e-mail"), max_length=10, choices=NotificationPreference.Mode.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.recipient} · {self.key}"
