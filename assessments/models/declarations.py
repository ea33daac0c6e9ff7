"""The management declaration of self-conformity (経営層による自己適合宣誓)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

from .applications import Application
from .reviews import Approval


def declaration_pdf_path(instance: "Declaration", filename: str) -> str:
    """A deterministic name, so that re-rendering replaces the same file."""
    return f"declarations/{instance.application_id}/declaration-{instance.pk}.pdf"


class Declaration(BaseModel):
    """An executive's signed declaration that the organisation meets the ★ level's criteria as
    self-assessed and approved by the advisor.

    The texts are stored exactly as signed (Japanese and English). The signer re-entered their
    credentials just before signing (`reauthenticated_at`). The PDF is rendered after the
    transaction commits; its SHA-256 is recorded so that a copy can be checked against it.
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="declarations",
    )
    approval = models.ForeignKey(
        Approval, verbose_name=_("approval"), on_delete=models.PROTECT, related_name="declarations"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("name of the signer"), max_length=150)
    signer_title = models.CharField(_("title of the signer"), max_length=150)
    signed_on = models.DateField(_("date of the declaration"))
    text_ja = models.TextField(_("declaration (Japanese)"))
    text_en = models.TextField(_("declaration (English)"))
    reauthenticated_at = models.DateTimeField(_("credentials confirmed at"))
    pdf = models.FileField(_("PDF"), upload_to=declaration_pdf_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.CheckConstraint(
                condition=Q(pdf_sha256="") | Q(pdf_sha256__regex=r"^[0-9a-f]{64}$"),
                name="assessments_declaration_pdf_sha256_hex",
            ),
            models.CheckConstraint(
                condition=~Q(signer_name="") & ~Q(signer_title=""),
                name="assessments_declaration_signer_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.signer_name} {self.signed_on}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:declaration-pdf", kwargs={"pk": self.application_id})
