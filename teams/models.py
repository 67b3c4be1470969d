"""Teams as a department → team tree, memberships over time and team requirements."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from competencies.models import MAX_SCALE_LEVEL, Competency, Employee


class Team(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent (department)"),
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_teams", verbose_name=_("leads")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="team_not_own_parent"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("employee")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["team", "start", "id"]
        indexes = [models.Index(fields=["team", "start", "end"], name="membership_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.employee} in {self.team}"


class TeamRequirement(models.Model):
    class Weight(models.IntegerChoices):
        USEFUL = 1, _("useful")
        IMPORTANT = 2, _("important")
        CRITICAL = 3, _("critical")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("team")
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="team_requirements",
        verbose_name=_("competency"),
    )
    required_level = models.PositiveSmallIntegerField(_("required level"))
    min_people = models.PositiveSmallIntegerField(_("minimum people"), default=1)
    weight = models.PositiveSmallIntegerField(_("weight"), choices=Weight.choices, default=Weight.IMPORTANT)

    class Meta:
        verbose_name = _("team requirement")
        verbose_name_plural = _("team requirements")
        ordering = ["team", "competency_id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "competency"], name="teamrequirement_unique"),
            models.CheckConstraint(
                condition=Q(required_level__gte=1, required_level__lte=MAX_SCALE_LEVEL),
                name="teamrequirement_level_range",
            ),
            models.CheckConstraint(condition=Q(min_people__gte=1), name="teamrequirement_min_people"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=3), name="teamrequirement_weight_range"
            ),
        ]

    def __str__(self):
        return f"{self.team}: {self.competency} ≥ {self.required_level} × {self.min_people}"


class Campaign(models.Model):
    """An assessment round: the members of ``teams`` are asked to submit their self-assessment between
    ``opens_on`` and ``deadline``; reminders go out before the deadline."""

    name = models.CharField(_("name"), max_length=150)
    teams = models.ManyToManyField(Team, related_name="campaigns", verbose_name=_("teams"))
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to the participants"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Lead times (days before the deadline) whose reminder has gone out; the daily job sends each once.
    reminders_sent = models.JSONField(_("reminders sent"), default=list, blank=True)

    class Meta:
        verbose_name = _("assessment campaign")
        verbose_name_plural = _("assessment campaigns")
        ordering = ["-deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")), name="campaign_deadline_after_opening"
            ),
        ]

    def __str__(self):
        return self.name


class StaffingRequest(models.Model):
    """A lead asks who elsewhere could help with a gap: people holding ``competency`` at
    ``required_level`` or higher. The lead sees only a count (under the privacy threshold); the request
    reaches the leads of ``addressed_to`` (the nearest department above the team that has leads), or HR
    when there is none, who see names and answer. What happens to it is appended as events."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="staffing_requests", verbose_name=_("team")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    required_level = models.PositiveSmallIntegerField(_("level or higher"))
    message = models.TextField(_("message"), blank=True, max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    addressed_to = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staffing_requests_received",
        verbose_name=_("addressed to (department)"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("staffing request")
        verbose_name_plural = _("staffing requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.team}: {self.competency} ≥ {self.required_level}"


class StaffingRequestEvent(models.Model):
    """What happened to a staffing request, append-only: answered (by a recipient), closed (by the
    requesting team's lead once read)."""

    class Kind(models.TextChoices):
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    request = models.ForeignKey(
        StaffingRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("answer"), blank=True, max_length=4000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("staffing request event")
        verbose_name_plural = _("staffing request events")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="staffing_request_event_once"),
        ]

    def __str__(self):
        return f"{self.request}: {self.kind}"


class MatrixColumns(models.Model):
    """The competencies a user wants to see as columns of a team's matrix (teams/matrix.py); without a row,
    every required competency is a column."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    competencies = models.ManyToManyField(Competency, related_name="+", verbose_name=_("competencies"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("matrix columns")
        verbose_name_plural = _("matrix columns")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="matrixcolumns_unique")]

    def __str__(self):
        return f"{self.user} · {self.team}"
