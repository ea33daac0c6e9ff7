"""Template tags of the design system (`{% load ui %}`).

Small helpers that keep markup consistent across the apps' templates: star-level badges with
accessible text, status badges, navigation state, `<time>` elements with the locale's date format,
and `{% capture %}` for optional wrappers such as breadcrumbs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

register = template.Library()

BADGE_TONES = frozenset({"success", "warning", "error", "neutral", "info"})
STAR_LEVELS = frozenset({3, 4, 5})


def _star_name(level: int) -> str:
    """The scheme's name of a level (★3 Basic, ★4 Standard); ★5 has none yet."""
    names = {3: pgettext("star level", "Basic"), 4: pgettext("star level", "Standard")}
    return names.get(level, "")


def _parse_star_level(level: object) -> int:
    text = str(level).strip().lstrip("★").lower().removeprefix("star")
    try:
        number = int(text)
    except ValueError:
        raise template.TemplateSyntaxError(f"star_badge: not a star level: {level!r}") from None
    if number not in STAR_LEVELS:
        raise template.TemplateSyntaxError(f"star_badge: star level must be 3, 4 or 5: {level!r}")
    return number


@register.simple_tag
def star_badge(level: object, *, show_name: bool = False, large: bool = False) -> SafeString:
    """A ★ badge ("★3", optionally "★3 Basic") whose accessible text is a full phrase.

    Screen readers pronounce "★3" poorly in Japanese ("黒星3"), so the glyphs are hidden from
    them and a translated phrase such as 「★3（Basic）」→「星3つ（Basic）」 is read instead.
    """
    number = _parse_star_level(level)
    star_name = _star_name(number)
    if star_name:
        spoken = gettext("Star %(level)s (%(name)s)") % {"level": number, "name": star_name}
    else:
        spoken = gettext("Star %(level)s") % {"level": number}
    name = (
        format_html(' <span class="badge__name">{}</span>', star_name)
        if show_name and star_name
        else ""
    )
    return format_html(
        '<span class="badge badge--star{}{}">'
        '<span class="badge__star" aria-hidden="true">★{}{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        number,
        " badge--large" if large else "",
        number,
        name,
        spoken,
    )


@register.simple_tag
def badge(text: object, tone: str = "neutral") -> SafeString:
    """A status badge: `{% badge _("Active") "success" %}`. Tones: success, warning, error,
    neutral, info. The text itself carries the meaning; colour only repeats it."""
    if tone not in BADGE_TONES:
        raise template.TemplateSyntaxError(f"badge: unknown tone {tone!r}")
    return format_html('<span class="badge badge--{}">{}</span>', tone, text)


@register.simple_tag(takes_context=True)
def nav_current(context: Context, path: str, *, exact: bool = False) -> SafeString:
    """` aria-current="page"` when the request is on `path` (or below it, unless `exact`)."""
    request = context.get("request")
    current = getattr(request, "path", None)
    if current is None:
        return mark_safe("")
    matches = current == path if exact else current == path or current.startswith(path)
    return mark_safe(' aria-current="page"' if matches else "")  # noqa: S308 - constant markup


@register.simple_tag
def time_tag(value: dt.date | dt.datetime | None, format_name: str = "DATE_FORMAT") -> SafeString:
    """`<time datetime="2026-11-25">2026年11月25日</time>` in the active language's format.

    Datetimes are shown in the current time zone (Asia/Tokyo by default). `format_name` is one of
    the format module's names (DATE_FORMAT, SHORT_DATE_FORMAT, DATETIME_FORMAT, ...).
    """
    if value is None:
        return mark_safe("")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        machine = value.isoformat(timespec="minutes")
    else:
        machine = value.isoformat()
    return format_html(
        '<time datetime="{}">{}</time>', machine, formats.date_format(value, format_name)
    )


class CaptureNode(template.Node):
    """Renders its contents into a context variable instead of the page."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: Context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308 - rendered template output
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """`{% capture as name %}…{% endcapture %}`: render once, then test or place `{{ name }}`.

    Used by base.html so the breadcrumbs <nav> appears only when a page fills the block.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.inclusion_tag("includes/form_field.html")
def form_field(field: Any, *, label_hidden: bool = False) -> dict[str, Any]:
    """Render one bound form field the design-system way (label, required marker, help, errors)."""
    return {"field": field, "label_hidden": label_hidden}


@register.simple_tag
def elided_page_range(page_obj: Any, on_each_side: int = 2, on_ends: int = 1) -> list[int | str]:
    """Page numbers around the current page, with "…" gaps (Paginator.get_elided_page_range)."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )
