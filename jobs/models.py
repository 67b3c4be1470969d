"""The Job record of background work: what was asked (kind, parameters), by whom, and how far it got."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import registry


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # The kinds are registered by the apps that handle them (``registry.job_kind_register``).
    kind = models.CharField(_("kind"), max_length=30)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("owner"),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The lease of the delivery running the job: only the holder of ``lease_token`` writes its progress
    # and outcome, and renews ``lease_expires_at`` while it works; once that has passed, the sweep hands
    # the job to another worker. ``worker`` names the holder (Celery node name and process id).
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    # Kind, parameters and requester hashed: an identical request while this job is queued or running
    # gets this job (``services.job_create``). Empty for the parts of a split job.
    request_key = models.CharField(_("request key"), max_length=64, blank=True)
    # The requester's language: progress and outcome messages are written in it (empty: the site's).
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="job_progress_range"
            ),
            models.UniqueConstraint(
                fields=["request_key"],
                condition=Q(status__in=["queued", "running"]) & ~Q(request_key=""),
                name="job_one_unfinished_per_request",
            ),
        ]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="job_status_lease_idx")]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk} ({self.status})"

    @property
    def kind_label(self) -> str:
        """The registered label of the job's kind (the kind itself when no app registered it)."""
        return registry.kind_label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.CANCELLED)
