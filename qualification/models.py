"""Measure catalogue and qualification plans with their items."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from competencies.models import MAX_SCALE_LEVEL, Competency, Employee
from teams.models import Team

PERIOD_PATTERN = r"^[0-9]{4}-Q[1-4]$"
period_validator = RegexValidator(PERIOD_PATTERN, _("Enter a period such as 2027-Q1."))


class Measure(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        ELEARNING = "elearning", _("E-learning")
        CERTIFICATION = "certification", _("Certification")
        MENTORING = "mentoring", _("Mentoring")
        ON_THE_JOB = "on_the_job", _("On-the-job training")
        JOB_ROTATION = "job_rotation", _("Job rotation")

    title = models.CharField(_("title"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=6, decimal_places=1)
    cost = models.DecimalField(_("cost (EUR)"), max_digits=10, decimal_places=2, default=0)
    provider = models.CharField(_("provider"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    competencies = models.ManyToManyField(
        Competency,
        through="MeasureCompetency",
        related_name="measures",
        verbose_name=_("competencies developed"),
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_hours__gte=0), name="measure_hours_positive"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="measure_cost_positive"),
        ]

    def __str__(self):
        return self.title


class MeasureCompetency(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="ranges")
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="measure_ranges",
        verbose_name=_("competency"),
    )
    from_level = models.PositiveSmallIntegerField(_("from level"))
    to_level = models.PositiveSmallIntegerField(_("to level"))

    class Meta:
        verbose_name = _("competency developed")
        verbose_name_plural = _("competencies developed")
        constraints = [
            models.UniqueConstraint(fields=["measure", "competency"], name="measurecompetency_unique"),
            models.CheckConstraint(
                condition=Q(from_level__lt=F("to_level"), to_level__lte=MAX_SCALE_LEVEL),
                name="measurecompetency_range",
            ),
        ]

    def __str__(self):
        return f"{self.competency} {self.from_level}→{self.to_level}"


class QualificationPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        GENERATED = "generated", _("Generated")
        MANUAL = "manual", _("Created by hand")
        # Generated, then changed by the lead or sent back by the employee: regenerating keeps it.
        REVISED = "revised", _("Generated, then revised")

    # The groups of statuses the rules speak of, each defined here once.
    # Agreed by the person and not finished: its items count in forecasts and can make progress.
    AGREED_STATUSES = (Status.AGREED, Status.IN_PROGRESS)
    # Finished either way: its items are no longer open.
    CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)
    # Not (or no longer) put to the person: a draft the lead has not proposed, or one withdrawn.
    NOT_SHOWN_STATUSES = (Status.DRAFT, Status.CANCELLED)
    # Not closed: its open items are still expected to be reached (the "after" coverage counts them).
    LIVE_STATUSES = (Status.DRAFT, Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS)
    # Agreed at some time, finished or not: the work the person took on.
    TAKEN_ON_STATUSES = (Status.AGREED, Status.IN_PROGRESS, Status.COMPLETED)

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="plans", verbose_name=_("employee")
    )
    period = models.CharField(_("period"), max_length=7, validators=[period_validator])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(_("created via"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    employee_comment = models.TextField(_("employee comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("qualification plan")
        verbose_name_plural = _("qualification plans")
        ordering = ["-period", "employee_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "period"],
                condition=~Q(status="cancelled"),
                name="plan_one_open_per_period",
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.period}"


class PlanItem(models.Model):
    class Reason(models.TextChoices):
        TEAM_SHORTFALL = "team_shortfall", _("Team shortfall")
        ROLE_PROFILE = "role_profile", _("Role profile")
        INTEREST = "interest", _("Personal interest")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    # Not yet done or dropped.
    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    plan = models.ForeignKey(QualificationPlan, on_delete=models.CASCADE, related_name="items")
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="plan_items",
        verbose_name=_("competency"),
    )
    current_level = models.PositiveSmallIntegerField(_("current level"))
    target_level = models.PositiveSmallIntegerField(_("target level"))
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("measure"),
    )
    mentor = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_items",
        verbose_name=_("mentor"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("team whose shortfall it closes"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), default=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    cost = models.DecimalField(_("cost (EUR)"), max_digits=10, decimal_places=2, default=0)
    needs_approval = models.BooleanField(_("needs budget approval"), default=False)
    incentive = models.CharField(_("incentive"), max_length=200, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "competency"], name="planitem_unique_competency"),
            models.CheckConstraint(
                condition=Q(target_level__gt=F("current_level"), target_level__lte=MAX_SCALE_LEVEL),
                name="planitem_target_above_current",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="planitem_progress_range"
            ),
        ]

    def __str__(self):
        return f"{self.competency} {self.current_level}→{self.target_level}"


class PlanComment(models.Model):
    """The conversation about a plan: comments, and the steps of proposal, agreement and change requests."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        CHANGE_REQUEST = "change_request", _("Change requested")

    plan = models.ForeignKey(QualificationPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.plan}"
