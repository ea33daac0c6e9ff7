"""The versioned requirement catalogue of the SCS scheme.

An *edition* (e.g. the final edition of 2026-03-27) groups categories (大分類), subcategories
(中分類), items (要求事項, "4-1-3") and criteria (評価基準, "4-1-3-2"). A published edition is
immutable: a change to its content means a new edition (scheme.services enforces this with the
stored content hash). Texts exist in Japanese and English; `*_ja` is authoritative.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


def _localised(obj: object, field: str) -> str:
    """The English text when the active language is English and it exists, else Japanese."""
    if (get_language() or "ja").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return str(value)
    return str(getattr(obj, f"{field}_ja", ""))


class Level(models.Model):
    """A star level of the scheme (★3 Basic, ★4 Standard, ★5 still being designed)."""

    code = models.CharField(_("code"), max_length=16, unique=True)  # "star3"
    stars = models.PositiveSmallIntegerField(_("stars"), unique=True)  # 3
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    validity_months = models.PositiveSmallIntegerField(_("validity in months"), null=True)

    class Meta:
        ordering = ["stars"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return f"★{self.stars}"

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")


class Edition(BaseModel):
    """One published (or draft, or retired) version of the requirement catalogue."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    code = models.SlugField(_("code"), max_length=40, unique=True)  # "scs-2026-03"
    title_ja = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        help_text=_("SHA-256 of the canonical content; a published edition never changes."),
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    notice_ja = models.TextField(_("notice (Japanese)"), blank=True)
    notice_en = models.TextField(_("notice (English)"), blank=True)
    source = models.JSONField(_("source"), default=dict, blank=True)

    class Meta:
        ordering = ["-published_on", "code"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="scheme_edition_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("scheme:edition", kwargs={"edition": self.code})

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def notice(self) -> str:
        return _localised(self, "notice")


class Category(models.Model):
    """大分類: one of the seven groups that follow the NIST CSF 2.0 functions."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("number"), max_length=32)  # "4"
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    csf_function = models.CharField(_("NIST CSF 2.0 function"), max_length=4)  # "PR"
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="scheme_category_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Subcategory(models.Model):
    """中分類: a NIST CSF 2.0 category (e.g. PR.AA) inside a category."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="subcategories")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="subcategories")
    code = models.CharField(_("number"), max_length=32)  # "4-1"
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    csf_function = models.CharField(_("NIST CSF 2.0 function"), max_length=4)
    csf_category = models.CharField(
        _("NIST CSF 2.0 category"),
        max_length=8,
        blank=True,
        help_text=_("Our mapping (e.g. PR.AA); the source prints only the function."),
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("subcategory")
        verbose_name_plural = _("subcategories")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"], name="scheme_subcategory_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Item(models.Model):
    """要求事項: a requirement ("4-1-3") that applies at one or more levels.

    In the interim edition items are numbered per level (★3 No.1–25, ★4 No.1–44); their codes
    are "★3-01" … "★3-25" and "★4-01" … "★4-44" (the star keeps the two lists apart, the
    zero-padded number sorts and reads the same in Japanese and English; scheme.loader
    .interim_item_code). A ★4 item that repeats a ★3 item unchanged points to it through
    `identical_to`. Such items have no Criterion rows: the interim source only counts them, and
    `extra` keeps the interim facts (table rows, criteria counts, confidence, final_items and,
    for an item dissolved or changed in the final edition, final_note / final_note_ja).
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    subcategory = models.ForeignKey(Subcategory, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("number"), max_length=48)  # "4-1-3"
    levels = models.ManyToManyField(Level, verbose_name=_("levels"), related_name="items")
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    requirement_ja = models.TextField(_("requirement (Japanese)"), blank=True)
    requirement_en = models.TextField(_("requirement (English)"), blank=True)
    identical_to = models.ForeignKey(
        "self",
        verbose_name=_("identical to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identical_items",
    )
    extra = models.JSONField(_("edition-specific data"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="scheme_item_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_ja}"

    def get_absolute_url(self) -> str:
        return reverse("scheme:item", kwargs={"edition": self.edition.code, "item": self.code})

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def requirement(self) -> str:
        return _localised(self, "requirement")


class Criterion(models.Model):
    """評価基準: one criterion ("4-1-3-2") of an item, tagged with the level that introduces it.

    A ★3 applicant meets every ★3-tagged criterion; a ★4 applicant meets every criterion of
    every item (★3- and ★4-tagged).
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("number"), max_length=64)  # "4-1-3-2"
    level = models.ForeignKey(
        Level, verbose_name=_("level"), on_delete=models.PROTECT, related_name="criteria"
    )
    csf_function = models.CharField(_("NIST CSF 2.0 function"), max_length=4)
    statement_ja = models.TextField(_("statement (Japanese)"))
    statement_en = models.TextField(_("statement (English)"), blank=True)
    details_ja = models.JSONField(_("details (Japanese)"), default=list, blank=True)
    details_en = models.JSONField(_("details (English)"), default=list, blank=True)
    guidance_ja = models.TextField(_("guidance (Japanese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    refs = models.JSONField(_("references"), default=list, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    source_row = models.PositiveIntegerField(_("row in the official sheet"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"], name="scheme_criterion_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def statement(self) -> str:
        return _localised(self, "statement")

    @property
    def details(self) -> list[str]:
        if (get_language() or "ja").startswith("en") and self.details_en:
            return list(self.details_en)
        return list(self.details_ja)

    @property
    def guidance(self) -> str:
        return _localised(self, "guidance")


class ItemCorrespondence(models.Model):
    """How an item of an older edition maps to items of a newer one (e.g. interim → final)."""

    class Confidence(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    from_item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="mapped_to")
    to_item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="mapped_from")
    confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence)
    note_ja = models.TextField(_("note (Japanese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    class Meta:
        verbose_name = _("item correspondence")
        verbose_name_plural = _("item correspondences")
        constraints = [
            models.UniqueConstraint(
                fields=["from_item", "to_item"], name="scheme_correspondence_unique"
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=["high", "medium", "low"]),
                name="scheme_correspondence_confidence_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_item.code} → {self.to_item.code}"

    @property
    def note(self) -> str:
        return _localised(self, "note")
