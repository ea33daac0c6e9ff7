"""Presentation helpers of the catalogue pages: facts from criterion parameters, references
rendered as links, and search-term highlighting."""

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from scheme.models import Edition
from scheme.selectors import RefTarget, normalise_text

register = template.Library()


# The order in which the figures of a criterion read best (the stored order is alphabetical).
FACT_ORDER = [
    "frequency",
    "also",
    "min_factor_types",
    "min_password_length",
    "min_pin_or_password_length",
    "min_password_length_with_mfa_or_lockout",
    "lockout_failed_attempts",
    "min_password_length_otherwise",
    "required_character_classes_otherwise",
    "retention_months",
    "patch_deadline_days",
    "vendor_severity",
    "cvss_base_min",
]


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def _separator() -> str:
    return pgettext("separator between the entries of a list", ", ")


def _character_classes(values: Iterable[Any]) -> str:
    names = {
        "uppercase": _("upper-case letters"),
        "lowercase": _("lower-case letters"),
        "digit": _("digits"),
        "symbol": _("symbols"),
    }
    return _separator().join(names.get(str(v), str(v)) for v in values)


def _fact(key: str, value: Any) -> str:
    """One parameter of a criterion as a short sentence."""
    if key == "frequency":
        if value == "yearly":
            return _("At least once a year")
        if value == "monthly":
            return _("At least once a month")
    if key == "also" and isinstance(value, list):
        occasions = {
            "on_joining": _("on joining"),
            "after_serious_incident": _("after a serious incident"),
        }
        return _("Also %(occasions)s") % {
            "occasions": _separator().join(occasions.get(str(v), str(v)) for v in value)
        }
    n = _number(value)
    if key == "patch_deadline_days" and isinstance(value, int):
        return ngettext(
            "Applied within %(n)s day of release", "Applied within %(n)s days of release", value
        ) % {"n": n}
    if key == "cvss_base_min":
        return _("CVSS base score %(n)s or higher") % {"n": n}
    if key == "vendor_severity" and isinstance(value, list):
        return _("Vendor severity: %(levels)s") % {"levels": _separator().join(map(str, value))}
    if key == "retention_months" and isinstance(value, int):
        return ngettext(
            "Kept for at least %(n)s month", "Kept for at least %(n)s months", value
        ) % {"n": n}
    if key == "min_factor_types":
        return _("At least %(n)s kinds of authentication factor") % {"n": n}
    if key == "min_password_length":
        return _("Passwords of at least %(n)s characters") % {"n": n}
    if key == "min_pin_or_password_length":
        return _("Passwords or PINs of at least %(n)s characters") % {"n": n}
    if key == "min_password_length_with_mfa_or_lockout":
        return _(
            "With multi-factor authentication or a lock-out: passwords of at least %(n)s characters"
        ) % {"n": n}
    if key == "min_password_length_otherwise":
        return _("Otherwise: passwords of at least %(n)s characters") % {"n": n}
    if key == "required_character_classes_otherwise" and isinstance(value, list):
        return _("Otherwise: passwords containing %(classes)s") % {
            "classes": _character_classes(value)
        }
    if key == "lockout_failed_attempts":
        return _("Locked after %(n)s failed attempts") % {"n": n}
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return f"{key}: {value}"


@register.filter
def criterion_facts(params: Any) -> list[str]:
    """The exact numbers of a criterion (its `params`) as short sentences, in a stable order."""
    if not isinstance(params, Mapping):
        return []
    keys = sorted(params, key=lambda k: (FACT_ORDER.index(k) if k in FACT_ORDER else 99, str(k)))
    return [_fact(str(key), params[key]) for key in keys]


def criterion_anchor(code: str) -> str:
    """The fragment id of a criterion on its item page."""
    return f"c-{code}"


@register.filter
def anchor(code: str) -> str:
    """`{{ criterion.code|anchor }}` → "c-4-1-3-2"."""
    return criterion_anchor(code)


@register.simple_tag
def ref_link(edition: Edition, refs: Mapping[str, RefTarget], code: str) -> SafeString:
    """A cited ID as a link to the cited item or criterion (plain text when not in the edition)."""
    target = refs.get(code)
    if target is None:
        return format_html("{}", code)
    url = reverse("scheme:item", kwargs={"edition": edition.code, "item": target.item_code})
    if target.is_criterion:
        url = f"{url}#{criterion_anchor(target.code)}"
    return format_html('<a href="{}">{}</a>', url, code)


def _normalised_with_positions(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the source character."""
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        normalised = normalise_text(unicodedata.normalize("NFKC", char))
        chars.append(normalised)
        positions.extend([index] * len(normalised))
    return "".join(chars), positions


@register.filter
def highlight(text: Any, terms: Iterable[str] | None) -> SafeString:
    """Escape `text` and wrap every occurrence of the (normalised) search terms in <mark>."""
    source = str(text or "")
    wanted = [t for t in (terms or []) if t]
    if not wanted:
        return mark_safe(escape(source))  # noqa: S308 (escaped just now)
    normalised, positions = _normalised_with_positions(source)
    marked = [False] * len(source)
    for term in wanted:
        start = normalised.find(term)
        while start != -1:
            for pos in positions[start : start + len(term)]:
                marked[pos] = True
            start = normalised.find(term, start + len(term))
    parts: list[str] = []
    inside = False
    for char, is_marked in zip(source, marked, strict=True):
        if is_marked and not inside:
            parts.append("<mark>")
        elif inside and not is_marked:
            parts.append("</mark>")
        inside = is_marked
        parts.append(escape(char))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 (every character was escaped above)
