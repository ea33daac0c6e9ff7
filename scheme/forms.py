"""Forms of the public catalogue pages (both are GET forms: they filter, they change nothing)."""

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category
from .selectors import MAX_QUERY_LENGTH


class CatalogueSearchForm(forms.Form):
    """The search box of an edition."""

    q = forms.CharField(
        label=_("Search words or ID"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Japanese or English words, or an ID such as 4-1-3. Full-width characters are fine."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CategoryFilterForm(forms.Form):
    """Narrows the browse-by-level page to one category of the edition."""

    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, categories: list[Category]
    ) -> None:
        super().__init__(data)
        self.categories = {category.code: category for category in categories}
        field = cast(forms.ChoiceField, self.fields["category"])
        field.choices = [("", _("All categories"))] + [
            (c.code, f"{c.code} {c.name}") for c in categories
        ]

    def selected(self) -> Category | None:
        """The chosen category, or None for all (or when the input is invalid)."""
        if not self.is_valid():
            return None
        return self.categories.get(self.cleaned_data["category"])
