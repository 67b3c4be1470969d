"""Technical systems, their needs, installed base, tickets and duty rosters (docs/service-operations.md)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from competencies.models import MAX_SCALE_LEVEL, Competency, Employee
from teams.models import Team


class System(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=150, blank=True)
    generation = models.CharField(_("generation"), max_length=60, blank=True)
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    end_of_life = models.DateField(_("end of life"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent system"),
    )

    class Meta:
        verbose_name = _("technical system")
        verbose_name_plural = _("technical systems")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="system_not_own_parent"),
            models.CheckConstraint(
                condition=Q(end_of_life__isnull=True)
                | Q(launch_date__isnull=True)
                | Q(end_of_life__gte=F("launch_date")),
                name="system_end_of_life_after_launch",
            ),
        ]

    def __str__(self):
        return self.name


class Region(models.Model):
    """A name under which ticket and field-service systems know a team's area (a sales region, a postcode
    area, a district): the importers read a region in the team column as its team."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="regions", verbose_name=_("team"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} → {self.team}"


class SystemNeed(models.Model):
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="needs", verbose_name=_("system")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="system_needs", verbose_name=_("competency")
    )
    required_level = models.PositiveSmallIntegerField(_("required level"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("system need")
        verbose_name_plural = _("system needs")
        ordering = ["system", "competency"]
        constraints = [
            models.UniqueConstraint(fields=["system", "competency"], name="system_need_unique"),
            models.CheckConstraint(
                condition=Q(required_level__gte=1) & Q(required_level__lte=MAX_SCALE_LEVEL),
                name="system_need_level_range",
            ),
        ]

    def __str__(self):
        return f"{self.system} · {self.competency} ≥ {self.required_level}"


class InstalledBase(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="installed_base", verbose_name=_("team")
    )
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="installed_base", verbose_name=_("system")
    )
    on = models.DateField(_("counted on"))
    units = models.PositiveIntegerField(_("units"))

    class Meta:
        verbose_name = _("installed base")
        verbose_name_plural = _("installed base")
        ordering = ["team", "system", "on"]
        constraints = [
            models.UniqueConstraint(fields=["team", "system", "on"], name="installed_base_unique"),
        ]

    def __str__(self):
        return f"{self.team} · {self.system}: {self.units} ({self.on.isoformat()})"


class Ticket(models.Model):
    """One imported ticket or work order; its needed competencies are TicketNeed rows."""

    on = models.DateField(_("date"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="tickets", verbose_name=_("team"))
    system = models.ForeignKey(
        System,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("system"),
    )
    work_type = models.CharField(_("work type"), max_length=100, blank=True)
    duration = models.FloatField(_("duration (hours)"))
    outside_hours = models.BooleanField(_("outside office hours"), default=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [models.Index(fields=["team", "on"], name="ticket_team_date_idx")]

    def __str__(self):
        return f"{self.on.isoformat()} {self.team} {self.system or ''}"


class TicketNeed(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="needs")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    required_level = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"{self.competency_id} ≥ {self.required_level}"


class DutyEntry(models.Model):
    ABSENT = "absent"
    ON_CALL = "on_call"
    SHIFT = "shift"
    KINDS = [(ABSENT, _("absent")), (ON_CALL, _("on call")), (SHIFT, _("shift"))]

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="duty_entries", verbose_name=_("employee")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        verbose_name = _("duty entry")
        verbose_name_plural = _("duty entries")
        ordering = ["employee", "start", "id"]
        indexes = [models.Index(fields=["employee", "start", "end"], name="duty_employee_dates_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="duty_end_after_start"),
        ]

    def __str__(self):
        return f"{self.employee} {self.kind} {self.start.isoformat()}–{self.end.isoformat()}"
