"""An organisation's application for a ★ level, its answers and its evidence files."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.models import BaseModel
from scheme.models import Criterion, Edition, Level


class Application(BaseModel):
    """An organisation's application to obtain a ★ level (★3 for now), from the first draft of
    its self-assessment to registration.

    The catalogue edition is pinned when the application starts and never changes. The scope
    (which legal entities, sites and IT are covered) is published with the registration. The
    status only changes through the services in assessments.services, following
    assessments.workflows.APPLICATION_TRANSITIONS.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review by the advisor")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved by the advisor")
        DECLARED = "declared", _("Declared by management")
        SUBMITTED = "submitted", _("Submitted to the registration body")
        REGISTERED = "registered", _("Registered")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    level = models.ForeignKey(
        Level, verbose_name=_("level"), on_delete=models.PROTECT, related_name="applications"
    )
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("catalogue edition"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    covered_entities = models.ManyToManyField(
        Organisation,
        verbose_name=_("legal entities covered"),
        related_name="covered_by_applications",
        help_text=_("The applicant itself and any subsidiaries included in the scope."),
    )
    sites = models.JSONField(_("sites"), default=list, blank=True)
    infrastructure = models.TextField(
        _("internet-connected IT infrastructure in scope"), max_length=5000
    )
    cloud_services = models.TextField(
        _("cloud and managed services used"), max_length=5000, blank=True
    )
    all_it_outsourced = models.BooleanField(_("all IT is outsourced"), default=False)
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    effort_hours = models.DecimalField(
        _("hours spent"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_requested_at = models.DateTimeField(_("last sent for review at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("last returned at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "in_review",
                        "returned",
                        "approved",
                        "declared",
                        "submitted",
                        "registered",
                        "rejected",
                        "withdrawn",
                    ]
                ),
                name="assessments_application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(effort_hours__isnull=True) | Q(effort_hours__gte=0),
                name="assessments_application_effort_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(renewal_of=models.F("pk")),
                name="assessments_application_not_own_renewal",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """The number people quote in e-mail and on the phone, e.g. "A-000042"."""
        return f"A-{self.pk:06d}" if self.pk else "A-new"

    @property
    def is_editable(self) -> bool:
        """The applicant may change the scope, answers and evidence (draft or returned)."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.REGISTERED, self.Status.REJECTED, self.Status.WITHDRAWN)


class Answer(BaseModel):
    """The applicant's answer to one criterion of the pinned edition: whether and how it is met.

    One row per criterion exists from the start (an empty status means "not answered yet").
    `version` grows by one with every saved change; a save names the version it started from,
    so that two members editing the same criterion never overwrite each other silently.
    """

    class Status(models.TextChoices):
        IMPLEMENTED = "implemented", _("Implemented")
        PARTLY = "partly", _("Partly implemented")
        NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, blank=True)
    description = models.TextField(_("how it is met"), max_length=10000, blank=True)
    na_justification = models.TextField(_("why it does not apply"), max_length=5000, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A renewal pre-fills the answers of last year's application: each such answer must be
    # confirmed as still true (or changed, which confirms it too) before the review.
    carried_over = models.BooleanField(_("carried over from last year"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed still true at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["application", "criterion__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="assessments_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["", "implemented", "partly", "not_implemented", "not_applicable"]
                ),
                name="assessments_answer_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.criterion.code}"

    @property
    def is_answered(self) -> bool:
        return bool(self.status)

    @property
    def needs_justification(self) -> bool:
        """ "Not applicable" was chosen but no reason was given."""
        return self.status == self.Status.NOT_APPLICABLE and not self.na_justification.strip()

    @property
    def is_complete(self) -> bool:
        return self.is_answered and not self.needs_justification

    @property
    def needs_confirmation(self) -> bool:
        """Carried over from last year and not yet confirmed (or changed) this year."""
        return self.carried_over and self.confirmed_at is None


def evidence_upload_path(instance: "EvidenceFile", filename: str) -> str:
    """A server-generated storage name: nothing of the uploaded file name reaches the disk."""
    return f"evidence/{instance.application_id}/{uuid.uuid4().hex}"


class EvidenceFile(BaseModel):
    """A document that shows how criteria are met (a policy, a screenshot, a log export).

    The file is stored through Django's storage API under a generated name and is served only
    through a permission-checked view. Its type was detected from its content; the SHA-256 lets
    anyone check later that the file is the one that was reviewed. One file may support several
    criteria.
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="evidence_files",
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answers = models.ManyToManyField(
        Answer, verbose_name=_("supports"), related_name="evidence_files", blank=True
    )
    # A renewal carries last year's files over: a new row pointing at the same stored file
    # (same storage name and SHA-256). Dated evidence may have gone stale, so each carried-over
    # file must be re-confirmed as still current (or removed) before the review.
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_over_to",
    )
    reconfirmed_at = models.DateTimeField(_("re-confirmed as current at"), null=True, blank=True)
    reconfirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["application", "original_name", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="assessments_evidence_sha256_hex",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="assessments_evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "assessments:evidence-download",
            kwargs={"pk": self.application_id, "evidence": self.pk},
        )

    @property
    def needs_reconfirmation(self) -> bool:
        """Carried over from last year and not yet re-confirmed as current."""
        return self.carried_over_from_id is not None and self.reconfirmed_at is None

    def as_snapshot(self) -> dict[str, Any]:
        """What a review round remembers of this file (it may be deleted later)."""
        return {"id": self.pk, "name": self.original_name, "sha256": self.sha256}
